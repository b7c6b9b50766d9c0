from django.core.management.base import BaseCommand, CommandError

from accounts.scoping import in_area
from monitoring.models import Household
from villages.models import CITY_CODE
from monitoring.quality import CHECKS_BY_KEY, check_households, quality_summary
from villages.selectors import area_get


class Command(BaseCommand):
    help = "数据质量检查：逐项列出问题户数（按区域），可列出某一项的问题户"

    def add_arguments(self, parser):
        parser.add_argument("--area", default=CITY_CODE, help="区域代码（市、区县、乡镇或行政村），默认全市")
        parser.add_argument("--list", dest="key", choices=sorted(CHECKS_BY_KEY), help="列出该检查项的问题户编号")

    def handle(self, *args, area, key, **options):
        found = area_get(code=area)
        if found is None:
            raise CommandError(f"区域代码不存在：{area}")
        area = found.code  # 1408 and 140800 are both the city
        households = in_area(Household.objects.all(), "village__code", area)
        if key:
            for code, name in check_households(key=key, households=households).values_list("code", "head_name"):
                self.stdout.write(f"{code}\t{name}")
            return
        if len(area) not in (6, 9, 12):
            raise CommandError("区域代码须为 6、9 或 12 位")
        group_len = 6 if area == CITY_CODE else min(len(area) + 3, 12)
        for row in quality_summary(households=households, group_len=group_len):
            areas = "，".join(f"{name} {n}" for _, name, n in row["areas"])
            self.stdout.write(f"{row['check'].label}：{row['total']}" + (f"（{areas}）" if areas else ""))
