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


def period_choices(current: Period) -> dict:
    """Years and quarters for the period picker."""
    this_year = datetime.date.today().year
    years = list(range(max(this_year, current.year), 2020, -1))
    return {"years": years, "quarters": [1, 2, 3, 4]}
