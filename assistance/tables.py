import django_tables2 as tables

from villages.models import VillageCollectiveEconomy

from .models import AssistanceProject, ConsumptionSale, PVStation, Workshop

_ATTRS = {"class": "table table-sm table-hover align-middle"}
_NUM = {"td": {"class": "text-end"}, "th": {"class": "text-end"}}


class WorkshopTable(tables.Table):
    name = tables.Column(verbose_name="车间名称")
    village = tables.Column(verbose_name="行政村", order_by=("village_id",),
                            linkify=("villages:village_detail", {"code": tables.A("village_id")}))
    county = tables.Column(verbose_name="区县", accessor="village__county", order_by=("village_id",))
    employee_count = tables.Column(verbose_name="吸纳就业(人)", attrs=_NUM)
    poverty_employee_count = tables.Column(verbose_name="其中脱贫劳动力(人)", attrs=_NUM)

    class Meta:
        model = Workshop
        fields = ["name", "village", "county", "operator", "industry", "is_operating", "operating_since",
                  "employee_count", "poverty_employee_count"]
        attrs = _ATTRS


class PVStationTable(tables.Table):
    village = tables.Column(verbose_name="行政村", order_by=("village_id",),
                            linkify=("villages:village_detail", {"code": tables.A("village_id")}))
    county = tables.Column(verbose_name="区县", accessor="village__county", order_by=("village_id",))
    capacity_kw = tables.Column(verbose_name="装机容量(千瓦)", attrs=_NUM)
    year_income = tables.Column(verbose_name="年度收益(元)", attrs=_NUM, default="—")
    year_posts = tables.Column(verbose_name="设置岗位", attrs=_NUM, default="—")
    employee_count = tables.Column(verbose_name="上岗人数", attrs=_NUM)
    beneficiary_count = tables.Column(verbose_name="其中脱贫户监测户", attrs=_NUM)

    class Meta:
        model = PVStation
        fields = ["name", "village", "county", "capacity_kw", "connected_on", "year_income", "year_posts",
                  "employee_count", "beneficiary_count"]
        attrs = _ATTRS


class AssistanceProjectTable(tables.Table):
    amount = tables.Column(verbose_name="金额(元)", attrs=_NUM)
    village = tables.Column(verbose_name="实施行政村", default="（县级）", order_by=("area_code",))

    class Meta:
        model = AssistanceProject
        fields = ["year", "name", "county", "village", "funding_source", "amount", "unit_name", "status"]
        attrs = _ATTRS


class ConsumptionSaleTable(tables.Table):
    period = tables.Column(verbose_name="期间", accessor="period_label", order_by=("year", "quarter", "month"))
    amount = tables.Column(verbose_name="销售额(元)", attrs=_NUM)
    beneficiaries = tables.Column(verbose_name="带动脱贫人口受益(人)", attrs=_NUM)

    class Meta:
        model = ConsumptionSale
        fields = ["period", "platform", "county", "amount", "beneficiaries"]
        attrs = _ATTRS


class CollectiveEconomyTable(tables.Table):
    village = tables.Column(verbose_name="行政村", order_by=("village_id",),
                            linkify=("villages:village_detail", {"code": tables.A("village_id")}))
    township = tables.Column(verbose_name="乡镇", accessor="village__township", order_by=("village_id",))
    county = tables.Column(verbose_name="区县", accessor="village__county", order_by=("village_id",))
    income = tables.Column(verbose_name="集体经济收入(元)", attrs=_NUM)
    party_branch_cooperatives = tables.Column(verbose_name="党支部领办合作社", attrs=_NUM)
    trusteeship_services = tables.Column(verbose_name="农业生产托管服务", attrs=_NUM)

    class Meta:
        model = VillageCollectiveEconomy
        fields = ["year", "village", "township", "county", "income", "party_branch_cooperatives",
                  "trusteeship_services"]
        attrs = _ATTRS
