"""Tables of provincial review: the list of submissions."""

import django_tables2 as tables

from .models import Submission


class SubmissionTable(tables.Table):
    area_name = tables.Column(verbose_name="报送区域", linkify=("submissions:detail", {"pk": tables.A("pk")}))
    period = tables.Column(verbose_name="期间", accessor="period_label", orderable=False)
    frozen_at = tables.DateTimeColumn(verbose_name="冻结时间", format="Y-m-d H:i")
    frozen_by = tables.Column(verbose_name="冻结人")
    confirmed_incomplete = tables.BooleanColumn(verbose_name="录入未完成时冻结", yesno="是,否")

    class Meta:
        model = Submission
        fields = ("area_name", "period", "frozen_at", "frozen_by", "confirmed_incomplete")
        attrs = {"class": "table table-sm table-hover align-middle", "data-testid": "submission-table"}
        orderable = False
