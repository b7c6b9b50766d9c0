"""Tables of the dashboards: the comparison of child areas (sortable, with a 合计 row) and the
drill-down record lists; both declared from the catalogue, not by hand per page."""

import django_tables2 as tables
from django.utils.html import format_html

from .catalogue import METRICS
from .formatting import format_value

TABLE_ATTRS = {"class": "table table-sm table-hover align-middle"}


class FigureColumn(tables.Column):
    """A figure that links to its record list (点数字看明细); the footer is the parent area's figure."""

    def __init__(self, metric, total, total_url, **kwargs):
        self.metric = metric
        footer = format_html('<a href="{}">{}</a>', total_url, format_value(total, metric.kind)) if total_url else (
            format_value(total, metric.kind))
        super().__init__(verbose_name=f"{metric.label}（{metric.unit}）", footer=footer,
                         attrs={"td": {"class": "text-end"}, "th": {"class": "text-end"},
                                "tf": {"class": "text-end fw-semibold"}}, **kwargs)

    def render(self, value, record):
        url = record["_urls"].get(self.metric.key)
        text = format_value(value, self.metric.kind)
        return format_html('<a href="{}">{}</a>', url, text) if url else text


def comparison_table(*, keys, rows, totals, total_urls, area_label, **table_kwargs) -> tables.Table:
    """One row per child area (dicts with ``name``, ``_url``, ``_urls`` and a value per ``m<i>``)."""
    attrs = {
        "name": tables.Column(
            verbose_name=area_label, footer="合计",
            linkify=lambda record: record["_url"], attrs={"td": {"data-testid": "area-name"}},
        ),
    }
    for i, key in enumerate(keys):
        attrs[f"m{i}"] = FigureColumn(METRICS[key], totals.get(key), total_urls.get(key))
    attrs["Meta"] = type("Meta", (), {"attrs": {"class": "table table-sm table-hover align-middle yc-compare",
                                                "data-testid": "comparison-table"},
                                      "orderable": True})
    table_class = type("ComparisonTable", (tables.Table,), attrs)
    return table_class(rows, **table_kwargs)


class RecordColumn(tables.Column):
    def render(self, value):
        if isinstance(value, bool):
            return "是" if value else "否"
        return value


def record_table(record_list, queryset, **table_kwargs) -> tables.Table:
    attrs = {}
    for i, (accessor, heading) in enumerate(record_list.columns):
        attrs[f"c{i}"] = RecordColumn(verbose_name=heading, accessor=accessor.replace(".", "__"), default="")
    # The list keeps the order of its queryset (by area, then code): sorting by derived columns is not offered.
    attrs["Meta"] = type("Meta", (), {"attrs": {**TABLE_ATTRS, "data-testid": "record-table"}, "orderable": False})
    return type("RecordTable", (tables.Table,), attrs)(queryset, **table_kwargs)
