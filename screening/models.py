"""筛查预警与模拟国考: two ways the city finds problems before the province does.

Department early warnings (部门筛查预警)
--------------------------------------
A department's list of persons with an event (``DepartmentEvent``: one row per person, event type and
event date — a second report of the same event merges its department into the first) is matched by ID
number to the registry's members. An event of a matched person that meets its type's ``WarningRule``
raises a ``ScreeningWarning`` on the person's household, with the rule and the household's state at that
moment. The village verifies it (入户核实) and either dismisses it with a reason or starts an
identification with channel 部门筛查预警 (monitoring's services). A warning still unverified more than
``OVERDUE_DAYS`` days after it was raised is overdue (``ScreeningWarning.objects.overdue_q(on)``).

Unmatched persons are kept (``member`` empty, area = the importer's area) so that they are reported and
can be followed up, never silently dropped.

Mock national assessment (模拟国考)
----------------------------------
An ``AssessmentRound`` draws, per chosen county, villages first and then households by stratum
(脱贫户 / 监测户 / 一般农户) with a seeded random generator (``services.round_draw``): the same seed gives the
same ``SampleHousehold`` rows. Field answers (``AssessmentAnswer``, one per sampled household and national
indicator) come back from the field sheets; each failed indicator raises a rectification issue with source
模拟国考.
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

OVERDUE_DAYS = 15  # a warning not verified within 15 days of being raised is overdue


class EventType(models.TextChoices):
    MEDICAL = "medical", "大额医疗自付支出"
    DISABILITY = "disability", "新增残疾"
    DISASTER = "disaster", "受灾"
    JOBLESS = "jobless", "失业/返乡"
    DIBAO_EXIT = "dibao_exit", "低保退出"
    DEATH = "death", "死亡"


# Event types whose rows carry an amount (元) that a rule compares.
AMOUNT_EVENT_TYPES = (EventType.MEDICAL,)


class WarningRule(models.Model):
    """预警规则 of an event type, set by the city administrator.

    An event raises a warning when it reaches either threshold that is set (达到或超过): a fixed amount,
    or a share of the household's yearly net income. A type with neither set — and a type without a rule
    at all — raises a warning for every event, unless the rule is switched off."""

    AREA_LOOKUP = None

    event_type = models.CharField("事件类型", max_length=16, choices=EventType.choices, unique=True)
    min_amount = models.DecimalField("金额阈值（元）", max_digits=12, decimal_places=2, null=True, blank=True,
                                     validators=[MinValueValidator(0)], help_text="金额达到或超过此值即预警")
    income_share_pct = models.DecimalField(
        "占家庭年纯收入比例阈值（%）", max_digits=6, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(0)], help_text="金额达到或超过家庭年纯收入的该比例即预警",
    )
    is_active = models.BooleanField("启用", default=True, help_text="停用后该类事件不再产生预警")
    note = models.CharField("说明", max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "预警规则"
        verbose_name_plural = "预警规则"
        ordering = ["event_type"]
        constraints = [
            models.CheckConstraint(condition=Q(min_amount__isnull=True) | Q(min_amount__gte=0),
                                   name="warning_rule_amount_not_negative", violation_error_message="金额阈值不能为负"),
            models.CheckConstraint(condition=Q(income_share_pct__isnull=True) | Q(income_share_pct__gte=0),
                                   name="warning_rule_share_not_negative", violation_error_message="比例阈值不能为负"),
        ]

    def __str__(self):
        return f"{self.get_event_type_display()}预警规则"

    def describe(self) -> str:
        if not self.is_active:
            return "规则已停用"
        parts = []
        if self.min_amount is not None:
            parts.append(f"金额≥{self.min_amount:,.2f}元")
        if self.income_share_pct is not None:
            parts.append(f"金额≥家庭年纯收入的{self.income_share_pct:g}%")
        return "或".join(parts) if parts else "发生即预警"


class DepartmentEvent(models.Model):
    """部门推送事件: one person's event as reported by one or more departments (merged by person, type, date)."""

    # The member's village code when matched; otherwise the area of the user who imported it.
    AREA_LOOKUP = "area_code"

    id_number = models.CharField("身份证号", max_length=18)
    name = models.CharField("姓名", max_length=50)
    event_type = models.CharField("事件类型", max_length=16, choices=EventType.choices)
    event_date = models.DateField("事件日期")
    amount = models.DecimalField("金额（元）", max_digits=12, decimal_places=2, null=True, blank=True,
                                 validators=[MinValueValidator(0)])
    description = models.TextField("说明", blank=True)
    departments = models.CharField("推送部门", max_length=200, help_text="多个部门报送同一事件时合并，以“、”分隔")
    member = models.ForeignKey("monitoring.Member", on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="department_events", verbose_name="匹配成员")
    area_code = models.CharField("区域代码", max_length=12, db_index=True)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name="导入人")
    imported_at = models.DateTimeField("导入时间", auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "部门推送事件"
        verbose_name_plural = "部门推送事件"
        ordering = ["-event_date", "id"]
        constraints = [
            models.UniqueConstraint(fields=["id_number", "event_type", "event_date"], name="department_event_unique",
                                    violation_error_message="同一人员同一日期的同类事件已登记"),
            models.CheckConstraint(condition=Q(amount__isnull=True) | Q(amount__gte=0),
                                   name="department_event_amount_not_negative", violation_error_message="金额不能为负"),
        ]

    def __str__(self):
        return f"{self.name} {self.get_event_type_display()} {self.event_date}"

    @property
    def is_matched(self) -> bool:
        return self.member_id is not None


class WarningStatus(models.TextChoices):
    PENDING = "pending", "待核实"
    DISMISSED = "dismissed", "核实排除"
    IDENTIFIED = "identified", "已纳入监测识别"


class ScreeningWarningQuerySet(models.QuerySet):
    @staticmethod
    def verified_q(on: datetime.date) -> Q:
        return Q(verified_on__isnull=False, verified_on__lte=on)

    @staticmethod
    def overdue_q(on: datetime.date) -> Q:
        """Raised more than OVERDUE_DAYS days before ``on`` and not verified by then."""
        return Q(raised_on__lt=on - datetime.timedelta(days=OVERDUE_DAYS)) & (
            Q(verified_on__isnull=True) | Q(verified_on__gt=on)
        )

    def overdue(self, *, on: datetime.date | None = None):
        return self.filter(self.overdue_q(on or datetime.date.today()))

    def in_year_to(self, end: datetime.date):
        """Warnings whose event lies in ``end``'s year up to ``end`` (how the metrics count them)."""
        return self.filter(event_date__gte=datetime.date(end.year, 1, 1), event_date__lte=end)


class ScreeningWarning(models.Model):
    """预警: a department event that met its rule, raised on the person's household for verification."""

    AREA_LOOKUP = "household__village_id"

    event = models.OneToOneField(DepartmentEvent, on_delete=models.CASCADE, related_name="warning",
                                 verbose_name="部门推送事件")
    household = models.ForeignKey("monitoring.Household", on_delete=models.CASCADE, related_name="screening_warnings",
                                  verbose_name="农户")
    event_type = models.CharField("事件类型", max_length=16, choices=EventType.choices)
    event_date = models.DateField("事件日期")
    rule = models.CharField("触发规则", max_length=200)
    household_state = models.CharField("预警时农户状态", max_length=300)
    raised_on = models.DateField("预警日期")
    status = models.CharField("核实状态", max_length=12, choices=WarningStatus.choices, default=WarningStatus.PENDING)
    verified_on = models.DateField("核实日期", null=True, blank=True)
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name="核实人")
    dismiss_reason = models.TextField("排除理由", blank=True)
    monitoring_record = models.ForeignKey("monitoring.MonitoringRecord", on_delete=models.SET_NULL, null=True,
                                          blank=True, related_name="screening_warnings", verbose_name="监测识别记录")
    history = HistoricalRecords()

    objects = ScreeningWarningQuerySet.as_manager()

    class Meta:
        verbose_name = "筛查预警"
        verbose_name_plural = "筛查预警"
        ordering = ["raised_on", "id"]
        indexes = [
            models.Index(fields=["status", "raised_on"], name="warning_status_raised_idx"),
            models.Index(fields=["event_date"], name="warning_event_date_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status=WarningStatus.PENDING, verified_on__isnull=True)
                | (~Q(status=WarningStatus.PENDING) & Q(verified_on__isnull=False)),
                name="warning_verified_iff_not_pending",
                violation_error_message="已核实的预警须有核实日期，待核实的预警不能有核实日期",
            ),
            models.CheckConstraint(
                condition=~Q(status=WarningStatus.DISMISSED) | ~Q(dismiss_reason=""),
                name="warning_dismissed_has_reason",
                violation_error_message="核实排除须填写理由",
            ),
        ]

    def __str__(self):
        return f"{self.household_id} {self.get_event_type_display()} {self.event_date}"

    def overdue_on(self, on: datetime.date) -> bool:
        return self.raised_on < on - datetime.timedelta(days=OVERDUE_DAYS) and (
            self.verified_on is None or self.verified_on > on
        )


# ---------------------------------------------------------------- the mock national assessment


class Stratum(models.TextChoices):
    POVERTY = "poverty", "脱贫户"
    MONITORED = "monitored", "监测户"
    GENERAL = "general", "一般农户"


class Indicator(models.TextChoices):
    """The national assessment's household indicators asked on the field sheet (是 = 达标)."""

    INCOME = "income", "收入稳定"
    FOOD_CLOTHING = "food_clothing", "不愁吃不愁穿"
    EDUCATION = "education", "义务教育有保障"
    MEDICAL = "medical", "基本医疗有保障"
    HOUSING = "housing", "住房安全有保障"
    WATER = "water", "饮水安全有保障"
    POLICY = "policy", "帮扶政策知晓"
    SATISFACTION = "satisfaction", "帮扶工作满意"


class RoundStatus(models.TextChoices):
    DRAFT = "draft", "未抽样"
    DRAWN = "drawn", "已抽样"


class AssessmentRound(models.Model):
    """模拟国考 round: which counties, how many households per county, the strata's shares and the seed."""

    AREA_LOOKUP = None

    name = models.CharField("名称", max_length=100, unique=True)
    year = models.PositiveSmallIntegerField("年度")
    counties = models.ManyToManyField("villages.County", related_name="assessment_rounds", verbose_name="抽查区县")
    sample_size = models.PositiveIntegerField("每县抽样户数", default=330, validators=[MinValueValidator(1)])
    villages_per_county = models.PositiveIntegerField("每县抽取行政村数", default=10, validators=[MinValueValidator(1)],
                                                      help_text="先抽村，再在抽中的村内按类别抽户")
    share_poverty = models.DecimalField("脱贫户占比（%）", max_digits=5, decimal_places=2, default=Decimal("50"),
                                        validators=[MinValueValidator(0), MaxValueValidator(100)])
    share_monitored = models.DecimalField("监测户占比（%）", max_digits=5, decimal_places=2, default=Decimal("30"),
                                          validators=[MinValueValidator(0), MaxValueValidator(100)])
    share_general = models.DecimalField("一般农户占比（%）", max_digits=5, decimal_places=2, default=Decimal("20"),
                                        validators=[MinValueValidator(0), MaxValueValidator(100)])
    seed = models.PositiveIntegerField("随机种子", help_text="相同种子抽出相同样本")
    status = models.CharField("状态", max_length=10, choices=RoundStatus.choices, default=RoundStatus.DRAFT)
    drawn_at = models.DateTimeField("抽样时间", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name="创建人")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    history = HistoricalRecords(m2m_fields=[counties])

    class Meta:
        verbose_name = "模拟国考"
        verbose_name_plural = "模拟国考"
        ordering = ["-year", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(share_poverty__gte=0) & Q(share_monitored__gte=0) & Q(share_general__gte=0),
                name="round_shares_not_negative", violation_error_message="各类农户占比不能为负",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def shares(self) -> dict[str, Decimal]:
        return {Stratum.POVERTY: self.share_poverty, Stratum.MONITORED: self.share_monitored,
                Stratum.GENERAL: self.share_general}


class SampleHousehold(models.Model):
    """A household drawn into a round, with the stratum it was drawn from."""

    AREA_LOOKUP = "household__village_id"

    round = models.ForeignKey(AssessmentRound, on_delete=models.CASCADE, related_name="samples", verbose_name="模拟国考")
    household = models.ForeignKey("monitoring.Household", on_delete=models.PROTECT, related_name="assessment_samples",
                                  verbose_name="农户")
    stratum = models.CharField("抽样类别", max_length=10, choices=Stratum.choices)
    county = models.ForeignKey("villages.County", on_delete=models.PROTECT, related_name="+", verbose_name="区县")
    history = HistoricalRecords()

    class Meta:
        verbose_name = "抽样农户"
        verbose_name_plural = "抽样农户"
        ordering = ["round_id", "household_id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "household"], name="sample_household_once",
                                    violation_error_message="同一农户在一轮中只能抽中一次"),
        ]

    def __str__(self):
        return f"{self.round_id}:{self.household_id}"


class AssessmentAnswer(models.Model):
    """A sampled household's answer to one national indicator (达标 or not), and the issue it raised."""

    AREA_LOOKUP = "sample__household__village_id"

    sample = models.ForeignKey(SampleHousehold, on_delete=models.CASCADE, related_name="answers",
                               verbose_name="抽样农户")
    indicator = models.CharField("指标", max_length=16, choices=Indicator.choices)
    passed = models.BooleanField("达标")
    note = models.CharField("备注", max_length=200, blank=True)
    issue = models.ForeignKey("rectification.Issue", on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="assessment_answers", verbose_name="整改问题")
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name="录入人")
    history = HistoricalRecords()

    class Meta:
        verbose_name = "模拟国考答卷"
        verbose_name_plural = "模拟国考答卷"
        ordering = ["sample_id", "indicator"]
        constraints = [
            models.UniqueConstraint(fields=["sample", "indicator"], name="answer_one_per_indicator",
                                    violation_error_message="同一农户同一指标只能有一个答案"),
        ]

    def __str__(self):
        return f"{self.sample_id} {self.get_indicator_display()} {'达标' if self.passed else '未达标'}"
