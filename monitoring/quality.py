"""Data-quality checks on the registry (the page 数据质量 and ``manage.py monitoring_quality``).

Each check narrows a (scoped) household queryset to the households with the problem, so the page counts
them by area and the 监测对象 list shows them (``?check=<key>``).
"""

import datetime
from dataclasses import dataclass
from typing import Callable

from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Cast, ExtractMonth, ExtractYear, Mod, Substr, Trim, Upper
from django.utils import timezone

from villages.models import County, Township, Village

from .models import (
    ELIMINATION_MIN_MONTHS,
    AssistanceMeasure,
    EliminationStatus,
    Employment,
    IncomeRecord,
    Member,
    MonitoringRecord,
    MonitoringThreshold,
)


def _month_index(field: str) -> ExpressionWrapper:
    return ExpressionWrapper(ExtractYear(field) * 12 + ExtractMonth(field), output_field=IntegerField())


_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_SHAPE = r"^[0-9]{17}[0-9X]$"


def _check_char_expected():
    """The GB 11643 check character computed in SQL (both databases), or '?' when the number is not
    17 digits and a digit or X. CASE keeps the casts away from numbers of the wrong shape."""
    weighted = sum(
        (Cast(Substr("id_number", i + 1, 1), IntegerField()) * weight for i, weight in enumerate(_WEIGHTS)),
        start=Value(0),
    )
    return Case(
        When(id_number__regex=_SHAPE, then=Substr(Value(_CHECK), Mod(weighted, 11) + 1, 1)),
        default=Value("?"),
        output_field=CharField(),
    )


def bad_id_number(households: QuerySet, today: datetime.date) -> QuerySet:
    """A member's ID number fails GB 11643: its form, its check digit, or the range of the birth date's year,
    month and day (a day that does not exist in its month, e.g. 30 February, is refused at entry only).
    Possible only for data that bypassed validation (old imports, direct database edits)."""
    bad = Member.objects.annotate(
        expected=_check_char_expected(), year=Substr("id_number", 7, 4), month=Substr("id_number", 11, 2),
        day=Substr("id_number", 13, 2),
    ).filter(
        Q(expected="?") | ~Q(expected=Substr("id_number", 18, 1)) | Q(year__lt="1900") | Q(year__gt=str(today.year))
        | Q(month__lt="01") | Q(month__gt="12") | Q(day__lt="01") | Q(day__gt="31")
    )
    return households.filter(pk__in=bad.values("household_id"))


def duplicate_person(households: QuerySet, today: datetime.date) -> QuerySet:
    """The same person in two households: the ID numbers are unique as stored, so a duplicate can only hide
    behind a number stored un-normalised (lower-case x, spaces) that equals another member's number once
    normalised. Those few are found first, then their twins through the unique index."""
    odd = Member.objects.annotate(number=Upper(Trim("id_number"))).exclude(id_number=F("number"))
    odd_with_twin = odd.filter(number__in=Member.objects.values("id_number"))
    twins = Member.objects.filter(id_number__in=odd_with_twin.values("number"))
    return households.filter(
        Q(pk__in=odd_with_twin.values("household_id")) | Q(pk__in=twins.values("household_id"))
    )


def early_elimination(households: QuerySet, today: datetime.date) -> QuerySet:
    """Risk elimination approved or requested less than six months after identification."""
    early = MonitoringRecord.objects.filter(
        household=OuterRef("pk"),
        elimination_status__in=[EliminationStatus.SUBMITTED, EliminationStatus.TOWNSHIP_APPROVED,
                                EliminationStatus.APPROVED],
    ).alias(gap=_month_index("elimination_month") - _month_index("identified_month")).filter(
        gap__lt=ELIMINATION_MIN_MONTHS
    )
    return households.filter(Exists(early))


def no_development_measure(households: QuerySet, today: datetime.date) -> QuerySet:
    """A monitored household with labour, at risk, identified over a month ago, without any 开发式 measure
    begun — the rule the risk-elimination check and 落实开发式帮扶措施占比 apply (``Household.with_labour``)."""
    month_ago = today - datetime.timedelta(days=31)
    open_records = MonitoringRecord.objects.identified_as_of(month_ago).exclude(
        MonitoringRecord.objects.eliminated_q(today))
    return (households.filter(pk__in=open_records.values("household_id")).with_labour(today)
            .exclude(pk__in=AssistanceMeasure.objects.development(today).values("household_id")))


def latest_income_period() -> tuple[int, int] | None:
    latest = IncomeRecord.objects.aggregate(year=Max("year"))["year"]
    if latest is None:
        return None
    quarter = IncomeRecord.objects.filter(year=latest).aggregate(q=Max("quarter"))["q"]
    return latest, quarter


def below_threshold_not_monitored(households: QuerySet, today: datetime.date) -> QuerySet:
    """Per-capita net income of the latest recorded period, annualised, below the year's threshold, and the
    household not monitored."""
    period = latest_income_period()
    if period is None:
        return households.none()
    year, quarter = period
    threshold = MonitoringThreshold.objects.filter(year=year).values_list("amount", flat=True).first()
    if threshold is None:
        return households.none()
    low = IncomeRecord.objects.filter(household=OuterRef("pk"), year=year, quarter=quarter,
                                      per_capita_income__lt=threshold * quarter / 4)
    return households.filter(is_monitored=False).filter(Exists(low))


def relocated_jobless(households: QuerySet, today: datetime.date) -> QuerySet:
    """A relocated household with a working-age labourer and nobody employed in the latest employment year."""
    year = Employment.objects.aggregate(y=Max("year"))["y"] or today.year
    day = min(today, datetime.date(year, 12, 31))
    able = Member.objects.labour_force(day).filter(household=OuterRef("pk"))
    working = Employment.objects.filter(member__household=OuterRef("pk"), year=year)
    return households.filter(is_relocated=True).filter(Exists(able)).exclude(Exists(working))


def size_mismatch(households: QuerySet, today: datetime.date) -> QuerySet:
    """The stored household size differs from the number of its members."""
    return households.alias(counted=Count("members")).exclude(size=F("counted"))


@dataclass(frozen=True)
class Check:
    key: str
    label: str
    description: str
    find: Callable[[QuerySet, datetime.date], QuerySet]


CHECKS = [
    Check("bad_id", "身份证号校验错误", "成员身份证号校验位或出生日期不正确", bad_id_number),
    Check("duplicate_person", "一人多户", "同一身份证号登记在两个以上农户", duplicate_person),
    Check("early_elimination", "识别不足6个月即消除风险", "风险消除年月距识别年月不足 6 个月", early_elimination),
    Check("no_development_measure", "识别1个月后未落实开发式帮扶", "有劳动能力的风险未消除户，识别满 1 个月仍无产业、就业、金融或公益岗位帮扶",
          no_development_measure),
    Check("below_threshold", "收入低于监测范围未纳入监测", "最近一期人均纯收入（折算全年）低于当年监测范围，但未识别为监测户",
          below_threshold_not_monitored),
    Check("relocated_jobless", "搬迁户有劳动力无人就业", "易地搬迁户有劳动年龄内劳动力，但当年无人务工就业", relocated_jobless),
    Check("size_mismatch", "家庭人口数与成员不符", "户的家庭人口数与成员记录数不一致", size_mismatch),
]
CHECKS_BY_KEY = {check.key: check for check in CHECKS}


def check_households(*, key: str, households: QuerySet, today: datetime.date | None = None) -> QuerySet:
    return CHECKS_BY_KEY[key].find(households, today or timezone.localdate())


def _area_names(codes) -> dict[str, str]:
    names = {}
    for model in (County, Township, Village):
        names.update(model.objects.filter(code__in=codes).values_list("code", "name"))
    return names


def quality_summary(*, households: QuerySet, group_len: int, today: datetime.date | None = None) -> list[dict]:
    """Each check with its total and its count by child area (code prefix of ``group_len`` digits)."""
    today = today or timezone.localdate()
    rows = []
    for check in CHECKS:
        found = check.find(households, today)
        by_area = dict(
            found.annotate(area=Substr("village_id", 1, group_len)).order_by().values("area")
            .annotate(n=Count("id")).values_list("area", "n")
        )
        rows.append({"check": check, "total": sum(by_area.values()), "by_area": by_area})
    names = _area_names({code for row in rows for code in row["by_area"]})
    for row in rows:
        row["areas"] = sorted(((code, names.get(code, code), n) for code, n in row["by_area"].items()))
    return rows


