import django_filters
from django.db.models import F, Q

from villages.models import County

from .models import STATION_TYPE_FIELDS, DispatchLevel, StationType, WorkTeam
from .selectors import TEAM_RULE_BROKEN


class ComplianceChoice:
    ALL = "all"
    SOME_MISSED = "missed"
    NO_RECORDS = "none"
    choices = [(ALL, "各周全部达标"), (SOME_MISSED, "有未达标的队员周"), (NO_RECORDS, "无考勤记录")]


class WorkTeamFilterSet(django_filters.FilterSet):
    """Filters of the team list; ``compliance`` and ``rule`` read the annotations of ``selectors.team_list``."""

    q = django_filters.CharFilter(label="编号、名称或派出单位", method="search")
    county = django_filters.ModelChoiceFilter(label="区县", queryset=County.objects.all(), empty_label="全部")
    station_type = django_filters.ChoiceFilter(label="派驻类型", choices=StationType.choices, empty_label="全部",
                                               method="filter_station_type")
    dispatch_level = django_filters.ChoiceFilter(label="派出层级", choices=DispatchLevel.choices, empty_label="全部")
    compliance = django_filters.ChoiceFilter(label="五天四夜", choices=ComplianceChoice.choices, empty_label="全部",
                                             method="filter_compliance")
    rule = django_filters.ChoiceFilter(label="人员配备", choices=[("broken", "不符合要求"), ("ok", "符合要求")],
                                       empty_label="全部", method="filter_rule")

    class Meta:
        model = WorkTeam
        fields = ["q", "county", "station_type", "dispatch_level", "compliance", "rule"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(code__icontains=value) | Q(name__contains=value) | Q(dispatch_unit__contains=value))

    def filter_station_type(self, queryset, name, value):
        return queryset.filter(**{STATION_TYPE_FIELDS[StationType(value)]: True})

    def filter_compliance(self, queryset, name, value):
        if value == ComplianceChoice.ALL:
            return queryset.filter(member_weeks__gt=0, compliant_weeks=F("member_weeks"))
        if value == ComplianceChoice.SOME_MISSED:
            return queryset.filter(compliant_weeks__lt=F("member_weeks"))
        return queryset.filter(member_weeks=0)

    def filter_rule(self, queryset, name, value):
        return queryset.filter(TEAM_RULE_BROKEN) if value == "broken" else queryset.exclude(TEAM_RULE_BROKEN)
