"""Models of provincial review: frozen submissions (省级报送) and the county competition (大比拼).

A submission keeps, for one period and one area, every catalogue figure of every area inside it, the
ids of the records behind each figure, and the report workbooks — as they were at the moment of
freezing. Nothing here is ever updated: the services only create, and the admin is read-only.
"""

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q


class Submission(models.Model):
    """省级报送: one period's figures of an area, frozen by whom and when, with the completeness then."""

    AREA_LOOKUP = "area_code"

    year = models.PositiveSmallIntegerField("年度")
    quarter = models.PositiveSmallIntegerField("季度", validators=[MinValueValidator(1), MaxValueValidator(4)])
    area_code = models.CharField("报送区域代码", max_length=12)
    area_name = models.CharField("报送区域", max_length=50)
    frozen_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="submissions",
                                  verbose_name="冻结人")
    frozen_at = models.DateTimeField("冻结时间")
    # {"figures": {key: value} of the area, "incomplete": [{"code", "name", "missing": {key: n}}]}
    completeness = models.JSONField("冻结时的录入进度", encoder=DjangoJSONEncoder, default=dict)
    confirmed_incomplete = models.BooleanField("确认在录入未完成时冻结", default=False)
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = "省级报送"
        verbose_name_plural = "省级报送"
        ordering = ["-frozen_at", "-id"]
        indexes = [models.Index(fields=["year", "quarter", "area_code", "frozen_at"], name="submission_period_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(quarter__gte=1, quarter__lte=4), name="submission_quarter_1_4",
                                   violation_error_message="季度须为 1–4"),
        ]

    def __str__(self):
        return f"{self.area_name} {self.year}年第{self.quarter}季度 报送（{self.frozen_at:%Y-%m-%d %H:%M}）"

    @property
    def period_label(self) -> str:
        return f"{self.year}年第{self.quarter}季度"


class SubmissionFigures(models.Model):
    """The frozen figures of one area (the submission's own or one inside it)."""

    AREA_LOOKUP = "area_code"

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="figures", verbose_name="报送")
    area_code = models.CharField("区域代码", max_length=12)
    area_name = models.CharField("区域", max_length=50)
    values = models.JSONField("指标值", encoder=DjangoJSONEncoder)  # {metric key: value}

    class Meta:
        verbose_name = "报送指标"
        verbose_name_plural = "报送指标"
        ordering = ["submission_id", "area_code"]
        constraints = [
            models.UniqueConstraint(fields=["submission", "area_code"], name="submissionfigures_area_once",
                                    violation_error_message="同一报送中该区域的指标已存在"),
        ]
        indexes = [models.Index(fields=["area_code", "submission"], name="submissionfigures_area_idx")]

    def __str__(self):
        return f"{self.area_name} 指标"


class SubmissionRecordSet(models.Model):
    """The records of one record list (the drill-down behind figures) at freezing: ``{area code: [pk, ...]}``
    over the submission's area, so that the records that entered or left a figure can be named later."""

    AREA_LOOKUP = "submission__area_code"

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="record_sets",
                                   verbose_name="报送")
    list_name = models.CharField("明细列表", max_length=60)
    records = models.JSONField("记录", default=dict)

    class Meta:
        verbose_name = "报送明细记录"
        verbose_name_plural = "报送明细记录"
        ordering = ["submission_id", "list_name"]
        constraints = [
            models.UniqueConstraint(fields=["submission", "list_name"], name="submissionrecordset_list_once",
                                    violation_error_message="同一报送中该明细列表已存在"),
        ]

    def __str__(self):
        return self.list_name


def submission_report_path(instance, filename):
    return f"submissions/{instance.submission.year}Q{instance.submission.quarter}/{instance.submission_id}/{filename}"


class SubmissionReport(models.Model):
    """A report workbook as submitted: the file in the media store and its SHA-256."""

    AREA_LOOKUP = "submission__area_code"

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="reports", verbose_name="报送")
    report = models.CharField("报表", max_length=40)
    title = models.CharField("报表名称", max_length=60)
    file = models.FileField("文件", upload_to=submission_report_path, max_length=255)
    filename = models.CharField("下载文件名", max_length=200)
    size = models.PositiveIntegerField("大小(字节)")
    sha256 = models.CharField("SHA-256", max_length=64)

    class Meta:
        verbose_name = "报送报表"
        verbose_name_plural = "报送报表"
        ordering = ["submission_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["submission", "report"], name="submissionreport_once",
                                    violation_error_message="同一报送中该报表已存在"),
        ]

    def __str__(self):
        return self.filename


# ---------------------------------------------------------------- 大比拼


class CompetitionRound(models.Model):
    """大比拼 of one year: computed items read the catalogue figures of the year's chosen quarter."""

    AREA_LOOKUP = None  # published to the whole city

    year = models.PositiveSmallIntegerField("年度", unique=True)
    name = models.CharField("名称", max_length=100)
    quarter = models.PositiveSmallIntegerField("计算指标所用季度", default=4,
                                               validators=[MinValueValidator(1), MaxValueValidator(4)])

    class Meta:
        verbose_name = "大比拼轮次"
        verbose_name_plural = "大比拼轮次"
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(condition=Q(quarter__gte=1, quarter__lte=4), name="round_quarter_1_4",
                                   violation_error_message="季度须为 1–4"),
        ]

    def __str__(self):
        return self.name


class ParticipantKind(models.TextChoices):
    COUNTY = "county", "县（市、区）"
    DEPARTMENT = "department", "市直部门"


class Participant(models.Model):
    """A unit taking part in a round: a county, or a city department (a responsible unit)."""

    AREA_LOOKUP = None

    round = models.ForeignKey(CompetitionRound, on_delete=models.CASCADE, related_name="participants",
                              verbose_name="轮次")
    kind = models.CharField("类别", max_length=12, choices=ParticipantKind.choices)
    county = models.ForeignKey("villages.County", on_delete=models.PROTECT, null=True, blank=True,
                               related_name="competition_entries", verbose_name="区县")
    unit = models.ForeignKey("rectification.ResponsibleUnit", on_delete=models.PROTECT, null=True, blank=True,
                             related_name="competition_entries", verbose_name="市直部门")

    class Meta:
        verbose_name = "参评单位"
        verbose_name_plural = "参评单位"
        ordering = ["round_id", "kind", "county_id", "unit_id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind=ParticipantKind.COUNTY, county__isnull=False, unit__isnull=True)
                | Q(kind=ParticipantKind.DEPARTMENT, county__isnull=True, unit__isnull=False),
                name="participant_county_or_unit",
                violation_error_message="县（市、区）须选择区县，市直部门须选择部门，二者只能选一",
            ),
            models.UniqueConstraint(fields=["round", "county"], name="participant_county_once",
                                    violation_error_message="该区县已参加本轮大比拼"),
            models.UniqueConstraint(fields=["round", "unit"], name="participant_unit_once",
                                    violation_error_message="该部门已参加本轮大比拼"),
        ]

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return self.county.name if self.county_id else self.unit.name


class ItemKind(models.TextChoices):
    COMPUTED = "computed", "按指标计算"
    ENTERED = "entered", "评委打分"


class ScoringItem(models.Model):
    """评分项目 with its weight (the points it is worth). A computed item scores a catalogue figure
    linearly: ``zero_value`` scores 0, ``full_value`` 100 (so a lower-is-better figure has
    ``full_value < zero_value``), clamped to 0–100. An entered item (展示, 实地核查, 部门评价, 日常监督) is
    scored 0–100 by its evaluators."""

    AREA_LOOKUP = None

    round = models.ForeignKey(CompetitionRound, on_delete=models.CASCADE, related_name="items", verbose_name="轮次")
    name = models.CharField("评分项目", max_length=60)
    kind = models.CharField("计分方式", max_length=10, choices=ItemKind.choices)
    weight = models.DecimalField("分值（权重）", max_digits=5, decimal_places=2,
                                 validators=[MinValueValidator(0)])
    applies_to = models.CharField("适用单位", max_length=12, choices=ParticipantKind.choices,
                                  default=ParticipantKind.COUNTY)
    metric_key = models.CharField("指标", max_length=80, blank=True, help_text="按指标计算时：指标目录中的指标键")
    zero_value = models.DecimalField("得 0 分的指标值", max_digits=14, decimal_places=2, null=True, blank=True)
    full_value = models.DecimalField("得满分的指标值", max_digits=14, decimal_places=2, null=True, blank=True)
    evaluators = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="scoring_items",
                                        verbose_name="评分人")
    sort_order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = "评分项目"
        verbose_name_plural = "评分项目"
        ordering = ["round_id", "sort_order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "name"], name="scoringitem_name_once",
                                    violation_error_message="本轮已有同名评分项目"),
            models.CheckConstraint(
                condition=(Q(kind=ItemKind.COMPUTED, zero_value__isnull=False, full_value__isnull=False,
                             applies_to=ParticipantKind.COUNTY) & ~Q(metric_key="") & ~Q(zero_value=models.F("full_value")))
                | Q(kind=ItemKind.ENTERED, metric_key="", zero_value__isnull=True, full_value__isnull=True),
                name="scoringitem_computed_has_metric",
                violation_error_message="按指标计算的项目须填写指标、得 0 分和得满分的指标值（二者不同），且只适用于县（市、区）；"
                                        "评委打分的项目不填这些",
            ),
        ]

    def __str__(self):
        return f"{self.name}（{self.weight} 分）"

    def clean(self):
        from django.core.exceptions import ValidationError

        from dashboard.catalogue import METRICS

        metric = METRICS.get(self.metric_key) if self.metric_key else None
        if self.metric_key and (metric is None or metric.is_breakdown):
            raise ValidationError({"metric_key": f"指标目录中没有可计分的指标：{self.metric_key}"})


class EnteredScore(models.Model):
    """An evaluator's score (0–100) of one participant on one entered item."""

    AREA_LOOKUP = None

    item = models.ForeignKey(ScoringItem, on_delete=models.CASCADE, related_name="scores", verbose_name="评分项目")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="scores",
                                    verbose_name="参评单位")
    score = models.DecimalField("得分（百分制）", max_digits=5, decimal_places=2,
                                validators=[MinValueValidator(0), MaxValueValidator(100)])
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="entered_scores",
                                   verbose_name="评分人")
    entered_at = models.DateTimeField("评分时间", auto_now=True)
    note = models.CharField("评分说明", max_length=200, blank=True)

    class Meta:
        verbose_name = "评委评分"
        verbose_name_plural = "评委评分"
        ordering = ["item_id", "participant_id"]
        constraints = [
            models.UniqueConstraint(fields=["item", "participant"], name="enteredscore_once",
                                    violation_error_message="该单位本项目已有评分"),
            models.CheckConstraint(condition=Q(score__gte=0, score__lte=100), name="enteredscore_0_100",
                                   violation_error_message="得分须在 0–100 之间"),
        ]

    def __str__(self):
        return f"{self.item.name} · {self.participant.name}：{self.score}"
