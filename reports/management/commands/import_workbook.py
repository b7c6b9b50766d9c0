from django.core.management.base import BaseCommand, CommandError

from ...imports import IMPORTERS, importer_for_sheets, run_import
from ...reading import Workbook, WorkbookRefused
from .export_report import command_user


class Command(BaseCommand):
    help = "导入 Excel（住户信息 / 问题整改台账 / 驻村工作队 / 部门预警）：全部校验通过才写入，否则列出每个错误"

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--user", help="以该用户的身份和管辖范围导入（默认市级管理员）")
        parser.add_argument("--kind", choices=sorted(IMPORTERS), help="导入内容（默认按工作表名识别）")
        parser.add_argument("--dry-run", action="store_true", help="只校验和预览，不写入")

    def handle(self, *args, file, user, kind, dry_run, **options):
        user = command_user(user)
        if kind:
            importer = IMPORTERS[kind]
        else:
            try:
                with Workbook(file) as book:
                    importer = importer_for_sheets(book.sheetnames)
            except WorkbookRefused as exc:
                raise CommandError(str(exc)) from None
            except FileNotFoundError:
                raise CommandError(f"文件不存在：{file}") from None
            if importer is None:
                raise CommandError("无法识别文件内容：缺少「户信息」「问题」「工作队」或「部门预警」工作表（可用 --kind 指定）")
        result = run_import(importer, file, user, commit=not dry_run)
        if result.errors:
            for error in result.errors:
                self.stderr.write(str(error))
            raise CommandError(f"文件有 {result.error_count} 处问题，未写入任何数据")
        for label, c in result.counts.items():
            self.stdout.write(f"{label}：新增 {c['created']}，修改 {c['changed']}，不变 {c['unchanged']}")
        if dry_run:
            self.stdout.write("校验通过（--dry-run，未写入）")
        elif result.written:
            self.stdout.write("已导入")
        else:
            self.stdout.write("数据与系统一致，无需写入")
