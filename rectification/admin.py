"""数据录入 for the 问题整改 app. Status, completion and closing dates are changed only through the
workflow (services.py, the issue page), so the admin shows them read-only."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from accounts.admin import ScopedAdminMixin
from accounts.roles import Role, role_of

from .models import (
    Aspect,
    Category,
    HandOver,
    HandOverItem,
    Issue,
    IssueEvidence,
    IssueTransition,
    ResponsibleUnit,
    SupervisionLetter,
)


class CategoryInline(ScopedAdminMixin, admin.TabularInline):
    model = Category
    extra = 0
    fields = ["name", "sort_order", "is_provincial"]


@admin.register(Aspect)
class AspectAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "sort_order", "is_national"]
    search_fields = ["name"]
    inlines = [CategoryInline]


@admin.register(Category)
class CategoryAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "aspect", "sort_order", "is_provincial"]
    list_filter = ["aspect", "is_provincial"]
    search_fields = ["name"]
    list_select_related = ["aspect"]


@admin.register(ResponsibleUnit)
class ResponsibleUnitAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "county"]
    list_filter = ["county"]
    search_fields = ["name"]
    filter_horizontal = ["users"]
    list_select_related = ["county"]


class IssueTransitionInline(ScopedAdminMixin, admin.TabularInline):
    model = IssueTransition
    extra = 0
    can_delete = False
    fields = ["at", "action", "from_status", "to_status", "user", "note"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class IssueEvidenceInline(ScopedAdminMixin, admin.TabularInline):
    model = IssueEvidence
    extra = 0
    can_delete = False
    fields = ["original_name", "file", "size", "uploaded_by", "uploaded_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        # Uploads go through the issue page, which checks the file's type and size.
        return False


@admin.register(Issue)
class IssueAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ["number", "source", "aspect", "category", "county", "village", "responsible_unit", "deadline",
                    "status"]
    list_filter = ["status", "source", "aspect", "county"]
    search_fields = ["number", "description"]
    list_select_related = ["aspect", "category", "county", "village", "responsible_unit"]
    autocomplete_fields = ["village"]
    raw_id_fields = ["related", "household", "inspection"]
    readonly_fields = ["status", "completed_date", "closed_date", "area_code"]
    date_hierarchy = "found_date"
    list_per_page = 100
    show_full_result_count = False
    inlines = [IssueTransitionInline, IssueEvidenceInline]
    fieldsets = [
        (None, {"fields": ["number", "source", "aspect", "category", "county", "village", "household", "area_code",
                           "inspection", "description"]}),
        ("整改", {"fields": ["responsible_unit", "responsible_person", "found_date", "deadline", "measures",
                             "status", "completed_date", "closed_date"]}),
        ("举一反三", {"fields": ["related"]}),
    ]
    # A responsible unit edits only what it answers for; the rest of the record is the county's.
    UNIT_EDITABLE = {"measures", "responsible_person"}

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if role_of(request.user) == Role.UNIT:
            fields = [f for _, options in self.fieldsets for f in options["fields"]]
            readonly += [f for f in fields if f not in self.UNIT_EDITABLE and f not in readonly]
        return readonly


class HandOverItemInline(ScopedAdminMixin, admin.TabularInline):
    model = HandOverItem
    extra = 0
    raw_id_fields = ["issue"]
    fields = ["issue", "unit", "handed_on_date"]


@admin.register(HandOver)
class HandOverAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["title", "county", "handed_date"]
    list_filter = ["county"]
    search_fields = ["title"]
    list_select_related = ["county"]
    inlines = [HandOverItemInline]


@admin.register(SupervisionLetter)
class SupervisionLetterAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["number", "title", "issued_date", "addressee_county", "addressee_unit", "reply_deadline",
                    "reply_date"]
    list_filter = ["addressee_county"]
    search_fields = ["number", "title"]
    list_select_related = ["addressee_county", "addressee_unit"]
    raw_id_fields = ["issues"]
    readonly_fields = ["area_code"]
    REPLY_FIELDS = {"reply_text", "reply_date"}

    def save_model(self, request, obj, form, change):
        if not change and obj.issued_by_id is None:
            obj.issued_by = request.user
        super().save_model(request, obj, form, change)

    def get_readonly_fields(self, request, obj=None):
        # Only the city issues letters; the addressee writes the reply.
        if role_of(request.user) == Role.CITY_ADMIN:
            return self.readonly_fields
        return [f.name for f in self.model._meta.fields if f.name not in self.REPLY_FIELDS and f.name != "id"] + [
            "issues"]
