"""Filters of the 监测对象 list. Area choices come from the user's scope; every filter on monitoring records
is an EXISTS, so no row is ever repeated and no DISTINCT is needed."""

import django_filters
from django.db.models import Exists, OuterRef

from accounts.scoping import in_area, scope
from villages.models import County, Township, Village
from yuncheng.filters import YesNoFilter

from .models import EliminationStatus, Household, MonitoringCategory, MonitoringRecord, ReviewStatus, RiskType
from .quality import CHECKS, check_households
from .selectors import search_households

HOUSEHOLD_TYPES = [
    ("monitored", "监测户"),
    ("poverty", "脱贫户"),
    ("unstable", "脱贫户且监测户"),
    ("general", "一般农户"),
    ("all", "全部农户"),
]
DEFAULT_TYPE = "monitored"

STATUSES = [
    ("pending", "识别审核中"),
    ("rejected", "已退回"),
    ("at_risk", "风险未消除"),
    ("elimination_pending", "消除审核中"),
    ("eliminated", "风险已消除"),
]
_STATUS_LOOKUPS = {
    "pending": {"status__in": [ReviewStatus.DRAFT, ReviewStatus.SUBMITTED, ReviewStatus.TOWNSHIP_APPROVED]},
    "rejected": {"status": ReviewStatus.REJECTED},
    "at_risk": {"status": ReviewStatus.APPROVED,
                "elimination_status__in": [EliminationStatus.NONE, EliminationStatus.REJECTED]},
    "elimination_pending": {"elimination_status__in": [EliminationStatus.SUBMITTED,
                                                       EliminationStatus.TOWNSHIP_APPROVED]},
    "eliminated": {"elimination_status": EliminationStatus.APPROVED},
}


def _with_record(**lookups) -> Exists:
    return Exists(MonitoringRecord.objects.filter(household=OuterRef("pk"), **lookups))


class HouseholdFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label="户编号/户主/身份证号", method="search")
    county = django_filters.ChoiceFilter(label="区县", empty_label="全部", method="in_area")
    township = django_filters.ChoiceFilter(label="乡镇", empty_label="全部", method="in_area")
    village = django_filters.ChoiceFilter(label="行政村", empty_label="全部", method="in_area")
    type = django_filters.ChoiceFilter(label="户类型", choices=HOUSEHOLD_TYPES, empty_label=None, method="of_type")
    category = django_filters.ChoiceFilter(label="监测类别", choices=MonitoringCategory.choices, empty_label="全部",
                                           method="of_category")
    risk = django_filters.ChoiceFilter(label="风险类型", empty_label="全部", method="of_risk")
    status = django_filters.ChoiceFilter(label="监测状态", choices=STATUSES, empty_label="全部", method="of_status")
    is_relocated = YesNoFilter(label="易地搬迁户")
    check = django_filters.ChoiceFilter(label="数据质量", choices=[(c.key, c.label) for c in CHECKS],
                                        empty_label="全部", method="failing")

    class Meta:
        model = Household
        fields = ["q", "county", "township", "village", "type", "category", "risk", "status", "is_relocated", "check"]

    def __init__(self, data=None, *args, request=None, **kwargs):
        if data is not None and not data.get("type"):
            # The 监测对象 list shows 监测户 unless asked otherwise; a status or data-quality filter looks at
            # every household (records under review belong to households not yet marked 监测户).
            data = data.copy()
            data["type"] = "all" if data.get("status") or data.get("check") else DEFAULT_TYPE
        super().__init__(data, *args, request=request, **kwargs)
        user = request.user
        data = data or {}
        counties = scope(County.objects.all(), user)
        self.filters["county"].extra["choices"] = list(counties.values_list("code", "name"))
        townships = scope(Township.objects.all(), user)
        if data.get("county"):
            townships = townships.filter(county_id=data["county"])
        township_choices = list(townships.values_list("code", "name")[:61])
        self.filters["township"].extra["choices"] = township_choices if len(township_choices) <= 60 else []
        village_choices = []
        if data.get("township"):
            village_choices = list(scope(Village.objects.filter(township_id=data["township"]), user)
                                   .values_list("code", "name"))
        elif len(township_choices) == 1:
            village_choices = list(scope(Village.objects.all(), user).values_list("code", "name"))
        self.filters["village"].extra["choices"] = village_choices
        self.filters["risk"].extra["choices"] = list(RiskType.objects.values_list("code", "name"))

    def search(self, queryset, name, value):
        return search_households(queryset, value)

    def in_area(self, queryset, name, value):
        return in_area(queryset, "village__code", value)

    def of_type(self, queryset, name, value):
        return {
            "monitored": lambda: queryset.filter(is_monitored=True),
            "poverty": lambda: queryset.filter(is_poverty_alleviated=True),
            "unstable": lambda: queryset.filter(is_poverty_alleviated=True, is_monitored=True),
            "general": lambda: queryset.filter(is_poverty_alleviated=False, is_monitored=False),
        }.get(value, lambda: queryset)()

    def of_category(self, queryset, name, value):
        return queryset.filter(_with_record(category=value))

    def of_risk(self, queryset, name, value):
        return queryset.filter(_with_record(risk_types=value))

    def of_status(self, queryset, name, value):
        return queryset.filter(_with_record(**_STATUS_LOOKUPS[value]))

    def failing(self, queryset, name, value):
        return check_households(key=value, households=queryset)
