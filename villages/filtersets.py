import django_filters

from yuncheng.filters import YesNoFilter, name_or_code_q

from .models import County, CountyCategory, RelocationSite, Township, Village


class CountyFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label="名称或代码", method="search")
    category = django_filters.ChoiceFilter(label="县类别", choices=CountyCategory.choices, empty_label="全部")

    class Meta:
        model = County
        fields = ["q", "category"]

    def search(self, queryset, name, value):
        return queryset.filter(name_or_code_q(value))


class TownshipFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label="名称或代码", method="search")

    class Meta:
        model = Township
        fields = ["q"]

    def search(self, queryset, name, value):
        return queryset.filter(name_or_code_q(value))


class VillageFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label="名称或代码", method="search")
    county = django_filters.ModelChoiceFilter(label="区县", queryset=County.objects.all(), empty_label="全部")
    is_poverty_village = YesNoFilter(label="脱贫村")
    is_demo_village = YesNoFilter(label="乡村振兴示范村")

    class Meta:
        model = Village
        fields = ["q", "county", "is_poverty_village", "is_demo_village"]

    def search(self, queryset, name, value):
        return queryset.filter(name_or_code_q(value))


class RelocationSiteFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label="名称", field_name="name", lookup_expr="contains")
    county = django_filters.ModelChoiceFilter(label="区县", queryset=County.objects.all(), empty_label="全部")

    class Meta:
        model = RelocationSite
        fields = ["q", "county"]
