import django_tables2 as tables
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from .models import ScreeningWarning, WarningStatus

TABLE_ATTRS = {"class": "table table-sm table-hover align-middle"}
STATUS_BADGES = {
    WarningStatus.PENDING: "bg-warning text-dark",
    WarningStatus.DISMISSED: "bg-secondary",
    WarningStatus.IDENTIFIED: "bg-primary",
}


class WarningTable(tables.Table):
    household = tables.Column(verbose_name="户编号", order_by=("household__code",),
                              linkify=("screening:warning_detail", {"pk": tables.A("pk")}))
    head_name = tables.Column(verbose_name="户主", accessor="household__head_name")
    village = tables.Column(verbose_name="行政村", accessor="household__village", order_by=("household__village_id",))
    person = tables.Column(verbose_name="预警人员", accessor="event__name", orderable=False)
    event_type = tables.Column(verbose_name="事件类型")
    event_date = tables.DateColumn(verbose_name="事件日期", format="Y-m-d")
    departments = tables.Column(verbose_name="推送部门", accessor="event__departments", orderable=False)
    rule = tables.Column(verbose_name="触发规则", orderable=False)
    raised_on = tables.DateColumn(verbose_name="预警日期", format="Y-m-d")
    status = tables.Column(verbose_name="核实状态")
    is_overdue = tables.Column(verbose_name="逾期")

    class Meta:
        model = ScreeningWarning
        fields = ["household", "head_name", "village", "person", "event_type", "event_date", "departments", "rule",
                  "raised_on", "status", "is_overdue"]
        attrs = {**TABLE_ATTRS, "data-testid": "warning-table"}
        row_attrs = {"data-warning": lambda record: record.pk}
        order_by = ["raised_on"]

    def render_household(self, record):
        return record.household.code

    def render_village(self, record):
        village = record.household.village
        return format_html('{}<span class="text-muted small"> · {}</span>', village.name, village.township.name)

    def render_status(self, record):
        return format_html('<span class="badge {}">{}</span>', STATUS_BADGES.get(record.status, ""),
                           record.get_status_display())

    def render_is_overdue(self, value):
        return mark_safe('<span class="badge bg-danger">逾期</span>') if value else ""
