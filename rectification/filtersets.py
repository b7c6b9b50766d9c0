import django_filters
from django import forms
from django.db.models import Q

from villages.models import County

from .models import Aspect, Category, Issue, IssueSource, IssueStatus, ResponsibleUnit, SupervisionLetter

SELECT = {"class": "form-select form-select-sm"}
INPUT = {"class": "form-control form-control-sm"}


class IssueFilterSet(django_filters.FilterSet):
    """The ledger's filters. ``overdue`` reads the ``is_overdue`` annotation of ``selectors.issue_list``."""

    q = django_filters.CharFilter(label="编号或描述", method="search", widget=forms.TextInput(attrs=INPUT))
    source = django_filters.ChoiceFilter(
        label="问题来源", choices=IssueSource.choices, empty_label="全部", widget=forms.Select(attrs=SELECT)
    )
    aspect = django_filters.ModelChoiceFilter(
        label="问题方面", queryset=Aspect.objects.all(), empty_label="全部", widget=forms.Select(attrs=SELECT)
    )
    category = django_filters.ModelChoiceFilter(
        label="问题类别", queryset=Category.objects.select_related("aspect"), empty_label="全部",
        widget=forms.Select(attrs=SELECT),
    )
    county = django_filters.ModelChoiceFilter(
        label="区县", queryset=County.objects.all(), empty_label="全部", widget=forms.Select(attrs=SELECT)
    )
    responsible_unit = django_filters.ModelChoiceFilter(
        label="责任单位", queryset=ResponsibleUnit.objects.all(), empty_label="全部", widget=forms.Select(attrs=SELECT)
    )
    status = django_filters.ChoiceFilter(
        label="整改状态", choices=IssueStatus.choices, empty_label="全部", widget=forms.Select(attrs=SELECT)
    )
    overdue = django_filters.BooleanFilter(
        label="是否逾期", method="filter_overdue",
        widget=forms.Select(attrs=SELECT, choices=[("", "全部"), ("true", "是"), ("false", "否")]),
    )
    deadline = django_filters.DateFromToRangeFilter(
        label="整改时限（起止）",
        widget=django_filters.widgets.DateRangeWidget(
            attrs={"class": "form-control form-control-sm d-inline-block w-auto", "type": "date"}),
    )

    class Meta:
        model = Issue
        fields = ["q", "source", "aspect", "category", "county", "responsible_unit", "status", "overdue", "deadline"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(number__icontains=value) | Q(description__contains=value))

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(is_overdue=value)


class LetterFilterSet(django_filters.FilterSet):
    county = django_filters.ModelChoiceFilter(
        label="受函区县", field_name="addressee_county", queryset=County.objects.all(), empty_label="全部",
        widget=forms.Select(attrs=SELECT),
    )
    replied = django_filters.BooleanFilter(
        label="是否已回复", field_name="reply_date", lookup_expr="isnull", exclude=True,
        widget=forms.Select(attrs=SELECT, choices=[("", "全部"), ("true", "是"), ("false", "否")]),
    )

    class Meta:
        model = SupervisionLetter
        fields = ["county", "replied"]
