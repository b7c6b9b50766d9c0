"""The four summary reports: one row per child area and a 合计 row, every figure from the metrics catalogue.

The rows come from ``metric_values_by_child`` and the 合计 row from ``metric_values`` for the area
itself, so a report's totals are the dashboard's figures for the same area and period (ratios are not
sums of the rows' ratios: the catalogue computes them from additive parts).
"""

from __future__ import annotations

from dataclasses import dataclass

from dashboard.catalogue import METRICS, metric_values, metric_values_by_child

from .xlsx import DECIMAL, INT, MONEY, NO_BASE, PCT, Column, SheetSpec

_KINDS = {"count": INT, "money": MONEY, "pct": PCT, "number": DECIMAL, "breakdown": INT}


@dataclass(frozen=True)
class MetricColumn:
    key: str
    label: str = ""  # default: the catalogue's label (with its unit)
    group: tuple[str, ...] = ()
    part: str | None = None  # the label inside a breakdown metric
    base: str | None = None  # a rate's base metric: without it (0) the rate is shown as —, not 0.00
    # A sum of records keyed by area code, some of them the area's own (trainings the city or the county
    # holds itself): the catalogue calls it not additive over children; with the 本级 row it adds up.
    with_local: bool = False

    def column(self) -> Column:
        metric = METRICS[self.key]
        label = self.label or self.part or metric.label
        if metric.unit and metric.unit not in ("户", "人", "个") and not self.part and "(" not in label:
            label = f"{label}({metric.unit})"
        kind = INT if self.part else _KINDS.get(metric.kind, DECIMAL)
        return Column(label, kind, group=self.group)

    def value(self, values: dict):
        value = values.get(self.key)
        if self.part is not None:
            return (value or {}).get(self.part, 0)
        return value

    @property
    def additive(self) -> bool:
        """The rows' figures add up to the 合计 (counts and sums); ratios and targets set for the area do not."""
        return self.part is not None or self.with_local or METRICS[self.key].additive


def _breakdown(key: str, group: tuple[str, ...], labels) -> list[MetricColumn]:
    return [MetricColumn(key, group=group, part=label) for label in labels]


def monitoring_columns() -> list[MetricColumn]:
    from monitoring.models import IdentificationChannel, MonitoringCategory

    return [
        MetricColumn("monitoring.households", "户数", ("累计识别监测对象",)),
        MetricColumn("monitoring.persons", "人数", ("累计识别监测对象",)),
        MetricColumn("monitoring.households_eliminated", "户数", ("风险已消除",)),
        MetricColumn("monitoring.persons_eliminated", "人数", ("风险已消除",)),
        MetricColumn("monitoring.households_at_risk", "户数", ("风险未消除",)),
        *_breakdown("monitoring.by_category", ("按监测类别分（户）",), MonitoringCategory.labels),
        *_breakdown("monitoring.by_channel", ("按识别方式分（户）",), IdentificationChannel.labels),
        MetricColumn("monitoring.measure_coverage_pct", "落实开发式帮扶措施占比(%)"),
    ]


def income_columns() -> list[MetricColumn]:
    return [
        MetricColumn("income.per_capita", "人均纯收入(元)", ("脱贫人口收入",)),
        MetricColumn("income.per_capita_growth_pct", "序时增长率(%)", ("脱贫人口收入",)),
        MetricColumn("income.relocated_growth_pct", "人均纯收入增长(%)", ("其中易地搬迁脱贫人口",)),
        MetricColumn("income.below_threshold_households", "人均纯收入低于监测范围户数"),
    ]


def employment_columns() -> list[MetricColumn]:
    return [
        MetricColumn("employment.labor_force", "脱贫劳动力(人)", ("务工就业",)),
        MetricColumn("employment.migrant_workers", "外出务工(人)", ("务工就业",)),
        MetricColumn("employment.migrant_target", "年度目标(人)", ("务工就业",), base="employment.migrant_target"),
        MetricColumn("employment.migrant_completion_pct", "目标完成率(%)", ("务工就业",), base="employment.migrant_target"),
        MetricColumn("employment.workshops", "车间数(个)", ("帮扶车间",)),
        MetricColumn("employment.workshop_jobs", "吸纳就业(人)", ("帮扶车间",)),
        MetricColumn("employment.workshop_poverty_jobs", "其中脱贫劳动力(人)", ("帮扶车间",)),
        MetricColumn("employment.pv_stations", "电站数(个)", ("村级光伏电站",)),
        MetricColumn("employment.pv_posts", "设置岗位(个)", ("村级光伏电站",)),
        MetricColumn("employment.pv_beneficiaries", "带动人数(人)", ("村级光伏电站",)),
        MetricColumn("employment.relocated_households_jobless", "有劳动能力但无人稳定就业的搬迁户(户)"),
    ]


def teams_columns() -> list[MetricColumn]:
    from resident_teams.models import StationType

    return [
        MetricColumn("teams.count", "工作队(个)", ("驻村力量",)),
        MetricColumn("teams.members", "第一书记和队员(人)", ("驻村力量",)),
        *_breakdown("teams.by_station", ("按派驻类型分（个）",), StationType.labels),
        MetricColumn("teams.attendance_pct", "五天四夜达标率(%)", ("日常管理",)),
        MetricColumn("teams.training_person_times", "培训人次", ("日常管理",), with_local=True),
        MetricColumn("teams.peer_sessions", "书记讲给书记听(场)", ("日常管理",), with_local=True),
        MetricColumn("teams.inspection_reports", "暗访通报(次)", ("暗访",)),
        MetricColumn("teams.inspection_issues", "发现问题(个)", ("暗访",)),
    ]


LOCAL_ROW = {"city": "市本级", "county": "县本级", "township": "乡镇本级"}


def _shown(column: MetricColumn, values: dict):
    """The cell of a row: — where the figure has no base (a township without a target, a rate of nothing)."""
    value = column.value(values)
    if value is None or (column.base and not values.get(column.base)):
        return NO_BASE
    return value


def summary_sheet(ctx, *, title: str, sheet_name: str, columns: list[MetricColumn]) -> SheetSpec:
    """Rows of the child areas, a 本级 row for what belongs to the area itself (a city department's
    training, the county's own target) when there is any, and the 合计 of the catalogue: every additive
    column adds up to its 合计."""
    keys = list(dict.fromkeys(c.key for c in columns))
    child_label = {"city": "区县", "county": "乡镇", "township": "行政村"}.get(ctx.area.level, "地区")
    children = metric_values_by_child(user=ctx.user, area=ctx.area, year=ctx.year, quarter=ctx.quarter, keys=keys)
    total = metric_values(user=ctx.user, area=ctx.area, year=ctx.year, quarter=ctx.quarter, keys=keys)
    rows = [[child.name, *(_shown(c, values) for c in columns)] for child, values in children]
    local = [
        (c.value(total) or 0) - sum((c.value(values) or 0) for _, values in children) if c.additive else None
        for c in columns
    ]
    if children and any(local):
        rows.append([LOCAL_ROW.get(ctx.area.level, "本级"),
                     *(NO_BASE if value is None else value for value in local)])
    return SheetSpec(
        name=sheet_name, title=f"{ctx.area.name}{title}", unit=ctx.unit, date=ctx.today, period=ctx.period_label,
        columns=[Column(child_label, width=14), *(c.column() for c in columns)],
        rows=rows, totals=["合计", *(_shown(c, total) for c in columns)],
        notes=["注：数据来源于平台指标库，与首页看板同口径；“本级”为直接记在本区域（而非下级区域）的数据，"
               "各行相加等于合计；比率、人均和年度目标的合计按全区域数据计算，不是各行相加；“—”表示无基数或无数据。"],
    )
