"""数据录入 for 帮扶资源: every admin and inline is scoped by area (ScopedAdminMixin)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from accounts.admin import ScopedAdminMixin

from .models import (
    AssistanceProject,
    ConsumptionPlatform,
    ConsumptionSale,
    PVEmployee,
    PVIncome,
    PVStation,
    Workshop,
    WorkshopEmployee,
)
from . import services


class WorkshopEmployeeInline(ScopedAdminMixin, admin.TabularInline):
    model = WorkshopEmployee
    extra = 0
    fields = ["name", "id_number", "member", "hired_on", "left_on"]
    # Linked by the system from the ID number (the service), never picked by hand.
    readonly_fields = ["member"]

    def service_save_inline(self, request, inline_form, parent):
        return services.workshop_employee_save(user=request.user, employee=inline_form.instance)


@admin.register(Workshop)
class WorkshopAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ["name", "village", "operator", "industry", "is_operating", "operating_since", "operating_until"]
    list_filter = ["is_operating", "village__county"]
    search_fields = ["name", "operator", "village__name", "village__code"]
    autocomplete_fields = ["village"]
    list_select_related = ["village"]
    inlines = [WorkshopEmployeeInline]

    def service_save(self, request, obj, form, change):
        services.workshop_save(user=request.user, workshop=obj)


@admin.register(WorkshopEmployee)
class WorkshopEmployeeAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "workshop", "member", "hired_on", "left_on"]
    search_fields = ["name", "workshop__name"]
    raw_id_fields = ["workshop"]
    readonly_fields = ["member"]
    list_select_related = ["workshop", "member"]

    def service_save(self, request, obj, form, change):
        services.workshop_employee_save(user=request.user, employee=obj)


class PVIncomeInline(ScopedAdminMixin, admin.TabularInline):
    model = PVIncome
    extra = 0
    fields = ["year", "income", "posts"]

    def service_save_inline(self, request, inline_form, parent):
        return services.pv_income_save(user=request.user, income=inline_form.instance)


class PVEmployeeInline(ScopedAdminMixin, admin.TabularInline):
    model = PVEmployee
    extra = 0
    fields = ["year", "name", "id_number", "member", "post"]
    readonly_fields = ["member"]

    def service_save_inline(self, request, inline_form, parent):
        return services.pv_employee_save(user=request.user, employee=inline_form.instance)


@admin.register(PVStation)
class PVStationAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ["name", "village", "capacity_kw", "connected_on"]
    list_filter = ["village__county"]
    search_fields = ["name", "village__name", "village__code"]
    autocomplete_fields = ["village"]
    list_select_related = ["village"]
    inlines = [PVIncomeInline, PVEmployeeInline]

    def service_save(self, request, obj, form, change):
        services.pv_station_save(user=request.user, station=obj)


@admin.register(AssistanceProject)
class AssistanceProjectAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ["name", "county", "village", "funding_source", "amount", "year", "unit_name", "status"]
    list_filter = ["year", "funding_source", "status", "county"]
    search_fields = ["name", "unit_name"]
    autocomplete_fields = ["county", "village"]
    list_select_related = ["county", "village"]

    def service_save(self, request, obj, form, change):
        services.project_save(user=request.user, project=obj)


@admin.register(ConsumptionPlatform)
class ConsumptionPlatformAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "kind", "operator", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "operator"]

    def service_save(self, request, obj, form, change):
        services.platform_save(user=request.user, platform=obj)


@admin.register(ConsumptionSale)
class ConsumptionSaleAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ["platform", "county", "year", "quarter", "month", "amount", "beneficiaries"]
    list_filter = ["year", "quarter", "platform", "county"]
    autocomplete_fields = ["county"]
    list_select_related = ["platform", "county"]

    def service_save(self, request, obj, form, change):
        services.sale_save(user=request.user, sale=obj)
