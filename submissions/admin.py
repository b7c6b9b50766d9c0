"""Admin of provincial review. Submissions are read-only here (frozen through the 冻结报送 page or the
``freeze_submission`` command); scores are entered on the 评分 page, where only an item's evaluators may
enter; the competition's rounds, participants and items are the city administrator's reference data."""

from django.contrib import admin

from accounts.admin import ScopedAdminMixin

from .models import CompetitionRound, EnteredScore, Participant, ScoringItem, Submission, SubmissionReport


class ReadOnlyMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class SubmissionReportInline(ScopedAdminMixin, ReadOnlyMixin, admin.TabularInline):
    model = SubmissionReport
    fields = ["title", "filename", "size", "sha256"]
    readonly_fields = fields
    extra = 0


@admin.register(Submission)
class SubmissionAdmin(ScopedAdminMixin, ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["area_name", "year", "quarter", "frozen_by", "frozen_at", "confirmed_incomplete"]
    list_filter = ["year", "quarter"]
    readonly_fields = ["year", "quarter", "area_code", "area_name", "frozen_by", "frozen_at", "confirmed_incomplete",
                       "completeness", "note"]
    inlines = [SubmissionReportInline]


class ParticipantInline(ScopedAdminMixin, admin.TabularInline):
    model = Participant
    extra = 0


class ScoringItemInline(ScopedAdminMixin, admin.StackedInline):
    model = ScoringItem
    extra = 0
    filter_horizontal = ["evaluators"]


@admin.register(CompetitionRound)
class CompetitionRoundAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "year", "quarter"]
    inlines = [ParticipantInline, ScoringItemInline]


@admin.register(EnteredScore)
class EnteredScoreAdmin(ScopedAdminMixin, ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["item", "participant", "score", "entered_by", "entered_at"]
    list_filter = ["item__round"]
    readonly_fields = ["item", "participant", "score", "entered_by", "entered_at", "note"]
