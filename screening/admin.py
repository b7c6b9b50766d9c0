"""数据录入 for the screening app. Rules are saved through ``services.rule_save``; events, warnings and the
mock assessment are written only by their imports and pages (services), so the admin shows them read-only."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from accounts.admin import ScopedAdminMixin

from . import services
from .models import AssessmentAnswer, AssessmentRound, DepartmentEvent, ScreeningWarning, WarningRule


class ReadOnlyAdminMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(WarningRule)
class WarningRuleAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ["event_type", "min_amount", "income_share_pct", "is_active", "note"]
    fields = ["event_type", "min_amount", "income_share_pct", "is_active", "note"]

    def get_readonly_fields(self, request, obj=None):
        return ["event_type"] if obj else []

    def save_model(self, request, obj, form, change):
        saved = services.rule_save(user=request.user, event_type=obj.event_type, min_amount=obj.min_amount,
                                   income_share_pct=obj.income_share_pct, is_active=obj.is_active, note=obj.note)
        obj.pk = saved.pk


@admin.register(DepartmentEvent)
class DepartmentEventAdmin(ReadOnlyAdminMixin, ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ["name", "event_type", "event_date", "amount", "departments", "member", "area_code", "imported_at"]
    list_filter = ["event_type", ("member", admin.EmptyFieldListFilter)]
    search_fields = ["name", "departments"]
    list_select_related = ["member"]


@admin.register(ScreeningWarning)
class ScreeningWarningAdmin(ReadOnlyAdminMixin, ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ["household", "event_type", "event_date", "rule", "raised_on", "status", "verified_on"]
    list_filter = ["status", "event_type"]
    list_select_related = ["household"]



@admin.register(AssessmentRound)
class AssessmentRoundAdmin(ReadOnlyAdminMixin, ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ["name", "year", "sample_size", "seed", "status", "drawn_at"]


@admin.register(AssessmentAnswer)
class AssessmentAnswerAdmin(ReadOnlyAdminMixin, ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ["sample", "indicator", "passed", "issue"]
    list_filter = ["indicator", "passed"]
    list_select_related = ["sample", "issue"]
