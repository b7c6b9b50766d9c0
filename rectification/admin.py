"""数据录入 for the 问题整改 app. Status, completion and closing dates are changed only through the
workflow (services.py, the issue page), so the admin shows them read-only."""

from contextvars import ContextVar

from django import forms
from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from accounts.admin import ScopedAdminMixin, loaded_version, model_changes
from accounts.roles import Role, role_of
from accounts.scoping import scope

from . import services

from .models import (
    Aspect,
    IssueStatus,
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

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if db_field.name == "users" and field is not None:
            field.queryset = field.queryset.filter(profile__role=Role.UNIT)  # only 责任单位 accounts
        return field


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


class IssueAdminForm(forms.ModelForm):
    class Meta:
        model = Issue
        fields = "__all__"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        related = self.fields.get("related")
        if related is not None and self.instance.pk is not None:
            # Links the writer cannot see (made by the city) are neither shown nor posted back; the
            # service keeps them.
            self.initial["related"] = [pk for pk in self.initial.get("related", []) if
                                       related.queryset.filter(pk=getattr(pk, "pk", pk)).exists()]


@admin.register(Issue)
class IssueAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ["number", "source", "aspect", "category", "county", "village", "responsible_unit", "deadline",
                    "status"]
    list_filter = ["status", "source", "aspect", "county"]
    search_fields = ["number", "description"]
    list_select_related = ["aspect", "category", "county", "village", "responsible_unit"]
    autocomplete_fields = ["village"]
    raw_id_fields = ["related", "household", "inspection"]
    form = IssueAdminForm
    readonly_fields = ["status", "completed_date", "closed_date", "area_code", "related_in_scope"]
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

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if role_of(request.user) == Role.UNIT or (obj is not None and obj.status == IssueStatus.CLOSED):
            # The unit sees the related issues of its own (the field would list every county's).
            fieldsets = [(name, {**options, "fields": ["related_in_scope" if f == "related" else f
                                                       for f in options["fields"]]})
                         for name, options in fieldsets]
        return fieldsets

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        closed = obj is not None and obj.status == IssueStatus.CLOSED
        if role_of(request.user) == Role.UNIT or closed:
            fields = [f for _, options in self.get_fieldsets(request, obj) for f in options["fields"]
                      if f != "loaded_version"]
            editable = set() if closed else self.UNIT_EDITABLE
            readonly += [f for f in fields if f not in editable and f not in readonly]
        return readonly

    @admin.display(description="举一反三关联问题")
    def related_in_scope(self, obj):
        user = _viewer.get()
        if obj is None or obj.pk is None or user is None:
            return "—"
        related = scope(obj.related.all(), user)
        return "、".join(issue.number for issue in related) or "—"

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # A read-only display gets no request; the viewer is this request's (a context variable is
        # per thread and per task, unlike an attribute of the shared admin).
        token = _viewer.set(request.user)
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        finally:
            _viewer.reset(token)

    actions = ["verify_selected"]

    @admin.action(description="核验销号所选问题（逐条按流程办理）")
    def verify_selected(self, request, queryset):
        self.transition_each(request, queryset, step=lambda issue: services.issue_verify(issue=issue, user=request.user),
                             name=lambda issue: issue.number, done="已核验销号 {count} 个问题")

    def service_save(self, request, obj, form, change):
        """The issue's services: 登记 for a new issue, 交办 for a new unit, the unit's measures, the
        reviewer's corrections — each checks role, scope, status and the record's version."""
        user, changes = request.user, model_changes(form)
        unit = changes.pop("responsible_unit", None)
        if not change:
            issue = services.issue_register(
                user=user, source=obj.source, aspect=obj.aspect, category=obj.category, county_id=obj.county_id,
                description=obj.description, found_date=obj.found_date, deadline=obj.deadline,
                village_id=obj.village_id, number=obj.number,
            )
            rest = {name: value for name, value in changes.items() if name not in REGISTER_FIELDS}
            if rest:
                issue = services.issue_update(issue=issue, user=user, **rest)
        elif role_of(user) == Role.UNIT:
            issue = services.issue_update_measures(
                issue=Issue.objects.get(pk=obj.pk), user=user, measures=obj.measures,
                responsible_person=obj.responsible_person, loaded_version=loaded_version(form))
        else:
            issue = Issue.objects.get(pk=obj.pk)
            if changes or unit is not None:
                issue = services.issue_update(issue=issue, user=user, loaded_version=loaded_version(form), **changes)
        if unit is not None:
            issue = services.issue_assign(issue=issue, user=user, unit=unit, person=obj.responsible_person)
        obj.pk, obj.version, obj.status = issue.pk, issue.version, issue.status
        obj._state.adding = False

    def save_related(self, request, form, formsets, change):
        # Related issues were linked by the service (issue_update); the inlines are read-only.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)


_viewer: ContextVar = ContextVar("issue_admin_viewer", default=None)

REGISTER_FIELDS = {"number", "source", "aspect", "category", "county", "village", "description", "found_date",
                   "deadline"}


class HandOverItemInline(ScopedAdminMixin, admin.TabularInline):
    model = HandOverItem
    extra = 0
    raw_id_fields = ["issue"]
    fields = ["issue", "unit", "handed_on_date"]

    def service_save_inline(self, request, inline_form, parent):
        item = inline_form.instance
        if item.unit_id is not None and "unit" in inline_form.changed_data:
            unit, date = item.unit, item.handed_on_date
            if item.pk is None:
                item.unit, item.handed_on_date = None, None
                item.full_clean()
                item.save()
            return services.handover_hand_on(item=item, user=request.user, unit=unit, date=date)
        return inline_form.save()


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

    def service_save(self, request, obj, form, change):
        if role_of(request.user) != Role.CITY_ADMIN:
            # The addressee writes the reply (the only fields it may edit) through the service.
            services.letter_reply(letter=SupervisionLetter.objects.get(pk=obj.pk), user=request.user,
                                  reply_text=obj.reply_text, reply_date=obj.reply_date)
            return
        super().service_save(request, obj, form, change)

    def get_readonly_fields(self, request, obj=None):
        # Only the city issues letters; the addressee writes the reply.
        if role_of(request.user) == Role.CITY_ADMIN:
            return self.readonly_fields
        return [f.name for f in self.model._meta.fields if f.name not in self.REPLY_FIELDS and f.name != "id"] + [
            "issues"]
