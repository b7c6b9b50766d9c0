from pathlib import Path

from django.core.management.base import BaseCommand

from yuncheng.backup import backup_create


class Command(BaseCommand):
    help = "备份数据库（PostgreSQL: pg_dump；SQLite: 在线备份接口）与 MEDIA_ROOT 到一个新目录"

    def add_arguments(self, parser):
        parser.add_argument("target", type=Path, help="备份目录（须不存在）")

    def handle(self, *args, target, **options):
        manifest = backup_create(target=target)
        rows = sum(manifest["tables"].values())
        self.stdout.write(f"已备份到 {target}：{len(manifest['tables'])} 张表 {rows:,} 行，{len(manifest['files'])} 个文件")
