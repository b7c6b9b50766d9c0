from django.core.management.base import BaseCommand, CommandError

from dashboard.periods import PeriodError, period_default, period_parse
from dashboard.village_summaries import refresh_summaries


class Command(BaseCommand):
    help = "重建看板的村级汇总（批量写入、导入之后运行；平时写入时自动失效、读取时自动重算）"

    def add_arguments(self, parser):
        parser.add_argument("--year", help="年度（默认：最近有收入记录的季度）")
        parser.add_argument("--quarter", help="季度 1–4")
        parser.add_argument("--years-back", type=int, default=2,
                            help="同时重建前几年同季度的汇总（同比、序时增长要用），默认 2")

    def handle(self, *args, year=None, quarter=None, years_back=2, **options):
        try:
            period = period_parse(year, quarter) if (year or quarter) else period_default()
        except PeriodError as error:
            raise CommandError(str(error)) from None
        periods = [period]
        for _ in range(years_back):
            periods.append(periods[-1].previous_year)
        built = refresh_summaries(periods=periods)
        self.stdout.write(f"已重建 {', '.join(p.label for p in periods)} 的村级汇总 {built} 条")
