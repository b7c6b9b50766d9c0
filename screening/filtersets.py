import django_filters
from django import forms

from monitoring.models import Household
from monitoring.selectors import search_households
from yuncheng.filters import YesNoFilter

from .models import EventType, ScreeningWarning, WarningStatus

SELECT = {"class": "form-select form-select-sm"}
INPUT = {"class": "form-control form-control-sm"}


class WarningFilterSet(django_filters.FilterSet):
    """The worklist's filters. ``overdue`` reads the ``is_overdue`` annotation of ``selectors.warning_list``."""

    q = django_filters.CharFilter(label="户编号、户主或身份证号", method="search", widget=forms.TextInput(attrs=INPUT))
    status = django_filters.ChoiceFilter(label="核实状态", choices=WarningStatus.choices, empty_label="全部",
                                         widget=forms.Select(attrs=SELECT))
    event_type = django_filters.ChoiceFilter(label="事件类型", choices=EventType.choices, empty_label="全部",
                                             widget=forms.Select(attrs=SELECT))
    overdue = YesNoFilter(label="核实逾期", method="filter_overdue")

    class Meta:
        model = ScreeningWarning
        fields = ["q", "status", "event_type", "overdue"]

    def search(self, queryset, name, value):
        """The household search of the 监测对象 list (户编号 prefix, head's name, an ID number)."""
        return queryset.filter(household__in=search_households(Household.objects.all(), value).values("pk"))

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(is_overdue=value)
