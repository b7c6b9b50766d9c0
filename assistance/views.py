import datetime

from django.views.generic import TemplateView

from accounts.scoping import scope
from accounts.views import RoleRequiredMixin, ScopedListView
from villages.models import VillageCollectiveEconomy

from . import selectors
from .filtersets import (
    AssistanceProjectFilterSet,
    CollectiveEconomyFilterSet,
    ConsumptionSaleFilterSet,
    PVStationFilterSet,
    WorkshopFilterSet,
)
from .models import AssistanceProject, ConsumptionSale, PVIncome, PVStation, Workshop
from .tables import (
    AssistanceProjectTable,
    CollectiveEconomyTable,
    ConsumptionSaleTable,
    PVStationTable,
    WorkshopTable,
)

# The pages of this app, in the order of the sub-navigation: (url name, title, what it lists).
PAGES = [
    ("assistance:workshop_list", "帮扶车间", "车间、经营主体、吸纳就业人数及其中脱贫劳动力（按系统内家庭成员统计）"),
    ("assistance:pv_station_list", "村级光伏电站", "装机容量、年度收益、光伏收益设置岗位及上岗人员"),
    ("assistance:project_list", "帮扶项目与资金", "衔接资金项目、帮扶单位投入项目及其他项目"),
    ("assistance:consumption_sale_list", "消费帮扶", "各销售平台分区县、分期间的销售额和带动受益人数"),
    ("assistance:collective_economy_list", "村集体经济", "各村年度集体经济收入、党支部领办合作社、农业生产托管服务"),
]


class AssistanceListView(ScopedListView):
    template_name = "assistance/list.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(pages=PAGES, **kwargs)


class IndexView(RoleRequiredMixin, TemplateView):
    template_name = "assistance/index.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(title="帮扶资源", pages=PAGES, **kwargs)


class WorkshopListView(AssistanceListView):
    model = Workshop
    filterset_class = WorkshopFilterSet
    table_class = WorkshopTable
    title = "帮扶车间"

    def get_queryset(self):
        return selectors.workshop_list(workshops=super().get_queryset())


class PVStationListView(AssistanceListView):
    model = PVStation
    filterset_class = PVStationFilterSet
    table_class = PVStationTable
    title = "村级光伏电站"

    def get_year(self) -> int:
        try:
            return int(self.request.GET.get("year", ""))
        except ValueError:
            return selectors.latest_year(
                scope(PVIncome.objects.all(), self.request.user), default=datetime.date.today().year
            )

    def get_queryset(self):
        self.year = self.get_year()
        return selectors.pv_station_list(stations=super().get_queryset(), year=self.year)

    def get_context_data(self, **kwargs):
        return super().get_context_data(subtitle=f"收益、岗位和上岗人员为 {self.year} 年", **kwargs)


class AssistanceProjectListView(AssistanceListView):
    model = AssistanceProject
    filterset_class = AssistanceProjectFilterSet
    table_class = AssistanceProjectTable
    title = "帮扶项目与资金"

    def get_queryset(self):
        return selectors.project_list(projects=super().get_queryset())


class ConsumptionSaleListView(AssistanceListView):
    model = ConsumptionSale
    filterset_class = ConsumptionSaleFilterSet
    table_class = ConsumptionSaleTable
    title = "消费帮扶"

    def get_queryset(self):
        return selectors.consumption_sale_list(sales=super().get_queryset())


class CollectiveEconomyListView(AssistanceListView):
    model = VillageCollectiveEconomy
    filterset_class = CollectiveEconomyFilterSet
    table_class = CollectiveEconomyTable
    title = "村集体经济"

    def get_queryset(self):
        return selectors.collective_economy_list(records=super().get_queryset())
