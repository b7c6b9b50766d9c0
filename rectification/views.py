import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView
from django_tables2 import RequestConfig

from accounts.roles import Role, role_of
from accounts.scoping import get_scoped_or_404, scope
from accounts.views import RoleRequiredMixin, ScopedListView

from . import selectors, services
from .filtersets import IssueFilterSet, LetterFilterSet
from .forms import AssignForm, EvidenceForm, MeasuresForm, RectifyForm, ReplyForm, ReturnForm, StartForm, VerifyForm
from .models import HandOver, HandOverItem, Issue, IssueEvidence, IssueStatus, SupervisionLetter, TransitionAction
from .tables import HandOverItemTable, IssueTable, LetterTable, OverdueIssueTable

# The roles that work with the ledger (township and village staff have no part in it).
LEDGER_ROLES = frozenset({Role.CITY_ADMIN, Role.COUNTY_REVIEWER, Role.LEADER, Role.UNIT})


def _error_text(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return "；".join(exc.messages)
    return str(exc) or "无权进行此操作"


def _date_param(value: str | None) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value) if value else timezone.localdate()
    except ValueError:
        return timezone.localdate()


class IssueListView(ScopedListView):
    """问题整改台账."""

    allowed_roles = LEDGER_ROLES
    template_name = "rectification/issue_list.html"
    filterset_class = IssueFilterSet
    table_class = IssueTable
    title = "问题整改台账"

    def get_queryset(self):
        return selectors.issue_list(issues=scope(Issue.objects.all(), self.request.user))


class IssueDetailView(RoleRequiredMixin, TemplateView):
    """One issue: its facts, its timeline, its evidence and the steps the user may take."""

    allowed_roles = LEDGER_ROLES
    template_name = "rectification/issue_detail.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        issue = get_scoped_or_404(
            selectors.issue_detail(issues=Issue.objects.all(), pk=self.kwargs["pk"]), user, pk=self.kwargs["pk"]
        )
        actions = services.issue_allowed_actions(issue=issue, user=user)
        unit = services.user_is_issue_unit(user, issue)
        may_upload = issue.status != IssueStatus.CLOSED and (unit or services.user_is_issue_reviewer(user, issue))
        forms = {
            "assign_form": AssignForm(issue=issue) if TransitionAction.ASSIGN in actions else None,
            "start_form": StartForm() if TransitionAction.START in actions else None,
            "rectify_form": RectifyForm(initial={"measures": issue.measures, "completed_date": timezone.localdate()})
            if TransitionAction.RECTIFY in actions else None,
            "verify_form": VerifyForm() if TransitionAction.VERIFY in actions else None,
            "return_form": ReturnForm() if TransitionAction.RETURN in actions else None,
            "measures_form": MeasuresForm(initial={"measures": issue.measures,
                                                   "responsible_person": issue.responsible_person}, prefix="m")
            if unit and issue.status in (IssueStatus.PENDING, IssueStatus.IN_PROGRESS) else None,
            "evidence_form": EvidenceForm() if may_upload else None,
        }
        return super().get_context_data(
            title=f"问题 {issue.number}", issue=issue, actions=actions,
            is_overdue=issue.overdue_on(timezone.localdate()),
            related=list(scope(issue.related.all(), user)),
            letters=list(scope(issue.letters.all(), user)),
            **forms, **kwargs,
        )


class IssueActionView(RoleRequiredMixin, View):
    """POST one workflow step; the service decides whether this user may take it."""

    allowed_roles = LEDGER_ROLES
    http_method_names = ["post"]

    def post(self, request, pk, action):
        issue = get_scoped_or_404(Issue.objects.select_related("responsible_unit"), request.user, pk=pk)
        try:
            message = self.perform(action, issue, request)
        except (PermissionDenied, ValidationError) as exc:
            messages.error(request, _error_text(exc))
        else:
            messages.success(request, message)
        return redirect("rectification:issue_detail", pk=issue.pk)

    def perform(self, action: str, issue: Issue, request) -> str:
        user, data = request.user, request.POST
        if action == TransitionAction.ASSIGN:
            form = self._valid(AssignForm(data, issue=issue))
            services.issue_assign(issue=issue, user=user, unit=form.cleaned_data["unit"],
                                  person=form.cleaned_data["person"], deadline=form.cleaned_data["deadline"])
            return f"已交办至{form.cleaned_data['unit']}"
        if action == TransitionAction.START:
            form = self._valid(StartForm(data))
            services.issue_start(issue=issue, user=user, measures=form.cleaned_data["measures"])
            return "已开始整改"
        if action == "measures":
            form = self._valid(MeasuresForm(data, prefix="m"))
            services.issue_update_measures(issue=issue, user=user, measures=form.cleaned_data["measures"],
                                           responsible_person=form.cleaned_data["responsible_person"])
            return "整改措施已保存"
        if action == TransitionAction.RECTIFY:
            form = self._valid(RectifyForm(data))
            services.issue_mark_rectified(issue=issue, user=user, measures=form.cleaned_data["measures"],
                                          completed_date=form.cleaned_data["completed_date"],
                                          note=form.cleaned_data["note"])
            return "已报告整改完成，等待核验"
        if action == TransitionAction.VERIFY:
            form = self._valid(VerifyForm(data))
            services.issue_verify(issue=issue, user=user, note=form.cleaned_data["note"])
            return "已核验销号"
        if action == TransitionAction.RETURN:
            form = self._valid(ReturnForm(data))
            services.issue_return(issue=issue, user=user, reason=form.cleaned_data["reason"])
            return "已退回责任单位重新整改"
        raise ValidationError("未知的操作")

    @staticmethod
    def _valid(form):
        if not form.is_valid():
            raise ValidationError([e for errors in form.errors.values() for e in errors])
        return form


class EvidenceUploadView(RoleRequiredMixin, View):
    allowed_roles = LEDGER_ROLES
    http_method_names = ["post"]

    def post(self, request, pk):
        issue = get_scoped_or_404(Issue.objects.select_related("responsible_unit"), request.user, pk=pk)
        form = EvidenceForm(request.POST, request.FILES)
        if not form.is_valid():
            messages.error(request, _error_text(ValidationError(form.errors["file"])))
        else:
            try:
                evidence = services.issue_evidence_add(issue=issue, user=request.user,
                                                       uploaded=form.cleaned_data["file"])
            except (PermissionDenied, ValidationError) as exc:
                messages.error(request, _error_text(exc))
            else:
                messages.success(request, f"佐证材料“{evidence.original_name}”已上传")
        return redirect("rectification:issue_detail", pk=issue.pk)


class EvidenceDownloadView(RoleRequiredMixin, View):
    """Evidence files are served through the scoping function, never from a public media URL."""

    allowed_roles = LEDGER_ROLES

    def get(self, request, pk, evidence_pk):
        evidence = get_scoped_or_404(IssueEvidence.objects.filter(issue_id=pk), request.user, pk=evidence_pk)
        return FileResponse(evidence.file.open("rb"), as_attachment=True, filename=evidence.original_name)


class OverdueView(RoleRequiredMixin, TemplateView):
    """逾期工作清单: per county, open and overdue issues as of a date; the overdue ones listed below."""

    allowed_roles = LEDGER_ROLES
    template_name = "rectification/overdue.html"

    def get_context_data(self, **kwargs):
        on = _date_param(self.request.GET.get("on"))
        issues = scope(Issue.objects.all(), self.request.user)
        county = self.request.GET.get("county") or ""
        overdue = selectors.issue_list(issues=issues.overdue(on=on).filter(found_date__lte=on), on=on)
        if county:
            overdue = overdue.filter(county_id=county)
        table = OverdueIssueTable(overdue.order_by("county_id", "deadline", "number"))
        RequestConfig(self.request, paginate={"per_page": 50}).configure(table)
        return super().get_context_data(
            title="逾期问题工作清单", on=on, county=county, table=table,
            by_county=list(selectors.overdue_by_county(issues=issues, on=on)), **kwargs,
        )


class LetterListView(ScopedListView):
    allowed_roles = LEDGER_ROLES
    template_name = "rectification/letter_list.html"
    filterset_class = LetterFilterSet
    table_class = LetterTable
    title = "工作督办函"

    def get_queryset(self):
        return selectors.letter_list(letters=scope(SupervisionLetter.objects.all(), self.request.user))


class LetterDetailView(RoleRequiredMixin, TemplateView):
    allowed_roles = LEDGER_ROLES
    template_name = "rectification/letter_detail.html"

    def get_letter(self):
        pk = self.kwargs["pk"]
        return get_scoped_or_404(selectors.letter_detail(letters=SupervisionLetter.objects.all(), pk=pk),
                                 self.request.user, pk=pk)

    def get_context_data(self, **kwargs):
        letter = self.get_letter()
        user = self.request.user
        table = IssueTable(selectors.issue_list(issues=scope(letter.issues.all(), user)),
                           exclude=["source", "aspect", "found_date"])
        RequestConfig(self.request, paginate={"per_page": 50}).configure(table)
        may_reply = (role_of(user) == Role.COUNTY_REVIEWER and letter.addressee_county_id) or (
            role_of(user) == Role.UNIT and letter.addressee_unit_id
            and letter.addressee_unit.users.filter(pk=user.pk).exists()
        )
        return super().get_context_data(
            title=f"督办函 {letter.number}", letter=letter, table=table,
            reply_form=ReplyForm(initial={"reply_text": letter.reply_text}) if may_reply else None, **kwargs,
        )

    def post(self, request, pk):
        letter = self.get_letter()
        form = ReplyForm(request.POST)
        try:
            if not form.is_valid():
                raise ValidationError("请填写回复内容")
            services.letter_reply(letter=letter, user=request.user, reply_text=form.cleaned_data["reply_text"])
        except (PermissionDenied, ValidationError) as exc:
            messages.error(request, _error_text(exc))
        else:
            messages.success(request, "督办函回复已保存")
        return redirect("rectification:letter_detail", pk=letter.pk)


class HandOverListView(RoleRequiredMixin, TemplateView):
    """双交办清单: each county's lists, and for one list its issues and the units they went on to."""

    allowed_roles = LEDGER_ROLES - {Role.UNIT}
    template_name = "rectification/handover_list.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        handovers = list(selectors.handover_list(handovers=scope(HandOver.objects.all(), user)))
        current = None
        table = None
        pk = self.request.GET.get("list")
        if pk and pk.isdigit():
            current = next((h for h in handovers if h.pk == int(pk)), None)
        if current is not None:
            items = scope(HandOverItem.objects.filter(handover=current), user).select_related(
                "issue__category", "unit")
            table = HandOverItemTable(items)
            RequestConfig(self.request, paginate={"per_page": 100}).configure(table)
        return super().get_context_data(title="双交办清单", handovers=handovers, current=current, table=table,
                                        **kwargs)
