import django_tables2 as tables

from .models import County, RelocationSite, Township, Village

NUMERIC = {"th": {"class": "text-end"}, "td": {"class": "text-end"}}


class CountyTable(tables.Table):
    code = tables.Column(verbose_name="区县代码", linkify=("villages:county_detail", {"code": tables.A("code")}))
    name = tables.Column(verbose_name="区县", linkify=("villages:county_detail", {"code": tables.A("code")}))
    category = tables.Column(verbose_name="县类别")
    township_count = tables.Column(verbose_name="乡镇数", attrs=NUMERIC)
    village_count = tables.Column(verbose_name="行政村数", attrs=NUMERIC)
    poverty_village_count = tables.Column(verbose_name="脱贫村", attrs=NUMERIC)
    demo_village_count = tables.Column(verbose_name="示范村", attrs=NUMERIC)

    class Meta:
        model = County
        fields = ["code", "name", "category", "is_poverty_county"]
        sequence = ["code", "name", "category", "is_poverty_county", "township_count", "village_count",
                    "poverty_village_count", "demo_village_count"]
        attrs = {"class": "table table-sm table-hover align-middle"}
        empty_text = "您的管辖范围内没有符合条件的记录"


class TownshipTable(tables.Table):
    code = tables.Column(verbose_name="乡镇代码", linkify=("villages:township_detail", {"code": tables.A("code")}))
    name = tables.Column(verbose_name="乡镇", linkify=("villages:township_detail", {"code": tables.A("code")}))
    village_count = tables.Column(verbose_name="行政村数", attrs=NUMERIC)
    poverty_village_count = tables.Column(verbose_name="脱贫村", attrs=NUMERIC)
    demo_village_count = tables.Column(verbose_name="示范村", attrs=NUMERIC)

    class Meta:
        model = Township
        fields = ["code", "name"]
        attrs = {"class": "table table-sm table-hover align-middle"}
        empty_text = "您的管辖范围内没有符合条件的记录"


class VillageTable(tables.Table):
    code = tables.Column(verbose_name="行政村代码", linkify=("villages:village_detail", {"code": tables.A("code")}))
    name = tables.Column(verbose_name="行政村", linkify=("villages:village_detail", {"code": tables.A("code")}))
    township = tables.Column(verbose_name="乡镇", order_by=("township_id",))
    county = tables.Column(verbose_name="区县", order_by=("county_id",))

    class Meta:
        model = Village
        fields = ["code", "name", "township", "county", "is_poverty_village", "is_demo_village"]
        attrs = {"class": "table table-sm table-hover align-middle"}
        empty_text = "您的管辖范围内没有符合条件的记录"


class RelocationSiteTable(tables.Table):
    class Meta:
        model = RelocationSite
        fields = ["name", "county", "township", "village", "households", "persons", "is_centralized"]
        attrs = {"class": "table table-sm table-hover align-middle"}
        empty_text = "您的管辖范围内没有符合条件的记录"
