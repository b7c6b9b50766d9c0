"""Filter pieces shared by the list pages."""

import django_filters
from django.db.models import Q
from django_filters.widgets import BooleanWidget


class YesNoWidget(BooleanWidget):
    """全部 / 是 / 否 — a yes/no filter whose empty choice reads as "no restriction"."""

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.choices = (("", "全部"), ("true", "是"), ("false", "否"))


def YesNoFilter(**kwargs) -> django_filters.BooleanFilter:
    return django_filters.BooleanFilter(widget=YesNoWidget(attrs={"class": "form-select form-select-sm"}), **kwargs)


def name_or_code_q(value: str, *, name: str = "name", code: str = "code") -> Q:
    """A search box's "名称或代码": a name containing the text, or — digits typed — an area code inside the
    area those digits begin (the one area filter, a range on the code)."""
    from accounts.scoping import area_filter

    value = value.strip()
    found = Q(**{f"{name}__contains": value})
    if value.isdigit():
        found |= Q(**area_filter(code, value))
    return found
