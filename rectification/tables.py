import django_tables2 as tables
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from .models import HandOverItem, Issue, IssueStatus, SupervisionLetter

STATUS_BADGES = {
    IssueStatus.PENDING: "bg-secondary",
    IssueStatus.IN_PROGRESS: "bg-primary",
    IssueStatus.RECTIFIED: "bg-warning text-dark",
    IssueStatus.CLOSED: "bg-success",
}
TABLE_ATTRS = {"class": "table table-sm table-hover align-middle"}


class StatusColumn(tables.Column):
    def render(self, record, value):
        return format_html('<span class="badge {}">{}</span>', STATUS_BADGES.get(record.status, ""),
                           record.get_status_display())


class IssueTable(tables.Table):
    number = tables.Column(verbose_name="问题编号", linkify=("rectification:issue_detail", {"pk": tables.A("pk")}))
    source = tables.Column(verbose_name="问题来源")
    aspect = tables.Column(verbose_name="问题方面", order_by=("aspect__sort_order",))
    category = tables.Column(verbose_name="问题类别", order_by=("category__sort_order",))
    county = tables.Column(verbose_name="区县", order_by=("county_id",))
    village = tables.Column(verbose_name="行政村", order_by=("village_id",), default="—")
    description = tables.Column(verbose_name="问题描述", attrs={"td": {"class": "text-truncate", "style": "max-width: 22rem"}})
    responsible_unit = tables.Column(verbose_name="责任单位", default="未交办")
    found_date = tables.DateColumn(verbose_name="发现日期", format="Y-m-d")
    deadline = tables.DateColumn(verbose_name="整改时限", format="Y-m-d")
    status = StatusColumn(verbose_name="整改状态")
    is_overdue = tables.Column(verbose_name="逾期", orderable=True)

    class Meta:
        model = Issue
        fields = ["number", "source", "aspect", "category", "county", "village", "description", "responsible_unit",
                  "found_date", "deadline", "status", "is_overdue"]
        attrs = TABLE_ATTRS
        row_attrs = {"data-number": lambda record: record.number}

    def render_is_overdue(self, value):
        return mark_safe('<span class="badge bg-danger">逾期</span>') if value else ""


class LetterTable(tables.Table):
    number = tables.Column(verbose_name="督办函编号", linkify=("rectification:letter_detail", {"pk": tables.A("pk")}))
    title = tables.Column(verbose_name="标题")
    issued_date = tables.DateColumn(verbose_name="发函日期", format="Y-m-d")
    addressee = tables.Column(verbose_name="受函单位", accessor="addressee", orderable=False)
    issue_count = tables.Column(verbose_name="督办问题数", attrs={"td": {"class": "text-end"}})
    reply_deadline = tables.DateColumn(verbose_name="回复期限", format="Y-m-d")
    reply_date = tables.DateColumn(verbose_name="回复日期", format="Y-m-d", default="未回复")

    class Meta:
        model = SupervisionLetter
        fields = ["number", "title", "issued_date", "addressee", "issue_count", "reply_deadline", "reply_date"]
        attrs = TABLE_ATTRS


class OverdueIssueTable(IssueTable):
    class Meta(IssueTable.Meta):
        fields = ["number", "county", "village", "category", "description", "responsible_unit", "deadline", "status"]
        exclude = ["source", "aspect", "found_date", "is_overdue"]


class HandOverItemTable(tables.Table):
    issue = tables.Column(verbose_name="问题编号", linkify=("rectification:issue_detail", {"pk": tables.A("issue_id")}))
    category = tables.Column(verbose_name="问题类别", accessor="issue__category")
    description = tables.Column(verbose_name="问题描述", accessor="issue__description",
                                attrs={"td": {"class": "text-truncate", "style": "max-width: 26rem"}})
    unit = tables.Column(verbose_name="转交责任单位", default="未转交")
    handed_on_date = tables.DateColumn(verbose_name="转交日期", format="Y-m-d", default="—")
    status = tables.Column(verbose_name="整改状态", accessor="issue__status")

    class Meta:
        model = HandOverItem
        fields = ["issue", "category", "description", "unit", "handed_on_date", "status"]
        attrs = TABLE_ATTRS

    def render_status(self, record):
        return record.issue.get_status_display()
