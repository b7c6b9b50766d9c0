import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django.views.generic import TemplateView

from accounts.roles import Role, role_of
from accounts.scoping import CHANGE, get_scoped_or_404, instance_in_scope, scope, user_area_code
from accounts.views import RoleRequiredMixin, ScopedListView

from . import selectors, services
from .filtersets import HouseholdFilterSet
from .models import EliminationMode, EliminationStatus, Household, MonitoringRecord, ReviewStage, ReviewStatus
from .quality import (
    quality_forget,
    quality_group_len,
    quality_job_start,
    quality_progress,
    quality_result,
    quality_rows,
    quality_summary,
)
from .tables import HouseholdTable, monitoring_state

WORKFLOW_ROLES = frozenset({Role.CITY_ADMIN, Role.COUNTY_REVIEWER, Role.TOWNSHIP_CLERK, Role.VILLAGE_OFFICER})


class HouseholdListView(ScopedListView):
    """监测对象: households of the user's area (监测户 by default), filtered, sorted and paginated."""

    model = Household
    filterset_class = HouseholdFilterSet
    table_class = HouseholdTable
    template_name = "monitoring/household_list.html"
    title = "监测对象"

    def get_queryset(self):
        return selectors.household_list(households=selectors.households_for(user=self.request.user))

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        kwargs["data"] = self.request.GET  # bound even when empty, so the default 户类型 applies
        return kwargs

    def get_context_data(self, **kwargs):
        return super().get_context_data(section="monitoring", **kwargs)


class HouseholdDetailView(RoleRequiredMixin, TemplateView):
    """One household: its members, income by quarter, measures and the review timeline of its records."""

    template_name = "monitoring/household_detail.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        household = get_scoped_or_404(
            Household.objects.select_related("village__township__county", "relocation_site"), user,
            code=self.kwargs["code"],
        )
        detail = selectors.household_detail(household=household, user=user)
        records = list(detail["records"])
        for record in records:
            record.state = monitoring_state(record.status, record.elimination_status)
            record.stage = services.pending_stage(record)
        can_change = role_of(user) in WORKFLOW_ROLES and instance_in_scope(user, household, CHANGE)
        return super().get_context_data(
            title=f"农户 {household.code}", section="monitoring", household=household, records=records,
            members=detail["members"], incomes=detail["incomes"], measures=detail["measures"],
            can_change=can_change, elimination_modes=EliminationMode.choices,
            can_review_township=user.has_perm("monitoring.review_township"),
            can_approve_county=user.has_perm("monitoring.approve_county"), **kwargs,
        )


class WorklistView(RoleRequiredMixin, TemplateView):
    """待审核: what waits for the user's step (and, for village officers, what was sent back to them)."""

    template_name = "monitoring/worklist.html"
    allowed_roles = WORKFLOW_ROLES

    def get_context_data(self, **kwargs):
        records = list(selectors.worklist(user=self.request.user)[:200])
        for record in records:
            record.stage = services.pending_stage(record)
            record.state = monitoring_state(record.status, record.elimination_status)
        user = self.request.user
        return super().get_context_data(
            title="待审核", section="monitoring", records=records, role=role_of(user),
            can_review_township=user.has_perm("monitoring.review_township"),
            can_approve_county=user.has_perm("monitoring.approve_county"), **kwargs,
        )


class QualityView(RoleRequiredMixin, TemplateView):
    """数据质量: each check's count and its households, by the areas one level below the user's. A county
    or smaller area is checked while the page loads; the city's checks run as a background job whose
    progress the page shows, and its result is kept for a while (``monitoring.quality``)."""

    template_name = "monitoring/quality.html"

    def area(self):
        code = user_area_code(self.request.user) or ""
        return code, quality_group_len(code)

    def get_context_data(self, **kwargs):
        user = self.request.user
        code, group_len = self.area()
        context = {"title": "数据质量检查", "section": "monitoring", "in_background": group_len == 6}
        if group_len == 6:
            result = quality_result(code=code)
            if result is None:
                quality_job_start(code=code, group_len=group_len)
                result = quality_result(code=code)  # a job run inline (no worker) has finished already
            if result is None:
                context["progress"] = quality_progress(code=code) or {"done": 0, "total": 0}
            else:
                context.update(rows=quality_rows(result), computed_at=result["computed_at"])
        else:
            context["rows"] = quality_summary(households=scope(Household.objects.all(), user), group_len=group_len)
        return super().get_context_data(**context, **kwargs)

    def post(self, request):
        """重新检查: forget the kept result and start again."""
        code, group_len = self.area()
        if group_len == 6:
            quality_forget(code=code)
            quality_job_start(code=code, group_len=group_len)
        return redirect("monitoring:quality")


class QualityStatusView(RoleRequiredMixin, View):
    """The progress of the city's checks, for the page to poll."""

    def get(self, request):
        from django.http import JsonResponse

        code = user_area_code(request.user) or ""
        progress = quality_progress(code=code)
        return JsonResponse({"ready": quality_result(code=code) is not None,
                             "done": progress["done"] if progress else 0,
                             "total": progress["total"] if progress else 0})


# ---------------------------------------------------------------- workflow actions (POST only)


def _month(value: str) -> datetime.date | None:
    try:
        return datetime.datetime.strptime(value.strip()[:7], "%Y-%m").date()
    except (ValueError, AttributeError):
        return None


def _date(value: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value.strip())
    except (ValueError, AttributeError):
        return None


class RecordActionView(RoleRequiredMixin, View):
    """A step of the workflow on one record, through its service; errors come back as messages."""

    http_method_names = ["post"]
    allowed_roles = WORKFLOW_ROLES
    done = ""

    def post(self, request, pk):
        record = get_scoped_or_404(MonitoringRecord.objects.select_related("household"), request.user, CHANGE, pk=pk)
        try:
            self.act(record, request.POST)
        except ValidationError as error:
            messages.error(request, "；".join(error.messages))
        else:
            messages.success(request, self.done)
        target = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
            target = reverse("monitoring:household_detail", kwargs={"code": record.household.code})
        return redirect(target)

    def act(self, record, data):
        raise NotImplementedError


class RecordSubmitView(RecordActionView):
    done = "已提交乡镇审核"

    def act(self, record, data):
        services.monitoring_submit(user=self.request.user, record=record,
                                   notice_start=_date(data.get("notice_start", "")),
                                   notice_end=_date(data.get("notice_end", "")))


class RecordApproveView(RecordActionView):
    """乡镇审核 or 县级审定, whichever the record waits for."""

    done = "审核通过"

    def act(self, record, data):
        services.monitoring_approve_next(user=self.request.user, record=record, comment=data.get("comment", ""),
                                         confirm_warnings=data.get("confirm_warnings") == "1")


class RecordRejectView(RecordActionView):
    done = "已退回填报人"

    def act(self, record, data):
        services.monitoring_reject(user=self.request.user, record=record, reason=data.get("reason", ""))


class EliminationRequestView(RecordActionView):
    done = "已提交风险消除申请"

    def act(self, record, data):
        month = _month(data.get("month", ""))
        if month is None:
            raise ValidationError("请填写风险消除年月")
        services.elimination_request(
            user=self.request.user, record=record, mode=data.get("mode", ""), month=month,
            reason=data.get("reason", ""), notice_start=_date(data.get("notice_start", "")),
            notice_end=_date(data.get("notice_end", "")),
        )
