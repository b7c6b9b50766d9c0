"""Demo registry: 脱贫户 with their members, employment, income of Q3 2022 and Q3 2023, the monitored
households with their identification / elimination trail and measures, and a few records waiting for review
in 平陆县.

At full scale (``--scale 1``) the generated records give the 2023 report's figures:
130,000 脱贫户 with 360,000 persons; 176,000 labourers (able, aged 16–60) of whom 110,000 work outside their
county in 2023; 6,597 county-approved monitored households (identified by October 2023) with 18,821 persons, of
which 3,954 risk-eliminated by October 2023; 脱贫户 persons-weighted per-capita net income 11,755 元 at Q3 2023,
+18.77 % on Q3 2022, relocated 脱贫户 +21.21 %; every relocated household with labour has someone employed.
Counts are exact (scaled and rounded at smaller scales); the income figures are hit by normalising the
generated per-capita incomes of each group, so they come out of the records to within rounding.
"""

import datetime
import io
import json
import math
from decimal import Decimal

from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.utils import timezone

from accounts.roles import CITY_CODE
from villages.models import RelocationSite, Village

from yuncheng.idcard import check_digit, region_code_at

from .models import (
    LABOUR_SKILLS_ABLE,
    AssistanceMeasure,
    Education,
    EliminationMode,
    EliminationStatus,
    Employment,
    EmploymentChannel,
    EmploymentTarget,
    Health,
    Household,
    IdentificationChannel,
    IncomeRecord,
    LabourSkill,
    MeasureType,
    Member,
    MonitoringCategory,
    MonitoringRecord,
    Relation,
    ReviewAction,
    ReviewEvent,
    ReviewStage,
    ReviewStatus,
    SchoolStatus,
    WorkLocation,
)

POVERTY_HOUSEHOLDS = 130_000
POVERTY_PERSONS = 360_000
LABOUR_FORCE = 176_000
MIGRANTS_2023 = 110_000
MIGRANT_TARGET_2023 = 105_900
MONITORED_HOUSEHOLDS = 6_597
MONITORED_PERSONS = 18_821
ELIMINATED = 3_954
PER_CAPITA_2023_Q3 = 11_755.0
GROWTH = 0.1877
RELOCATED_GROWTH = 0.2121
RELOCATED_PER_CAPITA_2023_Q3 = 10_850.0  # relocated 脱贫户 earn a little less than the rest

AGE_DAY = datetime.date(2023, 6, 30)  # labourers are 17–59 on this day, so 16–60 at any 2022/2023 period end
# The report counts identifications to the end of October 2023; the demo places them by the end of
# September, so that the dashboard's 2023 Q3 (the report's income period) shows the report's figures.
LAST_MONTH = datetime.date(2023, 9, 1)

_SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
_GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉兰萍红鹏建国建华志强志明海燕小红小明春梅冬梅晓东晓燕丽娟文静玉梅桂兰凤英秀珍淑珍淑英振华国庆"

_RISK_WEIGHTS = [("illness", 35), ("disability", 15), ("schooling", 8), ("disaster", 4), ("accident", 8),
                 ("industry_failure", 3), ("unstable_work", 12), ("no_labour", 10), ("housing", 2), ("water", 1),
                 ("other", 2)]
_RISK_MEASURE = {"illness": MeasureType.HEALTH, "disability": MeasureType.SOCIAL_SECURITY,
                 "schooling": MeasureType.COMPULSORY_EDUCATION, "housing": MeasureType.HOUSING,
                 "water": MeasureType.WATER, "disaster": MeasureType.LIVING_CONDITIONS,
                 "accident": MeasureType.SOCIAL, "no_labour": MeasureType.SOCIAL_SECURITY}
_DEV_MEASURES = [(MeasureType.EMPLOYMENT, 45), (MeasureType.INDUSTRY, 30), (MeasureType.PUBLIC_POST, 15),
                 (MeasureType.FINANCE, 10)]


def _pick(rng, weighted):
    values, weights = zip(*weighted)
    return rng.choices(values, weights)[0]


def _add_months(day: datetime.date, months: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def _age_on(born: datetime.date, day: datetime.date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def _at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(day.year, day.month, day.day, hour))


def _sizes(rng, n: int, total: int, weights) -> list[int]:
    """``n`` household sizes (1–7) drawn from ``weights`` and nudged to sum to exactly ``total``."""
    sizes = rng.choices(range(1, 8), weights, k=n)
    diff = total - sum(sizes)
    while diff:
        i = rng.randrange(n)
        step = 1 if diff > 0 else -1
        if 1 <= sizes[i] + step <= 7:
            sizes[i] += step
            diff -= step
    return sizes


# ---------------------------------------------------------------- fast inserts
# Half a million rows are too many for model instances and bulk_create (most of the time goes into building
# instances and preparing each value). Rows are plain dicts keyed by column attname; missing columns take the
# field's default. PostgreSQL loads them with COPY, SQLite with executemany.


def _now():
    return timezone.now()


def _columns(model):
    now = _now()
    columns = []
    for field in model._meta.concrete_fields:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            default = now
        else:
            default = field.get_default()  # "" for text columns without a default, None for nullable ones
        columns.append((field.attname, field.column, default))
    return columns


def _pg_text(value) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, (list, dict)):
        value = json.dumps(value, ensure_ascii=False)
    elif isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    value = str(value)
    return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def _sqlite_value(value):
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.timezone.utc).replace(tzinfo=None).isoformat(" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, str):
        return str(value)
    return value


def _insert(model, rows: list[dict]) -> None:
    if not rows:
        return
    columns = _columns(model)
    if model._meta.pk.attname not in rows[0]:  # let the database number them
        columns = [c for c in columns if c[0] != model._meta.pk.attname]
    names = ", ".join(f'"{column}"' for _, column, _ in columns)
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            buffer = io.StringIO()
            for row in rows:
                buffer.write("\t".join(_pg_text(row.get(attname, default)) for attname, _, default in columns))
                buffer.write("\n")
            buffer.seek(0)
            cursor.cursor.copy_expert(f'COPY "{table}" ({names}) FROM STDIN', buffer)
        else:
            marks = ", ".join("?" for _ in columns)
            raw = cursor.connection.cursor()
            raw.executemany(
                f'INSERT INTO "{table}" ({names}) VALUES ({marks})',
                [tuple(_sqlite_value(row.get(attname, default)) for attname, _, default in columns) for row in rows],
            )


class _Ids:
    """Primary keys handed out in Python (the rows reference each other before they are written)."""

    def __init__(self, model):
        self.next = (model.objects.aggregate(m=models.Max("pk"))["m"] or 0) + 1

    def __call__(self) -> int:
        self.next += 1
        return self.next - 1


def _reset_sequences(*models_):
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), list(models_)):
            cursor.execute(sql)


class _People:
    """Makes members with unique valid ID numbers (county code + birth date + a running sequence)."""

    def __init__(self, rng, ids):
        self.rng = rng
        self.ids = ids
        self.sequence: dict = {}

    def id_number(self, county: str, born: datetime.date, male: bool) -> str:
        # The code a resident born that year carries (142732 for 平陆 before 2000), as real registers do.
        region = region_code_at(county, born.year)
        key = (region, born)
        n = self.sequence.get(key, 0)
        self.sequence[key] = n + 1
        first17 = f"{region}{born:%Y%m%d}{2 * n + (1 if male else 0):03d}"
        return first17 + check_digit(first17)

    def name(self, surname: str | None = None) -> str:
        rng = self.rng
        given = rng.choice(_GIVEN) + (rng.choice(_GIVEN) if rng.random() < 0.7 else "")
        return (surname or rng.choice(_SURNAMES)) + given

    def household(self, household: dict, size: int, county: str) -> list[dict]:
        """A plausible family: a head, usually a spouse, children, grandchildren or a parent."""
        rng = self.rng
        surname = rng.choice(_SURNAMES)
        head_age = min(85, max(24, int(rng.triangular(24, 86, 58))))
        rows = [(Relation.HEAD, head_age, rng.random() < 0.82)]
        if size >= 2 and rng.random() < 0.85:
            rows.append((Relation.SPOUSE, max(20, head_age + rng.randint(-6, 4)), not rows[0][2]))
        while len(rows) < size:
            roll = rng.random()
            if roll < 0.62:
                age = head_age - rng.randint(21, 36)
                relation = rng.choice([Relation.SON, Relation.DAUGHTER])
            elif roll < 0.88:
                age = head_age - rng.randint(44, 60)
                relation = Relation.GRANDCHILD
            elif roll < 0.96 and head_age < 66:
                age = head_age + rng.randint(22, 30)
                relation = Relation.PARENT
            else:
                age = rng.randint(5, 70)
                relation = Relation.OTHER
            if age < 0:
                age, relation = rng.randint(0, 15), rng.choice([Relation.SON, Relation.DAUGHTER])
            male = relation == Relation.SON or (relation != Relation.DAUGHTER and rng.random() < 0.5)
            rows.append((relation, min(age, 95), male))
        members = []
        for relation, age, male in rows:
            born = datetime.date(2023 - age, 1, 1) + datetime.timedelta(days=rng.randint(0, 364))
            if born > AGE_DAY:
                born = born.replace(year=born.year - 1)
            age = _age_on(born, AGE_DAY)
            kin = relation in (Relation.HEAD, Relation.SON, Relation.DAUGHTER, Relation.GRANDCHILD)
            members.append({
                "id": self.ids(), "household_id": household["id"], "name": self.name(surname if kin else None),
                "id_number": self.id_number(county, born, male), "sex": "男" if male else "女", "birth_date": born,
                "relation": relation, "education": _education(rng, age), "school_status": _school(age),
                "health": _pick(rng, _HEALTH), "labour_skill": LabourSkill.NONE if age < 16 else LabourSkill.LOST,
                "has_medical_insurance": rng.random() < 0.995, "age": age,
            })
        return members


_HEALTH = [(Health.HEALTHY, 74), (Health.CHRONIC, 16), (Health.SERIOUS, 4), (Health.DISABLED, 6)]


def _education(rng, age):
    if age < 6:
        return Education.PRESCHOOL
    if age < 12:
        return Education.PRIMARY
    if age < 15:
        return Education.JUNIOR
    if age > 60:
        return _pick(rng, [(Education.ILLITERATE, 30), (Education.PRIMARY, 45), (Education.JUNIOR, 25)])
    return _pick(rng, [(Education.PRIMARY, 15), (Education.JUNIOR, 50), (Education.SENIOR, 18),
                       (Education.VOCATIONAL, 9), (Education.COLLEGE, 8)])


def _school(age):
    if 3 <= age < 6:
        return SchoolStatus.PRESCHOOL
    if 6 <= age < 12:
        return SchoolStatus.PRIMARY
    if 12 <= age < 15:
        return SchoolStatus.JUNIOR
    if 15 <= age < 18:
        return SchoolStatus.SENIOR
    return SchoolStatus.NONE


_CENT = Decimal("0.01")


def _income(household_id, year, per_capita, persons, rng, has_labour, quarter=3) -> dict:
    """An income row cumulative to the quarter whose net income is ``per_capita × persons``, split plausibly
    (net and per-capita computed as ``IncomeRecord.compute`` does)."""
    net = Decimal(per_capita * persons).quantize(_CENT)
    property_ = (net * Decimal(rng.uniform(0.01, 0.05))).quantize(_CENT)
    transfer = (net * Decimal(rng.uniform(0.10, 0.25) if has_labour else rng.uniform(0.45, 0.6))).quantize(_CENT)
    business = (net * Decimal(rng.uniform(0.05, 0.25))).quantize(_CENT)
    expense = (business * Decimal(rng.uniform(0.2, 0.5))).quantize(_CENT)
    wage = net - property_ - transfer - (business - expense)
    return {"household_id": household_id, "year": year, "quarter": quarter, "wage_income": wage,
            "business_income": business, "property_income": property_, "transfer_income": transfer,
            "production_expense": expense, "net_income": net, "persons": persons,
            "per_capita_income": (net / persons).quantize(_CENT)}


def _able(member: dict) -> bool:
    return member["labour_skill"] in LABOUR_SKILLS_ABLE


@transaction.atomic
def seed(ctx):
    if Household.objects.exists():
        ctx.log("  监测数据已存在，跳过")
        return
    from accounts.seed import demo_township_code, demo_village_code
    from villages.services import counties_reference

    rng = ctx.rng("monitoring")
    household_ids, member_ids, record_ids = _Ids(Household), _Ids(Member), _Ids(MonitoringRecord)
    people = _People(rng, member_ids)
    n_poverty = ctx.scaled(POVERTY_HOUSEHOLDS)
    n_monitored = ctx.scaled(MONITORED_HOUSEHOLDS)
    n_eliminated = ctx.scaled(ELIMINATED)

    villages = list(Village.objects.order_by("code").values_list("code", "county_id", "is_poverty_village"))
    poverty_counties = {c["code"] for c in counties_reference() if c["is_poverty_county"]}
    village_weights = [(3 if poor else 1) * (2 if county in poverty_counties else 1) for _, county, poor in villages]
    county_of = {code: county for code, county, _ in villages}
    sequence: dict[str, int] = {}

    def new_household(village_code, **fields) -> dict:
        sequence[village_code] = sequence.get(village_code, 0) + 1
        return {"id": household_ids(), "code": f"{village_code}{sequence[village_code]:04d}",
                "village_id": village_code, "is_poverty_alleviated": False, "is_monitored": False,
                "is_relocated": False, **fields}

    # 1. 脱贫户: relocated ones fill the relocation sites (scaled), the rest spread over the villages.
    households: list[dict] = []
    sites = RelocationSite.objects.exclude(village=None).order_by("id").values_list("id", "village_id", "households")
    for site_id, village_code, site_households in sites:
        for _ in range(max(1, round(site_households * ctx.scale))):
            households.append(new_household(village_code, is_poverty_alleviated=True, is_relocated=True,
                                            relocation_site_id=site_id))
    chosen = rng.choices(range(len(villages)), village_weights, k=n_poverty - len(households))
    for index in sorted(chosen):
        households.append(new_household(villages[index][0], is_poverty_alleviated=True))
    sizes = _sizes(rng, len(households), ctx.scaled(POVERTY_PERSONS), [24, 30, 20, 14, 7, 3, 2])

    # 2. the monitored: about half are 脱贫不稳定户 (already 脱贫户), the rest 一般农户 newly identified.
    n_unstable = n_monitored // 2
    unstable = rng.sample(range(len(households)), n_unstable)
    unstable_persons = sum(sizes[i] for i in unstable)
    n_new = n_monitored - n_unstable
    sizes += _sizes(rng, n_new, ctx.scaled(MONITORED_PERSONS) - unstable_persons, [14, 26, 26, 18, 9, 4, 3])
    monitored_idx = list(unstable)
    for index in sorted(rng.choices(range(len(villages)), village_weights, k=n_new)):
        households.append(new_household(villages[index][0], is_monitored=True))
        monitored_idx.append(len(households) - 1)
    for i in unstable:
        households[i]["is_monitored"] = True

    # 3. members; labour capacity for exactly LABOUR_FORCE members of 脱贫户 among those aged 17–59.
    members_of: list[list[dict]] = []
    poverty_pool, other_pool = [], []
    for household, size in zip(households, sizes):
        members = people.household(household, size, county_of[household["village_id"]])
        members_of.append(members)
        household.update(
            size=size, head_name=members[0]["name"], phone=f"13{rng.randint(100000000, 999999999)}",
            helper_name=people.name(), helper_unit=rng.choice(_HELPER_UNITS),
        )
        for member in members:
            if 17 <= member["age"] <= 59:
                (poverty_pool if household["is_poverty_alleviated"] else other_pool).append(member)
    rng.shuffle(poverty_pool)
    poverty_pool.sort(key=lambda m: m["health"] in (Health.SERIOUS, Health.DISABLED))
    labourers = poverty_pool[: ctx.scaled(LABOUR_FORCE)]
    for member in labourers:
        member["labour_skill"] = _pick(rng, _SKILLS)
    for member in other_pool:
        if member["health"] == Health.HEALTHY and rng.random() < 0.8:
            member["labour_skill"] = LabourSkill.ORDINARY
    for household, members in zip(households, members_of):
        able = any(_able(m) for m in members)
        household["is_no_labour"] = not able and rng.random() < 0.7
        dibao_rate = 0.25 if household["is_monitored"] else 0.08
        household["is_dibao"] = household["is_no_labour"] or rng.random() < dibao_rate
        household["is_tekun"] = household["is_no_labour"] and len(members) == 1 and rng.random() < 0.5

    # 4. employment 2023 (and 2022): MIGRANTS_2023 labourers outside the county, others in the county;
    # every relocated household with labour has someone employed in both years.
    employments = []
    migrants = rng.sample(labourers, ctx.scaled(MIGRANTS_2023))
    employed = {m["id"] for m in migrants}
    local = [m for m in labourers if m["id"] not in employed and rng.random() < 0.35]
    employed |= {m["id"] for m in local}
    for household, members in zip(households, members_of):
        if household["is_relocated"]:
            able = [m for m in members if _able(m)]
            if able and not any(m["id"] in employed for m in able):
                local.append(able[0])
                employed.add(able[0]["id"])
    for member in migrants:
        location = _pick(rng, [(WorkLocation.IN_PROVINCE, 55), (WorkLocation.OUT_PROVINCE, 45)])
        channel = _pick(rng, [(EmploymentChannel.SELF, 85), (EmploymentChannel.OTHER, 15)])
        earlier = location if rng.random() < 0.95 else WorkLocation.IN_COUNTY
        employments.append({"member_id": member["id"], "year": 2023, "location": location,
                            "months": rng.randint(6, 12), "channel": channel})
        employments.append({"member_id": member["id"], "year": 2022, "location": earlier,
                            "months": rng.randint(5, 12), "channel": channel})
    for member in local:
        channel = _pick(rng, [(EmploymentChannel.WORKSHOP, 30), (EmploymentChannel.PUBLIC_POST, 30),
                              (EmploymentChannel.SELF, 30), (EmploymentChannel.PV_POST, 10)])
        for year in (2022, 2023):
            employments.append({"member_id": member["id"], "year": year, "location": WorkLocation.IN_COUNTY,
                                "months": rng.randint(3, 12), "channel": channel})

    # 5. identification and elimination of the monitored households (all county-approved, identified
    # 2021-01 … LAST_MONTH; the eliminated ones at least six months after identification, by LAST_MONTH).
    months = [_add_months(datetime.date(2021, 1, 1), k) for k in range((LAST_MONTH.year - 2021) * 12 + LAST_MONTH.month)]
    month_weights = [4 if m.year == 2021 else 3 if m.year == 2022 else 2 for m in months]
    identified = {i: rng.choices(months, month_weights)[0] for i in monitored_idx}
    latest_start = _add_months(LAST_MONTH, -6)
    candidates = [i for i in monitored_idx if identified[i] <= latest_start]
    eliminated = set(sorted(
        candidates, key=lambda i: rng.random() ** (1 / (1 + (LAST_MONTH - identified[i]).days / 365)), reverse=True,
    )[:n_eliminated])
    unstable_set = set(unstable)
    records, risk_links, measures = [], [], []
    for i in monitored_idx:
        household, month = households[i], identified[i]
        category = MonitoringCategory.UNSTABLE if i in unstable_set else _pick(
            rng, [(MonitoringCategory.MARGINAL, 80), (MonitoringCategory.SUDDEN, 20)])
        notice = month + datetime.timedelta(days=rng.randint(2, 12))
        record = {
            "id": record_ids(), "household_id": household["id"], "category": category, "identified_month": month,
            "channel": _pick(rng, _CHANNELS), "notice_start": notice,
            "notice_end": notice + datetime.timedelta(days=rng.randint(4, 7)), "status": ReviewStatus.APPROVED,
            "submitted_at": _at(notice + datetime.timedelta(days=8)),
            "township_reviewed_at": _at(notice + datetime.timedelta(days=10)),
            "approved_at": _at(notice + datetime.timedelta(days=14)),
            "medical_secure": rng.random() < 0.97, "housing_secure": rng.random() < 0.98,
            "village_id": household["village_id"],
        }
        if i in eliminated:
            span = (LAST_MONTH.year - month.year) * 12 + LAST_MONTH.month - month.month
            end = _add_months(month, rng.randint(6, min(span, 24)))
            record.update(
                elimination_status=EliminationStatus.APPROVED, elimination_month=end,
                elimination_mode=_pick(rng, [(EliminationMode.ASSISTED, 82), (EliminationMode.NATURAL, 18)]),
                elimination_notice_start=end + datetime.timedelta(days=2),
                elimination_notice_end=end + datetime.timedelta(days=8),
                elimination_submitted_at=_at(end + datetime.timedelta(days=9)),
                elimination_township_reviewed_at=_at(end + datetime.timedelta(days=12)),
                eliminated_at=_at(end + datetime.timedelta(days=16)),
                elimination_reason="收入稳定高于监测范围，三保障和饮水安全有保障",
            )
        records.append(record)
        risks = {_pick(rng, _RISK_WEIGHTS) for _ in range(_pick(rng, [(1, 60), (2, 30), (3, 10)]))}
        risk_links.append(risks)
        if any(_able(m) for m in members_of[i]):
            measures.append({
                "household_id": household["id"], "measure_type": _pick(rng, _DEV_MEASURES), "content": "按户施策",
                "start_date": month + datetime.timedelta(days=rng.randint(5, 27)),
                "amount": Decimal(rng.randrange(500, 6000, 100)), "responsible_person": household["helper_name"]})
        for risk in sorted(risks):
            if risk in _RISK_MEASURE and rng.random() < 0.8:
                measures.append({
                    "household_id": household["id"], "measure_type": _RISK_MEASURE[risk],
                    "content": "针对风险落实保障", "start_date": month + datetime.timedelta(days=rng.randint(5, 40)),
                    "amount": Decimal(rng.randrange(200, 3000, 100)), "responsible_person": household["helper_name"]})

    # 6. income of Q3 2022 and Q3 2023. Each household draws a per-capita level (low for households at
    # risk, above the line for the rest); each group's levels are then scaled so that the persons-weighted
    # means give the report's figures.
    at_risk = set(monitored_idx) - eliminated
    factors = []
    for i in range(len(households)):
        if i in at_risk:
            base = rng.uniform(0.35, 0.55)
        elif i in eliminated:
            base = rng.uniform(0.65, 0.95)
        else:
            base = max(0.62, math.exp(rng.gauss(0, 0.3)))
        factors.append((base, base * rng.uniform(0.9, 1.12)))
    relocated = [i for i, h in enumerate(households) if h["is_relocated"]]
    rest = [i for i, h in enumerate(households) if h["is_poverty_alleviated"] and not h["is_relocated"]]
    others = [i for i, h in enumerate(households) if not h["is_poverty_alleviated"]]
    persons_r = sum(sizes[i] for i in relocated)
    persons_n = sum(sizes[i] for i in rest)
    mean = {2023: PER_CAPITA_2023_Q3, 2022: PER_CAPITA_2023_Q3 / (1 + GROWTH)}
    reloc_mean = {2023: RELOCATED_PER_CAPITA_2023_Q3, 2022: RELOCATED_PER_CAPITA_2023_Q3 / (1 + RELOCATED_GROWTH)}
    incomes = []
    for y, year in enumerate((2022, 2023)):
        rest_mean = (mean[year] * (persons_r + persons_n) - reloc_mean[year] * persons_r) / persons_n
        for group, target in ((relocated, reloc_mean[year]), (rest, rest_mean), (others, rest_mean)):
            if not group:
                continue
            weight = sum(factors[i][y] * sizes[i] for i in group) / sum(sizes[i] for i in group)
            for i in group:
                incomes.append(_income(households[i]["id"], year, target * factors[i][y] / weight, sizes[i], rng,
                                       any(_able(m) for m in members_of[i])))

    # 7. records waiting for review in 平陆县 (the demo township and village), so the worklist has work.
    demo_village, township = demo_village_code(), demo_township_code()
    township_villages = [code for code, _, _ in villages if code.startswith(township)]
    pending = [(ReviewStatus.SUBMITTED, demo_village), (ReviewStatus.SUBMITTED, township_villages[-1]),
               (ReviewStatus.SUBMITTED, demo_village), (ReviewStatus.TOWNSHIP_APPROVED, township_villages[-1]),
               (ReviewStatus.TOWNSHIP_APPROVED, demo_village), (ReviewStatus.REJECTED, demo_village)]
    for k, (status, village_code) in enumerate(pending):
        household = new_household(village_code, phone=f"139{rng.randint(10000000, 99999999)}")
        members = people.household(household, 3, county_of[village_code])
        members[0]["labour_skill"] = LabourSkill.ORDINARY if members[0]["age"] < 60 else LabourSkill.LOST
        household.update(size=len(members), head_name=members[0]["name"], helper_name=people.name(),
                         helper_unit=_HELPER_UNITS[0])
        households.append(household)
        members_of.append(members)
        incomes.append(_income(household["id"], 2023, 4_200 + 300 * k, 3, rng, True))
        record = {
            "id": record_ids(), "household_id": household["id"], "category": MonitoringCategory.MARGINAL,
            "identified_month": datetime.date(2023, 11, 1), "channel": IdentificationChannel.CADRE,
            "notice_start": datetime.date(2023, 11, 6), "notice_end": datetime.date(2023, 11, 12), "status": status,
            "submitted_at": _at(datetime.date(2023, 11, 13)), "situation": "家庭成员突发重病，医疗支出大，收入骤降",
            "village_id": village_code,
        }
        if status == ReviewStatus.TOWNSHIP_APPROVED:
            record["township_reviewed_at"] = _at(datetime.date(2023, 11, 15))
        if status == ReviewStatus.REJECTED:
            record["rejection_reason"] = "公示材料不全，请补充村民代表评议记录后重新提交"
        records.append(record)
        risk_links.append({"illness"})
    # two elimination requests of 平陆县 households still at risk and identified recently: one waits for the
    # township, one for the county (which sees the warnings, e.g. "under six months").
    pinglu_at_risk = sorted(
        (r for r in records if r["status"] == ReviewStatus.APPROVED and "elimination_status" not in r
         and r["village_id"].startswith("140829")),
        key=lambda r: (r["identified_month"], r["id"]), reverse=True)
    for record, status in zip(pinglu_at_risk[:2], [EliminationStatus.SUBMITTED, EliminationStatus.TOWNSHIP_APPROVED]):
        record.update(
            elimination_status=status, elimination_mode=EliminationMode.ASSISTED, elimination_month=LAST_MONTH,
            elimination_notice_start=datetime.date(2023, 10, 9), elimination_notice_end=datetime.date(2023, 10, 15),
            elimination_submitted_at=_at(datetime.date(2023, 10, 16)),
            elimination_reason="落实帮扶措施后收入稳定，三保障和饮水安全有保障",
        )
        if status == EliminationStatus.TOWNSHIP_APPROVED:
            record["elimination_township_reviewed_at"] = _at(datetime.date(2023, 10, 18))

    with ctx.timed("写入农户、成员"):
        _insert(Household, households)
        _insert(Member, [m for members in members_of for m in members])
    with ctx.timed("写入务工、收入、监测记录、措施"):
        _insert(Employment, employments)
        _insert(IncomeRecord, incomes)
        _insert(MonitoringRecord, records)
        _insert(MonitoringRecord.risk_types.through, [
            {"monitoringrecord_id": r["id"], "risktype_id": code}
            for r, risks in zip(records, risk_links) for code in sorted(risks)])
        _insert(AssistanceMeasure, measures)
        _insert(ReviewEvent, [event for record in records for event in _trail(record)])
        written = [Household, Member, Employment, IncomeRecord, MonitoringRecord, AssistanceMeasure, ReviewEvent,
                   MonitoringRecord.risk_types.through]
        _reset_sequences(*written)
        if connection.vendor == "postgresql":  # fresh statistics, so the planner uses the indexes at once
            with connection.cursor() as cursor:
                for model in written:
                    cursor.execute(f'ANALYZE "{model._meta.db_table}"')
    from .services import elimination_warnings

    for record in MonitoringRecord.objects.filter(
        elimination_status__in=[EliminationStatus.SUBMITTED, EliminationStatus.TOWNSHIP_APPROVED]
    ).select_related("household"):
        record.elimination_warnings = elimination_warnings(record=record, month=record.elimination_month)
        record.save(update_fields=["elimination_warnings"])

    # 8. migrant-work targets: the city's, and each county's in proportion to its migrants.
    target_city = ctx.scaled(MIGRANT_TARGET_2023)
    EmploymentTarget.objects.update_or_create(area_code=CITY_CODE, year=2023, defaults={"migrant_target": target_city})
    village_of = {h["id"]: h["village_id"] for h in households}
    by_county: dict[str, int] = {}
    for member in migrants:
        county = county_of[village_of[member["household_id"]]]
        by_county[county] = by_county.get(county, 0) + 1
    for county, count in sorted(by_county.items()):
        EmploymentTarget.objects.update_or_create(
            area_code=county, year=2023,
            defaults={"migrant_target": max(1, round(count * target_city / len(migrants)))})

    ctx.log(
        f"  脱贫户 {n_poverty:,}（{sum(sizes[:n_poverty]):,} 人），劳动力 {len(labourers):,}，"
        f"县外务工 {len(migrants):,}；监测户 {n_monitored:,}（{sum(sizes[i] for i in monitored_idx):,} 人），"
        f"风险消除 {len(eliminated):,}；收入记录 {len(incomes):,}"
    )


_HELPER_UNITS = ["县乡村振兴局", "县人社局", "县农业农村局", "乡镇人民政府", "县卫健局", "县教育局", "县民政局", "县住建局"]
_SKILLS = [(LabourSkill.ORDINARY, 70), (LabourSkill.SKILLED, 20), (LabourSkill.WEAK, 10)]
_CHANNELS = [(IdentificationChannel.SELF_APPLY, 20), (IdentificationChannel.CADRE, 55),
             (IdentificationChannel.DEPARTMENT, 22), (IdentificationChannel.PUBLIC_OPINION, 3)]


def _trail(record: dict) -> list[dict]:
    """The review events the record's fields imply (the timeline of the household page)."""
    steps = [
        (ReviewStage.IDENTIFICATION, ReviewAction.SUBMIT, "submitted_at"),
        (ReviewStage.IDENTIFICATION, ReviewAction.TOWNSHIP_APPROVE, "township_reviewed_at"),
        (ReviewStage.IDENTIFICATION, ReviewAction.COUNTY_APPROVE, "approved_at"),
        (ReviewStage.ELIMINATION, ReviewAction.SUBMIT, "elimination_submitted_at"),
        (ReviewStage.ELIMINATION, ReviewAction.TOWNSHIP_APPROVE, "elimination_township_reviewed_at"),
        (ReviewStage.ELIMINATION, ReviewAction.COUNTY_APPROVE, "eliminated_at"),
    ]
    events = [{"record_id": record["id"], "stage": stage, "action": action, "at": record[key]}
              for stage, action, key in steps if record.get(key)]
    if record["status"] == ReviewStatus.REJECTED:
        events.append({"record_id": record["id"], "stage": ReviewStage.IDENTIFICATION, "action": ReviewAction.REJECT,
                       "at": _at(datetime.date(2023, 11, 15)), "comment": record["rejection_reason"]})
    return events
