"""Tables of the dashboards: the comparison of child areas (sortable, with a 合计 row) and the
drill-down record lists; both declared from the catalogue, not by hand per page."""

import django_tables2 as tables
from django.utils.html import format_html

from .catalogue import METRICS
from .formatting import format_figure

TABLE_ATTRS = {"class": "table table-sm table-hover align-middle"}


class FigureColumn(tables.Column):
    """A figure that links to its record list (点数字看明细); the footer is the parent area's figure."""

    def __init__(self, metric, total, total_url, scale=None, **kwargs):
        self.metric = metric
        # One unit for the whole column (a Chinese table states it in the heading), chosen by the total.
        self.scale = scale
        figure = format_figure(metric, total, scale)
        footer = format_html('<a href="{}" title="{}">{}</a>', total_url, figure["exact"], figure["text"]) if (
            total_url) else figure["text"]
        super().__init__(verbose_name=f"{metric.label}（{figure['unit']}）", footer=footer,
                         attrs={"td": {"class": "text-end"}, "th": {"class": "text-end"},
                                "tf": {"class": "text-end fw-semibold"}}, **kwargs)

    def render(self, value, record):
        url = record["_urls"].get(self.metric.key)
        figure = format_figure(self.metric, value, self.scale)
        if url:
            return format_html('<a href="{}" title="{}">{}</a>', url, figure["exact"], figure["text"])
        return format_html('<span title="{}">{}</span>', figure["exact"], figure["text"])


def comparison_table(*, keys, rows, totals, total_urls, area_label, scales=None, **table_kwargs) -> tables.Table:
    """One row per child area (dicts with ``name``, ``_url``, ``_urls`` and a value per ``m<i>``)."""
    attrs = {
        "name": tables.Column(
            verbose_name=area_label, footer="合计",
            linkify=lambda record: record["_url"], attrs={"td": {"data-testid": "area-name"}},
        ),
    }
    for i, key in enumerate(keys):
        attrs[f"m{i}"] = FigureColumn(METRICS[key], totals.get(key), total_urls.get(key), (scales or {}).get(key))
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


# The page of each kind of record a drill-down lists: (url name, its keyword, the accessor of its value).
# The first column of the row links there (a household's or member's 户编号, an issue's number, a team's code).
RECORD_PAGES = {
    "monitoring.household": ("monitoring:household_detail", "code", "code"),
    "monitoring.member": ("monitoring:household_detail", "code", "household__code"),
    "monitoring.incomerecord": ("monitoring:household_detail", "code", "household__code"),
    "rectification.issue": ("rectification:issue_detail", "pk", "pk"),
    "resident_teams.workteam": ("resident_teams:team_detail", "pk", "pk"),
    "resident_teams.teammember": ("resident_teams:team_detail", "pk", "team_id"),
}


def record_table(record_list, queryset, **table_kwargs) -> tables.Table:
    attrs = {}
    page = RECORD_PAGES.get(queryset.model._meta.label_lower)
    for i, (accessor, heading) in enumerate(record_list.columns):
        linkify = (page[0], {page[1]: tables.A(page[2])}) if page and i == 0 else None
        attrs[f"c{i}"] = RecordColumn(verbose_name=heading, accessor=accessor.replace(".", "__"), default="",
                                      linkify=linkify)
    # The list keeps the order of its queryset (by area, then code): sorting by derived columns is not offered.
    attrs["Meta"] = type("Meta", (), {"attrs": {**TABLE_ATTRS, "data-testid": "record-table"}, "orderable": False})
    return type("RecordTable", (tables.Table,), attrs)(queryset, **table_kwargs)
