from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from yuncheng.backup import backup_restore


class Command(BaseCommand):
    help = "把 backup 命令写出的备份恢复到配置的（空）数据库与 MEDIA_ROOT，并逐表逐文件核对"

    def add_arguments(self, parser):
        parser.add_argument("source", type=Path, help="备份目录")

    def handle(self, *args, source, **options):
        connections.close_all()
        problems = backup_restore(source=source, db=connections["default"].settings_dict,
                                  media_root=Path(settings.MEDIA_ROOT))
        if problems:
            raise CommandError("恢复后核对不一致：\n" + "\n".join(problems))
        self.stdout.write(f"已从 {source} 恢复，所有表的行数与所有文件的校验和均与备份一致")
