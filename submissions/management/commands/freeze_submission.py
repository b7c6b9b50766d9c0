"""``python manage.py freeze_submission --year Y --quarter Q [--area CODE] [--user NAME] [--confirm]``"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.management.options import command_account, command_area
from dashboard.catalogue import METRICS

from ...services import SubmissionIncomplete, submission_freeze


class Command(BaseCommand):
    help = "冻结一个季度的报送：全部指标、明细记录和报表按当前数据保存，之后不再改变"

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--quarter", type=int, required=True)
        parser.add_argument("--area", help="区域代码（默认为该用户的区域）")
        parser.add_argument("--user", help="以该用户的身份冻结（默认第一个市级管理员）")
        parser.add_argument("--confirm", action="store_true", help="有区域录入未完成时仍然冻结")

    def handle(self, *args, year, quarter, area, user, confirm, **options):
        account = command_account(user)
        place = command_area(account, area)
        try:
            submission = submission_freeze(user=account, area=place, year=year, quarter=quarter,
                                           confirm_incomplete=confirm)
        except SubmissionIncomplete as error:
            lines = [f"  {a['name']}（{a['code']}）：" + "，".join(f"{METRICS[k].label} {n}" for k, n in a["missing"].items())
                     for a in error.incomplete]
            raise CommandError("\n".join([f"{error}（加 --confirm 仍然冻结）：", *lines])) from None
        except (PermissionDenied, ValidationError) as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"已冻结：{submission}（编号 {submission.pk}，{submission.figures.count()} 个区域，"
                          f"{submission.reports.count()} 张报表）")
