"""帮扶资源: the resources assistance runs on.

- 帮扶车间 (Workshop) with one WorkshopEmployee row per person employed;
- 村级光伏电站 (PVStation) with its yearly income and posts (PVIncome) and the people on those posts
  (PVEmployee);
- 帮扶项目 (AssistanceProject): linkage funds, assistance-unit projects, others;
- 消费帮扶: platforms (ConsumptionPlatform) and their sales by period (ConsumptionSale).

Persons employed link to the registry (``monitoring.Member``) where they are in it, so that "of whom
脱贫劳动力" is counted from the registry, never typed. Every model names its area code (AREA_LOOKUP).
The village collective economy lives in ``villages`` (VillageCollectiveEconomy).

The rules the figures count by are QuerySet methods here, called by the metrics catalogue's sources and
its drill-down records alike: a workshop operating in a period, a person employed in it, a person of the
registry (脱贫户 / 监测户), a PV station connected, a project that counts, consumption sales up to a quarter.
"""

import datetime
from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.lookups import StartsWith
from simple_history.models import HistoricalRecords

from yuncheng.idcard import validate_id_number

_YEAR_RANGE = Q(year__gte=2000, year__lte=2100)


UNIT_PROJECT_MIN = Decimal("10000")  # 万元以上帮扶项目


def _id_number_validator(value):
    validate_id_number(value)


def registry_member_q(prefix: str = "member__") -> Q:
    """A person linked to a member of a 脱贫户 or 监测户 (a 一般农户's member does not count)."""
    return Q(**{f"{prefix}household__is_poverty_alleviated": True}) | Q(**{f"{prefix}household__is_monitored": True})


class WorkshopQuerySet(models.QuerySet):
    def operating_between(self, start: datetime.date, end: datetime.date):
        """Workshops that ran at some time between start and end (a closed one without a date: not running)."""
        return self.filter(
            Q(operating_since__isnull=True) | Q(operating_since__lte=end),
            Q(operating_until__gte=start) | Q(operating_until__isnull=True, is_operating=True),
        )


class WorkshopEmployeeQuerySet(models.QuerySet):
    def employed_between(self, start: datetime.date, end: datetime.date):
        """Persons employed at some time between start and end, by a workshop operating then."""
        return self.filter(
            Q(hired_on__isnull=True) | Q(hired_on__lte=end),
            Q(left_on__isnull=True) | Q(left_on__gte=start),
            workshop__in=Workshop.objects.operating_between(start, end),
        )

    def of_registry(self):
        return self.filter(registry_member_q())


class PVStationQuerySet(models.QuerySet):
    def connected_by(self, day: datetime.date):
        return self.filter(Q(connected_on__isnull=True) | Q(connected_on__lte=day))


class PVEmployeeQuerySet(models.QuerySet):
    def beneficiaries(self, year: int):
        """Posts of the year held by a person of a 脱贫户 or 监测户."""
        return self.filter(registry_member_q(), year=year, member__isnull=False)


class AssistanceProjectQuerySet(models.QuerySet):
    def of_year(self, year: int):
        """The year's projects that count (a cancelled project does not)."""
        return self.filter(year=year).exclude(status=ProjectStatus.CANCELLED)


class ConsumptionSaleQuerySet(models.QuerySet):
    def up_to(self, year: int, quarter: int):
        """Sales of the year up to the quarter's end (序时); a whole-year record counts in every quarter."""
        return self.filter(year=year).filter(
            Q(quarter__isnull=True, month__isnull=True) | Q(quarter__lte=quarter) | Q(month__lte=3 * quarter)
        )


class Workshop(models.Model):
    """帮扶车间: a workshop in a village that employs local labour.

    ``is_operating`` is its state now; ``operating_since`` / ``operating_until`` say when it ran, so that
    "operating in a period" is a filter (since ≤ period end and until empty or ≥ period start)."""

    AREA_LOOKUP = "village_id"

    village = models.ForeignKey(
        "villages.Village", on_delete=models.PROTECT, related_name="workshops", verbose_name="所在行政村"
    )
    name = models.CharField("车间名称", max_length=100)
    operator = models.CharField("经营主体", max_length=100, blank=True)
    industry = models.CharField("主营产业", max_length=50, blank=True)
    is_operating = models.BooleanField("正常运营", default=True)
    operating_since = models.DateField("投产日期", null=True, blank=True)
    operating_until = models.DateField("停产日期", null=True, blank=True)
    history = HistoricalRecords()

    objects = WorkshopQuerySet.as_manager()

    class Meta:
        verbose_name = "帮扶车间"
        verbose_name_plural = "帮扶车间"
        ordering = ["village_id", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["village", "name"], name="workshop_name_unique_in_village",
                violation_error_message="同一行政村内帮扶车间名称不能重复",
            ),
            models.CheckConstraint(
                condition=Q(operating_until__isnull=True)
                | Q(operating_since__isnull=True)
                | Q(operating_until__gte=F("operating_since")),
                name="workshop_until_after_since",
                violation_error_message="停产日期不能早于投产日期",
            ),
        ]

    def __str__(self):
        return self.name


class WorkshopEmployee(models.Model):
    """A person employed by a workshop. ``member`` links to the registry when the person is in it."""

    AREA_LOOKUP = "workshop__village_id"

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="employees", verbose_name="帮扶车间")
    name = models.CharField("姓名", max_length=50)
    id_number = models.CharField(
        "身份证号", max_length=18, blank=True, validators=[_id_number_validator], help_text="可不填；填写则校验"
    )
    member = models.ForeignKey(
        "monitoring.Member", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="workshop_jobs", verbose_name="对应家庭成员", help_text="在系统内的脱贫户、监测户或一般农户成员",
    )
    hired_on = models.DateField("入职日期", null=True, blank=True)
    left_on = models.DateField("离职日期", null=True, blank=True)
    history = HistoricalRecords()

    objects = WorkshopEmployeeQuerySet.as_manager()

    class Meta:
        verbose_name = "帮扶车间务工人员"
        verbose_name_plural = "帮扶车间务工人员"
        ordering = ["workshop_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["workshop", "member"], condition=Q(member__isnull=False),
                name="workshop_employee_member_once", violation_error_message="该成员已在本车间登记",
            ),
            models.UniqueConstraint(
                fields=["workshop", "id_number"], condition=~Q(id_number=""),
                name="workshop_employee_id_once", violation_error_message="该身份证号已在本车间登记",
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(hired_on__isnull=True) | Q(left_on__gte=F("hired_on")),
                name="workshop_employee_left_after_hired",
                violation_error_message="离职日期不能早于入职日期",
            ),
        ]

    def __str__(self):
        return self.name


class PVStation(models.Model):
    """村级光伏电站: a village's photovoltaic station; its income funds village posts (光伏岗位)."""

    AREA_LOOKUP = "village_id"

    village = models.ForeignKey(
        "villages.Village", on_delete=models.PROTECT, related_name="pv_stations", verbose_name="所在行政村"
    )
    name = models.CharField("电站名称", max_length=100)
    capacity_kw = models.DecimalField("装机容量(千瓦)", max_digits=10, decimal_places=2)
    connected_on = models.DateField("并网日期", null=True, blank=True)
    history = HistoricalRecords()

    objects = PVStationQuerySet.as_manager()

    class Meta:
        verbose_name = "村级光伏电站"
        verbose_name_plural = "村级光伏电站"
        ordering = ["village_id", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["village", "name"], name="pv_station_name_unique_in_village",
                violation_error_message="同一行政村内电站名称不能重复",
            ),
            models.CheckConstraint(
                condition=Q(capacity_kw__gt=0), name="pv_station_capacity_positive",
                violation_error_message="装机容量须大于 0",
            ),
        ]

    def __str__(self):
        return self.name


class PVIncome(models.Model):
    """A PV station's income of one year and the posts (光伏收益设置岗位) created from it that year."""

    AREA_LOOKUP = "station__village_id"

    station = models.ForeignKey(PVStation, on_delete=models.CASCADE, related_name="incomes", verbose_name="光伏电站")
    year = models.PositiveSmallIntegerField("年度")
    income = models.DecimalField("收益(元)", max_digits=14, decimal_places=2)
    posts = models.PositiveIntegerField("设置岗位数", default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "光伏电站年度收益"
        verbose_name_plural = "光伏电站年度收益"
        ordering = ["station_id", "-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["station", "year"], name="pv_income_unique_station_year",
                violation_error_message="同一电站同一年度只能有一条收益记录",
            ),
            models.CheckConstraint(
                condition=Q(income__gte=0), name="pv_income_not_negative", violation_error_message="收益不能为负数"
            ),
            models.CheckConstraint(condition=_YEAR_RANGE, name="pv_income_year_range",
                                   violation_error_message="年度须在 2000—2100 之间"),
        ]

    def __str__(self):
        return f"{self.station} {self.year}年"


class PVEmployee(models.Model):
    """A person on a PV-funded post in a year (光伏岗位), linked to the registry where they are in it."""

    AREA_LOOKUP = "station__village_id"

    station = models.ForeignKey(PVStation, on_delete=models.CASCADE, related_name="employees", verbose_name="光伏电站")
    year = models.PositiveSmallIntegerField("年度")
    name = models.CharField("姓名", max_length=50)
    id_number = models.CharField(
        "身份证号", max_length=18, blank=True, validators=[_id_number_validator], help_text="可不填；填写则校验"
    )
    member = models.ForeignKey(
        "monitoring.Member", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="pv_jobs", verbose_name="对应家庭成员",
    )
    post = models.CharField("岗位", max_length=50, blank=True, help_text="如 保洁员、护林员、光伏运维")
    history = HistoricalRecords()

    objects = PVEmployeeQuerySet.as_manager()

    class Meta:
        verbose_name = "光伏岗位人员"
        verbose_name_plural = "光伏岗位人员"
        ordering = ["station_id", "-year", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["station", "year", "member"], condition=Q(member__isnull=False),
                name="pv_employee_member_once_a_year", violation_error_message="该成员本年度已在本电站登记",
            ),
            models.CheckConstraint(condition=_YEAR_RANGE, name="pv_employee_year_range",
                                   violation_error_message="年度须在 2000—2100 之间"),
        ]

    def __str__(self):
        return self.name


class FundingSource(models.TextChoices):
    LINKAGE = "linkage", "衔接资金"
    UNIT = "unit", "帮扶单位投入"
    OTHER = "other", "其他"


class ProjectStatus(models.TextChoices):
    PLANNED = "planned", "计划"
    ONGOING = "ongoing", "实施中"
    COMPLETED = "completed", "已完工"
    CANCELLED = "cancelled", "已取消"


class AssistanceProject(models.Model):
    """帮扶项目: a project of a county, or of one village of it, with its funding source and amount.

    ``area_code`` is the village's code when there is one, else the county's — the one column that
    scoping and area figures filter by prefix (a database constraint keeps it in step)."""

    AREA_LOOKUP = "area_code"

    county = models.ForeignKey(
        "villages.County", on_delete=models.PROTECT, related_name="assistance_projects", verbose_name="所属区县"
    )
    village = models.ForeignKey(
        "villages.Village", on_delete=models.PROTECT, null=True, blank=True,
        related_name="assistance_projects", verbose_name="实施行政村", help_text="县级项目可不填",
    )
    area_code = models.CharField("区域代码", max_length=12, db_index=True, editable=False)
    name = models.CharField("项目名称", max_length=200)
    funding_source = models.CharField("资金来源", max_length=10, choices=FundingSource.choices)
    amount = models.DecimalField("金额(元)", max_digits=14, decimal_places=2)
    year = models.PositiveSmallIntegerField("年度")
    unit_name = models.CharField("帮扶单位", max_length=100, blank=True)
    status = models.CharField("状态", max_length=10, choices=ProjectStatus.choices, default=ProjectStatus.ONGOING)
    history = HistoricalRecords()

    objects = AssistanceProjectQuerySet.as_manager()

    class Meta:
        verbose_name = "帮扶项目"
        verbose_name_plural = "帮扶项目"
        ordering = ["-year", "area_code", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0), name="project_amount_positive", violation_error_message="金额须大于 0"
            ),
            models.CheckConstraint(condition=_YEAR_RANGE, name="project_year_range",
                                   violation_error_message="年度须在 2000—2100 之间"),
            models.CheckConstraint(
                condition=Q(village__isnull=True) | StartsWith(F("village"), F("county")),
                name="project_village_in_county",
                violation_error_message="实施行政村须在所属区县内",
            ),
            models.CheckConstraint(
                condition=Q(village__isnull=True, area_code=F("county"))
                | Q(village__isnull=False, area_code=F("village")),
                name="project_area_code_matches",
                violation_error_message="区域代码须为实施行政村或所属区县的代码",
            ),
            models.CheckConstraint(
                condition=~Q(funding_source=FundingSource.UNIT) | ~Q(unit_name=""),
                name="project_unit_named",
                violation_error_message="帮扶单位投入的项目须填写帮扶单位",
            ),
        ]
        indexes = [models.Index(fields=["year", "funding_source"], name="project_year_source_idx")]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        # Denormalised, like Village.county: the area column follows the village or the county.
        self.area_code = self.village_id or self.county_id
        super().save(*args, **kwargs)

    def clean(self):
        self.area_code = self.village_id or self.county_id or ""


class PlatformKind(models.TextChoices):
    ONLINE = "online", "线上平台"
    HALL = "hall", "消费帮扶馆"
    COUNTER = "counter", "专柜专区"
    OTHER = "other", "其他"


class ConsumptionPlatform(models.Model):
    """消费帮扶销售平台: an online platform, hall or counter through which farm products are sold.

    Reference data shared by the whole city (AREA_LOOKUP None); the sales carry the area."""

    AREA_LOOKUP = None

    name = models.CharField("平台名称", max_length=100, unique=True)
    kind = models.CharField("平台类型", max_length=10, choices=PlatformKind.choices, default=PlatformKind.ONLINE)
    operator = models.CharField("运营单位", max_length=100, blank=True)
    is_active = models.BooleanField("在用", default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "消费帮扶平台"
        verbose_name_plural = "消费帮扶平台"
        ordering = ["name"]

    def __str__(self):
        return self.name


class ConsumptionSale(models.Model):
    """Sales of a county's farm products through a platform in one period, and the persons who gained.

    The period is a year, optionally narrowed to a quarter or a month (never both)."""

    AREA_LOOKUP = "county_id"

    platform = models.ForeignKey(
        ConsumptionPlatform, on_delete=models.PROTECT, related_name="sales", verbose_name="销售平台"
    )
    county = models.ForeignKey(
        "villages.County", on_delete=models.PROTECT, related_name="consumption_sales", verbose_name="区县"
    )
    year = models.PositiveSmallIntegerField("年度")
    quarter = models.PositiveSmallIntegerField(
        "季度", null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    month = models.PositiveSmallIntegerField(
        "月份", null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    amount = models.DecimalField("销售额(元)", max_digits=14, decimal_places=2)
    beneficiaries = models.PositiveIntegerField("带动脱贫人口受益数(人)", default=0)
    history = HistoricalRecords()

    objects = ConsumptionSaleQuerySet.as_manager()

    class Meta:
        verbose_name = "消费帮扶销售"
        verbose_name_plural = "消费帮扶销售"
        ordering = ["-year", "-quarter", "-month", "county_id", "platform_id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gte=0), name="sale_amount_not_negative", violation_error_message="销售额不能为负数"
            ),
            models.CheckConstraint(condition=_YEAR_RANGE, name="sale_year_range",
                                   violation_error_message="年度须在 2000—2100 之间"),
            models.CheckConstraint(
                condition=Q(quarter__isnull=True) | Q(quarter__gte=1, quarter__lte=4),
                name="sale_quarter_range", violation_error_message="季度须为 1—4",
            ),
            models.CheckConstraint(
                condition=Q(month__isnull=True) | Q(month__gte=1, month__lte=12),
                name="sale_month_range", violation_error_message="月份须为 1—12",
            ),
            models.CheckConstraint(
                condition=Q(quarter__isnull=True) | Q(month__isnull=True),
                name="sale_quarter_or_month", violation_error_message="季度和月份只能填写其一",
            ),
        ]
        indexes = [models.Index(fields=["year", "county"], name="sale_year_county_idx")]

    def __str__(self):
        return f"{self.platform} {self.county_id} {self.year}"

    @property
    def period_label(self) -> str:
        if self.month:
            return f"{self.year}年{self.month}月"
        if self.quarter:
            return f"{self.year}年第{self.quarter}季度"
        return f"{self.year}年"
