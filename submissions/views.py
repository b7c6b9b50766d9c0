"""Pages of provincial review: 录入进度, submissions (freeze, compare, download), 大比拼, and the API's
``submitted=1`` answer. Figures come from the catalogue or from a frozen submission, never computed here."""

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.http import content_disposition_header, urlencode
from django.views import View
from django.views.generic import TemplateView
from django_tables2 import RequestConfig

from accounts.roles import CITY_CODE, Role
from accounts.scoping import code_in_area, get_scoped_or_404, scope, user_covers_area
from accounts.views import RoleRequiredMixin
from dashboard.catalogue import METRICS, metric_values, metric_values_by_child
from dashboard.formatting import format_value, json_response, jsonable
from dashboard.periods import period_choices
from dashboard.tables import comparison_table
from dashboard.views import AreaPeriodMixin, BadRequest, parse_area_period, records_url
from dashboard.views import MetricsApiView as LiveMetricsApiView
from villages.selectors import area_children, area_get, is_platform_area

from .exports import scoreboard_workbook
from .models import CompetitionRound, EnteredScore, Submission, SubmissionFigures, SubmissionReport
from .selectors import (COMPLETENESS_KEYS, evaluator_items, figures_decode, scoreboard, submission_compare,
                        submission_incomplete_areas, submission_latest_figures, submission_list)
from .services import SubmissionIncomplete, score_enter, submission_freeze, submission_may_freeze
from .tables import SubmissionTable

LEVEL_LABELS = {"province": "市", "city": "区县", "county": "乡镇", "township": "行政村", "village": "行政村"}


def _url(name: str, area, period, **kwargs) -> str:
    params = {"year": period.year, "quarter": period.quarter}
    if not is_platform_area(area):
        params["area"] = area.code
    return f"{reverse(name, kwargs=kwargs or None)}?{urlencode(params)}"


class ProgressView(RoleRequiredMixin, AreaPeriodMixin, TemplateView):
    """录入进度: the completeness figures of the area and of each area one level down (county → township →
    village); each figure opens the list of what is missing."""

    template_name = "submissions/progress.html"

    def get_context_data(self, **kwargs):
        user, area, period = self.request.user, self.area, self.period
        values = metric_values(user=user, area=area, year=period.year, quarter=period.quarter, keys=COMPLETENESS_KEYS)
        rows = []
        for child, child_values in metric_values_by_child(user=user, area=area, year=period.year,
                                                          quarter=period.quarter, keys=COMPLETENESS_KEYS):
            row = {"name": child.name, "code": child.code, "_url": _url("submissions:progress", child, period),
                   "_urls": {key: records_url(key, child, period) for key in COMPLETENESS_KEYS}}
            row.update({f"m{i}": child_values[key] for i, key in enumerate(COMPLETENESS_KEYS)})
            rows.append(row)
        table = None
        if rows:
            table = comparison_table(keys=COMPLETENESS_KEYS, rows=rows, totals=values,
                                     total_urls={key: records_url(key, area, period) for key in COMPLETENESS_KEYS},
                                     area_label=LEVEL_LABELS[area.level])
            RequestConfig(self.request, paginate=False).configure(table)
        cards = [{"metric": METRICS[key], "value": format_value(values[key], METRICS[key].kind),
                  "url": records_url(key, area, period)} for key in COMPLETENESS_KEYS]
        return super().get_context_data(
            title=f"录入进度 · {area.name}", area=area, period=period, cards=cards, table=table,
            chain=[(a, _url("submissions:progress", a, period)) for a in area.chain
                   if user_covers_area(user, a.code)],
            choices=period_choices(period),
            freeze_url=_url("submissions:freeze", area, period) if submission_may_freeze(user, area) else None,
            **kwargs,
        )


class SubmissionListView(RoleRequiredMixin, TemplateView):
    template_name = "submissions/list.html"

    def get_context_data(self, **kwargs):
        table = SubmissionTable(submission_list(user=self.request.user))
        RequestConfig(self.request, paginate={"per_page": 50}).configure(table)
        return super().get_context_data(title="省级报送", table=table, **kwargs)


class SubmissionFreezeView(RoleRequiredMixin, AreaPeriodMixin, TemplateView):
    """冻结报送: shows the areas still incomplete; freezing them anyway needs the confirmation box."""

    template_name = "submissions/freeze.html"
    allowed_roles = frozenset({Role.CITY_ADMIN, Role.COUNTY_REVIEWER})

    def get_context_data(self, **kwargs):
        area, period = self.area, self.period
        if not submission_may_freeze(self.request.user, area):
            raise PermissionDenied("只有市级管理员或本县审核员可以冻结报送")
        incomplete = submission_incomplete_areas(user=self.request.user, area=area, year=period.year,
                                                 quarter=period.quarter)
        return super().get_context_data(
            title=f"冻结报送 · {area.name}", area=area, period=period, incomplete=[
                {**row, "missing": [(METRICS[key].label, n) for key, n in row["missing"].items()]}
                for row in incomplete["areas"]],
            choices=period_choices(period), progress_url=_url("submissions:progress", area, period), **kwargs)

    def post(self, request, *args, **kwargs):
        try:
            submission = submission_freeze(user=request.user, area=self.area, year=self.period.year,
                                           quarter=self.period.quarter,
                                           confirm_incomplete=request.POST.get("confirm_incomplete") == "1",
                                           note=request.POST.get("note", "")[:200])
        except SubmissionIncomplete:
            messages.error(request, "尚有区域录入未完成：请勾选确认后再冻结")
            return self.get(request, *args, **kwargs)
        except ValidationError as error:
            messages.error(request, "；".join(error.messages))
            return self.get(request, *args, **kwargs)
        messages.success(request, f"已冻结{submission.area_name}{submission.period_label}的报送")
        return redirect("submissions:detail", pk=submission.pk)


class SubmissionDetailView(RoleRequiredMixin, TemplateView):
    """A submission beside the live figures and the previous submission, differences highlighted, with the
    records that entered or left each changed figure; ?area= looks at an area inside it."""

    template_name = "submissions/detail.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        submission = get_object_or_404(Submission.objects.select_related("frozen_by"), pk=self.kwargs["pk"])
        # Opens at the submitted area, or at the user's own area inside it; figures the user may not read
        # answer 404 like a submission that does not exist.
        code = (self.request.GET.get("area") or "").strip() or (
            submission.area_code if user_covers_area(user, submission.area_code) else user.profile.area_code)
        get_scoped_or_404(SubmissionFigures.objects.all(), user, submission=submission, area_code=code)
        area = area_get(code=code)
        covers_submission = user_covers_area(user, submission.area_code)
        compare = submission_compare(user=user, submission=submission, area=area)
        detail = reverse("submissions:detail", kwargs={"pk": submission.pk})
        frozen_codes = set(submission.figures.filter(area_code__in=[c.code for c in area_children(area=area)])
                           .values_list("area_code", flat=True))
        return super().get_context_data(
            title=f"报送 · {submission.area_name} {submission.period_label}", submission=submission, area=area,
            rows=[{"row": row, "frozen": format_value(row.frozen, row.metric.kind),
                   "live": format_value(row.live, row.metric.kind),
                   "previous": format_value(row.previous, row.metric.kind)} for row in compare["rows"]],
            previous=compare["previous"], changed=compare["changed"],
            # The submitted area's own completeness and reports are shown to those who may read that area.
            completeness=[(METRICS[key].label, format_value(figures_decode({key: value})[key], METRICS[key].kind))
                          for key, value in submission.completeness.get("figures", {}).items()
                          if key in METRICS and covers_submission],
            incomplete=submission.completeness.get("areas", []) if covers_submission else [],
            reports=scope(submission.reports.all(), user),
            covers_submission=covers_submission,
            chain=[(a, f"{detail}?area={a.code}") for a in area.chain
                   if code_in_area(a.code, submission.area_code) and user_covers_area(user, a.code)],
            children=[(c.name, f"{detail}?area={c.code}") for c in area_children(area=area)
                      if c.code in frozen_codes and user_covers_area(user, c.code)],
            **kwargs,
        )


class SubmissionReportDownloadView(RoleRequiredMixin, View):
    """A report exactly as submitted (its stored bytes)."""

    def get(self, request, pk, report_pk):
        report = get_scoped_or_404(SubmissionReport.objects.all(), request.user, pk=report_pk, submission_id=pk)
        return FileResponse(report.file.open("rb"), as_attachment=True, filename=report.filename,
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


class MetricsApiView(LiveMetricsApiView):
    """``/api/metrics/``: the live figures, or with ``submitted=1`` those of the latest submission covering
    the area and period, with the submission's time."""

    def get(self, request):
        if request.GET.get("submitted") not in ("1", "true"):
            return super().get(request)
        if not request.user.is_authenticated:
            return json_response({"error": "请先登录"}, status=401)
        try:
            area, period = parse_area_period(request)
        except BadRequest as error:
            return json_response({"error": str(error)}, status=400)
        except PermissionDenied as error:
            return json_response({"error": str(error) or "无权访问"}, status=403)
        figures = submission_latest_figures(user=request.user, area=area, year=period.year, quarter=period.quarter)
        if figures is None:
            return json_response({"error": f"{area.name}{period.label}尚无报送"}, status=404)
        submission = figures.submission
        return json_response({
            "area": {"code": area.code, "name": area.name, "level": area.level},
            "period": {"year": period.year, "quarter": period.quarter},
            "submission": {"id": submission.pk, "frozen_at": submission.frozen_at.isoformat(),
                           "frozen_by": submission.frozen_by.get_username(), "area_code": submission.area_code},
            "metrics": figures_decode(figures.values),
        })


# ---------------------------------------------------------------- 大比拼


class CompetitionMixin(RoleRequiredMixin):
    def get_round(self):
        year = self.kwargs.get("year")
        rounds = CompetitionRound.objects.all()
        competition = rounds.filter(year=year).first() if year else rounds.first()
        if competition is None:
            raise Http404("尚未设置大比拼")
        return competition


class ScoreboardMixin(CompetitionMixin):
    """The whole city's board: for users whose area is the city."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not user_covers_area(request.user, CITY_CODE):
            raise PermissionDenied("大比拼排名由市级查看")
        return super().dispatch(request, *args, **kwargs)


class ScoreboardView(ScoreboardMixin, TemplateView):
    template_name = "submissions/scoreboard.html"

    def get_context_data(self, **kwargs):
        competition = self.get_round()
        board = scoreboard(user=self.request.user, competition=competition)
        period_params = urlencode({"year": competition.year, "quarter": competition.quarter})
        chart = {}
        for kind, data in board["boards"].items():
            for row in data["rows"]:
                for cell in row.cells:
                    if cell.item.kind == "computed" and row.participant.county_id and cell.item.metric_key in METRICS:
                        cell.url = (f"{reverse('dashboard:records', kwargs={'key': cell.item.metric_key})}?"
                                    f"{period_params}&area={row.participant.county_id}"
                                    if METRICS[cell.item.metric_key].records else None)
            chart[kind] = {
                "title": f"{competition.name} · {data['label']}得分",
                "labels": [row.participant.name for row in data["rows"]],
                "datasets": [{"label": item.name, "data": [row.cells[i].points for row in data["rows"]]}
                             for i, item in enumerate(data["items"])],
            }
        return super().get_context_data(
            title=competition.name, competition=competition, board=board, chart=jsonable(chart),
            rounds=CompetitionRound.objects.values_list("year", "name"),
            my_items=evaluator_items(user=self.request.user, competition=competition).exists(), **kwargs)


class ScoreboardExportView(ScoreboardMixin, View):
    def get(self, request, year):
        competition = self.get_round()
        content = scoreboard_workbook(competition=competition, board=scoreboard(user=request.user,
                                                                                 competition=competition))
        response = HttpResponse(content,
                                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        response["Content-Disposition"] = content_disposition_header(True, f"{competition.name}.xlsx")
        return response


class ScoreEntryView(CompetitionMixin, TemplateView):
    """评分: an evaluator's own entered items, one score per participant; other items are not offered."""

    template_name = "submissions/score_entry.html"
    allowed_roles = frozenset({Role.CITY_ADMIN, Role.LEADER, Role.UNIT, Role.COUNTY_REVIEWER})

    def get_context_data(self, **kwargs):
        competition = self.get_round()
        items = list(evaluator_items(user=self.request.user, competition=competition))
        scores = {(s.item_id, s.participant_id): s.score for s in EnteredScore.objects.filter(item__in=items)}
        forms = [{"item": item, "rows": [(p, scores.get((item.pk, p.pk)))
                                         for p in competition.participants.filter(kind=item.applies_to)
                                         .select_related("county", "unit")]} for item in items]
        return super().get_context_data(title=f"{competition.name} · 评分", competition=competition, forms=forms,
                                        **kwargs)

    def post(self, request, year):
        competition = self.get_round()
        item = get_object_or_404(competition.items, pk=request.POST.get("item"))
        errors = 0
        for participant in competition.participants.filter(kind=item.applies_to).select_related("county", "unit"):
            raw = (request.POST.get(f"score_{participant.pk}") or "").strip()
            if not raw:
                continue
            try:
                score_enter(user=request.user, item=item, participant=participant, score=Decimal(raw))
            except InvalidOperation:
                errors += 1
                messages.error(request, f"{participant.name}：得分须为数字")
            except ValidationError as error:
                errors += 1
                messages.error(request, f"{participant.name}：{'；'.join(error.messages)}")
        if not errors:
            messages.success(request, f"已保存“{item.name}”的评分")
        return redirect("submissions:score_entry", year=competition.year)


