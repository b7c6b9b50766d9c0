"""Filter pieces shared by the list pages."""

import django_filters
from django_filters.widgets import BooleanWidget


class YesNoWidget(BooleanWidget):
    """全部 / 是 / 否 — a yes/no filter whose empty choice reads as "no restriction"."""

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.choices = (("", "全部"), ("true", "是"), ("false", "否"))


def YesNoFilter(**kwargs) -> django_filters.BooleanFilter:
    return django_filters.BooleanFilter(widget=YesNoWidget(attrs={"class": "form-select form-select-sm"}), **kwargs)
