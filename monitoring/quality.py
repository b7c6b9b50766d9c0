"""Data-quality checks on the registry (the page 数据质量 and ``manage.py monitoring_quality``).

Each check narrows a (scoped) household queryset to the households with the problem, so the page counts
them by area and the 监测对象 list shows them (``?check=<key>``).
"""

import datetime
from dataclasses import dataclass
from typing import Callable

from django.db.models import (
    BooleanField,
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
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, ExtractMonth, ExtractYear, Mod, Substr, Trim, Upper
from django.db.models.lookups import Exact, GreaterThan, LessThan
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
MALFORMED_ID_INDEX = "member_malformed_id_idx"
BIRTH_YEAR_INDEX = "member_birth_year_idx"


def _birth_year():
    return Substr("id_number", 7, 4)


def malformed_id_number_q() -> Q:
    """On Member: the number fails GB 11643 in a way that does not depend on the day — its form, its check
    digit, a birth year before 1900, a month outside 01–12 or a day outside 01–31. The check character is
    computed in SQL (both databases) once per row; CASE keeps the casts away from numbers of the wrong
    shape. On PostgreSQL a partial index with exactly this condition (``MALFORMED_ID_INDEX``, migration
    monitoring 0005) holds the few such members, so a county's check reads the index instead of
    computing the check digit of its ~35,000 members (0.3–0.4 s); ``tests/monitoring/test_quality.py``
    checks that the planner uses it, so a change here must change the index too."""
    weighted = sum(
        (Cast(Substr("id_number", i + 1, 1), IntegerField()) * weight for i, weight in enumerate(_WEIGHTS)),
        start=Value(0),
    )
    check_digit_wrong = Case(
        When(id_number__regex=_SHAPE,
             then=ExpressionWrapper(~Q(Exact(Substr(Value(_CHECK), Mod(weighted, 11) + 1, 1), Substr("id_number", 18, 1))),
                                    output_field=BooleanField())),
        default=Value(True),
        output_field=BooleanField(),
    )
    return (Q(check_digit_wrong) | Q(LessThan(_birth_year(), Value("1900")))
            | Q(LessThan(Substr("id_number", 11, 2), Value("01"))) | Q(GreaterThan(Substr("id_number", 11, 2), Value("12")))
            | Q(LessThan(Substr("id_number", 13, 2), Value("01"))) | Q(GreaterThan(Substr("id_number", 13, 2), Value("31"))))


def bad_id_number(households: QuerySet, today: datetime.date) -> QuerySet:
    """A member's ID number fails GB 11643: its form, its check digit, or the range of the birth date's year,
    month and day (a day that does not exist in its month, e.g. 30 February, is refused at entry only).
    Possible only for data that bypassed validation (old imports, direct database edits). Two sets: the
    day-independent failures (a partial index on PostgreSQL) and a birth year after this year (an index
    on the year's digits)."""
    members = Member.objects.filter(household__in=households.values("pk"))
    malformed = members.filter(malformed_id_number_q()).values("household_id")
    unborn = members.filter(GreaterThan(_birth_year(), Value(str(today.year)))).values("household_id")
    return households.filter(Q(pk__in=malformed) | Q(pk__in=unborn))


def unnormalised_id_number_q() -> Q:
    """On Member: the number as stored differs from its normalised form (lower-case x, spaces). On
    PostgreSQL a partial index with exactly this condition (``UNNORMALISED_ID_INDEX``, migration monitoring
    0005) holds those few members: reading them was a scan of every member for every county's check."""
    return ~Q(Exact(F("id_number"), Upper(Trim("id_number"))))


UNNORMALISED_ID_INDEX = "member_unnormalised_id_idx"


def duplicate_person(households: QuerySet, today: datetime.date) -> QuerySet:
    """The same person in two households: the ID numbers are unique as stored, so a duplicate can only hide
    behind a number stored un-normalised (lower-case x, spaces) that equals another member's number once
    normalised. Those few are found first, then their twins through the unique index."""
    odd = list(Member.objects.filter(unnormalised_id_number_q()).annotate(number=Upper(Trim("id_number")))
               .values_list("household_id", "number"))
    if not odd:
        return households.none()
    twins = set(Member.objects.filter(id_number__in={number for _, number in odd})
                .values_list("household_id", "id_number"))
    twinned = {number for _, number in twins}
    return households.filter(
        pk__in={household for household, number in odd if number in twinned} | {household for household, _ in twins})


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
    """The stored household size differs from the number of its members. The count is a correlated
    subquery, not an aggregate over a join: grouped by area (the page's per-county counts), an aggregate
    would count the members of the whole area instead of each household's."""
    counted = (Member.objects.filter(household=OuterRef("pk")).order_by().values("household")
               .annotate(n=Count("pk")).values("n"))
    return households.alias(counted=Coalesce(Subquery(counted, output_field=IntegerField()), 0)).exclude(
        size=F("counted"))


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


def _summary_row(check: Check, households: QuerySet, group_len: int, today: datetime.date) -> dict:
    found = check.find(households, today)
    by_area = dict(
        found.annotate(area=Substr("village_id", 1, group_len)).order_by().values("area")
        .annotate(n=Count("id")).values_list("area", "n")
    )
    return {"check": check, "total": sum(by_area.values()), "by_area": by_area}


def _name_areas(rows: list[dict]) -> None:
    names = _area_names({code for row in rows for code in row["by_area"]})
    for row in rows:
        row["areas"] = sorted(((code, names.get(code, code), n) for code, n in row["by_area"].items()))


def quality_group_len(code: str) -> int:
    """How long the codes one level below an area are, for counting an area's findings by its children:
    the platform, a city or the province by county (the checks then run as a background job), a county by
    township, a township or a village by village. By the code's form, never by one city's code."""
    if not code or (len(code) == 6 and code.endswith("00")):
        return 6
    return {6: 9, 9: 12}.get(len(code), 12)


def quality_summary(*, households: QuerySet, group_len: int, today: datetime.date | None = None) -> list[dict]:
    """Each check with its total and its count by child area (code prefix of ``group_len`` digits)."""
    today = today or timezone.localdate()
    rows = [_summary_row(check, households, group_len, today) for check in CHECKS]
    _name_areas(rows)
    return rows


# ---------------------------------------------------------------- the city's checks as a background job
#
# A county's checks answer within a second; the whole city's take several (every check over ≈130,000
# households). The city's page therefore shows the last result kept in the shared cache (the database:
# every web process and the worker see it) and, when there is none, starts a django-q2 job that runs the
# checks one by one and reports how many are done, while the page shows the progress instead of a blank wait.

RESULT_SECONDS = 15 * 60


def _cache_key(code: str, what: str) -> str:
    return f"monitoring.quality.{code}.{what}"


def quality_result(*, code: str) -> dict | None:
    """The kept result for an area: {"computed_at", "rows": [{"key", "total", "by_area", "areas"}]}."""
    from django.core.cache import cache

    return cache.get(_cache_key(code, "result"))


def quality_progress(*, code: str) -> dict | None:
    """{"done", "total"} while a job runs for the area, else None."""
    from django.core.cache import cache

    return cache.get(_cache_key(code, "progress"))


def quality_job_start(*, code: str, group_len: int) -> None:
    """Start the checks of an area in the background, unless they are already running."""
    from django.conf import settings
    from django.core.cache import cache
    from django_q.tasks import async_task

    if not cache.add(_cache_key(code, "progress"), {"done": 0, "total": len(CHECKS)}, timeout=RESULT_SECONDS):
        return  # already running
    async_task("monitoring.quality.quality_job_run", code, group_len, task_name=f"数据质量检查 {code}",
               group="monitoring", sync=bool(settings.Q_CLUSTER.get("sync", False)))


def quality_job_run(code: str, group_len: int) -> None:
    """The worker's side: each check in turn, progress after each, the result kept for RESULT_SECONDS."""
    from django.core.cache import cache

    from accounts.scoping import area_filter

    from .models import Household

    households = Household.objects.filter(**area_filter("village_id", code))
    today = timezone.localdate()
    rows = []
    try:
        for done, check in enumerate(CHECKS, start=1):
            rows.append(_summary_row(check, households, group_len, today))
            cache.set(_cache_key(code, "progress"), {"done": done, "total": len(CHECKS)}, timeout=RESULT_SECONDS)
        _name_areas(rows)
        cache.set(_cache_key(code, "result"), {
            "computed_at": timezone.now(),
            "rows": [{**row, "check": row["check"].key} for row in rows],
        }, timeout=RESULT_SECONDS)
    finally:
        cache.delete(_cache_key(code, "progress"))


def quality_rows(result: dict) -> list[dict]:
    """A kept result's rows with their checks (the cache keeps the keys only)."""
    return [{**row, "check": CHECKS_BY_KEY[row["check"]]} for row in result["rows"]]


def quality_forget(*, code: str) -> None:
    """Drop the kept result (重新检查)."""
    from django.core.cache import cache

    cache.delete(_cache_key(code, "result"))
