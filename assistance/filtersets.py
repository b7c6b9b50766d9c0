import django_filters
from django.db.models import Q

from villages.models import County, VillageCollectiveEconomy
from yuncheng.filters import YesNoFilter, name_or_code_q

from .models import (
    AssistanceProject,
    ConsumptionPlatform,
    ConsumptionSale,
    FundingSource,
    ProjectStatus,
    PVStation,
    Workshop,
)

_QUARTERS = [(1, "第一季度"), (2, "第二季度"), (3, "第三季度"), (4, "第四季度")]


def _county_filter(field_name: str) -> django_filters.ModelChoiceFilter:
    return django_filters.ModelChoiceFilter(
        label="区县", field_name=field_name, queryset=County.objects.all(), empty_label="全部"
    )


class WorkshopFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label="车间或经营主体", method="search")
    county = _county_filter("village__county")
    is_operating = YesNoFilter(label="正常运营")

    class Meta:
        model = Workshop
        fields = ["q", "county", "is_operating"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__contains=value) | Q(operator__contains=value) | Q(village__name__contains=value))


class PVStationFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label="电站或行政村", method="search")
    county = _county_filter("village__county")
    # Chooses the year whose income and posts the table shows (the view reads it); it narrows nothing.
    year = django_filters.NumberFilter(label="年度", method="keep_all")

    class Meta:
        model = PVStation
        fields = ["q", "county", "year"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__contains=value) | Q(village__name__contains=value))

    def keep_all(self, queryset, name, value):
        return queryset


class AssistanceProjectFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label="项目或帮扶单位", method="search")
    county = _county_filter("county")
    year = django_filters.NumberFilter(label="年度")
    funding_source = django_filters.ChoiceFilter(label="资金来源", choices=FundingSource.choices, empty_label="全部")
    status = django_filters.ChoiceFilter(label="状态", choices=ProjectStatus.choices, empty_label="全部")
    amount_min = django_filters.NumberFilter(label="金额不低于(元)", field_name="amount", lookup_expr="gte")

    class Meta:
        model = AssistanceProject
        fields = ["q", "county", "year", "funding_source", "status", "amount_min"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__contains=value) | Q(unit_name__contains=value))


class ConsumptionSaleFilterSet(django_filters.FilterSet):
    platform = django_filters.ModelChoiceFilter(
        label="销售平台", queryset=ConsumptionPlatform.objects.all(), empty_label="全部"
    )
    county = _county_filter("county")
    year = django_filters.NumberFilter(label="年度")
    quarter = django_filters.ChoiceFilter(label="季度", choices=_QUARTERS, empty_label="全部")

    class Meta:
        model = ConsumptionSale
        fields = ["platform", "county", "year", "quarter"]


class CollectiveEconomyFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label="行政村名称或代码", method="search")
    county = _county_filter("village__county")
    year = django_filters.NumberFilter(label="年度")
    income_min = django_filters.NumberFilter(label="收入不低于(元)", field_name="income", lookup_expr="gte")

    class Meta:
        model = VillageCollectiveEconomy
        fields = ["q", "county", "year", "income_min"]

    def search(self, queryset, name, value):
        return queryset.filter(name_or_code_q(value, name="village__name", code="village__code"))
