from django.core.management.base import BaseCommand, CommandError

from accounts.management.options import command_account, command_area
from accounts.scoping import in_area, scope, user_covers_area
from monitoring.models import Household
from monitoring.quality import CHECKS_BY_KEY, check_households, quality_group_len, quality_summary


class Command(BaseCommand):
    help = "数据质量检查：逐项列出问题户数（按区域），可列出某一项的问题户"

    def add_arguments(self, parser):
        parser.add_argument("--area", help="区域代码（市、区县、乡镇或行政村），默认为该用户的区域")
        parser.add_argument("--user", help="以该用户的权限检查（默认第一个市级管理员）")
        parser.add_argument("--list", dest="key", choices=sorted(CHECKS_BY_KEY), help="列出该检查项的问题户编号")

    def handle(self, *args, area, user, key, **options):
        account = command_account(user)
        found = command_area(account, area)
        if not user_covers_area(account, found.code):
            raise CommandError(f"用户 {account.username} 无权查看该区域：{found.name}")
        area = found.code  # 1408 and 140800 are both the city
        households = in_area(scope(Household.objects.all(), account), "village__code", area)
        if key:
            for code, name in check_households(key=key, households=households).values_list("code", "head_name"):
                self.stdout.write(f"{code}\t{name}")
            return
        if len(area) not in (6, 9, 12):
            raise CommandError("区域代码须为 6、9 或 12 位")
        for row in quality_summary(households=households, group_len=quality_group_len(area)):
            areas = "，".join(f"{name} {n}" for _, name, n in row["areas"])
            self.stdout.write(f"{row['check'].label}：{row['total']}" + (f"（{areas}）" if areas else ""))
