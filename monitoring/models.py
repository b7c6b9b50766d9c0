"""防止返贫监测: households, their members, income, employment, assistance measures and the
identification → approval → risk-elimination workflow.

The model
---------
``Household`` (户, keyed by its unique 户编号 ``code``, scoped by ``village_id``) holds the flags the
metrics filter on: ``is_poverty_alleviated`` (脱贫户) and ``is_monitored`` (监测户 — set when a
``MonitoringRecord`` of it is county-approved; a 脱贫不稳定户 has both flags; 一般农户 has neither).
``size`` is the number of its ``Member`` rows, denormalised and kept by ``services`` (and the seed) so
that per-capita figures need no member count per request; the data-quality check
``size_mismatch`` compares it to the real count.

``Member`` (a person; 18-digit ID unique across the city; sex and birth date derived from the ID).
Labour capacity is ``labour_skill in LABOUR_SKILLS_ABLE``; working age is 16–60 (``WORKING_AGE``).

The shared rules, each written once here and called by the services (the risk-elimination check), the
metrics catalogue's sources and its drill-down records alike:

* 劳动力 on a day: labour capacity and of working age (``Member.objects.labour_force(day)``);
* 有劳动能力的户 on a day: not 整户无劳动能力, and a member of the labour force
  (``Household.objects.with_labour(day)``);
* 开发式帮扶 begun by a day: ``AssistanceMeasure.objects.development(day)``;
* not yet eliminated as of a day: ``MonitoringRecord.objects.open_as_of(day)``.

``Employment`` is one row per member and year: where they worked (县内 / 省内县外 / 省外), for how many
months, and through which channel. "Working outside the county in the year" = an Employment row of that
year with ``location in OUTSIDE_COUNTY`` (``Employment.objects.outside_county()``).

``IncomeRecord`` is one row per household, year and quarter, amounts cumulative from January. The
service computes ``net_income`` (four incomes − 生产经营性支出), snapshots ``persons`` (the household size
when recorded or last refreshed) and ``per_capita_income``; the persons-weighted mean per-capita income of
a set of households is ``Sum(net_income) / Sum(persons)``.

``MonitoringRecord`` is one identification of a household as 监测对象 and, later, its risk elimination.
Each has a review status; every step (submit, 乡镇审核, 县级审定, 退回) is also logged as a ``ReviewEvent``.

What counts as "approved"
-------------------------
Only county-approved states count anywhere:

* identified as of a period end:  ``status == APPROVED and identified_month <= period_end``
  (``MonitoringRecord.objects.identified_as_of(date)``);
* risk eliminated as of a period end: ``elimination_status == APPROVED and elimination_month <= period_end``
  (``MonitoringRecord.objects.eliminated_as_of(date)``).

Months are stored as the first day of the month. ``approved_at`` / ``eliminated_at`` record when the
county approved (records imported from the national system are approved on import, so the metrics use the
months, not these timestamps).
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Substr
from simple_history.models import HistoricalRecords

from yuncheng.idcard import id_birth_date, id_sex, validate_id_number
from yuncheng.numbers import round_half_up

WORKING_AGE = (16, 60)  # inclusive, in whole years at the period end
NOTICE_MIN_DAYS = 5  # 公示 lasts at least five days, counting both ends
ELIMINATION_MIN_MONTHS = 6


def _money(verbose_name, **kwargs):
    kwargs.setdefault("default", Decimal("0"))
    return models.DecimalField(verbose_name, max_digits=12, decimal_places=2, **kwargs)


# ---------------------------------------------------------------- enumerations


class Relation(models.TextChoices):
    HEAD = "head", "户主"
    SPOUSE = "spouse", "配偶"
    SON = "son", "子"
    DAUGHTER = "daughter", "女"
    PARENT = "parent", "父母"
    GRANDCHILD = "grandchild", "孙子女"
    OTHER = "other", "其他"


class Sex(models.TextChoices):
    MALE = "男", "男"
    FEMALE = "女", "女"


class Education(models.TextChoices):
    ILLITERATE = "illiterate", "文盲或半文盲"
    PRIMARY = "primary", "小学"
    JUNIOR = "junior", "初中"
    SENIOR = "senior", "高中"
    VOCATIONAL = "vocational", "中专（中职）"
    COLLEGE = "college", "大专及以上"
    PRESCHOOL = "preschool", "学龄前儿童"


class SchoolStatus(models.TextChoices):
    NONE = "none", "非在校生"
    PRESCHOOL = "preschool", "学前教育"
    PRIMARY = "primary", "小学"
    JUNIOR = "junior", "七年级至九年级"
    SENIOR = "senior", "高中"
    VOCATIONAL = "vocational", "中职"
    HIGHER = "higher", "高职高专及本科以上"


class Health(models.TextChoices):
    HEALTHY = "healthy", "健康"
    CHRONIC = "chronic", "长期慢性病"
    SERIOUS = "serious", "患有大病"
    DISABLED = "disabled", "残疾"


class LabourSkill(models.TextChoices):
    ORDINARY = "ordinary", "普通劳动力"
    SKILLED = "skilled", "技能劳动力"
    WEAK = "weak", "弱劳动力或半劳动力"
    LOST = "lost", "丧失劳动力"
    NONE = "none", "无劳动力"


LABOUR_SKILLS_ABLE = (LabourSkill.ORDINARY, LabourSkill.SKILLED, LabourSkill.WEAK)


class WorkLocation(models.TextChoices):
    IN_COUNTY = "county", "县内"
    IN_PROVINCE = "province", "省内县外"
    OUT_PROVINCE = "outside", "省外"


OUTSIDE_COUNTY = (WorkLocation.IN_PROVINCE, WorkLocation.OUT_PROVINCE)


class EmploymentChannel(models.TextChoices):
    WORKSHOP = "workshop", "帮扶车间"
    PUBLIC_POST = "public_post", "公益岗位"
    PV_POST = "pv_post", "光伏岗位"
    SELF = "self", "自主就业"
    OTHER = "other", "其他"


class MonitoringCategory(models.TextChoices):
    UNSTABLE = "unstable", "脱贫不稳定户"
    MARGINAL = "marginal", "边缘易致贫户"
    SUDDEN = "sudden", "突发严重困难户"


class IdentificationChannel(models.TextChoices):
    SELF_APPLY = "self_apply", "农户自主申报"
    CADRE = "cadre", "基层干部排查"
    DEPARTMENT = "department", "部门筛查预警"
    PUBLIC_OPINION = "public_opinion", "舆情信访预警"


class ReviewStatus(models.TextChoices):
    DRAFT = "draft", "草稿（村级初选）"
    SUBMITTED = "submitted", "待乡镇审核"
    TOWNSHIP_APPROVED = "township_ok", "待县级审定"
    APPROVED = "approved", "县级已审定"
    REJECTED = "rejected", "已退回"


class EliminationStatus(models.TextChoices):
    NONE = "none", "未申请消除"
    SUBMITTED = "submitted", "消除待乡镇审核"
    TOWNSHIP_APPROVED = "township_ok", "消除待县级审定"
    APPROVED = "approved", "风险已消除"
    REJECTED = "rejected", "消除申请已退回"


class EliminationMode(models.TextChoices):
    ASSISTED = "assisted", "帮扶消除"
    NATURAL = "natural", "自然消除"


class MeasureType(models.TextChoices):
    INDUSTRY = "industry", "产业帮扶"
    EMPLOYMENT = "employment", "就业帮扶"
    FINANCE = "finance", "金融帮扶"
    PUBLIC_POST = "public_post", "公益岗位帮扶"
    HEALTH = "health", "健康帮扶"
    COMPULSORY_EDUCATION = "compulsory_edu", "义务教育保障"
    OTHER_EDUCATION = "other_edu", "其他教育帮扶"
    SOCIAL_SECURITY = "social_security", "综合保障（低保/特困）"
    HOUSING = "housing", "住房安全保障"
    WATER = "water", "饮水安全保障"
    SOCIAL = "social", "社会帮扶"
    RELOCATION = "relocation", "搬迁"
    LIVING_CONDITIONS = "living", "生产生活条件改善"
    INFRASTRUCTURE = "infrastructure", "基础设施建设"


# 开发式帮扶: the four measures that build the household's own earning capacity.
DEVELOPMENT_MEASURES = (MeasureType.INDUSTRY, MeasureType.EMPLOYMENT, MeasureType.FINANCE, MeasureType.PUBLIC_POST)


def month_start(value: datetime.date) -> datetime.date:
    return value.replace(day=1)


def years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def working_age_q(day: datetime.date, prefix: str = "") -> Q:
    """Members aged WORKING_AGE[0]..WORKING_AGE[1] full years (inclusive) on ``day``: a range on the
    birth date, which the (labour_skill, birth_date) index answers."""
    youngest, oldest = WORKING_AGE
    return Q(**{
        f"{prefix}birth_date__lte": years_before(day, youngest),
        f"{prefix}birth_date__gt": years_before(day, oldest + 1),
    })


def labour_force_q(day: datetime.date, prefix: str = "") -> Q:
    """劳动力: a member with labour capacity (普通 / 技能 / 弱或半劳动力) and of working age on ``day``."""
    return Q(**{f"{prefix}labour_skill__in": LABOUR_SKILLS_ABLE}) & working_age_q(day, prefix)


def months_between(start: datetime.date, end: datetime.date) -> int:
    """Whole calendar months from ``start``'s month to ``end``'s month (2023-01 → 2023-07 = 6)."""
    return (end.year - start.year) * 12 + end.month - start.month


# ---------------------------------------------------------------- reference data


class RiskType(models.Model):
    """风险类型 (reference data: 因病, 因残, …). A monitoring record has up to five."""

    AREA_LOOKUP = None

    code = models.CharField("代码", max_length=20, primary_key=True)
    name = models.CharField("风险类型", max_length=20, unique=True)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "风险类型"
        verbose_name_plural = "风险类型"
        ordering = ["sort_order", "code"]

    def __str__(self):
        return self.name


class MonitoringThreshold(models.Model):
    """监测范围: the yearly per-capita net income line below which households are screened (元/人/年)."""

    AREA_LOOKUP = None

    year = models.PositiveSmallIntegerField("年度", unique=True)
    amount = models.DecimalField("监测范围（元/人/年）", max_digits=10, decimal_places=2)
    note = models.CharField("依据", max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "监测范围"
        verbose_name_plural = "监测范围"
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="threshold_amount_positive",
                                   violation_error_message="监测范围须大于 0"),
        ]

    def __str__(self):
        return f"{self.year} 年 {self.amount} 元"


class DibaoStandard(models.Model):
    """农村低保标准 of the city for a year (元/人/年)."""

    AREA_LOOKUP = None

    year = models.PositiveSmallIntegerField("年度", unique=True)
    amount = models.DecimalField("农村低保标准（元/人/年）", max_digits=10, decimal_places=2)
    note = models.CharField("依据", max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "农村低保标准"
        verbose_name_plural = "农村低保标准"
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="dibao_amount_positive",
                                   violation_error_message="低保标准须大于 0"),
        ]

    def __str__(self):
        return f"{self.year} 年 {self.amount} 元"


class EmploymentTarget(models.Model):
    """年度外出务工目标 of an area (the city 140800, a county, a township) for a year (persons)."""

    AREA_LOOKUP = "area_code"

    area_code = models.CharField("区域代码", max_length=12, db_index=True,
                                 help_text="市 140800、区县 6 位、乡镇 9 位代码")
    year = models.PositiveSmallIntegerField("年度")
    migrant_target = models.PositiveIntegerField("外出务工目标（人）")
    history = HistoricalRecords()

    class Meta:
        verbose_name = "外出务工目标"
        verbose_name_plural = "外出务工目标"
        ordering = ["-year", "area_code"]
        constraints = [
            models.UniqueConstraint(fields=["area_code", "year"], name="employment_target_unique",
                                    violation_error_message="该区域该年度已有务工目标"),
        ]

    def __str__(self):
        return f"{self.area_code} {self.year} 年 {self.migrant_target} 人"


# ---------------------------------------------------------------- households and members


class HouseholdQuerySet(models.QuerySet):
    @staticmethod
    def with_labour_q(day: datetime.date, members: "models.QuerySet | None" = None) -> Q:
        """有劳动能力的户 on ``day``: not declared 整户无劳动能力, with a member of the labour force.
        ``members``: where to look for that member (a caller narrows it to an area for speed)."""
        members = Member.objects.all() if members is None else members
        return Q(is_no_labour=False, pk__in=members.labour_force(day).values("household_id"))

    def with_labour(self, day: datetime.date):
        return self.filter(self.with_labour_q(day))


def household_code_error(code: str, village_code: str) -> str | None:
    """Why ``code`` cannot be the 户编号 of a household of ``village_code``, or None when it can.

    户编号 = the village's 12-digit 统计用区划代码 + a 4-digit sequence (0001–9999), so the code says where
    the household is and cannot be borrowed from another village. (The one definition: the model's
    ``clean`` and the bulk import both ask it.)"""
    if not code or not village_code:
        return None
    if len(code) == 16 and code.isdigit() and code.startswith(village_code) and code[12:] != "0000":
        return None
    return f"户编号须为所在行政村代码 {village_code} 加 4 位顺序号（0001–9999），如 {village_code}0001"


class Household(models.Model):
    """户: a rural household of the registry (脱贫户, 监测户, or a 一般农户 identified for monitoring)."""

    AREA_LOOKUP = "village_id"

    code = models.CharField("户编号", max_length=30, unique=True)
    village = models.ForeignKey("villages.Village", on_delete=models.PROTECT, related_name="households",
                                verbose_name="行政村")
    natural_village = models.CharField("自然村", max_length=50, blank=True)
    address = models.CharField("家庭住址", max_length=200, blank=True)
    head_name = models.CharField("户主姓名", max_length=50, db_index=True,
                                 help_text="与“户主”成员一致，由成员维护时自动更新")
    phone = models.CharField("联系电话", max_length=30, blank=True)
    is_poverty_alleviated = models.BooleanField("脱贫户", default=False)
    is_monitored = models.BooleanField("监测户", default=False, editable=False,
                                       help_text="有县级审定的监测识别记录时自动标注")
    is_relocated = models.BooleanField("易地搬迁户", default=False)
    relocation_site = models.ForeignKey("villages.RelocationSite", on_delete=models.PROTECT, null=True, blank=True,
                                        related_name="relocated_households", verbose_name="安置点")
    is_dibao = models.BooleanField("享受低保", default=False)
    is_tekun = models.BooleanField("特困供养", default=False)
    is_no_labour = models.BooleanField("整户无劳动能力兜底保障户", default=False)
    helper_name = models.CharField("帮扶责任人", max_length=50, blank=True)
    helper_unit = models.CharField("帮扶责任人单位", max_length=100, blank=True)
    helper_phone = models.CharField("帮扶责任人电话", max_length=30, blank=True)
    size = models.PositiveSmallIntegerField("家庭人口数", default=0, editable=False,
                                            help_text="成员人数，由系统维护")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name="录入人", editable=False)
    created_at = models.DateTimeField("录入时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    # Counted up by every save through the services: a form loaded at an older version is refused
    # (accounts.versioning), so that a colleague's change is never overwritten silently.
    version = models.PositiveIntegerField("版本", default=0, editable=False)
    objects = HouseholdQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "农户"
        verbose_name_plural = "农户"
        ordering = ["code"]
        indexes = [
            models.Index(fields=["village", "code"], name="household_village_code_idx"),
            models.Index(fields=["is_monitored", "village"], name="household_monitored_idx"),
            models.Index(fields=["is_poverty_alleviated", "village"], name="household_poverty_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(relocation_site__isnull=True) | Q(is_relocated=True),
                name="household_site_only_if_relocated",
                violation_error_message="只有易地搬迁户才能填写安置点",
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.head_name}"

    def clean(self):
        message = household_code_error(self.code, self.village_id)
        if message:
            raise ValidationError({"code": message})

    @property
    def household_type_display(self) -> str:
        if self.is_poverty_alleviated and self.is_monitored:
            return "脱贫户、监测户"
        if self.is_poverty_alleviated:
            return "脱贫户"
        if self.is_monitored:
            return "监测户"
        return "一般农户"


class MemberQuerySet(models.QuerySet):
    def labour_force(self, day: datetime.date):
        return self.filter(labour_force_q(day))

    @staticmethod
    def working_outside_q(year: int) -> models.Exists:
        """外出务工: an employment of ``year`` outside the member's county (省内县外 or 省外)."""
        return models.Exists(Employment.objects.outside_county().filter(member=models.OuterRef("pk"), year=year))


class Member(models.Model):
    """家庭成员: a person of a household; the ID number is unique across the city."""

    AREA_LOOKUP = "household__village_id"

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="members", verbose_name="所属户")
    name = models.CharField("姓名", max_length=50)
    id_number = models.CharField("身份证号", max_length=18, unique=True,
                                 error_messages={"unique": "该身份证号已登记在其他户"})
    sex = models.CharField("性别", max_length=1, choices=Sex.choices, editable=False)
    birth_date = models.DateField("出生日期", editable=False)
    relation = models.CharField("与户主关系", max_length=12, choices=Relation.choices, default=Relation.OTHER)
    ethnicity = models.CharField("民族", max_length=20, default="汉族")
    education = models.CharField("文化程度", max_length=12, choices=Education.choices, default=Education.JUNIOR)
    school_status = models.CharField("在校生状况", max_length=12, choices=SchoolStatus.choices,
                                     default=SchoolStatus.NONE)
    health = models.CharField("健康状况", max_length=10, choices=Health.choices, default=Health.HEALTHY)
    labour_skill = models.CharField("劳动技能", max_length=10, choices=LabourSkill.choices,
                                    default=LabourSkill.ORDINARY)
    has_medical_insurance = models.BooleanField("参加城乡居民基本医疗保险", default=True)
    is_dibao = models.BooleanField("享受低保", default=False)
    is_tekun = models.BooleanField("特困供养", default=False)
    version = models.PositiveIntegerField("版本", default=0, editable=False)
    objects = MemberQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "家庭成员"
        verbose_name_plural = "家庭成员"
        ordering = ["household_id", "id"]
        indexes = [
            models.Index(fields=["labour_skill", "birth_date"], name="member_labour_idx"),
            # The data-quality check "birth year after this year" reads the year's digits of the ID number
            # (monitoring.quality.bad_id_number); the day-independent failures have a partial index on
            # PostgreSQL (migration 0005).
            models.Index(Substr("id_number", 7, 4), name="member_birth_year_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["household"], condition=Q(relation=Relation.HEAD), name="member_one_head",
                                    violation_error_message="每户只能有一名户主"),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        # The ID number is the source of sex and birth date: normalise and validate it, then derive them.
        try:
            self.id_number = validate_id_number(self.id_number)
        except ValidationError as error:
            raise ValidationError({"id_number": error.messages}) from None
        self.sex = id_sex(self.id_number)
        self.birth_date = id_birth_date(self.id_number)

    @property
    def has_labour(self) -> bool:
        return self.labour_skill in LABOUR_SKILLS_ABLE

    def age_on(self, day: datetime.date) -> int:
        born = self.birth_date
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


class EmploymentQuerySet(models.QuerySet):
    def outside_county(self):
        return self.filter(location__in=OUTSIDE_COUNTY)


class Employment(models.Model):
    """务工就业: where a member worked in a year, for how many months, through which channel."""

    AREA_LOOKUP = "member__household__village_id"

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="employments", verbose_name="成员")
    year = models.PositiveSmallIntegerField("年度")
    location = models.CharField("务工所在地", max_length=10, choices=WorkLocation.choices)
    months = models.PositiveSmallIntegerField("务工时长（月）", validators=[MinValueValidator(1), MaxValueValidator(12)])
    channel = models.CharField("就业渠道", max_length=12, choices=EmploymentChannel.choices,
                               default=EmploymentChannel.SELF)
    employer = models.CharField("就业单位", max_length=100, blank=True)
    history = HistoricalRecords()

    objects = EmploymentQuerySet.as_manager()

    class Meta:
        verbose_name = "务工就业"
        verbose_name_plural = "务工就业"
        ordering = ["-year", "member_id"]
        indexes = [models.Index(fields=["year", "location"], name="employment_year_location_idx")]
        constraints = [
            models.UniqueConstraint(fields=["member", "year"], name="employment_one_per_member_year",
                                    violation_error_message="该成员该年度已有务工记录"),
            models.CheckConstraint(condition=Q(months__gte=1) & Q(months__lte=12), name="employment_months_1_12",
                                   violation_error_message="务工时长须在 1–12 个月之间"),
        ]

    def __str__(self):
        return f"{self.year} {self.get_location_display()} {self.months} 个月"


# ---------------------------------------------------------------- income and measures


class IncomeRecord(models.Model):
    """收入: a household's income cumulative from January to the end of a quarter (季度 4 = the full year).

    ``net_income``, ``persons`` and ``per_capita_income`` are computed by the service, never typed."""

    AREA_LOOKUP = "household__village_id"

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="incomes", verbose_name="所属户")
    year = models.PositiveSmallIntegerField("年度")
    quarter = models.PositiveSmallIntegerField("季度", validators=[MinValueValidator(1), MaxValueValidator(4)],
                                               help_text="累计至该季度末")
    wage_income = _money("工资性收入", validators=[MinValueValidator(0)])
    business_income = _money("经营性收入", validators=[MinValueValidator(0)])
    property_income = _money("财产性收入", validators=[MinValueValidator(0)])
    transfer_income = _money("转移性收入", validators=[MinValueValidator(0)])
    production_expense = _money("生产经营性支出", validators=[MinValueValidator(0)])
    net_income = _money("纯收入", editable=False)
    persons = models.PositiveSmallIntegerField("计算人口数", default=0, editable=False)
    per_capita_income = _money("人均纯收入", editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "收入"
        verbose_name_plural = "收入"
        ordering = ["household_id", "-year", "-quarter"]
        indexes = [models.Index(fields=["year", "quarter"], name="income_period_idx")]
        constraints = [
            models.UniqueConstraint(fields=["household", "year", "quarter"], name="income_one_per_quarter",
                                    violation_error_message="该户该季度已有收入记录"),
            models.CheckConstraint(condition=Q(quarter__gte=1) & Q(quarter__lte=4), name="income_quarter_1_4",
                                   violation_error_message="季度须为 1–4"),
            models.CheckConstraint(
                condition=Q(wage_income__gte=0) & Q(business_income__gte=0) & Q(property_income__gte=0)
                & Q(transfer_income__gte=0) & Q(production_expense__gte=0),
                name="income_amounts_not_negative",
                violation_error_message="收入和支出金额不能为负",
            ),
        ]

    def __str__(self):
        return f"{self.year} 年第 {self.quarter} 季度"

    def compute(self) -> None:
        """Fill the derived amounts from the typed ones and the given ``persons``."""
        self.net_income = (
            self.wage_income + self.business_income + self.property_income + self.transfer_income
            - self.production_expense
        )
        self.per_capita_income = (
            round_half_up(self.net_income / self.persons) if self.persons else Decimal("0")
        )


class AssistanceMeasureQuerySet(models.QuerySet):
    def development(self, day: datetime.date):
        """开发式帮扶 measures begun by ``day``."""
        return self.filter(measure_type__in=DEVELOPMENT_MEASURES, start_date__lte=day)


class AssistanceMeasure(models.Model):
    """帮扶措施 given to a household (the first four types are 开发式帮扶)."""

    AREA_LOOKUP = "household__village_id"

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="measures", verbose_name="所属户")
    measure_type = models.CharField("措施类型", max_length=20, choices=MeasureType.choices)
    content = models.CharField("措施内容", max_length=200, blank=True)
    start_date = models.DateField("开始日期")
    amount = models.DecimalField("金额（元）", max_digits=12, decimal_places=2, null=True, blank=True,
                                 validators=[MinValueValidator(0)])
    responsible_person = models.CharField("责任人", max_length=50, blank=True)
    objects = AssistanceMeasureQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "帮扶措施"
        verbose_name_plural = "帮扶措施"
        ordering = ["household_id", "start_date", "id"]
        indexes = [models.Index(fields=["measure_type", "start_date"], name="measure_type_start_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(amount__isnull=True) | Q(amount__gte=0),
                                   name="measure_amount_not_negative",
                                   violation_error_message="金额不能为负"),
        ]

    def __str__(self):
        return self.get_measure_type_display()

    @property
    def is_development(self) -> bool:
        return self.measure_type in DEVELOPMENT_MEASURES


# ---------------------------------------------------------------- the workflow


class MonitoringRecordQuerySet(models.QuerySet):
    def identified_as_of(self, day: datetime.date):
        """County-approved identifications whose identification month is not after ``day``."""
        return self.filter(status=ReviewStatus.APPROVED, identified_month__lte=day)

    @staticmethod
    def eliminated_q(day: datetime.date) -> Q:
        return Q(elimination_status=EliminationStatus.APPROVED, elimination_month__lte=day)

    def eliminated_as_of(self, day: datetime.date):
        """Of those, the ones whose risk elimination was county-approved with a month not after ``day``."""
        return self.identified_as_of(day).filter(self.eliminated_q(day))

    def open_as_of(self, day: datetime.date):
        """Of those, the ones not yet eliminated as of ``day`` (风险未消除)."""
        return self.identified_as_of(day).exclude(self.eliminated_q(day))


class MonitoringRecord(models.Model):
    """监测识别记录: one identification of a household as 监测对象, its review trail and its risk elimination."""

    AREA_LOOKUP = "household__village_id"

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="monitoring_records",
                                  verbose_name="监测户")
    category = models.CharField("监测对象类别", max_length=10, choices=MonitoringCategory.choices)
    risk_types = models.ManyToManyField(RiskType, related_name="records", verbose_name="风险类型",
                                        help_text="最多 5 项")
    channel = models.CharField("识别方式", max_length=16, choices=IdentificationChannel.choices)
    identified_month = models.DateField("识别年月", help_text="当月 1 日")
    housing_secure = models.BooleanField("住房安全有保障", default=True)
    education_secure = models.BooleanField("义务教育有保障", default=True)
    medical_secure = models.BooleanField("基本医疗有保障", default=True)
    water_secure = models.BooleanField("饮水安全有保障", default=True)
    situation = models.TextField("致贫返贫风险情况", blank=True)
    # 村级初选与公示
    notice_start = models.DateField("公示开始日期", null=True, blank=True)
    notice_end = models.DateField("公示结束日期", null=True, blank=True)
    status = models.CharField("识别审核状态", max_length=12, choices=ReviewStatus.choices, default=ReviewStatus.DRAFT)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="+", verbose_name="填报人")
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    township_reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                          related_name="+", verbose_name="乡镇审核人")
    township_reviewed_at = models.DateTimeField("乡镇审核时间", null=True, blank=True)
    county_reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                        related_name="+", verbose_name="县级审定人")
    approved_at = models.DateTimeField("县级审定时间", null=True, blank=True)
    rejection_reason = models.TextField("退回原因", blank=True)
    # 风险消除
    elimination_status = models.CharField("风险消除状态", max_length=12, choices=EliminationStatus.choices,
                                          default=EliminationStatus.NONE)
    elimination_mode = models.CharField("风险消除方式", max_length=10, choices=EliminationMode.choices, blank=True)
    elimination_month = models.DateField("风险消除年月", null=True, blank=True, help_text="当月 1 日")
    elimination_reason = models.TextField("消除依据", blank=True)
    elimination_notice_start = models.DateField("消除公示开始日期", null=True, blank=True)
    elimination_notice_end = models.DateField("消除公示结束日期", null=True, blank=True)
    elimination_author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                           blank=True, related_name="+", verbose_name="消除申请人")
    elimination_submitted_at = models.DateTimeField("消除申请时间", null=True, blank=True)
    elimination_township_reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                                      null=True, blank=True, related_name="+",
                                                      verbose_name="消除乡镇审核人")
    elimination_township_reviewed_at = models.DateTimeField("消除乡镇审核时间", null=True, blank=True)
    elimination_county_reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                                    null=True, blank=True, related_name="+",
                                                    verbose_name="消除县级审定人")
    eliminated_at = models.DateTimeField("消除审定时间", null=True, blank=True)
    elimination_rejection_reason = models.TextField("消除退回原因", blank=True)
    elimination_warnings = models.JSONField("消除预警", default=list, blank=True, editable=False)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    version = models.PositiveIntegerField("版本", default=0, editable=False)
    history = HistoricalRecords(m2m_fields=[risk_types])

    objects = MonitoringRecordQuerySet.as_manager()

    class Meta:
        verbose_name = "监测识别记录"
        verbose_name_plural = "监测识别记录"
        ordering = ["-identified_month", "-id"]
        permissions = [
            ("review_township", "乡镇审核监测记录"),
            ("approve_county", "县级审定监测记录"),
        ]
        indexes = [
            models.Index(fields=["status", "identified_month"], name="monitoring_status_month_idx"),
            models.Index(fields=["elimination_status", "elimination_month"], name="monitoring_elim_month_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(notice_start__isnull=True) | Q(notice_end__isnull=True)
                | Q(notice_end__gte=F("notice_start")),
                name="monitoring_notice_end_after_start",
                violation_error_message="公示结束日期不能早于开始日期",
            ),
            models.CheckConstraint(
                condition=~Q(elimination_status=EliminationStatus.APPROVED)
                | (Q(elimination_month__isnull=False) & ~Q(elimination_mode="")),
                name="monitoring_eliminated_has_month_and_mode",
                violation_error_message="风险已消除的记录须有消除年月和消除方式",
            ),
            models.CheckConstraint(
                condition=Q(elimination_month__isnull=True) | Q(elimination_month__gte=F("identified_month")),
                name="monitoring_elimination_after_identification",
                violation_error_message="风险消除年月不能早于识别年月",
            ),
            models.CheckConstraint(
                condition=Q(elimination_status=EliminationStatus.NONE) | Q(status=ReviewStatus.APPROVED),
                name="monitoring_elimination_needs_approval",
                violation_error_message="县级审定后才能申请风险消除",
            ),
        ]

    def __str__(self):
        return f"{self.household_id} {self.identified_month:%Y-%m} {self.get_category_display()}"

    def clean(self):
        errors = {}
        if self.identified_month:
            self.identified_month = month_start(self.identified_month)
        if self.elimination_month:
            self.elimination_month = month_start(self.elimination_month)
        for start, end, field in (
            (self.notice_start, self.notice_end, "notice_end"),
            (self.elimination_notice_start, self.elimination_notice_end, "elimination_notice_end"),
        ):
            if start and end and (end - start).days + 1 < NOTICE_MIN_DAYS:
                errors[field] = f"公示期不少于 {NOTICE_MIN_DAYS} 天（含首尾两日）"
        if errors:
            raise ValidationError(errors)

    @property
    def is_open(self) -> bool:
        """Not yet county-approved as eliminated (and not a rejected draft)."""
        return self.elimination_status != EliminationStatus.APPROVED


class ReviewStage(models.TextChoices):
    IDENTIFICATION = "identification", "识别"
    ELIMINATION = "elimination", "风险消除"


class ReviewAction(models.TextChoices):
    SUBMIT = "submit", "村级提交（公示后）"
    TOWNSHIP_APPROVE = "township_approve", "乡镇审核通过"
    COUNTY_APPROVE = "county_approve", "县级审定通过"
    REJECT = "reject", "退回"


class ReviewEvent(models.Model):
    """One step of a record's review trail (the timeline on the household page)."""

    AREA_LOOKUP = "record__household__village_id"

    record = models.ForeignKey(MonitoringRecord, on_delete=models.CASCADE, related_name="events",
                               verbose_name="监测记录")
    stage = models.CharField("环节", max_length=16, choices=ReviewStage.choices)
    action = models.CharField("操作", max_length=20, choices=ReviewAction.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+",
                             verbose_name="操作人")
    at = models.DateTimeField("时间")
    comment = models.TextField("意见", blank=True)

    class Meta:
        verbose_name = "审核记录"
        verbose_name_plural = "审核记录"
        ordering = ["record_id", "at", "id"]

    def __str__(self):
        return f"{self.get_stage_display()} {self.get_action_display()}"
