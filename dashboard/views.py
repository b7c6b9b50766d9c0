"""The dashboards, their chart data, the drill-down lists and the JSON API.

Every figure comes from the catalogue (``dashboard.catalogue``); these views only choose which figures,
for which area and period, and lay them out. The area is always checked against the user's scope (the
catalogue refuses an area outside it with PermissionDenied → 403)."""

from chartjs.views.lines import BaseLineChartView
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, get_script_prefix, reverse
from django.utils.html import json_script
from django.utils.http import content_disposition_header, urlencode
from django.views import View
from django.views.generic import TemplateView
from django_tables2 import RequestConfig

from accounts.roles import AREA_ROLES, Role, role_of
from accounts.scoping import user_covers_area
from accounts.views import RoleRequiredMixin
from villages.models import platform_area_code
from villages.selectors import area_children, area_get, is_platform_area, platform_area

from . import charts, exports
from .catalogue import METRICS, metric_records, metric_values, metric_values_by_child
from .formatting import NumberEncoder, format_change, format_figure, json_response, money_scale
from .pages import HOME, NAV, SECTIONS
from .periods import PeriodError, period_choices, period_has_data, period_parse, period_span
from .drilldown import RECORD_LISTS
from .tables import comparison_table, record_table

LEVEL_LABELS = {"province": "市", "city": "区县", "county": "乡镇", "township": "行政村", "village": "行政村"}

# Sections whose registry figures exist only for the quarters that have income and employment records:
# outside them the figure is "no data" (—), not 0.
PERIOD_BOUND_SECTIONS = frozenset({"income", "employment"})


def _period_bound(key: str) -> bool:
    metric = METRICS[key]
    sources = (metric.source,) if isinstance(metric.source, str) else metric.source
    return metric.section in PERIOD_BOUND_SECTIONS and "registry" in sources


def without_missing_data(values: dict, has_data: bool) -> dict:
    """The figures, with those of a period that has no records set to None (shown "—")."""
    if has_data:
        return values
    return {key: (None if _period_bound(key) else value) for key, value in values.items()}


class BadRequest(Exception):
    """A parameter the user can fix; the message (Chinese) is shown with status 400."""


def parse_area_period(request):
    """(area, period) from ?area=&year=&quarter=; the area defaults to the user's own."""
    try:
        period = period_parse(request.GET.get("year"), request.GET.get("quarter"))
    except PeriodError as error:
        raise BadRequest(str(error)) from None
    code = (request.GET.get("area") or "").strip()
    if not code:
        profile = getattr(request.user, "profile", None)
        own = profile is not None and role_of(request.user) in AREA_ROLES
        code = profile.area_code if own else platform_area().code
    area = area_get(code=code)
    if area is None:
        raise BadRequest(f"区域代码不存在：{code}")
    if not user_covers_area(request.user, area.code):
        raise PermissionDenied("该区域不在您的管辖范围内")
    return area, period


def _path(name: str, **kwargs) -> str:
    """``reverse()``, remembered: a dashboard links a hundred or more figures to their record lists, and
    reverse() and urlencode() of each were a tenth of the page's CPU. Keyed by the script prefix too."""
    key = (get_script_prefix(), name, *kwargs.items())
    path = _PATHS.get(key)
    if path is None:
        path = _PATHS[key] = reverse(name, kwargs=kwargs or None)
    return path


_PATHS: dict[tuple, str] = {}  # bounded: the dashboard's URL names × the catalogue's keys


def _area_query(area, period) -> str:
    """``year=&quarter=`` and, below the platform's own area, ``area=``."""
    key = (area.code, platform_area_code(), period.year, period.quarter)
    query = _QUERIES.get(key)
    if query is None:
        params = {"year": period.year, "quarter": period.quarter}
        if not is_platform_area(area):
            params["area"] = area.code
        if len(_QUERIES) > 10_000:
            _QUERIES.clear()
        query = _QUERIES[key] = urlencode(params)
    return query


_QUERIES: dict[tuple, str] = {}


def page_url(name: str, area, period, **extra) -> str:
    query = _area_query(area, period)
    return f"{_path(f'dashboard:{name}')}?{query}{'&' + urlencode(extra) if extra else ''}"


def records_url(key: str, area, period) -> str | None:
    if METRICS[key].records is None:
        return None
    return f"{_path('dashboard:records', key=key)}?{_area_query(area, period)}"


class AreaPeriodMixin:
    def dispatch(self, request, *args, **kwargs):
        try:
            self.area, self.period = parse_area_period(request) if request.user.is_authenticated else (None, None)
        except BadRequest as error:
            return render(request, "dashboard/bad_request.html", {"message": str(error), "title": "参数有误"},
                          status=400)
        return super().dispatch(request, *args, **kwargs)


class DashboardView(RoleRequiredMixin, AreaPeriodMixin, TemplateView):
    """A dashboard page: KPI cards with the change against the same quarter of the year before, charts
    (drawn from the chart JSON views), and a comparison table of the child areas with a 合计 row."""

    template_name = "dashboard/dashboard.html"
    page = HOME

    def get_context_data(self, **kwargs):
        area, period, page = self.area, self.period, self.page
        user = self.request.user
        keys = list(dict.fromkeys([*page.kpis, *page.table, *page.breakdowns]))
        span = period_span()
        has_data, had_data = period_has_data(period, span), period_has_data(period.previous_year, span)
        values = without_missing_data(
            metric_values(user=user, area=area, year=period.year, quarter=period.quarter, keys=keys), has_data)
        # The change against the year before only where both quarters have data: beyond the records a
        # register's "0 this year" is an absence of data, not a fall of 100 %.
        before = (metric_values(user=user, area=area, year=period.year - 1, quarter=period.quarter, keys=page.kpis)
                  if page.compare and has_data and had_data else {})
        cards = []
        for key in page.kpis:
            metric = METRICS[key]
            change, change_css = format_change(values[key], before.get(key), metric.kind)
            cards.append({
                "metric": metric, "figure": format_figure(metric, values[key]), "url": records_url(key, area, period),
                "change": change, "change_css": change_css,
            })
        breakdowns = [{"metric": METRICS[key], "items": values[key].items(), "url": records_url(key, area, period)}
                      for key in page.breakdowns]
        child_rows = metric_values_by_child(user=user, area=area, year=period.year, quarter=period.quarter,
                                            keys=page.table)
        table = None
        if child_rows:
            rows = []
            for child, child_values in child_rows:
                child_values = without_missing_data(child_values, has_data)
                row = {"name": child.name, "code": child.code, "_url": page_url(page.name, child, period),
                       "_urls": {key: records_url(key, child, period) for key in page.table}}
                row.update({f"m{i}": child_values[key] for i, key in enumerate(page.table)})
                rows.append(row)
            table = comparison_table(
                keys=page.table, rows=rows, totals=values,
                total_urls={key: records_url(key, area, period) for key in page.table},
                area_label=LEVEL_LABELS[area.level],
                scales={key: money_scale(METRICS[key], values[key]) for key in page.table},
            )
            RequestConfig(self.request, paginate=False).configure(table)
        return super().get_context_data(
            title=f"{page.title} · {area.name}",
            page=page,
            area=area,
            period=period,
            cards=cards,
            breakdowns=breakdowns,
            table=table,
            child_label=LEVEL_LABELS[area.level],
            # The charts' data comes with the page (JSON script elements, drawn by dashboard.js): one request
            # instead of one per chart. The same JSON as each chart's own view answers (chart_json).
            charts=[{"name": name, "data": json_script(chart_json(charts.CHARTS[name](user, area, period)),
                                                      f"chart-data-{name}", encoder=NumberEncoder)}
                    for name in page.charts],
            nav=[(name, label, page_url(name, area, period), name == page.name) for name, label in NAV],
            chain=[(a, page_url(page.name, a, period)) for a in area.chain if user_covers_area(user, a.code)],
            area_options=self.area_options(area, [child for child, _ in child_rows]),
            choices=period_choices(period, span),
            has_data=has_data,
            span=span,
            **kwargs,
        )

    def area_options(self, area, children):
        """The area picker: the areas above (inside the user's scope), this one, and those one level down."""
        user = self.request.user
        options = [(a.code, ("　" * i) + a.name) for i, a in enumerate(area.chain) if user_covers_area(user, a.code)]
        depth = len(area.chain)
        options += [(child.code, ("　" * depth) + child.name) for child in children]
        return options


class HomeView(DashboardView):
    """首页: the city (or the user's own area) at a glance."""

    page = HOME

    def dispatch(self, request, *args, **kwargs):
        # Team members and responsible units have no area figures: their home is their work list.
        role = role_of(request.user)
        if role in (Role.TEAM_MEMBER, Role.UNIT):
            target = {Role.TEAM_MEMBER: "resident_teams:team_list", Role.UNIT: "rectification:issue_list"}[role]
            try:
                return redirect(target)
            except NoReverseMatch:
                pass
        return super().dispatch(request, *args, **kwargs)


class SectionView(DashboardView):
    """监测帮扶, 收入就业, 驻村帮扶, 问题整改."""

    section = "monitoring"

    @property
    def page(self):
        return SECTIONS[self.section]


def chart_json(spec: dict) -> dict:
    """The JSON of a chart as :class:`ChartView` answers it, for a chart drawn from the page's own data."""
    view = ChartView()
    view.spec = spec
    return view.get_context_data()


class ChartView(RoleRequiredMixin, BaseLineChartView):
    """The JSON of one chart, for the area and period of the query string, on django-chartjs's chart view
    (its JSON response and its labels/datasets assembly). The figures come from the catalogue through the
    builders of ``dashboard.charts``; each dataset keeps the builder's colours and options (the package's
    own colour cycle is not used), and the spec adds what Chart.js 4 on the page needs: title, type,
    options and the area codes behind the labels for the click-through."""

    def get(self, request, *args, name, **kwargs):
        builder = charts.CHARTS.get(name)
        if builder is None:
            return json_response({"error": f"未知的图表：{name}"}, status=404)
        try:
            area, period = parse_area_period(request)
        except BadRequest as error:
            return json_response({"error": str(error)}, status=400)
        except PermissionDenied as error:
            return json_response({"error": str(error)}, status=403)
        self.spec = builder(request.user, area, period)
        return self.render_to_response(self.get_context_data())

    def get_labels(self):
        return self.spec["labels"]

    def get_providers(self):
        return [dataset["label"] for dataset in self.spec["datasets"]]

    def get_data(self):
        return [dataset["data"] for dataset in self.spec["datasets"]]

    def get_dataset_options(self, index, color):
        return {key: value for key, value in self.spec["datasets"][index].items() if key not in ("data", "label")}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        return {"title": self.spec["title"], "type": self.spec["type"], "labels": context["labels"],
                "codes": self.spec["codes"], "datasets": context["datasets"], "options": self.spec["options"]}

    def render_to_response(self, context):
        # Figures stay JSON numbers (the package's encoder would turn a Decimal into a string).
        return json_response(context)


class MetricsApiView(View):
    """``GET /api/metrics/?year=&quarter=&area=``: every catalogue key for an area inside the user's scope."""

    def get(self, request):
        if not request.user.is_authenticated:
            return json_response({"error": "请先登录"}, status=401)
        try:
            area, period = parse_area_period(request)
            values = metric_values(user=request.user, area=area, year=period.year, quarter=period.quarter)
        except BadRequest as error:
            return json_response({"error": str(error)}, status=400)
        except PermissionDenied as error:
            return json_response({"error": str(error) or "无权访问"}, status=403)
        return json_response({
            "area": {"code": area.code, "name": area.name, "level": area.level},
            "period": {"year": period.year, "quarter": period.quarter},
            "metrics": values,
        })


class RecordMixin(RoleRequiredMixin, AreaPeriodMixin):
    def get_metric(self):
        metric = METRICS.get(self.kwargs["key"])
        if metric is None or metric.records is None:
            from django.http import Http404

            raise Http404("该指标没有明细记录")
        return metric

    def get_records(self, metric):
        return metric_records(user=self.request.user, key=metric.key, area=self.area, year=self.period.year,
                              quarter=self.period.quarter)


class RecordListView(RecordMixin, TemplateView):
    """点数字看明细: the records a figure counts, for its area and period; exports to Excel."""

    template_name = "dashboard/records.html"
    paginate_by = 50

    def get_context_data(self, **kwargs):
        metric = self.get_metric()
        record_list = RECORD_LISTS[metric.records]
        queryset = self.get_records(metric)
        table = record_table(record_list, queryset)
        RequestConfig(self.request, paginate={"per_page": self.paginate_by}).configure(table)
        query = self.request.GET.urlencode()
        return super().get_context_data(
            title=f"{metric.label} · 明细",
            metric=metric,
            record_list=record_list,
            area=self.area,
            period=self.period,
            table=table,
            total=table.paginator.count,
            export_url=f"{reverse('dashboard:records_export', kwargs={'key': metric.key})}?{query}",
            export_in_background=table.paginator.count > exports.MAX_ROWS, export_limit=f"{exports.MAX_ROWS:,}",
            back_url=page_url(_page_of(metric), self.area, self.period),
            chain=[(a, f"{reverse('dashboard:records', kwargs={'key': metric.key})}?"
                       f"{urlencode({'year': self.period.year, 'quarter': self.period.quarter, 'area': a.code})}")
                   for a in self.area.chain if user_covers_area(self.request.user, a.code)],
            children=[(child, f"{reverse('dashboard:records', kwargs={'key': metric.key})}?"
                              f"{urlencode({'year': self.period.year, 'quarter': self.period.quarter, 'area': child.code})}")
                      for child in area_children(area=self.area)],
            **kwargs,
        )


def _page_of(metric) -> str:
    return {"monitoring": "monitoring", "income": "income", "employment": "income", "funds": "income",
            "teams": "teams", "issues": "issues",
            "screening": "monitoring"}.get(metric.section, "home")


class RecordExportView(RecordMixin, View):
    """The record list as an Excel workbook: in the request up to ``exports.MAX_ROWS`` rows, a background
    job of the 报表 app beyond (the page of the job shows its progress and offers the file)."""

    def get(self, request, key):
        from reports.services import RECORDS_PREFIX, export_job_start

        metric = self.get_metric()
        queryset = self.get_records(metric)
        count = queryset.count()
        if count > exports.MAX_ROWS:
            job = export_job_start(user=request.user, report_key=f"{RECORDS_PREFIX}{metric.key}",
                                   area_code=self.area.code, year=self.period.year, quarter=self.period.quarter,
                                   rows_total=count)
            return redirect("reports:job", pk=job.pk)
        title, filename = exports.records_names(metric=metric, area=self.area, period=self.period)
        content = exports.records_workbook(record_list=RECORD_LISTS[metric.records], queryset=queryset, title=title)
        response = HttpResponse(
            content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        response["Content-Disposition"] = content_disposition_header(True, filename)
        return response
