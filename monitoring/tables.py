import django_tables2 as tables
from django.utils.html import format_html

from .models import EliminationStatus, Household, MonitoringCategory, ReviewStatus

NUMERIC = {"th": {"class": "text-end"}, "td": {"class": "text-end"}}


def monitoring_state(record_status, elimination_status) -> str:
    """One phrase for a household's latest identification: where it stands in the workflow."""
    if not record_status:
        return ""
    if record_status != ReviewStatus.APPROVED:
        return ReviewStatus(record_status).label
    if elimination_status in (None, "", EliminationStatus.NONE):
        return "风险未消除"
    return EliminationStatus(elimination_status).label


class HouseholdTable(tables.Table):
    code = tables.Column(verbose_name="户编号", linkify=("monitoring:household_detail", {"code": tables.A("code")}))
    head_name = tables.Column(verbose_name="户主")
    village = tables.Column(verbose_name="行政村", order_by=("village_id", "code"), empty_values=())
    household_type = tables.Column(verbose_name="户类型", accessor="household_type_display", orderable=False)
    size = tables.Column(verbose_name="人口", attrs=NUMERIC)
    record_category = tables.Column(verbose_name="监测类别")
    record_month = tables.DateColumn(verbose_name="识别年月", format="Y-m")
    state = tables.Column(verbose_name="监测状态", empty_values=(), orderable=False)
    latest_per_capita = tables.Column(verbose_name="人均纯收入(元)", attrs=NUMERIC)
    is_relocated = tables.BooleanColumn(verbose_name="搬迁户", yesno="是,")

    class Meta:
        model = Household
        fields = ["code", "head_name", "village", "household_type", "size", "record_category", "record_month",
                  "state", "latest_per_capita", "is_relocated"]
        attrs = {"class": "table table-sm table-hover align-middle", "data-testid": "household-table"}
        order_by = ["village", "code"]  # village code, then 户编号: the (village, code) index

    def render_village(self, record):
        return format_html('{}<span class="text-muted small"> · {}</span>', record.village.name,
                           record.village.township.name)

    def render_record_category(self, value):
        return MonitoringCategory(value).label

    def render_state(self, record):
        return monitoring_state(record.record_status, record.record_elimination_status)

    def render_latest_per_capita(self, value):
        return f"{value:,.0f}"
