import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.views.generic import TemplateView

from accounts.roles import Role, role_of
from accounts.scoping import get_scoped_or_404, scope
from accounts.views import RoleRequiredMixin, ScopedListView

from . import selectors, services
from .filtersets import WorkTeamFilterSet
from .forms import AttendanceForm, VisitForm, bootstrap
from .models import AttendanceWeek, Evaluation, Visit, WorkTeam
from .tables import WorkTeamTable


def _today() -> datetime.date:
    return datetime.date.today()


class TeamListView(ScopedListView):
    """驻村工作队 in the user's area, with serving members, 五天四夜 compliance over the latest 12 recorded
    weeks and the team rule."""

    model = WorkTeam
    filterset_class = WorkTeamFilterSet
    table_class = WorkTeamTable
    template_name = "resident_teams/team_list.html"
    title = "驻村工作队"

    def dispatch(self, request, *args, **kwargs):
        # A 驻村队员's own page is "my attendance and visits"; the list is for the area roles.
        if role_of(request.user) == Role.TEAM_MEMBER:
            return redirect("resident_teams:my_records")
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        self.period = selectors.attendance_period(weeks=scope(AttendanceWeek.objects.all(), self.request.user))
        week_from, week_to = self.period or (None, None)
        teams = scope(WorkTeam.objects.active_on(_today()), self.request.user)
        return selectors.team_list(teams=teams, on=_today(), week_from=week_from, week_to=week_to)

    def get_context_data(self, **kwargs):
        return super().get_context_data(period=self.period, **kwargs)


class TeamDetailView(RoleRequiredMixin, TemplateView):
    """One team: its members, the team rule, the attendance calendar (weeks × members), visits and their
    coverage, and evaluations."""

    template_name = "resident_teams/team_detail.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        team = get_scoped_or_404(WorkTeam.objects.all(), user, pk=self.kwargs["pk"])
        team = selectors.team_get_annotated(teams=WorkTeam.objects.all(), pk=team.pk, on=_today())
        members = list(scope(selectors.team_members(team=team), user))
        calendar = selectors.attendance_calendar(team=team, members=members)
        coverage = None
        if calendar["weeks"]:
            coverage = selectors.visit_coverage(
                team=team, date_from=calendar["weeks"][-1], date_to=calendar["weeks"][0] + datetime.timedelta(days=6)
            )
        visits = selectors.visit_list(visits=scope(Visit.objects.filter(member__team=team), user))[:30]
        evaluations = scope(Evaluation.objects.filter(team=team).select_related("member"), user)
        return super().get_context_data(
            title=team.name, team=team, members=members, calendar=calendar, coverage=coverage, visits=visits,
            evaluations=evaluations, problems=selectors.team_rule_problems(team), today=_today(), **kwargs
        )


class MyRecordsView(RoleRequiredMixin, TemplateView):
    """我的考勤与走访: a 驻村队员 records their own weekly attendance and household visits."""

    allowed_roles = {Role.TEAM_MEMBER}
    template_name = "resident_teams/my_records.html"

    def dispatch(self, request, *args, **kwargs):
        self.member = None
        if request.user.is_authenticated:
            self.member = selectors.member_of_user(user=request.user, on=_today())
        return super().dispatch(request, *args, **kwargs)

    def households(self):
        return selectors.station_households(team=self.member.team).order_by("head_name", "code")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(title="我的考勤与走访", member=self.member, **kwargs)
        if self.member is None:
            return context
        user = self.request.user
        context.setdefault("attendance_form", bootstrap(AttendanceForm(initial={"week_start": _today()})))
        context.setdefault(
            "visit_form", bootstrap(VisitForm(households=self.households(), initial={"visited_on": _today()}))
        )
        context["weeks"] = selectors.attendance_weeks(
            weeks=scope(AttendanceWeek.objects.filter(member=self.member), user)
        )[:12]
        context["visits"] = selectors.visit_list(visits=scope(Visit.objects.filter(member=self.member), user))[:30]
        return context

    def post(self, request, *args, **kwargs):
        if self.member is None:
            messages.error(request, "您的账号未关联在岗驻村队员，不能填报")
            return redirect("resident_teams:my_records")
        if request.POST.get("form") == "visit":
            return self._post_visit(request)
        return self._post_attendance(request)

    def _post_attendance(self, request):
        form = bootstrap(AttendanceForm(request.POST))
        if form.is_valid():
            try:
                week = services.attendance_record(user=request.user, member=self.member, **form.cleaned_data)
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                verdict = "达标" if week.is_compliant else "未达标"
                messages.success(request, f"已保存 {week.week_start:%Y-%m-%d} 起一周的考勤（五天四夜{verdict}）")
                return redirect("resident_teams:my_records")
        return self.render_to_response(self.get_context_data(attendance_form=form))

    def _post_visit(self, request):
        form = bootstrap(VisitForm(request.POST, households=self.households()))
        if form.is_valid():
            try:
                services.visit_record(user=request.user, member=self.member, **form.cleaned_data)
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, "已保存走访记录")
                return redirect("resident_teams:my_records")
        return self.render_to_response(self.get_context_data(visit_form=form))


def _add_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)
