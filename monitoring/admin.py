"""Data entry for the monitoring app (the admin site, in Chinese), every page scoped by area.

The household changelist is sized for the whole city (130,000 households): no full-table count, list
filters that test with ``EXISTS`` instead of joining (no DISTINCT), and a search that answers from the
户编号 and ID-number indexes.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from simple_history.admin import SimpleHistoryAdmin

from accounts.admin import ScopedAdminMixin, loaded_version, model_changes
from accounts.roles import may_see_full_id, role_of
from accounts.scoping import in_area, scope
from villages.models import County, Township, Village
from yuncheng.idcard import mask_id_number, normalize_id_number
from yuncheng.personal_numbers import full_id_viewed

from . import services
from .selectors import search_households
from .models import (
    AssistanceMeasure,
    DibaoStandard,
    EliminationStatus,
    Employment,
    EmploymentTarget,
    Household,
    IncomeRecord,
    Member,
    MonitoringCategory,
    MonitoringRecord,
    MonitoringThreshold,
    ReviewEvent,
    Relation,
    ReviewStatus,
    RiskType,
)

# ---------------------------------------------------------------- list filters (no joins, no DISTINCT)


class CountyFilter(admin.SimpleListFilter):
    title = "区县"
    parameter_name = "county"

    def lookups(self, request, model_admin):
        return list(scope(County.objects.all(), request.user).values_list("code", "name"))

    def queryset(self, request, queryset):
        return in_area(queryset, "village__code", self.value()) if self.value() else queryset


class TownshipFilter(admin.SimpleListFilter):
    """Offered once a county is chosen (or for users of one county), so it never lists 2,000 townships."""

    title = "乡镇"
    parameter_name = "township"

    def lookups(self, request, model_admin):
        county = request.GET.get("county")
        townships = scope(Township.objects.all(), request.user)
        if county:
            townships = townships.filter(county_id=county)
        elif townships.count() > 60:
            return []
        return list(townships.values_list("code", "name"))

    def queryset(self, request, queryset):
        return in_area(queryset, "village__code", self.value()) if self.value() else queryset


class VillageFilter(admin.SimpleListFilter):
    """Offered once a township is chosen (or for users of one township)."""

    title = "行政村"
    parameter_name = "village"

    def lookups(self, request, model_admin):
        profile = getattr(request.user, "profile", None)
        own = profile.area_code if profile and len(profile.area_code or "") == 9 else ""
        township = request.GET.get("township") or own
        if not township:
            return []
        return list(scope(Village.objects.filter(township_id=township), request.user).values_list("code", "name"))

    def queryset(self, request, queryset):
        return in_area(queryset, "village__code", self.value()) if self.value() else queryset


class HouseholdTypeFilter(admin.SimpleListFilter):
    title = "户类型"
    parameter_name = "type"

    def lookups(self, request, model_admin):
        return [("poverty", "脱贫户"), ("monitored", "监测户"), ("unstable", "脱贫户且监测户"), ("general", "一般农户")]

    def queryset(self, request, queryset):
        return {
            "poverty": lambda: queryset.filter(is_poverty_alleviated=True),
            "monitored": lambda: queryset.filter(is_monitored=True),
            "unstable": lambda: queryset.filter(is_poverty_alleviated=True, is_monitored=True),
            "general": lambda: queryset.filter(is_poverty_alleviated=False, is_monitored=False),
        }.get(self.value(), lambda: queryset)()


def _records(**lookups):
    return Exists(MonitoringRecord.objects.filter(household=OuterRef("pk"), **lookups))


class CategoryFilter(admin.SimpleListFilter):
    title = "监测对象类别"
    parameter_name = "category"

    def lookups(self, request, model_admin):
        return MonitoringCategory.choices

    def queryset(self, request, queryset):
        return queryset.filter(_records(category=self.value())) if self.value() else queryset


class RiskFilter(admin.SimpleListFilter):
    title = "风险类型"
    parameter_name = "risk"

    def lookups(self, request, model_admin):
        return list(RiskType.objects.values_list("code", "name"))

    def queryset(self, request, queryset):
        return queryset.filter(_records(risk_types=self.value())) if self.value() else queryset


class StatusFilter(admin.SimpleListFilter):
    title = "监测状态"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [("pending", "识别审核中"), ("rejected", "已退回"), ("at_risk", "风险未消除"),
                ("elimination_pending", "消除审核中"), ("eliminated", "风险已消除")]

    def queryset(self, request, queryset):
        conditions = {
            "pending": dict(status__in=[ReviewStatus.DRAFT, ReviewStatus.SUBMITTED, ReviewStatus.TOWNSHIP_APPROVED]),
            "rejected": dict(status=ReviewStatus.REJECTED),
            "at_risk": dict(status=ReviewStatus.APPROVED, elimination_status__in=[
                EliminationStatus.NONE, EliminationStatus.REJECTED]),
            "elimination_pending": dict(elimination_status__in=[
                EliminationStatus.SUBMITTED, EliminationStatus.TOWNSHIP_APPROVED]),
            "eliminated": dict(elimination_status=EliminationStatus.APPROVED),
        }.get(self.value())
        return queryset.filter(_records(**conditions)) if conditions else queryset


# ---------------------------------------------------------------- inlines


class MemberFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        if any(form.errors for form in self.forms):
            return
        kept = [form for form in self.forms if form not in self.deleted_forms
                and (form.instance.pk is not None or form.has_changed())]
        heads = [form for form in kept if form.cleaned_data.get("relation") == Relation.HEAD]
        if not heads:
            raise ValidationError("每户须登记户主：请在家庭成员中录入户主（与户主关系选“户主”），家庭人口数按成员计算")


class MemberInline(ScopedAdminMixin, admin.TabularInline):
    model = Member
    formset = MemberFormSet
    extra = 0
    # What a household is entered with and what its figures read (labour, health); the rest of a person
    # (文化程度, 在校生状况, 参保, 低保, 特困) on the member's own page, reached by the row's 修改 link: twelve
    # columns did not fit a 1,440 px screen without scrolling inside the table.
    fields = ["name", "id_number", "relation", "sex", "birth_date", "health", "labour_skill"]
    readonly_fields = ["sex", "birth_date"]
    show_change_link = True
    verbose_name_plural = "家庭成员（文化程度、在校、参保、低保、特困在成员页填写）"

    def get_extra(self, request, obj=None, **kwargs):
        return 1 if obj is None else 0  # a new household is entered with its head

    def service_save_inline(self, request, inline_form, parent):
        member = inline_form.instance
        if member.pk is None:
            fields = {name: value for name, value in model_changes(inline_form).items()
                      if name not in ("name", "id_number", "relation")}
            return services.member_add(user=request.user, household=parent, name=member.name,
                                       id_number=member.id_number, relation=member.relation, **fields)
        stored = Member.objects.get(pk=member.pk)
        return services.member_update(user=request.user, member=stored, loaded_version=loaded_version(inline_form),
                                      **model_changes(inline_form))

    def service_delete_inline(self, request, obj):
        services.member_remove(user=request.user, member=obj)


INCOME_FIELDS = ["wage_income", "business_income", "property_income", "transfer_income", "production_expense"]


def _income_save(user, record: IncomeRecord) -> IncomeRecord:
    return services.income_record_save(user=user, household=record.household, year=record.year,
                                       quarter=record.quarter, **{f: getattr(record, f) for f in INCOME_FIELDS})


class IncomeInline(ScopedAdminMixin, admin.TabularInline):
    model = IncomeRecord
    extra = 0
    fields = ["year", "quarter", "wage_income", "business_income", "property_income", "transfer_income",
              "production_expense", "net_income", "per_capita_income"]
    readonly_fields = ["net_income", "per_capita_income"]

    def service_save_inline(self, request, inline_form, parent):
        return _income_save(request.user, inline_form.instance)


class MeasureInline(ScopedAdminMixin, admin.TabularInline):
    model = AssistanceMeasure
    extra = 0
    fields = ["measure_type", "content", "start_date", "amount", "responsible_person"]

    def service_save_inline(self, request, inline_form, parent):
        measure = inline_form.instance
        if measure.pk is None:
            return services.measure_add(user=request.user, household=parent, measure_type=measure.measure_type,
                                        start_date=measure.start_date, content=measure.content,
                                        amount=measure.amount, responsible_person=measure.responsible_person)
        return super().service_save_inline(request, inline_form, parent)


class MonitoringRecordForm(forms.ModelForm):
    class Meta:
        model = MonitoringRecord
        fields = ["category", "risk_types", "channel", "identified_month", "housing_secure", "education_secure",
                  "medical_secure", "water_secure", "situation", "notice_start", "notice_end"]

    def clean_risk_types(self):
        risk_types = self.cleaned_data["risk_types"]
        if len(risk_types) > services.MAX_RISK_TYPES:
            raise ValidationError(f"风险类型最多 {services.MAX_RISK_TYPES} 项")
        return risk_types

    def clean(self):
        cleaned = super().clean()
        record = self.instance
        if record.pk and self.has_changed() and record.status not in services.EDITABLE_STATUSES:
            raise ValidationError("已提交审核或已审定的监测记录不能在此修改，请退回后再改")
        return cleaned


def _record_save(request, form, household) -> MonitoringRecord:
    """Identification through the workflow's services: a new record is a draft (one open record per
    household), a change is allowed while a draft or sent back."""
    record = form.instance
    if record.pk is None:
        data = {name: form.cleaned_data.get(name) for name in MonitoringRecordForm.Meta.fields
                if name in form.cleaned_data}
        return services.monitoring_create(user=request.user, household=household, **data)
    changes = model_changes(form)
    risk_types = changes.pop("risk_types", None)
    return services.monitoring_update(user=request.user, record=MonitoringRecord.objects.get(pk=record.pk),
                                      loaded_version=loaded_version(form), risk_types=risk_types, **changes)


class MonitoringRecordInline(ScopedAdminMixin, admin.StackedInline):
    model = MonitoringRecord
    form = MonitoringRecordForm
    extra = 0
    fields = [("category", "channel", "identified_month"), "risk_types",
              ("housing_secure", "education_secure", "medical_secure", "water_secure"), "situation",
              ("notice_start", "notice_end"), ("status", "rejection_reason"),
              ("elimination_status", "elimination_month")]
    readonly_fields = ["status", "rejection_reason", "elimination_status", "elimination_month"]
    filter_horizontal = []
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("risk_types")  # one query, not one per record

    def service_save_inline(self, request, inline_form, parent):
        return _record_save(request, inline_form, parent)


# ---------------------------------------------------------------- households


@admin.register(Household)
class HouseholdAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    # One link column and one text column for the flags: each link costs a URL resolve per row and each
    # boolean column a static-file icon per row, which is most of the page's time at 100 rows.
    list_display = ["code", "head_name", "village_name", "household_type", "size", "flags"]
    list_display_links = ["code"]
    ordering = ["village_id", "code"]  # served by the (village, code) index, also when filtered by area
    list_filter = [CountyFilter, TownshipFilter, VillageFilter, HouseholdTypeFilter, CategoryFilter, RiskFilter,
                   StatusFilter, "is_relocated", "is_dibao", "is_tekun", "is_no_labour"]
    list_select_related = ["village"]
    list_per_page = 100
    show_full_result_count = False
    search_fields = ["code"]  # shows the search box; the search itself is search_households
    search_help_text = "户编号、户主姓名或成员身份证号"
    autocomplete_fields = ["village", "relocation_site"]
    readonly_fields = ["size", "is_monitored"]
    fieldsets = [
        (None, {"fields": ["code", "village", "natural_village", "address", "head_name", "phone"]}),
        ("户类型与政策", {"fields": ["is_poverty_alleviated", "is_monitored", "is_dibao", "is_tekun", "is_no_labour",
                               "is_relocated", "relocation_site", "size"]}),
        ("帮扶责任人", {"fields": ["helper_name", "helper_unit", "helper_phone"]}),
    ]
    inlines = [MemberInline, IncomeInline, MeasureInline, MonitoringRecordInline]

    @admin.display(description="行政村", ordering="village_id")
    def village_name(self, obj):
        return obj.village.name

    @admin.display(description="户类型")
    def household_type(self, obj):
        return obj.household_type_display

    @admin.display(description="政策与搬迁")
    def flags(self, obj):
        return "、".join(label for flag, label in ((obj.is_dibao, "低保"), (obj.is_tekun, "特困"),
                                                  (obj.is_no_labour, "无劳动能力"), (obj.is_relocated, "搬迁"))
                        if flag)

    def get_search_results(self, request, queryset, search_term):
        return search_households(queryset, search_term), False

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        profile = getattr(request.user, "profile", None)
        if role_of(request.user) and profile and len(profile.area_code or "") == 12:
            initial.setdefault("village", profile.area_code)  # a village officer enters in their village
        village = Village.objects.filter(pk=initial.get("village")).first() if initial.get("village") else None
        if village is not None and "code" not in initial:
            initial["code"] = services.household_next_code(village=village)  # the next free 户编号
        return initial

    def service_save(self, request, obj, form, change):
        if not change:
            fields = {name: value for name, value in model_changes(form).items() if name not in ("code", "village")}
            created = services.household_create(user=request.user, code=obj.code, village=obj.village, **fields)
            obj.pk, obj.version, obj.created_by = created.pk, created.version, created.created_by
            obj._state.adding = False
            return
        updated = services.household_update(user=request.user, household=Household.objects.get(pk=obj.pk),
                                            loaded_version=loaded_version(form), **model_changes(form))
        obj.version = updated.version

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Each service writing a member or an income row keeps the size, the head's name and the incomes
        # up to date itself; this once more after rows were written (the household's own fields derive
        # nothing), not after a change of the household alone.
        if any(formset.new_objects or formset.changed_objects or formset.deleted_objects for formset in formsets):
            services.household_refresh(household=form.instance)


# ---------------------------------------------------------------- members and the rest


class EmploymentInline(ScopedAdminMixin, admin.TabularInline):
    model = Employment
    extra = 0
    fields = ["year", "location", "months", "channel", "employer"]


@admin.register(Member)
class MemberAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ["name", "id_masked", "sex", "birth_date", "household", "relation", "labour_skill", "health"]
    list_filter = ["labour_skill", "health", "relation"]
    list_select_related = ["household"]
    list_per_page = 100
    show_full_result_count = False
    search_fields = ["id_number"]
    search_help_text = "身份证号（完整 18 位）或户编号"
    autocomplete_fields = ["household"]
    readonly_fields = ["sex", "birth_date"]
    inlines = [EmploymentInline]

    @admin.display(description="身份证号", ordering="id_number")
    def id_full(self, obj):
        return obj.id_number

    @admin.display(description="身份证号")
    def id_masked(self, obj):
        return mask_id_number(obj.id_number)

    def get_list_display(self, request):
        shown = "id_full" if may_see_full_id(request.user) else "id_masked"
        if shown == "id_full":
            full_id_viewed(request, where="admin member list")
        return [shown if name == "id_masked" else name for name in super().get_list_display(request)]

    def get_search_results(self, request, queryset, search_term):
        term = normalize_id_number(search_term)
        if not term:
            return queryset, False
        if len(term) == 18:
            return queryset.filter(id_number=term), False
        return queryset.filter(household__code=term), False

    def service_save(self, request, obj, form, change):
        if not change:
            fields = {name: value for name, value in model_changes(form).items()
                      if name not in ("household", "name", "id_number", "relation")}
            created = services.member_add(user=request.user, household=obj.household, name=obj.name,
                                          id_number=obj.id_number, relation=obj.relation, **fields)
            obj.pk, obj.version = created.pk, created.version
            obj._state.adding = False
            return
        updated = services.member_update(user=request.user, member=Member.objects.get(pk=obj.pk),
                                         loaded_version=loaded_version(form), **model_changes(form))
        obj.version = updated.version

    def delete_model(self, request, obj):
        services.member_remove(user=request.user, member=obj)


@admin.register(IncomeRecord)
class IncomeRecordAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ["household", "year", "quarter", "net_income", "persons", "per_capita_income"]
    list_filter = ["year", "quarter"]
    list_select_related = ["household"]
    list_per_page = 100
    show_full_result_count = False
    search_fields = ["household__code"]
    autocomplete_fields = ["household"]
    readonly_fields = ["net_income", "persons", "per_capita_income"]

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        return (queryset.filter(household__code=term) if term else queryset), False

    def service_save(self, request, obj, form, change):
        saved = _income_save(request.user, obj)
        obj.pk = saved.pk
        obj._state.adding = False


@admin.register(AssistanceMeasure)
class AssistanceMeasureAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ["household", "measure_type", "content", "start_date", "amount", "responsible_person"]
    list_filter = ["measure_type"]
    list_select_related = ["household"]
    list_per_page = 100
    show_full_result_count = False
    search_fields = ["household__code"]
    autocomplete_fields = ["household"]

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        return (queryset.filter(household__code=term) if term else queryset), False


@admin.register(Employment)
class EmploymentAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ["member", "year", "location", "months", "channel", "employer"]
    list_filter = ["year", "location", "channel"]
    list_select_related = ["member"]
    list_per_page = 100
    show_full_result_count = False
    search_fields = ["member__id_number"]
    autocomplete_fields = ["member"]

    def get_search_results(self, request, queryset, search_term):
        term = normalize_id_number(search_term)
        return (queryset.filter(member__id_number=term) if term else queryset), False


class ReviewEventInline(ScopedAdminMixin, admin.TabularInline):
    model = ReviewEvent
    extra = 0
    can_delete = False
    fields = ["stage", "action", "user", "at", "comment"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(MonitoringRecord)
class MonitoringRecordAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    """Identification data is edited here while a draft or sent back; review steps are the worklist's."""

    form = MonitoringRecordForm
    list_display = ["household", "category", "channel", "identified_month", "status", "elimination_status",
                    "elimination_month"]
    list_filter = ["status", "elimination_status", "category", "channel"]
    list_select_related = ["household"]
    list_per_page = 100
    show_full_result_count = False
    search_fields = ["household__code"]
    autocomplete_fields = ["household"]
    readonly_fields = ["status", "author", "submitted_at", "township_reviewer", "township_reviewed_at",
                       "county_reviewer", "approved_at", "rejection_reason", "elimination_status",
                       "elimination_mode", "elimination_month", "elimination_reason", "elimination_warnings",
                       "eliminated_at", "elimination_rejection_reason"]
    inlines = [ReviewEventInline]

    def get_fields(self, request, obj=None):
        return ["household", *MonitoringRecordForm.Meta.fields, *self.readonly_fields]

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        return (queryset.filter(household__code=term) if term else queryset), False

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        return readonly + ["household"] if obj is not None else readonly  # a record stays with its household

    actions = ["approve_selected"]

    @admin.action(description="审核通过所选记录（乡镇审核或县级审定，逐条按流程办理）")
    def approve_selected(self, request, queryset):
        # Scope, role, status and separation of duties are checked by the service, as on the worklist.
        self.transition_each(request, queryset.select_related("household"),
                             step=lambda record: services.monitoring_approve_next(user=request.user, record=record),
                             name=lambda record: record.household.code, done="已审核通过 {count} 条记录")

    def service_save(self, request, obj, form, change):
        saved = _record_save(request, form, obj.household)
        obj.pk, obj.version = saved.pk, saved.version
        obj._state.adding = False

    def save_related(self, request, form, formsets, change):
        # Risk types were written by the service; the other formsets are read-only.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)


# ---------------------------------------------------------------- reference data


@admin.register(RiskType)
class RiskTypeAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["code", "name", "sort_order"]


@admin.register(MonitoringThreshold)
class MonitoringThresholdAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["year", "amount", "note"]


@admin.register(DibaoStandard)
class DibaoStandardAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["year", "amount", "note"]


@admin.register(EmploymentTarget)
class EmploymentTargetAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["area_code", "year", "migrant_target"]
    list_filter = ["year"]
