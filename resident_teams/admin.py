import datetime

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from simple_history.admin import SimpleHistoryAdmin

from accounts.admin import ScopedAdminMixin
from accounts.roles import Role, may_see_full_id, role_of
from accounts.scoping import VIEW, scope
from yuncheng.idcard import mask_id_number
from yuncheng.personal_numbers import full_id_viewed

from . import selectors
from .models import AttendanceWeek, Evaluation, Inspection, TeamMember, TrainingSession, Visit, WorkTeam
from .services import team_fill_station, team_member_save, team_save


class TeamAccountChoicesMixin:
    """The account of a team member is chosen among the 驻村队员 accounts of the writer's area (the
    service also requires the team's county)."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "user" and field is not None:
            field.queryset = field.queryset.filter(profile__role=Role.TEAM_MEMBER)
        return field


class TeamMemberInline(TeamAccountChoicesMixin, ScopedAdminMixin, admin.TabularInline):
    model = TeamMember
    extra = 0
    fields = ["name", "id_number", "role", "unit", "phone", "joined_on", "left_on", "recalled_on", "recall_reason",
              "user"]
    raw_id_fields = ["user"]

    def service_save_inline(self, request, inline_form, parent):
        return team_member_save(user=request.user, member=inline_form.instance)


class WorkTeamAdminForm(forms.ModelForm):
    def clean(self):
        cleaned = super().clean()
        stations = [cleaned.get(f) for f in ("village", "relocation_site", "township") if cleaned.get(f)]
        if len(stations) != 1:
            raise forms.ValidationError("派驻地须且只能是一个行政村、一个安置点或一个乡镇")
        return cleaned


@admin.register(WorkTeam)
class WorkTeamAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ["code", "name", "county", "station_kind", "dispatch_level", "dispatch_unit", "arrived_on",
                    "departed_on"]
    list_filter = [("county", admin.RelatedOnlyFieldListFilter), "dispatch_level", "station_kind", "is_poverty_village_station",
                   "is_relocation_site_station", "is_key_township_station", "is_demo_village_station"]
    search_fields = ["code", "name", "dispatch_unit", "station_code"]
    autocomplete_fields = ["village", "relocation_site", "township"]
    list_select_related = ["county"]
    readonly_fields = ["station_code", "county"]
    inlines = [TeamMemberInline]
    fieldsets = [
        (None, {"fields": ["code", "name"]}),
        ("派驻地", {"fields": ["village", "relocation_site", "township", "station_code", "county"],
                 "description": "行政村、安置点、乡镇三者选填其一"}),
        ("派驻类型", {"fields": ["is_poverty_village_station", "is_relocation_site_station",
                             "is_key_township_station", "is_demo_village_station"]}),
        ("派出", {"fields": ["dispatch_unit", "dispatch_level", "arrived_on", "departed_on"]}),
    ]

    form = WorkTeamAdminForm

    def save_model(self, request, obj, form, change):
        # The station decides the team's area: fill it before the area is checked.
        team_fill_station(obj)
        super().save_model(request, obj, form, change)

    def service_save(self, request, obj, form, change):
        team_save(user=request.user, team=obj)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "GET":
            team = self.get_queryset(request).filter(pk=object_id).first()
            if team is not None:
                annotated = selectors.team_list(teams=WorkTeam.objects.filter(pk=team.pk), on=datetime.date.today())
                for problem in selectors.team_rule_problems(annotated.get()):
                    messages.warning(request, f"人员配备不符合要求：{problem}")
        return super().change_view(request, object_id, form_url, extra_context)


class OwnMemberAdminMixin(ScopedAdminMixin):
    """A team member enters records for themselves only: the member field offers (and accepts) only their
    own member records, and the household field the households of their station."""

    def save_model(self, request, obj, form, change):
        if role_of(request.user) == Role.TEAM_MEMBER and obj.member.user_id != request.user.pk:
            raise PermissionDenied("只能填报本人的记录")
        super().save_model(request, obj, form, change)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "household" and field is not None and role_of(request.user) == Role.TEAM_MEMBER:
            from monitoring.models import Household

            members = scope(TeamMember.objects.select_related("team"), request.user, VIEW)
            households = Household.objects.none()
            for member in members:
                households |= selectors.station_households(team=member.team)
            field.queryset = households
        return field


@admin.register(TeamMember)
class TeamMemberAdmin(TeamAccountChoicesMixin, ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ["name", "role", "team", "unit", "joined_on", "left_on", "recalled_on"]
    list_filter = ["role", "team__county", "team__dispatch_level"]
    search_fields = ["name", "id_number", "team__code", "team__name", "unit"]
    autocomplete_fields = ["team"]
    raw_id_fields = ["user"]
    list_select_related = ["team"]

    def service_save(self, request, obj, form, change):
        team_member_save(user=request.user, member=obj)

    def get_list_display(self, request):
        # The ID column is masked for roles that must not read the full number.
        full = may_see_full_id(request.user)
        if full:
            full_id_viewed(request, where="admin team member list")

        @admin.display(description="身份证号")
        def id_display(obj):
            return obj.id_number if full else mask_id_number(obj.id_number)

        names = list(super().get_list_display(request))
        return [names[0], id_display, *names[1:]]


@admin.register(AttendanceWeek)
class AttendanceWeekAdmin(OwnMemberAdminMixin, SimpleHistoryAdmin):
    list_display = ["member", "team", "week_start", "days_on_station", "nights_on_station", "compliant",
                    "leave_days", "leave_approved_by"]
    list_filter = ["week_start", "member__team__county"]
    search_fields = ["member__name", "member__team__code"]
    raw_id_fields = ["member"]
    list_select_related = ["member", "member__team"]
    date_hierarchy = "week_start"
    exclude = []

    def get_queryset(self, request):
        return selectors.attendance_weeks(weeks=super().get_queryset(request))

    @admin.display(description="工作队")
    def team(self, obj):
        return obj.member.team.code

    @admin.display(description="五天四夜达标", boolean=True, ordering="compliant")
    def compliant(self, obj):
        return obj.compliant


@admin.register(Visit)
class VisitAdmin(OwnMemberAdminMixin, SimpleHistoryAdmin):
    list_display = ["visited_on", "member", "household", "content"]
    list_filter = ["visited_on", "member__team__county"]
    search_fields = ["member__name", "household__code", "household__head_name"]
    raw_id_fields = ["member", "household"]
    list_select_related = ["member", "household"]
    date_hierarchy = "visited_on"


@admin.register(TrainingSession)
class TrainingSessionAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ["held_on", "title", "kind", "organizer", "area_code", "attendees"]
    list_filter = ["kind", "held_on"]
    search_fields = ["title", "organizer"]


@admin.register(Inspection)
class InspectionAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ["inspected_on", "group", "team", "area_code", "findings_count", "notification_issued",
                    "notification_no"]
    fields = ["group", "inspected_on", "team", "area_code", "findings", "findings_count", "notification_issued",
              "notification_no", "notified_on"]
    list_filter = ["notification_issued", "inspected_on"]
    search_fields = ["group", "team__code", "notification_no", "findings"]
    autocomplete_fields = ["team"]
    list_select_related = ["team"]


@admin.register(Evaluation)
class EvaluationAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ["team", "kind", "year", "bimonth", "score", "honour_list", "member", "grade"]
    list_filter = ["kind", "year", "honour_list", "grade"]
    search_fields = ["team__code", "team__name", "member__name"]
    autocomplete_fields = ["team"]
    raw_id_fields = ["member"]
    list_select_related = ["team", "member"]
