from django.views.generic import TemplateView
from django_tables2 import RequestConfig

from accounts.scoping import get_scoped_or_404, scope
from accounts.views import RoleRequiredMixin, ScopedListView

from . import selectors
from .filtersets import CountyFilterSet, RelocationSiteFilterSet, VillageFilterSet
from .models import County, RelocationSite, Township, Village
from .tables import CountyTable, RelocationSiteTable, TownshipTable, VillageTable


class GeographyListView(ScopedListView):
    template_name = "villages/list.html"


class CountyListView(GeographyListView):
    model = County
    filterset_class = CountyFilterSet
    table_class = CountyTable
    title = "区县"

    def get_queryset(self):
        return selectors.county_list(counties=super().get_queryset())


class VillageListView(GeographyListView):
    model = Village
    filterset_class = VillageFilterSet
    table_class = VillageTable
    title = "行政村"

    def get_queryset(self):
        return selectors.village_list(villages=super().get_queryset())


class RelocationSiteListView(GeographyListView):
    model = RelocationSite
    filterset_class = RelocationSiteFilterSet
    table_class = RelocationSiteTable
    title = "易地扶贫搬迁安置点"

    def get_queryset(self):
        return selectors.relocation_site_list(sites=super().get_queryset())


class AreaDetailView(RoleRequiredMixin, TemplateView):
    """Shared by the county, township and village pages: the area, its breadcrumbs, its children."""

    model = None
    template_name = "villages/area_detail.html"

    def get_object(self):
        return get_scoped_or_404(self.model.objects.all(), self.request.user, code=self.kwargs["code"])

    def get_context_data(self, **kwargs):
        obj = self.get_object()
        area = selectors.area_get(code=obj.code)
        return super().get_context_data(object=obj, area=area, **kwargs)


class CountyDetailView(AreaDetailView):
    model = County

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        county = context["object"]
        townships = selectors.township_list(
            townships=scope(Township.objects.filter(county=county), self.request.user)
        )
        villages = selectors.village_list(villages=scope(Village.objects.filter(county=county), self.request.user))
        township_table = TownshipTable(townships, prefix="t-")
        village_table = VillageTable(villages, prefix="v-", exclude=["county"])
        RequestConfig(self.request, paginate={"per_page": 50}).configure(township_table)
        RequestConfig(self.request, paginate={"per_page": 50}).configure(village_table)
        context.update(
            township_table=township_table,
            village_table=village_table,
            summary=selectors.county_list(counties=County.objects.filter(pk=county.pk)).get(),
        )
        return context


class TownshipDetailView(AreaDetailView):
    model = Township

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        villages = selectors.village_list(
            villages=scope(Village.objects.filter(township=context["object"]), self.request.user)
        )
        village_table = VillageTable(villages, prefix="v-", exclude=["county", "township"])
        RequestConfig(self.request, paginate={"per_page": 50}).configure(village_table)
        context["village_table"] = village_table
        return context


class VillageDetailView(AreaDetailView):
    model = Village
