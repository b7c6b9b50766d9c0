"""Models of the 数据看板 app: the per-village summary of the registry's figures.

The registry (≈130,000 households, ≈360,000 persons, an income row per household and quarter) is too
large to aggregate on every page view, so the figures that come from it — and those that join it: the
households' 录入进度, the workshops' employees of 脱贫户 / 监测户 — are kept here per village and
period and added up per request (2,172 villages × a few columns). A row is deleted whenever a record it
was computed from changes (``dashboard.signals``) or after a bulk write (``summaries_invalidate``); the
writer rebuilds it once it has committed, and a read builds whatever is still missing
(``dashboard.village_summaries``): a figure is never stale.
"""

from django.db import models


class VillageSummary(models.Model):
    """汇总: the registry's parts of the metrics for one village as of the end of one quarter."""

    AREA_LOOKUP = "village_id"

    village = models.ForeignKey(
        "villages.Village", on_delete=models.CASCADE, related_name="dashboard_summaries", verbose_name="行政村"
    )
    year = models.PositiveSmallIntegerField("年度")
    quarter = models.PositiveSmallIntegerField("季度")
    # 防止返贫监测 (as of the period end, county-approved only)
    households = models.PositiveIntegerField("监测户数", default=0)
    persons = models.PositiveIntegerField("监测人数", default=0)
    households_eliminated = models.PositiveIntegerField("风险已消除户数", default=0)
    persons_eliminated = models.PositiveIntegerField("风险已消除人数", default=0)
    at_risk_labour = models.PositiveIntegerField("有劳动能力的风险未消除户数", default=0)
    at_risk_labour_measured = models.PositiveIntegerField("其中落实开发式帮扶措施户数", default=0)
    # 收入 (脱贫户, cumulative to the quarter)
    income_total = models.DecimalField("脱贫户纯收入合计", max_digits=16, decimal_places=2, default=0)
    income_persons = models.PositiveIntegerField("脱贫户计算人口", default=0)
    relocated_total = models.DecimalField("搬迁脱贫户纯收入合计", max_digits=16, decimal_places=2, default=0)
    relocated_persons = models.PositiveIntegerField("搬迁脱贫户计算人口", default=0)
    below_threshold = models.PositiveIntegerField("低于监测范围户数", default=0)
    # 就业
    labour_force = models.PositiveIntegerField("脱贫劳动力", default=0)
    migrant_workers = models.PositiveIntegerField("外出务工", default=0)
    relocated_jobless = models.PositiveIntegerField("无人就业的搬迁户", default=0)
    # 录入进度 of the households (the rules: dashboard.completeness). Defaults in the database too, so that a
    # process still running the code of before these columns can write its rows during a deploy.
    income_due = models.PositiveIntegerField("应录入本季度收入户数", default=0, db_default=0)
    income_done = models.PositiveIntegerField("已录入本季度收入户数", default=0, db_default=0)
    measure_due = models.PositiveIntegerField("应录入帮扶措施监测户数", default=0, db_default=0)
    measure_done = models.PositiveIntegerField("已录入帮扶措施监测户数", default=0, db_default=0)
    # 帮扶车间 of the village in the quarter (its employees may live in other villages)
    workshops = models.PositiveIntegerField("运营的帮扶车间数", default=0, db_default=0)
    workshop_jobs = models.PositiveIntegerField("帮扶车间务工人数", default=0, db_default=0)
    workshop_poverty_jobs = models.PositiveIntegerField("其中脱贫户、监测户成员", default=0, db_default=0)
    computed_at = models.DateTimeField("计算时间", auto_now=True)

    class Meta:
        verbose_name = "村级指标汇总"
        verbose_name_plural = "村级指标汇总"
        ordering = ["village_id", "-year", "-quarter"]
        constraints = [
            models.UniqueConstraint(
                fields=["village", "year", "quarter"], name="village_summary_unique_period",
                violation_error_message="同一行政村同一季度只能有一条汇总",
            ),
            models.CheckConstraint(
                condition=models.Q(quarter__gte=1, quarter__lte=4), name="village_summary_quarter_1_4",
                violation_error_message="季度须为 1–4",
            ),
        ]
        indexes = [models.Index(fields=["year", "quarter", "village"], name="village_summary_period_idx")]

    def __str__(self):
        return f"{self.village_id} {self.year}Q{self.quarter}"


class VillageBreakdown(models.Model):
    """汇总 (breakdowns): the monitored households of one village as of the end of one quarter, counted once
    per value of one dimension of their county-approved monitoring records (按监测类别 / 按识别方式 / 按风险类型).
    Only non-zero counts are stored. Kept with :class:`VillageSummary` (built by the same
    ``dashboard.village_summaries.summaries_build``): a village's rows are replaced whenever its summary
    row of the period is rebuilt, and are read only after ``summaries_ensure`` has rebuilt the missing
    summaries, so they are never read stale. No foreign key to the summary row: forgetting a summary stays
    one plain delete."""

    AREA_LOOKUP = "village_id"

    class Dimension(models.TextChoices):
        CATEGORY = "category", "监测对象类别"
        CHANNEL = "channel", "识别方式"
        RISK = "risk", "风险类型"

    village = models.ForeignKey(
        "villages.Village", on_delete=models.CASCADE, related_name="dashboard_breakdowns", verbose_name="行政村"
    )
    year = models.PositiveSmallIntegerField("年度")
    quarter = models.PositiveSmallIntegerField("季度")
    dimension = models.CharField("维度", max_length=10, choices=Dimension.choices)
    # The stored value: a MonitoringCategory / IdentificationChannel value or a RiskType code (reference
    # data keyed by code: a renamed risk type shows under its new name without a rebuild).
    value = models.CharField("取值", max_length=20)
    households = models.PositiveIntegerField("监测户数")

    class Meta:
        verbose_name = "村级监测分类汇总"
        verbose_name_plural = "村级监测分类汇总"
        ordering = ["village_id", "-year", "-quarter", "dimension", "value"]
        constraints = [
            # Its index answers the reads alone (an index-only scan, the counts included): a city's rows are a
            # range of it, the province's one period and dimension.
            models.UniqueConstraint(
                fields=["year", "quarter", "dimension", "village", "value"], include=["households"],
                name="village_breakdown_unique", violation_error_message="同一行政村同一季度同一取值只能有一条汇总",
            ),
        ]

    def __str__(self):
        return f"{self.village_id} {self.year}Q{self.quarter} {self.dimension}={self.value}: {self.households}"


SUMMARY_PARTS = [
    "households", "persons", "households_eliminated", "persons_eliminated", "at_risk_labour",
    "at_risk_labour_measured", "income_total", "income_persons", "relocated_total", "relocated_persons",
    "below_threshold", "labour_force", "migrant_workers", "relocated_jobless",
]
COMPLETENESS_PARTS = ["income_due", "income_done", "measure_due", "measure_done"]
WORKSHOP_PARTS = ["workshops", "workshop_jobs", "workshop_poverty_jobs"]
