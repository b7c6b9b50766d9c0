"""The data of every chart, as JSON for Chart.js, read from the catalogue (never computed here).

Each builder answers ``{"title", "type", "labels", "codes", "datasets", "options"}``; ``codes`` are the
area codes behind the labels of a by-area chart, so that a click on a bar opens that area's dashboard.
"""

from collections.abc import Callable

from .catalogue import METRICS, metric_values, metric_values_by_child
from .periods import Period

RED, ORANGE, BLUE, GREEN, GREY, TEAL, PURPLE = "#c0392b", "#e67e22", "#2c6fbb", "#27ae60", "#95a5a6", "#16a085", "#8e44ad"
PALETTE = [BLUE, ORANGE, GREEN, RED, PURPLE, TEAL, GREY, "#d35400", "#2980b9", "#7f8c8d", "#f1c40f"]


def _by_child(user, area, period: Period, keys):
    rows = metric_values_by_child(user=user, area=area, year=period.year, quarter=period.quarter, keys=keys)
    return [child.name for child, _ in rows], [child.code for child, _ in rows], [values for _, values in rows]


def _values(user, area, period: Period, keys):
    return metric_values(user=user, area=area, year=period.year, quarter=period.quarter, keys=keys)


def _dataset(label, data, color, **extra):
    return {"label": label, "data": data, "backgroundColor": color, "borderColor": color, **extra}


def _breakdown(user, area, period, key, chart_type="doughnut", horizontal=False):
    values = _values(user, area, period, [key])[key]
    data = {
        "title": METRICS[key].label,
        "type": chart_type,
        "labels": list(values),
        "codes": [],
        "datasets": [_dataset(METRICS[key].unit, list(values.values()), PALETTE[: len(values)])],
        "options": {},
    }
    if horizontal:
        data["options"] = {"indexAxis": "y", "plugins": {"legend": {"display": False}}}
    return data


def monitoring_by_area(user, area, period):
    labels, codes, rows = _by_child(user, area, period, ["monitoring.households_at_risk",
                                                         "monitoring.households_eliminated"])
    return {
        "title": "监测对象户数（按风险状态）",
        "type": "bar",
        "labels": labels,
        "codes": codes,
        "datasets": [
            _dataset("风险未消除", [r["monitoring.households_at_risk"] for r in rows], ORANGE, stack="s"),
            _dataset("风险已消除", [r["monitoring.households_eliminated"] for r in rows], GREEN, stack="s"),
        ],
        "options": {"scales": {"x": {"stacked": True}, "y": {"stacked": True, "beginAtZero": True}}},
    }


def monitoring_by_category(user, area, period):
    return _breakdown(user, area, period, "monitoring.by_category")


def monitoring_by_risk(user, area, period):
    return _breakdown(user, area, period, "monitoring.by_risk", chart_type="bar", horizontal=True)


def monitoring_by_channel(user, area, period):
    return _breakdown(user, area, period, "monitoring.by_channel", chart_type="pie")


def income_by_area(user, area, period):
    labels, codes, rows = _by_child(user, area, period, ["income.per_capita", "income.per_capita_growth_pct"])
    return {
        "title": "脱贫人口人均纯收入及序时增长",
        "type": "bar",
        "labels": labels,
        "codes": codes,
        "datasets": [
            _dataset("人均纯收入（元）", [r["income.per_capita"] for r in rows], BLUE, yAxisID="y"),
            _dataset("序时增长率（%）", [r["income.per_capita_growth_pct"] for r in rows], RED, type="line",
                     yAxisID="y1"),
        ],
        "options": {"scales": {
            "y": {"beginAtZero": True, "position": "left", "title": {"display": True, "text": "元"}},
            "y1": {"beginAtZero": True, "position": "right", "grid": {"drawOnChartArea": False},
                   "title": {"display": True, "text": "%"}},
        }},
    }


def migrants_by_area(user, area, period):
    labels, codes, rows = _by_child(user, area, period, ["employment.migrant_workers", "employment.migrant_target"])
    return {
        "title": "外出务工人数与年度目标",
        "type": "bar",
        "labels": labels,
        "codes": codes,
        "datasets": [
            _dataset("外出务工人数", [r["employment.migrant_workers"] for r in rows], BLUE),
            _dataset("年度目标", [r["employment.migrant_target"] for r in rows], GREY),
        ],
        "options": {"scales": {"y": {"beginAtZero": True}}},
    }


def workshops_by_area(user, area, period):
    labels, codes, rows = _by_child(user, area, period, ["employment.workshop_jobs",
                                                         "employment.workshop_poverty_jobs"])
    return {
        "title": "帮扶车间吸纳就业",
        "type": "bar",
        "labels": labels,
        "codes": codes,
        "datasets": [
            _dataset("吸纳就业人数", [r["employment.workshop_jobs"] for r in rows], TEAL),
            _dataset("其中脱贫劳动力", [r["employment.workshop_poverty_jobs"] for r in rows], ORANGE),
        ],
        "options": {"scales": {"y": {"beginAtZero": True}}},
    }


def _issue_split(values):
    overdue = values["issues.overdue"]
    return values["issues.rectified"], values["issues.in_progress"] - overdue, overdue


def issues_by_status(user, area, period):
    values = _values(user, area, period, ["issues.rectified", "issues.in_progress", "issues.overdue"])
    return {
        "title": "问题整改状态",
        "type": "doughnut",
        "labels": ["已整改销号", "整改中（未逾期）", "逾期未整改"],
        "codes": [],
        "datasets": [_dataset("问题数", list(_issue_split(values)), [GREEN, BLUE, RED])],
        "options": {},
    }


def issues_by_area(user, area, period):
    labels, codes, rows = _by_child(user, area, period, ["issues.rectified", "issues.in_progress", "issues.overdue"])
    split = [_issue_split(r) for r in rows]
    return {
        "title": "各地问题整改情况（逾期标红）",
        "type": "bar",
        "labels": labels,
        "codes": codes,
        "datasets": [
            _dataset("已整改销号", [s[0] for s in split], GREEN, stack="s"),
            _dataset("整改中（未逾期）", [s[1] for s in split], BLUE, stack="s"),
            _dataset("逾期未整改", [s[2] for s in split], RED, stack="s"),
        ],
        "options": {"scales": {"x": {"stacked": True}, "y": {"stacked": True, "beginAtZero": True}}},
    }


def attendance_by_area(user, area, period):
    labels, codes, rows = _by_child(user, area, period, ["teams.attendance_pct"])
    return {
        "title": "驻村工作队“五天四夜”达标率（%）",
        "type": "bar",
        "labels": labels,
        "codes": codes,
        "datasets": [_dataset("达标率（%）", [r["teams.attendance_pct"] for r in rows], PURPLE)],
        "options": {"scales": {"y": {"beginAtZero": True, "max": 100}}, "plugins": {"legend": {"display": False}}},
    }


def teams_by_area(user, area, period):
    labels, codes, rows = _by_child(user, area, period, ["teams.count", "teams.members"])
    return {
        "title": "驻村工作队及队员",
        "type": "bar",
        "labels": labels,
        "codes": codes,
        "datasets": [
            _dataset("工作队数", [r["teams.count"] for r in rows], BLUE),
            _dataset("第一书记和队员数", [r["teams.members"] for r in rows], TEAL),
        ],
        "options": {"scales": {"y": {"beginAtZero": True}}},
    }


def teams_by_station(user, area, period):
    return _breakdown(user, area, period, "teams.by_station", chart_type="bar", horizontal=True)


CHARTS: dict[str, Callable] = {
    "monitoring-by-area": monitoring_by_area,
    "monitoring-by-category": monitoring_by_category,
    "monitoring-by-risk": monitoring_by_risk,
    "monitoring-by-channel": monitoring_by_channel,
    "income-by-area": income_by_area,
    "migrants-by-area": migrants_by_area,
    "workshops-by-area": workshops_by_area,
    "issues-by-status": issues_by_status,
    "issues-by-area": issues_by_area,
    "attendance-by-area": attendance_by_area,
    "teams-by-area": teams_by_area,
    "teams-by-station": teams_by_station,
}
