"""The warning worklist (部门筛查预警) and the mock national assessment (模拟国考) pages."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView

from accounts.roles import AREA_ROLES, Role, role_of
from accounts.scoping import CHANGE, get_scoped_or_404, instance_in_scope, scope
from accounts.views import RoleRequiredMixin, ScopedListView
from rectification.models import Issue

from . import selectors, services
from .filtersets import WarningFilterSet
from .forms import AnswersUploadForm, DismissForm, IdentifyForm, RoundForm
from .models import (
    AssessmentAnswer,
    AssessmentRound,
    DepartmentEvent,
    RoundStatus,
    SampleHousehold,
    ScreeningWarning,
    Stratum,
    WarningStatus,
)
from .tables import WarningTable

WARNING_ROLES = AREA_ROLES
VERIFY_ROLES = frozenset({Role.VILLAGE_OFFICER, Role.TOWNSHIP_CLERK, Role.COUNTY_REVIEWER, Role.CITY_ADMIN})
ASSESSMENT_ROLES = frozenset({Role.CITY_ADMIN, Role.COUNTY_REVIEWER, Role.LEADER})


def _error_text(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return "；".join(exc.messages)
    return str(exc) or "无权进行此操作"


class WarningListView(ScopedListView):
    """筛查预警: the warnings of the user's area, oldest first, overdue ones flagged."""

    allowed_roles = WARNING_ROLES
    template_name = "screening/warning_list.html"
    filterset_class = WarningFilterSet
    table_class = WarningTable
    title = "部门筛查预警"

    def get_queryset(self):
        return selectors.warning_list(warnings=selectors.warnings_for(user=self.request.user),
                                      on=timezone.localdate())

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        if not self.request.GET:
            kwargs["data"] = {"status": WarningStatus.PENDING}  # the worklist opens on what waits for a visit
        return kwargs

    def get_context_data(self, **kwargs):
        # Persons the departments reported but the registry does not hold: followed up, not dropped.
        unmatched = scope(DepartmentEvent.objects.filter(member__isnull=True), self.request.user).count()
        return super().get_context_data(unmatched=unmatched, **kwargs)


class WarningDetailView(RoleRequiredMixin, TemplateView):
    """One warning: the event, the rule, the household's state, and the verification forms."""

    allowed_roles = WARNING_ROLES
    template_name = "screening/warning_detail.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        warning = get_scoped_or_404(
            ScreeningWarning.objects.select_related("event", "household__village__township", "verified_by",
                                                    "monitoring_record"),
            user, pk=self.kwargs["pk"],
        )
        may_verify = (warning.status == WarningStatus.PENDING and role_of(user) in VERIFY_ROLES
                      and instance_in_scope(user, warning, CHANGE))
        return super().get_context_data(
            title=f"筛查预警 · {warning.household.code}", warning=warning, may_verify=may_verify,
            is_overdue=warning.overdue_on(timezone.localdate()),
            dismiss_form=DismissForm() if may_verify else None,
            identify_form=IdentifyForm(prefix="i") if may_verify else None, **kwargs,
        )


class WarningActionView(RoleRequiredMixin, View):
    """POST 核实排除 (dismiss) or 纳入监测识别 (identify); the services decide whether the user may."""

    allowed_roles = VERIFY_ROLES
    http_method_names = ["post"]

    def post(self, request, pk, action):
        warning = get_scoped_or_404(ScreeningWarning.objects.all(), request.user, pk=pk)
        try:
            if action == "dismiss":
                form = DismissForm(request.POST)
                if not form.is_valid():
                    raise ValidationError("请填写排除理由")
                services.warning_dismiss(user=request.user, warning=warning, reason=form.cleaned_data["reason"])
                messages.success(request, "已核实排除")
            elif action == "identify":
                form = IdentifyForm(request.POST, prefix="i")
                if not form.is_valid():
                    raise ValidationError([f"{form.fields[f].label}：{'；'.join(e)}" for f, e in form.errors.items()])
                data = form.cleaned_data
                warning = services.warning_identify(
                    user=request.user, warning=warning, category=data["category"], risk_types=data["risk_types"],
                    identified_month=data["identified_month"], situation=data["situation"])
                messages.success(request, "已纳入监测识别（村级初选草稿），请公示后提交乡镇审核")
                return redirect("monitoring:household_detail", code=warning.household.code)
            else:
                raise ValidationError("未知操作")
        except (PermissionDenied, ValidationError) as exc:
            messages.error(request, _error_text(exc))
        return redirect("screening:warning_detail", pk=warning.pk)


# ---------------------------------------------------------------- 模拟国考


class RoundListView(RoleRequiredMixin, TemplateView):
    allowed_roles = ASSESSMENT_ROLES
    template_name = "screening/round_list.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        rounds = scope(AssessmentRound.objects.prefetch_related("counties"), user)
        may_create = role_of(user) == Role.CITY_ADMIN
        return super().get_context_data(title="模拟国考", rounds=rounds,
                                        form=kwargs.pop("form", None) or (RoundForm() if may_create else None),
                                        **kwargs)

    def post(self, request):
        form = RoundForm(request.POST)
        if form.is_valid():
            try:
                assessment = services.round_create(user=request.user, **form.cleaned_data)
            except (PermissionDenied, ValidationError) as exc:
                messages.error(request, _error_text(exc))
            else:
                messages.success(request, f"已创建“{assessment.name}”，请抽样")
                return redirect("screening:round_detail", pk=assessment.pk)
        return self.render_to_response(self.get_context_data(form=form))


class RoundDetailView(RoleRequiredMixin, TemplateView):
    """A round: its sample by county and stratum, the field sheets, the answers' results and the issues raised."""

    allowed_roles = ASSESSMENT_ROLES
    template_name = "screening/round_detail.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        assessment = get_scoped_or_404(AssessmentRound.objects.all(), user, pk=self.kwargs["pk"])
        samples = scope(SampleHousehold.objects.filter(round=assessment), user)
        answers = scope(AssessmentAnswer.objects.filter(sample__round=assessment), user)
        counts = selectors.round_counts(samples=samples)
        counties = selectors.round_counties(assessment=assessment)
        issues = scope(Issue.objects.filter(assessment_answers__sample__round=assessment), user).select_related(
            "village", "category").order_by("number")
        return super().get_context_data(
            title=f"模拟国考 · {assessment.name}", assessment=assessment, counties=counties,
            counts=[(c, counts.get(c.code, {})) for c in counties], sample_total=samples.count(),
            results=selectors.round_results(answers=answers), issues=issues[:200], issue_total=issues.count(),
            may_draw=role_of(user) == Role.CITY_ADMIN and assessment.status == RoundStatus.DRAFT,
            may_import=assessment.status == RoundStatus.DRAWN and user.has_perm("screening.add_assessmentanswer"),
            upload_form=AnswersUploadForm(), **kwargs,
        )


class RoundDrawView(RoleRequiredMixin, View):
    allowed_roles = frozenset({Role.CITY_ADMIN})
    http_method_names = ["post"]

    def post(self, request, pk):
        assessment = get_scoped_or_404(AssessmentRound.objects.all(), request.user, pk=pk)
        try:
            shortfall = services.round_draw(user=request.user, assessment=assessment)
        except (PermissionDenied, ValidationError) as exc:
            messages.error(request, _error_text(exc))
        else:
            messages.success(request, "抽样完成")
            for county, missing in shortfall.items():
                text = "、".join(f"{Stratum(s).label}少 {n} 户" for s, n in missing.items())
                messages.warning(request, f"{county}：抽中的村中农户不足，{text}")
        return redirect("screening:round_detail", pk=assessment.pk)
