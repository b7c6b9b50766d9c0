"""The period a figure is "as of": a year and a quarter, cumulative from January (序时)."""

import datetime
from dataclasses import dataclass

MIN_YEAR, MAX_YEAR = 2015, 2100


class PeriodError(ValueError):
    """A period parameter that cannot be read; the message is shown to the user (Chinese)."""


@dataclass(frozen=True, order=True)
class Period:
    year: int
    quarter: int

    @property
    def start(self) -> datetime.date:
        """1 January: figures "in the period" run from the start of the year to its end (序时)."""
        return datetime.date(self.year, 1, 1)

    @property
    def quarter_start(self) -> datetime.date:
        return datetime.date(self.year, 3 * self.quarter - 2, 1)

    @property
    def end(self) -> datetime.date:
        """The last day of the quarter."""
        if self.quarter == 4:
            return datetime.date(self.year, 12, 31)
        return datetime.date(self.year, 3 * self.quarter + 1, 1) - datetime.timedelta(days=1)

    @property
    def end_month(self) -> int:
        return 3 * self.quarter

    @property
    def previous_year(self) -> "Period":
        """The same quarter of the year before (序时 comparison)."""
        return Period(self.year - 1, self.quarter)

    @property
    def label(self) -> str:
        return f"{self.year}年第{self.quarter}季度"

    def __str__(self):
        return f"{self.year}Q{self.quarter}"


def period_for_date(day: datetime.date) -> Period:
    return Period(day.year, (day.month - 1) // 3 + 1)


def period_parse(year, quarter, *, default: Period | None = None) -> Period:
    """Read ``year`` and ``quarter`` (strings from a query string, or ints); either absent → the default."""
    year = "" if year is None else str(year).strip()
    quarter = "" if quarter is None else str(quarter).strip()
    if not year and not quarter:
        return default or period_default()
    if not year or not quarter:
        raise PeriodError("请同时指定年份和季度")
    try:
        y = int(year)
    except ValueError:
        raise PeriodError(f"年份无效：{year}") from None
    try:
        q = int(quarter)
    except ValueError:
        raise PeriodError(f"季度无效：{quarter}（应为 1–4）") from None
    if not MIN_YEAR <= y <= MAX_YEAR:
        raise PeriodError(f"年份超出范围：{y}（应在 {MIN_YEAR}–{MAX_YEAR} 之间）")
    if not 1 <= q <= 4:
        raise PeriodError(f"季度无效：{q}（应为 1–4）")
    return Period(y, q)


def period_default() -> Period:
    """The latest quarter for which income has been recorded (the figures leaders look at), else the
    current quarter."""
    from .sources import latest_income_period

    return latest_income_period() or period_for_date(datetime.date.today())


def period_span() -> tuple[Period, Period] | None:
    """(first, latest) quarter with income records: the periods the registry's figures exist for (income
    is recorded every quarter, cumulatively, so the span has no holes). None before any data."""
    from .sources import earliest_income_period, latest_income_period

    latest = latest_income_period()
    if latest is None:
        return None
    return earliest_income_period(), latest


def period_has_data(period: Period, span: tuple[Period, Period] | None) -> bool:
    return span is not None and span[0] <= period <= span[1]


def period_choices(current: Period, span: tuple[Period, Period] | None = None) -> dict:
    """Years and quarters for the period picker: the years that have data (and the one asked for), each
    quarter marked when it is the latest or has no data."""
    if span is None:
        years = [current.year]
    else:
        first, latest = span
        years = sorted({*range(first.year, latest.year + 1), current.year}, reverse=True)
    quarters = []
    for q in (1, 2, 3, 4):
        period = Period(current.year, q)
        note = ""
        if span is not None and period == span[1]:
            note = "（最新）"
        elif not period_has_data(period, span):
            note = "（无数据）"
        quarters.append((q, f"第{q}季度{note}"))
    year_labels = [(y, f"{y}年{'（最新）' if span is not None and y == span[1].year else ''}") for y in years]
    return {"years": year_labels, "quarters": quarters, "latest": span[1] if span else None}
