from django.contrib import admin

from accounts.admin import ScopedAdminMixin

from .models import County, RelocationSite, Township, Village, VillageCollectiveEconomy


@admin.register(County)
class CountyAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["code", "name", "category", "is_poverty_county"]
    list_filter = ["category", "is_poverty_county"]
    search_fields = ["code", "name"]


@admin.register(Township)
class TownshipAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["code", "name", "county"]
    list_filter = ["county"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["county"]
    list_select_related = ["county"]


@admin.register(Village)
class VillageAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["code", "name", "township", "county", "is_poverty_village", "is_demo_village"]
    list_filter = ["county", "is_poverty_village", "is_demo_village"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["township", "county"]
    list_select_related = ["township", "county"]
    list_per_page = 100
    # A code or name search answers from the primary key / name, not a full-table count.
    show_full_result_count = False


@admin.register(RelocationSite)
class RelocationSiteAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "county", "township", "village", "households", "persons", "is_centralized"]
    list_filter = ["county", "is_centralized"]
    search_fields = ["name"]
    autocomplete_fields = ["county", "township", "village"]
    list_select_related = ["county", "township", "village"]


@admin.register(VillageCollectiveEconomy)
class VillageCollectiveEconomyAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["village", "year", "income", "party_branch_cooperatives", "trusteeship_services"]
    list_filter = ["year", "village__county"]
    search_fields = ["village__code", "village__name"]
    autocomplete_fields = ["village"]
    list_select_related = ["village"]
