"""Geography: the city's counties, townships, villages and relocation sites, keyed by official codes.

Codes nest by prefix (GB/T 2260 county 6 digits, township 9, village 12 — 统计用区划代码), and each
area's code is its primary key, so a record's area code is a plain column that scoping filters by
prefix without a join.
"""

from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import Exact, StartsWith
from simple_history.models import HistoricalRecords


CITY_CODE = "140800"  # 运城市 (GB/T 2260); the platform's whole area unless PLATFORM_AREA says the province
CITY_NAME = "运城市"
PROVINCE_CODE = "140000"  # 山西省: above the cities when the platform serves the province (seed_demo --province)
PROVINCE_NAME = "山西省"
# Shanxi's eleven prefecture-level cities (GB/T 2260).
SHANXI_CITIES = {
    "140100": "太原市", "140200": "大同市", "140300": "阳泉市", "140400": "长治市", "140500": "晋城市",
    "140600": "朔州市", "140700": "晋中市", "140800": "运城市", "140900": "忻州市", "141000": "临汾市",
    "141100": "吕梁市",
}


def area_prefix(code: str) -> str:
    """The prefix that every code inside the area starts with (the province 140000 → "14", the city
    140800 → "1408"). How codes nest is a fact of the geography; ``accounts.scoping.area_filter`` turns it
    into the one area filter."""
    code = (code or "").strip()
    if len(code) == 6 and code.endswith("0000"):
        return code[:2]
    if len(code) == 6 and code.endswith("00"):
        return code[:4]
    return code


def platform_area_code() -> str:
    """The code of the platform's whole area (settings.PLATFORM_AREA): the city, or the province."""
    from django.conf import settings

    return settings.PLATFORM_AREA


def area_bounds(code: str) -> tuple[str, str]:
    """(lowest, first code above) of the codes inside the area: a range that a plain index answers."""
    prefix = area_prefix(code)
    return prefix, str(int(prefix) + 1).zfill(len(prefix))


def parent_code(code: str) -> str | None:
    """The code of the area one level up: village → township → county → city → province."""
    if len(code) in (9, 12):
        return code[:len(code) - 3]
    if len(code) == 6 and code.endswith("0000"):
        return None
    if len(code) == 6 and code.endswith("00"):
        return code[:2] + "0000"
    return code[:4] + "00" if len(code) == 6 else None


def city_code_of(code: str) -> str:
    """The six-digit code of the city an area code lies in (140829100 → 140800)."""
    return code[:4] + "00"


def _digits(n: int) -> RegexValidator:
    return RegexValidator(rf"^[0-9]{{{n}}}$", f"代码须为 {n} 位数字")


class CountyCategory(models.TextChoices):
    KEY_ASSISTANCE = "key", "重点帮扶县"
    POVERTY = "poverty", "脱贫县"
    OVERALL = "overall", "整体推进县"
    DEMONSTRATION = "demo", "先行示范县"


class County(models.Model):
    """区县 (GB/T 2260 six-digit code)."""

    AREA_LOOKUP = "code"

    code = models.CharField("区县代码", max_length=6, primary_key=True, validators=[_digits(6)])
    name = models.CharField("区县名称", max_length=50, unique=True)
    category = models.CharField("县类别", max_length=10, choices=CountyCategory.choices)
    is_poverty_county = models.BooleanField("脱贫县", default=False, help_text="原国家扶贫开发工作重点县或片区县")
    history = HistoricalRecords()

    class Meta:
        verbose_name = "区县"
        verbose_name_plural = "区县"
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Exact(Length("code"), 6), name="county_code_6_digits", violation_error_message="区县代码须为 6 位"
            ),
        ]

    def __str__(self):
        return self.name


class Township(models.Model):
    """乡镇（街道）: nine-digit code beginning with its county's code."""

    AREA_LOOKUP = "code"

    code = models.CharField("乡镇代码", max_length=9, primary_key=True, validators=[_digits(9)])
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="townships", verbose_name="所属区县")
    name = models.CharField("乡镇名称", max_length=50)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "乡镇"
        verbose_name_plural = "乡镇"
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Exact(Length("code"), 9), name="township_code_9_digits", violation_error_message="乡镇代码须为 9 位"
            ),
            models.CheckConstraint(
                condition=StartsWith(models.F("code"), models.F("county")),
                name="township_code_in_county",
                violation_error_message="乡镇代码须以所属区县代码开头",
            ),
            models.UniqueConstraint(fields=["county", "name"], name="township_name_unique_in_county",
                                    violation_error_message="同一区县内乡镇名称不能重复"),
        ]

    def __str__(self):
        return self.name


class Village(models.Model):
    """行政村（社区）: twelve-digit 统计用区划代码 beginning with its township's code."""

    AREA_LOOKUP = "code"

    code = models.CharField("行政村代码", max_length=12, primary_key=True, validators=[_digits(12)])
    township = models.ForeignKey(Township, on_delete=models.PROTECT, related_name="villages", verbose_name="所属乡镇")
    # Denormalised from the township so that county filters and per-county aggregates need no join.
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="villages", verbose_name="所属区县")
    name = models.CharField("行政村名称", max_length=50)
    is_poverty_village = models.BooleanField("脱贫村", default=False)
    is_demo_village = models.BooleanField("乡村振兴示范村", default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "行政村"
        verbose_name_plural = "行政村"
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Exact(Length("code"), 12), name="village_code_12_digits", violation_error_message="行政村代码须为 12 位"
            ),
            models.CheckConstraint(
                condition=StartsWith(models.F("code"), models.F("township")),
                name="village_code_in_township",
                violation_error_message="行政村代码须以所属乡镇代码开头",
            ),
            models.CheckConstraint(
                condition=StartsWith(models.F("township"), models.F("county")),
                name="village_township_in_county",
                violation_error_message="所属乡镇须在所属区县内",
            ),
        ]
        indexes = [
            models.Index(fields=["county", "is_poverty_village"], name="village_county_poverty_idx"),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if self.township_id and not self.county_id:
            self.county_id = self.township_id[:6]
        super().save(*args, **kwargs)


class RelocationSite(models.Model):
    """易地扶贫搬迁安置点."""

    AREA_LOOKUP = "township_id"

    name = models.CharField("安置点名称", max_length=100)
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="relocation_sites", verbose_name="所属区县")
    township = models.ForeignKey(
        Township, on_delete=models.PROTECT, related_name="relocation_sites", verbose_name="所在乡镇"
    )
    village = models.ForeignKey(
        Village, on_delete=models.PROTECT, related_name="relocation_sites", verbose_name="所在行政村", null=True, blank=True
    )
    households = models.PositiveIntegerField("安置户数", default=0)
    persons = models.PositiveIntegerField("安置人数", default=0)
    is_centralized = models.BooleanField("集中安置", default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "易地扶贫搬迁安置点"
        verbose_name_plural = "易地扶贫搬迁安置点"
        ordering = ["township_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["county", "name"], name="relocation_site_name_unique_in_county",
                                    violation_error_message="同一区县内安置点名称不能重复"),
            models.CheckConstraint(
                condition=StartsWith(models.F("township"), models.F("county")),
                name="relocation_site_township_in_county",
                violation_error_message="所在乡镇须在所属区县内",
            ),
        ]

    def __str__(self):
        return self.name


COLLECTIVE_100K = 100_000  # 集体经济收入10万元以上
COLLECTIVE_300K = 300_000  # 集体经济收入30万元以上


class VillageCollectiveEconomy(models.Model):
    """村集体经济年度情况: a village's collective income of one year, the cooperatives its party branch
    leads (党支部领办合作社) and the agricultural trusteeship services it runs (农业生产托管服务).

    One row per village and year; the dashboard's ``collective.*`` figures are plain aggregates of these."""

    AREA_LOOKUP = "village_id"

    village = models.ForeignKey(
        Village, on_delete=models.PROTECT, related_name="collective_economy", verbose_name="行政村"
    )
    year = models.PositiveSmallIntegerField("年度")
    income = models.DecimalField("集体经济收入(元)", max_digits=14, decimal_places=2)
    party_branch_cooperatives = models.PositiveIntegerField("党支部领办合作社数", default=0)
    trusteeship_services = models.PositiveIntegerField("农业生产托管服务数", default=0)
    note = models.CharField("备注", max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "村集体经济"
        verbose_name_plural = "村集体经济"
        ordering = ["-year", "village_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["village", "year"],
                name="collective_economy_unique_village_year",
                violation_error_message="同一行政村同一年度只能有一条集体经济记录",
            ),
            models.CheckConstraint(
                condition=models.Q(income__gte=0),
                name="collective_economy_income_not_negative",
                violation_error_message="集体经济收入不能为负数",
            ),
            models.CheckConstraint(
                condition=models.Q(year__gte=2000, year__lte=2100),
                name="collective_economy_year_range",
                violation_error_message="年度须在 2000—2100 之间",
            ),
        ]
        indexes = [models.Index(fields=["year", "income"], name="collective_year_income_idx")]

    def __str__(self):
        return f"{self.village_id} {self.year}年集体经济"
