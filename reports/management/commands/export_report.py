from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from accounts.management.options import command_area
from accounts.roles import Role

from ...exports import REPORTS, report_context, report_write


def command_user(username: str | None):
    """The named user, or the first active city administrator."""
    User = get_user_model()
    if username:
        try:
            return User.objects.select_related("profile").get(username=username)
        except User.DoesNotExist:
            raise CommandError(f"用户不存在：{username}") from None
    user = (User.objects.select_related("profile")
            .filter(is_active=True, profile__role=Role.CITY_ADMIN).order_by("id").first())
    if user is None:
        raise CommandError("没有可用的市级管理员账号，请用 --user 指定用户")
    return user


class Command(BaseCommand):
    help = "导出省级审核报表（Excel）：export_report 报表名 --area 代码 --year 年 --quarter 季度 -o 文件"

    def add_arguments(self, parser):
        names = "、".join(f"{k}（{r.title}）" for k, r in REPORTS.items())
        parser.add_argument("name", help=f"报表：{names}")
        parser.add_argument("--area", help="区域代码（默认为该用户的区域）")
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--quarter", type=int, required=True, choices=[1, 2, 3, 4])
        parser.add_argument("-o", "--output", help="输出文件（默认按报表命名）")
        parser.add_argument("--user", help="以该用户的权限导出（默认市级管理员）")

    def handle(self, *args, name, area, year, quarter, output, user, **options):
        report = REPORTS.get(name) or next((r for r in REPORTS.values() if r.title == name), None)
        if report is None:
            raise CommandError(f"没有这个报表：{name}（可选：{'、'.join(REPORTS)}）")
        account = command_user(user)
        found = command_area(account, area)
        ctx = report_context(user=account, area=found, year=year, quarter=quarter)
        output = output or report.filename(ctx)
        rows = report_write(report, ctx, output)
        self.stdout.write(f"已导出 {output}（{rows} 行）")
