"""The ledgers: 监测对象明细表 (a row per household), 问题整改台账 (a row per issue) and 双交办清单 (a sheet
per county). Every queryset passes through ``accounts.scoping.scope``; rows are streamed from the
database (``values_list`` + ``iterator``) into the write-only sheet, so a city-wide ledger is written in
constant memory. Geography names come from one small lookup instead of three joins per row.
"""

from __future__ import annotations

from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, FilteredRelation, OuterRef, Q

from accounts.roles import may_see_full_id
from accounts.scoping import in_area, scope
from dashboard.catalogue import metric_values
from villages.models import County, Village
from yuncheng.idcard import mask_id_number
from yuncheng.personal_numbers import full_id_shown

from .xlsx import DATE, INT, MONEY, Column, SheetSpec

CHUNK = 5000
YES, NO = "是", "否"


def _geo(prefix: str) -> dict[str, tuple[str, str, str]]:
    return {
        code: names
        for code, *names in in_area(Village.objects.all(), "code", prefix)
        .values_list("code", "county__name", "township__name", "name")
        .iterator(chunk_size=CHUNK)
    }


# ------------------------------------------------------------------ 监测对象明细表

HOUSEHOLD_COLUMNS = [
    Column("县(区)", width=10, group=("所在地",)),
    Column("乡镇", width=12, group=("所在地",)),
    Column("行政村", width=12, group=("所在地",)),
    Column("户编号", width=16, group=("基本情况",)),
    Column("户主姓名", width=10, group=("基本情况",)),
    Column("户主身份证号", width=21, group=("基本情况",)),
    Column("家庭人口数", INT, width=8, group=("基本情况",), total=True),
    Column("户类型", width=14, group=("基本情况",)),
    Column("监测对象类别", width=14, group=("监测信息",)),
    Column("识别方式", width=14, group=("监测信息",)),
    Column("识别年月", width=10, group=("监测信息",)),
    Column("风险类型", width=18, group=("监测信息",)),
    Column("是否已消除", width=8, group=("风险消除",)),
    Column("消除方式", width=10, group=("风险消除",)),
    Column("消除年月", width=10, group=("风险消除",)),
    Column("易地搬迁", width=8, group=("政策享受",)),
    Column("低保", width=6, group=("政策享受",)),
    Column("特困供养", width=8, group=("政策享受",)),
    Column("人均纯收入(元)", MONEY, width=14),
    Column("联系电话", width=14),
]


def household_ledger_queryset(ctx):
    from monitoring.models import Household, MonitoringRecord

    identified = MonitoringRecord.objects.identified_as_of(ctx.period_end)
    households = in_area(scope(Household.objects.all(), ctx.user), "village__code", ctx.area.code)
    return households.filter(
        Q(is_poverty_alleviated=True) | Exists(identified.filter(household=OuterRef("pk")))
    )


def household_ledger_count(ctx) -> int:
    return household_ledger_queryset(ctx).count()


def _records(ctx) -> tuple[dict, dict]:
    """The latest county-approved identification of each household of the area as of the period end,
    and the risk-type names of each such record."""
    from monitoring.models import (
        EliminationMode,
        EliminationStatus,
        IdentificationChannel,
        MonitoringCategory,
        MonitoringRecord,
        RiskType,
    )

    categories, channels = dict(MonitoringCategory.choices), dict(IdentificationChannel.choices)
    modes = dict(EliminationMode.choices)
    end = ctx.period_end
    latest = {}
    rows = (
        in_area(MonitoringRecord.objects.identified_as_of(end), "household__village__code", ctx.area.code)
        .order_by("household_id", "identified_month", "id")
        .values_list("household_id", "id", "category", "channel", "identified_month", "elimination_status",
                     "elimination_mode", "elimination_month")
    )
    for hid, rid, category, channel, month, e_status, e_mode, e_month in rows.iterator(chunk_size=CHUNK):
        eliminated = e_status == EliminationStatus.APPROVED and e_month is not None and e_month <= end
        latest[hid] = (rid, categories.get(category, category), channels.get(channel, channel), f"{month:%Y-%m}",
                       YES if eliminated else NO, modes.get(e_mode, "") if eliminated else "",
                       f"{e_month:%Y-%m}" if eliminated else "")
    names = dict(RiskType.objects.values_list("code", "name"))
    risks: dict[int, list[str]] = {}
    through = MonitoringRecord.risk_types.through
    ids = [value[0] for value in latest.values()]
    for start in range(0, len(ids), CHUNK):
        for rid, code in (through.objects.filter(monitoringrecord_id__in=ids[start:start + CHUNK])
                          .order_by("monitoringrecord_id", "risktype__sort_order")
                          .values_list("monitoringrecord_id", "risktype_id")):
            risks.setdefault(rid, []).append(names.get(code, code))
    return latest, risks


def household_ledger_rows(ctx):
    from monitoring.models import Relation

    geo = _geo(ctx.area.prefix)
    latest, risks = _records(ctx)
    full_id = may_see_full_id(ctx.user)
    if full_id:
        full_id_shown(user=ctx.user, path=f"export:household_ledger?area={ctx.area.code}", where="export 监测对象明细表")
    queryset = (
        household_ledger_queryset(ctx)
        .annotate(
            head=FilteredRelation("members", condition=Q(members__relation=Relation.HEAD)),
            income=FilteredRelation("incomes", condition=Q(incomes__year=ctx.year, incomes__quarter=ctx.quarter)),
        )
        .order_by("village_id", "code")
        .values_list("id", "village_id", "code", "head_name", "head__id_number", "size", "is_poverty_alleviated",
                     "is_relocated", "is_dibao", "is_tekun", "income__per_capita_income", "phone")
    )
    empty = (None, "", "", "", NO, "", "")
    for (hid, village, code, head_name, head_id, size, poor, relocated, dibao, tekun, income,
         phone) in queryset.iterator(chunk_size=CHUNK):
        county, township, village_name = geo.get(village, ("", "", ""))
        record = latest.get(hid, empty)
        monitored = record is not empty
        kind = "脱贫户、监测户" if poor and monitored else "脱贫户" if poor else "监测户"
        yield (
            county, township, village_name, code, head_name,
            (head_id if full_id else mask_id_number(head_id)) if head_id else "",
            size, kind, record[1], record[2], record[3], "、".join(risks.get(record[0], ())) if monitored else "",
            record[4] if monitored else "", record[5], record[6],
            YES if relocated else NO, YES if dibao else NO, YES if tekun else NO, income, phone,
        )


def household_ledger(ctx) -> list[SheetSpec]:
    totals = metric_values(user=ctx.user, area=ctx.area, year=ctx.year, quarter=ctx.quarter,
                           keys=["monitoring.households", "monitoring.households_eliminated"])
    return [SheetSpec(
        name="监测对象明细表", title=f"{ctx.area.name}防止返贫监测对象明细表", unit=ctx.unit, date=ctx.today,
        period=ctx.period_label, columns=HOUSEHOLD_COLUMNS, rows=household_ledger_rows(ctx), totals="sum",
        total_label="合计（{n} 户）", freeze_columns=5, on_row=ctx.on_row,
        notes=[f"其中累计识别监测对象 {totals['monitoring.households']} 户，"
               f"风险已消除 {totals['monitoring.households_eliminated']} 户（县级审定，截至期末）。"
               "脱贫户均列入；身份证号按您的角色权限显示。"],
    )]


# ------------------------------------------------------------------ 问题整改台账

ISSUE_COLUMNS = [
    Column("问题编号", width=16),
    Column("问题来源", width=14, group=("问题情况",)),
    Column("问题方面", width=14, group=("问题情况",)),
    Column("问题类别", width=18, group=("问题情况",)),
    Column("区县", width=10, group=("问题情况",)),
    Column("行政村", width=12, group=("问题情况",)),
    Column("问题描述", width=40, group=("问题情况",)),
    Column("发现日期", DATE, width=12, group=("问题情况",)),
    Column("责任单位", width=18, group=("整改责任",)),
    Column("责任人", width=10, group=("整改责任",)),
    Column("整改时限", DATE, width=12, group=("整改责任",)),
    Column("整改措施", width=36, group=("整改情况",)),
    Column("整改状态", width=12, group=("整改情况",)),
    Column("完成日期", DATE, width=12, group=("整改情况",)),
    Column("销号日期", DATE, width=12, group=("整改情况",)),
    Column("期末是否逾期", width=10, group=("整改情况",)),
]


def issue_ledger_queryset(ctx):
    from rectification.models import Issue

    return in_area(scope(Issue.objects.all(), ctx.user), "area_code", ctx.area.code).filter(
        found_date__gte=ctx.year_start, found_date__lte=ctx.period_end
    )


def issue_ledger_count(ctx) -> int:
    return issue_ledger_queryset(ctx).count()


def issue_ledger_rows(ctx):
    from rectification.models import IssueSource, IssueStatus

    sources, statuses = dict(IssueSource.choices), dict(IssueStatus.choices)
    end = ctx.period_end
    rows = issue_ledger_queryset(ctx).with_overdue(on=end).order_by("number").values_list(
        "number", "source", "aspect__name", "category__name", "county__name", "village__name", "description",
        "found_date", "responsible_unit__name", "responsible_person", "deadline", "measures", "status",
        "completed_date", "closed_date", "is_overdue",
    )
    for (number, source, aspect, category, county, village, description, found, unit, person, deadline, measures,
         status, completed, closed, overdue) in rows.iterator(chunk_size=CHUNK):
        yield (number, sources.get(source, source), aspect, category, county, village or "", description, found,
               unit or "", person, deadline, measures, statuses.get(status, status), completed, closed,
               YES if overdue else NO)


def issue_ledger(ctx) -> list[SheetSpec]:
    totals = metric_values(user=ctx.user, area=ctx.area, year=ctx.year, quarter=ctx.quarter,
                           keys=["issues.total", "issues.rectified", "issues.overdue"])
    row = [None] * len(ISSUE_COLUMNS)
    row[0] = f"合计（{totals['issues.total']} 个）"
    row[12] = f"已销号 {totals['issues.rectified']} 个"
    row[15] = f"逾期 {totals['issues.overdue']} 个"
    return [SheetSpec(
        name="问题整改台账", title=f"{ctx.area.name}问题整改台账", unit=ctx.unit, date=ctx.today,
        period=f"{ctx.year}年1月1日至{ctx.period_end:%Y年%m月%d日}发现的问题", columns=ISSUE_COLUMNS,
        rows=issue_ledger_rows(ctx), totals=row, freeze_columns=1, on_row=ctx.on_row,
    )]


# ------------------------------------------------------------------ 双交办清单

HANDOVER_COLUMNS = [
    Column("清单名称", width=24, group=("交办清单",)),
    Column("交办日期", DATE, width=12, group=("交办清单",)),
    Column("问题编号", width=16, group=("交办问题",)),
    Column("问题类别", width=18, group=("交办问题",)),
    Column("问题描述", width=40, group=("交办问题",)),
    Column("整改时限", DATE, width=12, group=("交办问题",)),
    Column("整改状态", width=12, group=("交办问题",)),
    Column("转交责任单位", width=18, group=("二次交办",)),
    Column("转交日期", DATE, width=12, group=("二次交办",)),
    Column("期末是否逾期", width=10),
]


def _handover_items(ctx):
    from rectification.models import HandOverItem

    items = scope(HandOverItem.objects.all(), ctx.user).filter(
        handover__handed_date__gte=ctx.year_start, handover__handed_date__lte=ctx.period_end)
    items = in_area(items, "handover__county__code", ctx.area.code[:6])
    return in_area(items, "issue__area_code", ctx.area.code)


def handover_count(ctx) -> int:
    return _handover_items(ctx).count()


def handover_rows(ctx, county_code: str):
    from rectification.models import IssueQuerySet, IssueStatus

    statuses, end = dict(IssueStatus.choices), ctx.period_end
    rows = _handover_items(ctx).filter(handover__county_id=county_code).annotate(
        overdue=ExpressionWrapper(IssueQuerySet.overdue_q(end, "issue__"), output_field=BooleanField())
    ).order_by("handover__handed_date", "handover_id", "issue__number").values_list(
        "handover__title", "handover__handed_date", "issue__number", "issue__category__name",
        "issue__description", "issue__deadline", "issue__status", "unit__name", "handed_on_date", "overdue")
    for title, handed, number, category, description, deadline, status, unit, handed_on, overdue in rows:
        yield (title, handed, number, category, description, deadline, statuses.get(status, status), unit or "",
               handed_on, YES if overdue else NO)


def handover_lists(ctx) -> list[SheetSpec]:
    end = ctx.period_end
    from rectification.models import IssueQuerySet

    counties = in_area(County.objects.all(), "code", ctx.area.code[:6]).order_by("code")
    overdue = IssueQuerySet.overdue_q(end, "issue__")
    counts = {
        row["handover__county_id"]: row
        for row in _handover_items(ctx).values("handover__county_id").annotate(
            n=Count("id"), closed=Count("id", filter=IssueQuerySet.closed_q(end, "issue__")),
            overdue=Count("id", filter=overdue),
        ).order_by()
    }
    sheets = []
    for county in counties:
        c = counts.get(county.code, {"n": 0, "closed": 0, "overdue": 0})
        row = [None] * len(HANDOVER_COLUMNS)
        row[0] = f"合计（{c['n']} 个问题）"
        row[6] = f"已销号 {c['closed']} 个"
        row[9] = f"逾期 {c['overdue']} 个"
        sheets.append(SheetSpec(
            name=county.name, title=f"{county.name}双交办问题清单", unit=ctx.unit, date=ctx.today,
            period=ctx.period_label, columns=HANDOVER_COLUMNS, rows=handover_rows(ctx, county.code), totals=row,
            freeze_columns=3, on_row=ctx.on_row,
        ))
    return sheets
