"""The metrics catalogue: every figure a leader sees, declared once.

Each :class:`Metric` names its key (stable: the JSON API, the Excel summaries and the tests use it), its
Chinese label and unit, the *source* that computes the parts it is made of (``dashboard.sources``: a few
database aggregates, grouped by area when a comparison table needs one row per child area), how the
figure is made from those parts, and the *record list* behind it (``dashboard.drilldown``: the drill-down,
点数字看明细). The dashboard cards, the charts, the JSON API and the Excel summaries all call
:func:`metric_values`, :func:`metric_values_by_child` and :func:`metric_records`; nothing else computes
a figure.

Ratios (per-capita income, percentages) are computed from additive parts, so a county's figure and the
city's are computed the same way and the parts of the child rows add up to the parent's.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from accounts.scoping import scope, user_area_code, user_covers_area
from villages.selectors import Area, area_children, platform_area
from yuncheng.numbers import percent, round_half_up

from . import drilldown
from . import sources
from .figures_cache import figures_cached
from .periods import Period

SECTIONS = {
    "monitoring": "防止返贫监测",
    "income": "收入",
    "employment": "就业",
    "funds": "帮扶资金与集体经济",
    "teams": "驻村帮扶",
    "issues": "问题整改",
    "completeness": "录入进度",

    "screening": "筛查预警",
}

Parts = dict  # {part name: number or {label: count}}
Value = int | Decimal | dict | None


def _part(name: str) -> Callable[[Parts], Value]:
    return lambda parts: parts.get(name, 0)


def _money(name: str) -> Callable[[Parts], Value]:
    return lambda parts: round_half_up(parts.get(name) or 0)


def _breakdown(name: str) -> Callable[[Parts], Value]:
    return lambda parts: dict(parts.get(name) or {})


def _pct(numerator: str, denominator: str) -> Callable[[Parts], Value]:
    """numerator / denominator × 100, two decimals; None (shown "—") when there is no denominator: a rate
    without a base is not 0 %."""

    def compute(parts):
        return percent(parts.get(numerator) or 0, parts.get(denominator) or 0)

    return compute


def _mean(total: str, count: str) -> Callable[[Parts], Value]:
    def compute(parts):
        den = Decimal(parts.get(count) or 0)
        if not den:
            return None  # a mean of nothing: no data, not 0
        return round_half_up(Decimal(parts.get(total) or 0) / den)

    return compute


def _growth(total: str, persons: str) -> Callable[[Parts], Value]:
    """Growth of a persons-weighted mean against the same quarter of the year before (序时), in %."""

    def compute(parts):
        persons_now, persons_then = parts.get(persons) or 0, parts.get(f"prev_{persons}") or 0
        if not persons_now or not persons_then:
            return None  # no income this year or the year before: no growth to show
        now = Decimal(parts.get(total) or 0) / persons_now
        then = Decimal(parts.get(f"prev_{total}") or 0) / persons_then
        if not then:
            return None
        return round_half_up((now / then - 1) * 100)

    return compute


def _difference(minuend: str, subtrahend: str) -> Callable[[Parts], Value]:
    return lambda parts: (parts.get(minuend) or 0) - (parts.get(subtrahend) or 0)


@dataclass(frozen=True)
class Metric:
    """One figure of the catalogue."""

    key: str
    label: str
    unit: str
    section: str
    # The source(s) in dashboard.sources.SOURCES that compute its parts (a name or a tuple of names).
    source: str | tuple
    compute: Callable[[Parts], Value] = field(repr=False, compare=False)
    kind: str = "count"  # count | money | pct | number | breakdown
    records: str | None = None  # the record list (dashboard.drilldown.RECORD_LISTS) behind the figure
    # Whether the records' count *is* the figure (a count); money and ratios link to their records too.
    records_count: bool = True
    additive: bool = True  # the children's figures add up to the parent's
    definition: str = ""

    @property
    def is_breakdown(self) -> bool:
        return self.kind == "breakdown"

    @property
    def section_label(self) -> str:
        return SECTIONS[self.section]


def _m(key, label, unit, section, source, compute, **kwargs) -> Metric:
    return Metric(key=key, label=label, unit=unit, section=section, source=source, compute=compute, **kwargs)


_CATALOGUE = [
    # 防止返贫监测
    _m("monitoring.households", "累计识别监测对象户数", "户", "monitoring", "registry", _part("households"),
       records="monitored_households", definition="县级审定的监测对象，识别月份不晚于期末"),
    _m("monitoring.persons", "累计识别监测对象人数", "人", "monitoring", "registry", _part("persons"),
       records="monitored_persons", definition="上述监测户的家庭成员"),
    _m("monitoring.households_eliminated", "风险已消除户数", "户", "monitoring", "registry",
       _part("households_eliminated"), records="eliminated_households", definition="期末前风险消除经县级审定"),
    _m("monitoring.persons_eliminated", "风险已消除人数", "人", "monitoring", "registry",
       _part("persons_eliminated"), records="eliminated_persons"),
    _m("monitoring.households_at_risk", "风险未消除户数", "户", "monitoring", "registry",
       _difference("households", "households_eliminated"), records="at_risk_households"),
    _m("monitoring.by_category", "按监测类别", "户", "monitoring", "monitoring_by_category", _breakdown("by_category"),
       kind="breakdown", records="monitored_households", records_count=False),
    _m("monitoring.by_risk", "按风险类型", "户", "monitoring", "monitoring_by_risk", _breakdown("by_risk"),
       kind="breakdown", records="monitored_households", records_count=False, definition="一户有几种风险类型即计几次"),
    _m("monitoring.by_channel", "按识别方式", "户", "monitoring", "monitoring_by_channel", _breakdown("by_channel"),
       kind="breakdown", records="monitored_households", records_count=False),
    _m("monitoring.measure_coverage_pct", "落实开发式帮扶措施占比", "%", "monitoring", "registry",
       _pct("at_risk_labour_measured", "at_risk_labour"), kind="pct", records="at_risk_labour_households",
       records_count=False, additive=False, definition="有劳动能力的风险未消除户中，落实至少一项开发式帮扶措施的占比"),
    # 收入
    _m("income.per_capita", "脱贫人口人均纯收入", "元", "income", "registry", _mean("income_total", "income_persons"),
       kind="money", records="income_households", records_count=False, additive=False,
       definition="脱贫户纯收入合计 ÷ 人口合计（按人口加权，累计至本季度）"),
    _m("income.per_capita_growth_pct", "序时增长率", "%", "income", "registry", _growth("income_total", "income_persons"),
       kind="pct", records="income_households", records_count=False, additive=False,
       definition="与上年同季度相比"),
    _m("income.relocated_growth_pct", "易地搬迁脱贫人口人均纯收入增长", "%", "income", "registry",
       _growth("relocated_total", "relocated_persons"), kind="pct", records="relocated_income_households",
       records_count=False, additive=False),
    _m("income.below_threshold_households", "人均纯收入低于监测范围户数", "户", "income", "registry",
       _part("below_threshold"), records="below_threshold_households",
       definition="脱贫户和监测户中，全年（或按季折算）人均纯收入低于当年监测范围的户数"),
    # 就业
    _m("employment.labor_force", "脱贫劳动力人数", "人", "employment", "registry", _part("labour_force"),
       records="labour_force", definition="脱贫户中有劳动能力、处于劳动年龄的成员"),
    _m("employment.migrant_workers", "外出务工人数", "人", "employment", "registry", _part("migrant_workers"),
       records="migrant_workers", definition="其中在县外（省内县外、省外）务工"),
    _m("employment.migrant_target", "年度外出务工目标", "人", "employment", "employment_targets",
       _part("migrant_target"), records="employment_targets", records_count=False, additive=False,
       definition="本区域本年度设定的目标（未设定时为下级目标之和）"),
    _m("employment.migrant_completion_pct", "目标完成率", "%", "employment", ("registry", "employment_targets"),
       _pct("migrant_workers", "migrant_target"), kind="pct", records="migrant_workers", records_count=False,
       additive=False),
    _m("employment.workshops", "帮扶车间数", "个", "employment", "workshops", _part("workshops"),
       records="workshops", definition="期内运营的帮扶车间"),
    _m("employment.workshop_jobs", "帮扶车间吸纳就业人数", "人", "employment", "workshops", _part("workshop_jobs"),
       records="workshop_jobs"),
    _m("employment.workshop_poverty_jobs", "其中脱贫劳动力", "人", "employment", "workshops",
       _part("workshop_poverty_jobs"), records="workshop_poverty_jobs", definition="其中为脱贫户、监测户成员"),
    _m("employment.pv_stations", "村级光伏电站数", "个", "employment", "pv", _part("pv_stations"),
       records="pv_stations"),
    _m("employment.pv_income", "光伏电站收益", "元", "employment", "pv", _money("pv_income"), kind="money",
       records="pv_incomes", records_count=False, definition="本年度"),
    _m("employment.pv_posts", "光伏收益设置岗位数", "个", "employment", "pv", _part("pv_posts"),
       records="pv_incomes", records_count=False),
    _m("employment.pv_beneficiaries", "带动脱贫户监测户人数", "人", "employment", "pv", _part("pv_beneficiaries"),
       records="pv_beneficiaries"),
    _m("employment.relocated_households_jobless", "有劳动能力但无人稳定就业的搬迁户数", "户", "employment", "registry",
       _part("relocated_jobless"), records="relocated_jobless_households", definition="目标为 0"),
    # 帮扶资金与集体经济
    _m("funds.linkage", "衔接资金投入", "元", "funds", "projects", _money("linkage"), kind="money",
       records="linkage_projects", records_count=False, definition="市县衔接资金（本年度帮扶项目）"),
    _m("funds.unit_assistance", "帮扶单位投入引进资金", "元", "funds", "projects", _money("unit_amount"), kind="money",
       records="unit_projects_all", records_count=False),
    _m("funds.unit_projects", "万元以上帮扶项目数", "个", "funds", "projects", _part("unit_projects"),
       records="unit_projects", definition="帮扶单位投入 1 万元及以上的项目"),
    _m("consumption.platforms", "消费帮扶销售平台数", "个", "funds", "consumption", _part("platforms"),
       records="consumption_platforms", additive=False, definition="本年度有销售的平台"),
    _m("consumption.sales", "消费帮扶助销农产品", "元", "funds", "consumption", _money("sales"), kind="money",
       records="consumption_sales", records_count=False),
    _m("consumption.beneficiaries", "带动脱贫人口受益数", "人", "funds", "consumption", _part("beneficiaries"),
       records="consumption_sales", records_count=False),
    _m("collective.villages_over_100k_pct", "集体经济收入10万元以上村占比", "%", "funds", "collective",
       _pct("villages_over_100k", "villages"), kind="pct", records="collective_over_100k", records_count=False,
       additive=False),
    _m("collective.villages_over_300k", "集体经济收入30万元以上村数", "个", "funds", "collective",
       _part("villages_over_300k"), records="collective_over_300k"),
    _m("collective.villages_over_300k_pct", "集体经济收入30万元以上村占比", "%", "funds", "collective",
       _pct("villages_over_300k", "villages"), kind="pct", records="collective_over_300k", records_count=False,
       additive=False),
    _m("collective.cooperatives", "党支部领办合作社数", "个", "funds", "collective", _part("cooperatives"),
       records="collective_cooperatives", records_count=False),
    _m("collective.trusteeship_services", "农业生产托管服务数", "个", "funds", "collective", _part("trusteeship"),
       records="collective_trusteeship", records_count=False),
    _m("policy.dibao_standard", "农村低保标准", "元/年", "funds", "policy", _money("dibao_standard"), kind="money",
       additive=False, definition="当年标准（全市统一）"),
    # 驻村帮扶
    _m("teams.count", "驻村工作队数", "个", "teams", "teams", _part("teams"), records="teams",
       definition="期末在岗的工作队"),
    _m("teams.members", "第一书记和工作队员数", "人", "teams", "teams", _part("team_members"), records="team_members",
       definition="期末在岗的队员"),
    _m("teams.by_station", "按派驻类型", "个", "teams", "teams", _breakdown("by_station"), kind="breakdown",
       records="teams", records_count=False, definition="一个派驻点可同时计入两类"),
    _m("teams.attendance_pct", "五天四夜达标率", "%", "teams", "attendance", _pct("weeks_compliant", "weeks"),
       kind="pct", records="attendance_weeks", records_count=False, additive=False,
       definition="达到每周五天四夜的队员周数 ÷ 队员周数（本季度）"),
    _m("teams.training_person_times", "培训人次", "人次", "teams", "trainings", _part("training_person_times"),
       records="trainings", records_count=False, additive=False, definition="市、县组织的培训参训人次"),
    _m("teams.peer_sessions", "“书记讲给书记听”场次", "场", "teams", "trainings", _part("peer_sessions"),
       records="peer_sessions", additive=False),
    _m("teams.inspection_reports", "暗访通报次数", "次", "teams", "inspections", _part("inspection_reports"),
       records="inspection_reports"),
    _m("teams.inspection_issues", "暗访发现问题数", "个", "teams", "issues", _part("inspection_issues"),
       records="inspection_issues", definition="来源为暗访的问题"),
    # 问题整改
    _m("issues.total", "发现问题总数", "个", "issues", "issues", _part("total"), records="issues",
       definition="本年度截至期末发现的问题（各来源）"),
    _m("issues.screening", "排查发现问题数", "个", "issues", "issues", _part("screening"), records="screening_issues",
       definition="排查和考核评估发现（暗访以外各来源）"),
    _m("issues.aspects", "问题方面数", "个", "issues", "issues", _part("aspects"), additive=False),
    _m("issues.categories", "问题类别数", "个", "issues", "issues", _part("categories"), additive=False),
    _m("issues.letters", "工作督办函数", "份", "issues", "letters", _part("letters"), records="letters",
       additive=False),
    _m("issues.rectified", "已整改销号数", "个", "issues", "issues", _part("rectified"), records="rectified_issues"),
    _m("issues.in_progress", "整改中", "个", "issues", "issues", _part("in_progress"), records="in_progress_issues",
       definition="尚未销号的问题"),
    _m("issues.overdue", "逾期未整改数", "个", "issues", "issues", _part("overdue"), records="overdue_issues",
       definition="期末仍未整改完成且已过整改时限"),
    _m("issues.rectified_pct", "整改完成率", "%", "issues", "issues", _pct("rectified", "total"), kind="pct",
       records="rectified_issues", records_count=False, additive=False),
    _m("issues.avg_days", "平均整改天数", "天", "issues", "issues", _mean("closed_days", "closed"), kind="number",
       records="rectified_issues", records_count=False, additive=False, definition="发现至销号的平均天数"),
    # 部门筛查预警 (screening app): warnings whose event lies in the year up to the period end
    _m("screening.warnings", "部门筛查预警数", "条", "screening", "screening_warnings", _part("warnings"),
       records="screening_warnings", definition="部门推送事件比对到户并达到预警规则，事件日期在本年度截至期末"),
    _m("screening.warnings_verified", "已入户核实预警数", "条", "screening", "screening_warnings",
       _part("warnings_verified"), records="screening_warnings_verified", definition="期末前已核实（排除或纳入监测）"),
    _m("screening.warnings_to_monitoring", "预警纳入监测识别数", "条", "screening", "screening_warnings",
       _part("warnings_to_monitoring"), records="screening_warnings_to_monitoring",
       definition="核实后以“部门筛查预警”方式启动监测识别"),
    _m("screening.warnings_overdue", "预警核实逾期数", "条", "screening", "screening_warnings",
       _part("warnings_overdue"), records="screening_warnings_overdue", definition="预警后超过 15 天期末仍未核实"),
]

# 录入进度 (data-entry progress): the share of what the period needs that has been entered; each figure
# drills down to the records still missing.
_CATALOGUE += [
    _m("completeness.income_pct", "收入录入率", "%", "completeness", "completeness", _pct("income_done", "income_due"),
       kind="pct", records="income_missing_households", records_count=False, additive=False,
       definition="脱贫户和期末前识别的监测户中，已录入本季度收入的占比；明细为尚未录入的户"),
    _m("completeness.income_missing", "未录入本季度收入户数", "户", "completeness", "completeness",
       _part("income_missing"), records="income_missing_households"),
    _m("completeness.measures_pct", "帮扶措施录入率", "%", "completeness", "completeness",
       _pct("measure_done", "measure_due"), kind="pct", records="measure_missing_households", records_count=False,
       additive=False, definition="期末风险未消除的监测户中，已录入帮扶措施的占比；明细为尚无措施的户"),
    _m("completeness.measures_missing", "未录入帮扶措施监测户数", "户", "completeness", "completeness",
       _part("measure_missing"), records="measure_missing_households"),
    _m("completeness.attendance_pct", "考勤填报完整工作队占比", "%", "completeness", "completeness",
       _pct("attendance_done", "attendance_due"), kind="pct", records="attendance_missing_teams",
       records_count=False, additive=False,
       definition="期末在岗工作队中，每名在岗队员本季度已开始的每一周都填报了考勤的占比；明细为有缺周的工作队"),
    _m("completeness.attendance_missing", "考勤有缺周的工作队数", "个", "completeness", "completeness",
       _part("attendance_missing"), records="attendance_missing_teams"),
    _m("completeness.issue_updates_pct", "逾期问题进展更新率", "%", "completeness", "completeness",
       _pct("issue_update_done", "issue_update_due"), kind="pct", records="issues_without_update",
       records_count=False, additive=False,
       definition="期末已逾期的问题中，整改时限后有状态更新的占比；明细为无更新的问题"),
    _m("completeness.issue_updates_missing", "逾期且无进展更新问题数", "个", "completeness", "completeness",
       _part("issue_update_missing"), records="issues_without_update"),
]
COMPLETENESS_MISSING = ("completeness.income_missing", "completeness.measures_missing",
                        "completeness.attendance_missing", "completeness.issue_updates_missing")

METRICS: dict[str, Metric] = {metric.key: metric for metric in _CATALOGUE}


def metrics_of_section(section: str) -> list[Metric]:
    return [metric for metric in METRICS.values() if metric.section == section]


def _check_scope(user, area: Area | None) -> Area:
    area = area or platform_area()
    if not user_covers_area(user, area.code):
        raise PermissionDenied("该区域不在您的管辖范围内")
    return area


def _metrics(keys: Iterable[str] | None) -> list[Metric]:
    if keys is None:
        return list(METRICS.values())
    try:
        return [METRICS[key] for key in keys]
    except KeyError as exc:
        raise KeyError(f"未知的指标：{exc.args[0]}") from None


def _parts(metrics: list[Metric], area: Area, period: Period, group_len: int | None, user) -> dict[str, Parts]:
    """Run each source the metrics need once: {group code ('' for the whole area): parts}. Kept in the
    figures' cache (``dashboard.figures_cache``) until a table they were read from is written; the user's
    scope has been checked against the area and is part of the key."""
    names = tuple(dict.fromkeys(name for metric in metrics for name in
                                ((metric.source,) if isinstance(metric.source, str) else metric.source)))
    return figures_cached(
        parts=("parts", names, area.code, period.year, period.quarter, group_len, user_area_code(user)),
        area_code=area.code,
        compute=lambda: _compute_parts(names, area, period, group_len),
    )


def _compute_parts(names: tuple[str, ...], area: Area, period: Period, group_len: int | None) -> dict[str, Parts]:
    grouped: dict[str, Parts] = {}
    everywhere: Parts = {}
    for name in names:
        for group, parts in sources.SOURCES[name](area=area, period=period, group_len=group_len).items():
            if group == sources.ALL_GROUPS:
                everywhere.update(parts)
            else:
                grouped.setdefault(group, {}).update(parts)
    grouped[sources.ALL_GROUPS] = everywhere
    return grouped


def _parts_of(grouped: dict[str, Parts], group: str) -> Parts:
    return {**grouped[sources.ALL_GROUPS], **grouped.get(group, {})}


def metric_values(*, user, area: Area | None, year: int, quarter: int, keys=None) -> dict[str, Value]:
    """Every requested figure (all of the catalogue by default) for the area (None = the city) and period."""
    area = _check_scope(user, area)
    metrics = _metrics(keys)
    parts = _parts_of(_parts(metrics, area, Period(year, quarter), None, user), "")
    return {metric.key: metric.compute(parts) for metric in metrics}


def metric_values_by_child(*, user, area: Area | None, year: int, quarter: int, keys=None) -> list[tuple[Area, dict]]:
    """One row per child area (the city → counties, a county → townships, a township → villages), each
    computed the same way as :func:`metric_values`; additive figures of the rows add up to the parent's.
    A village has no children: the answer is empty."""
    area = _check_scope(user, area)
    children = area_children(area=area)
    if not children:
        return []
    metrics = _metrics(keys)
    # Sources group by the children's prefix (a city 140100 → "1401"; below a city prefix and code agree).
    grouped = _parts(metrics, area, Period(year, quarter), len(children[0].prefix), user)
    return [
        (child, {metric.key: metric.compute(_parts_of(grouped, child.prefix)) for metric in metrics})
        for child in children
    ]


def metric_values_by_level(*, user, area: Area | None, year: int, quarter: int, areas: list[Area],
                           keys=None) -> list[tuple[Area, dict]]:
    """Like :func:`metric_values_by_child` for areas of one level anywhere inside ``area`` (every township
    or every village of the city): one pass of each source grouped by that level's code length, instead
    of one pass per parent. The rows are computed the same way as :func:`metric_values` of each area."""
    area = _check_scope(user, area)
    if not areas:
        return []
    if len({len(a.code) for a in areas}) != 1 or not all(a.code.startswith(area.prefix) for a in areas):
        raise ValueError("areas must be of one level and inside the area")
    metrics = _metrics(keys)
    grouped = _parts(metrics, area, Period(year, quarter), len(areas[0].code), user)
    return [(a, {metric.key: metric.compute(_parts_of(grouped, a.code)) for metric in metrics}) for a in areas]


def metric_records(*, user, key: str, area: Area | None, year: int, quarter: int) -> QuerySet:
    """The records behind a figure (drill-down), inside the user's scope. For a count metric, the
    queryset's count is the figure."""
    area = _check_scope(user, area)
    metric = _metrics([key])[0]
    if metric.records is None:
        raise LookupError(f"指标“{metric.label}”没有明细记录")
    queryset = drilldown.RECORD_LISTS[metric.records].queryset(area=area, period=Period(year, quarter))
    return scope(queryset, user)
