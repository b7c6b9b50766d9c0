"""The seven provincial-review reports: what each is, how many rows it has, and writing it.

The page, the command ``export_report`` and the background job all go through :func:`report_write`.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied

from accounts.roles import role_of
from accounts.scoping import user_covers_area
from villages.selectors import Area
from yuncheng.spreadsheet import REQUEST_MAX_ROWS

from . import ledgers, summaries
from .xlsx import write_workbook

# Exports with more rows than this never run inside a web request: they become a background job.
BACKGROUND_ROWS = REQUEST_MAX_ROWS


@dataclass
class ReportContext:
    user: object
    area: Area
    year: int
    quarter: int
    today: datetime.date = field(default_factory=datetime.date.today)
    on_row: Callable[[int], None] | None = None

    @property
    def period_end(self) -> datetime.date:
        if self.quarter == 4:
            return datetime.date(self.year, 12, 31)
        return datetime.date(self.year, 3 * self.quarter + 1, 1) - datetime.timedelta(days=1)

    @property
    def year_start(self) -> datetime.date:
        return datetime.date(self.year, 1, 1)

    @property
    def period_label(self) -> str:
        return f"{self.year}年第{self.quarter}季度"

    @property
    def unit(self) -> str:
        """填报单位: the area's 乡村振兴 office (the user's unit name when the profile has one)."""
        profile = getattr(self.user, "profile", None)
        return (profile.unit_name if profile and profile.unit_name else f"{self.area.name}乡村振兴局")


@dataclass(frozen=True)
class Report:
    key: str
    title: str
    description: str
    build: Callable[[ReportContext], list]
    count: Callable[[ReportContext], int] | None = None  # ledgers: rows, to decide on a background job

    def filename(self, ctx: ReportContext) -> str:
        return f"{ctx.area.name}_{self.title}_{ctx.year}Q{ctx.quarter}.xlsx"


def _summary(title, sheet, columns):
    return lambda ctx: [summaries.summary_sheet(ctx, title=title, sheet_name=sheet, columns=columns())]


REPORTS: dict[str, Report] = {
    r.key: r
    for r in [
        Report("monitoring_summary", "监测对象汇总表", "累计识别、风险消除、按类别和识别方式，逐区县（乡镇）汇总",
               _summary("防止返贫监测对象汇总表", "监测对象汇总表", summaries.monitoring_columns)),
        Report("household_ledger", "监测对象明细表", "脱贫户和监测户逐户明细（大表在后台生成）",
               ledgers.household_ledger, ledgers.household_ledger_count),
        Report("income_summary", "脱贫人口收入情况表", "人均纯收入、序时增长、低于监测范围户数",
               _summary("脱贫人口收入情况表", "收入情况表", summaries.income_columns)),
        Report("employment_summary", "脱贫劳动力务工就业表", "外出务工、帮扶车间、光伏岗位",
               _summary("脱贫劳动力务工就业情况表", "务工就业表", summaries.employment_columns)),
        Report("teams_summary", "驻村帮扶情况表", "工作队、队员、派驻类型、五天四夜、培训与暗访",
               _summary("驻村帮扶工作情况表", "驻村帮扶情况表", summaries.teams_columns)),
        Report("issue_ledger", "问题整改台账", "本年度截至期末发现的问题逐条台账",
               ledgers.issue_ledger, ledgers.issue_ledger_count),
        Report("handover_lists", "双交办清单", "每个区县一个工作表",
               ledgers.handover_lists, ledgers.handover_count),
    ]
}


def report_context(*, user, area: Area, year: int, quarter: int, **kwargs) -> ReportContext:
    """The context of an export, after checking that the user's scope covers the area."""
    if role_of(user) is None or not user_covers_area(user, area.code):
        raise PermissionDenied("该区域不在您的管辖范围内")
    if not 1 <= quarter <= 4:
        raise ValueError("季度须为 1–4")
    return ReportContext(user=user, area=area, year=year, quarter=quarter, **kwargs)


def report_rows(report: Report, ctx: ReportContext) -> int:
    """Rows the export will write (ledgers count their records; summaries are small)."""
    return report.count(ctx) if report.count else 0


def report_write(report: Report, ctx: ReportContext, target) -> int:
    """Write the report to ``target`` (a path or a binary file); the number of data rows."""
    return write_workbook(report.build(ctx), target)
