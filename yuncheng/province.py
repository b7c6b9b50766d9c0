"""A simulated province on one server: the 运城 demo repeated as Shanxi's other cities (``seed_demo --province``).

Every row of the city's area-bound tables is copied once per city with the city's codes, on PostgreSQL,
by ``COPY (SELECT <rewritten columns> …) TO STDOUT`` into memory and ``COPY … FROM STDIN`` back — no row
passes through Python objects, which is what makes ~1.3 million households fit in minutes on two cores.
What each copy rewrites, column by column (from the models' own fields, so a new field is copied too):

- area codes (the geography's primary keys, the foreign keys to them, ``code`` / ``area_code`` /
  ``station_code``): the leading ``1408`` becomes the city's ``14XX`` — so scoping by prefix holds for
  every copied record, and 运城's users never see another city's rows;
- integer ids and the foreign keys between copied tables: ``id + city × 10⁸`` (the city's copies never
  meet 运城's ids; the sequences are moved past them at the end);
- 18-digit ID numbers: the region code becomes the copy's county — ``1408ab…`` → ``14XXab…`` (born from
  2000), and ``1427…`` (运城地区, born before 2000) → ``14XX`` + the last two digits of the 运城 county that
  carries that code on (``predecessor_counties``: 平陆 142732 → 140829 → 太原's copy 140129) — with the
  GB 11643 check digit recomputed. Unique across the province by construction: a copy's code is the city's
  own, and two 运城 codes that land on one county code (142732 and 140829) were carried in disjoint birth
  years. The copies' counties are simulated (运城's counties under the city's code), so a copy's region code
  is a GB/T 2260 code only where the city really has a county of that number — the data-quality ID check
  flags the others, as it should flag any number whose region code did not exist at the birth date;
- names and numbers that are unique across the platform (county and unit names, 问题编号, 督办函 文号):
  the city's name or abbreviation in place of 运城's;
- foreign keys to users: NULL where the column allows it (the copies belong to no 运城 account), kept
  otherwise.

- history (django-simple-history): each copied model's history rows of 运城's records are copied with the
  same rewrites (history ids moved like the ids, the recording user NULL), so a copy's history is its
  original's.

Not copied: the history of many-to-many links, 模拟国考 rounds and samples, frozen submissions, jobs,
evidence files; the village summaries are rebuilt afterwards by the dashboard seed over the province.

The copies are loaded with ``session_replication_role = replica`` (foreign-key triggers off): they are
copies of rows whose references were checked when 运城's were written, and the id and code rewrites map
each reference onto the copied row it pointed at.
"""

import io
import time
from dataclasses import dataclass

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import connection, models, transaction

from villages.models import CITY_CODE, SHANXI_CITIES

PROVINCE_AFTER = "dashboard"  # the copy runs before this seed, which ANALYZEs and builds the summaries of all
HOME = CITY_CODE[:4]  # "1408"
ID_STEP = 100_000_000  # per city; 运城's ids stay far below it

# (app_label.Model, or app_label.Model.m2m_field for an auto-created through table), in load order.
COPIED = [
    "villages.County", "villages.Township", "villages.Village", "villages.RelocationSite",
    "villages.VillageCollectiveEconomy",
    "monitoring.EmploymentTarget", "monitoring.Household", "monitoring.Member", "monitoring.Employment",
    "monitoring.IncomeRecord", "monitoring.AssistanceMeasure", "monitoring.MonitoringRecord",
    "monitoring.MonitoringRecord.risk_types", "monitoring.ReviewEvent",
    "assistance.Workshop", "assistance.WorkshopEmployee", "assistance.PVStation", "assistance.PVIncome",
    "assistance.PVEmployee", "assistance.AssistanceProject", "assistance.ConsumptionSale",
    "resident_teams.WorkTeam", "resident_teams.TeamMember", "resident_teams.AttendanceWeek",
    "resident_teams.Visit", "resident_teams.TrainingSession", "resident_teams.Inspection",
    "resident_teams.Evaluation",
    "rectification.ResponsibleUnit", "rectification.Issue", "rectification.Issue.related",
    "rectification.IssueTransition", "rectification.SupervisionLetter", "rectification.SupervisionLetter.issues",
    "rectification.HandOver", "rectification.HandOverItem",
    "screening.DepartmentEvent", "screening.ScreeningWarning",
]
CODE_FIELDS = {"code", "area_code", "station_code"}
ID_FIELDS = {"id_number"}
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)

# Abbreviations: the 问题编号 prefix (YC- for 运城) and the first character of a 督办函 文号 (运).
CITY_ABBREVIATIONS = {
    "140100": ("TY", "并"), "140200": ("DT", "同"), "140300": ("YQ", "阳"), "140400": ("CZ", "长"),
    "140500": ("JC", "泽"), "140600": ("SZ", "朔"), "140700": ("JZ", "榆"), "140800": ("YC", "运"),
    "140900": ("XZ", "忻"), "141000": ("LF", "临"), "141100": ("LL", "吕"),
}


@dataclass(frozen=True)
class City:
    code: str  # 140100

    @property
    def digits(self) -> str:  # "01"
        return self.code[2:4]

    @property
    def index(self) -> int:
        return int(self.digits)

    @property
    def name(self) -> str:
        return SHANXI_CITIES[self.code]

    @property
    def short(self) -> str:  # 太原
        return self.name.removesuffix("市")


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _code_sql(column: str, city: City) -> str:
    return f"CASE WHEN left({column}, 4) = '{HOME}' THEN '14{city.digits}' || substr({column}, 5) ELSE {column} END"


def predecessor_counties() -> dict[str, str]:
    """{运城地区 region code (1427xx): the 运城 county (1408xx) whose people born before 2000 carry it}: the
    inverse of ``yuncheng.idcard.region_code_at`` over 运城's counties and the years before 2000 (盐湖区 carried
    142721 运城县 and then 142701 运城市). A code that more than one county carried is left out (such a
    number is moved to the city's own code)."""
    from accounts.scoping import area_filter
    from villages.models import County

    from .idcard import region_code_at

    found: dict[str, set[str]] = {}
    for code in County.objects.filter(**area_filter("code", CITY_CODE)).values_list("code", flat=True):
        for year in range(1900, 2000):
            found.setdefault(region_code_at(code, year), set()).add(code)
    return {old: next(iter(new)) for old, new in found.items() if old.startswith("1427") and len(new) == 1}


def _id_number_sql(column: str, city: City, predecessors: dict[str, str]) -> str:
    """The ID number moved to the city (see the module docstring), check digit recomputed: the region code
    becomes the copy's county (14XX + the county's last two digits) — from 1408ab directly, from a 运城地区
    code (1427xx, born before 2000) through the county that carries it on (``predecessors``)."""
    suffix = f"CASE WHEN left({column}, 4) = '{HOME}' THEN substr({column}, 5, 2)"
    suffix_weight = f"CASE WHEN left({column}, 4) = '{HOME}' THEN substr({column}, 5, 1)::int * 8 + substr({column}, 6, 1)::int * 4"
    for old, county in sorted(predecessors.items()):
        suffix += f" WHEN left({column}, 6) = '{old}' THEN '{county[4:]}'"
        suffix_weight += f" WHEN left({column}, 6) = '{old}' THEN {int(county[4]) * 8 + int(county[5]) * 4}"
    suffix += " ELSE '00' END"
    suffix_weight += " ELSE 0 END"
    fixed = sum(int(d) * w for d, w in zip("14" + city.digits, _ID_WEIGHTS[:4]))
    rest = " + ".join(f"substr({column}, {i + 1}, 1)::int * {_ID_WEIGHTS[i]}" for i in range(6, 17))
    check = f"substr('10X98765432', ({fixed} + ({suffix_weight}) + {rest}) % 11 + 1, 1)"
    moved = f"'14{city.digits}' || ({suffix}) || substr({column}, 7, 11) || {check}"
    return (f"CASE WHEN length({column}) = 18 AND left({column}, 4) IN ('{HOME}', '1427') "
            f"AND substr({column}, 5, 13) ~ '^[0-9]+$' THEN {moved} ELSE {column} END")


def _models():
    result = []
    for name in COPIED:
        app_label, model_name, *m2m = name.split(".")
        model = apps.get_model(app_label, model_name)
        if m2m:
            model = model._meta.get_field(m2m[0]).remote_field.through
        result.append(model)
    return result


def _copied_labels(models_: list) -> set:
    return {m._meta.label for m in models_}


def _history_models(models_: list) -> list:
    """The history tables (django-simple-history) of the copied models that have one."""
    result = []
    for model in models_:
        attribute = getattr(model._meta, "simple_history_manager_attribute", None)
        if attribute:
            result.append(getattr(model, attribute).model)
    return result


def _original(model):
    """The model a history table records (its ``instance_type``), or the model itself."""
    return getattr(model, "instance_type", model)


def _override(model, field, column: str, city: City) -> str | None:
    """Columns unique across the platform that a prefix rewrite does not make unique."""
    label = f"{_original(model)._meta.label}.{field.name}"
    abbr, char = CITY_ABBREVIATIONS[city.code]
    if label == "villages.County.name":
        return f"{_literal(city.short)} || {column}"
    if label == "rectification.ResponsibleUnit.name":
        # 市乡村振兴局 → 太原市乡村振兴局; a county's unit carries its (renamed) county's name.
        return f"{_literal(city.short)} || {column}"
    if label == "rectification.Issue.number":
        return f"CASE WHEN left({column}, 2) = 'YC' THEN '{abbr}' || substr({column}, 3) ELSE '{abbr}-' || {column} END"
    if label == "rectification.SupervisionLetter.number":
        return f"CASE WHEN left({column}, 1) = '运' THEN '{char}' || substr({column}, 2) ELSE '{char}' || {column} END"
    if label == "resident_teams.WorkTeam.code":
        return f"regexp_replace({column}, '^([A-Z]*){HOME}', '\\1' || '14{city.digits}')"
    return None


def _column_sql(model, field, city: City, copied: set, predecessors: dict[str, str]) -> str:
    column = connection.ops.quote_name(field.column)
    override = _override(model, field, column, city)
    if override is not None:
        return override
    offset = f"{column} + {city.index * ID_STEP}"
    if field.is_relation:
        target = field.related_model
        if target is get_user_model():
            return "NULL" if field.null else column
        if target._meta.label not in copied:
            return column
        if isinstance(target._meta.pk, models.CharField):
            return _code_sql(column, city)
        return offset
    # A history row's copy of the recorded row's key moves like the key itself.
    if field.primary_key or (_original(model) is not model and field.name == _original(model)._meta.pk.name):
        return _code_sql(column, city) if isinstance(field, models.CharField) else offset
    if isinstance(field, models.CharField) and field.name in CODE_FIELDS:
        return _code_sql(column, city)
    if isinstance(field, models.CharField) and field.name in ID_FIELDS:
        return _id_number_sql(column, city, predecessors)
    return column


def copy_table(cursor, model, city: City, copied: set, predecessors: dict[str, str]) -> int:
    """Copy every 运城 row of the model's table as the city's, through COPY out and COPY in."""
    fields = model._meta.concrete_fields
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    select = ", ".join(_column_sql(model, f, city, copied, predecessors) for f in fields)
    where = _home_rows(model)
    buffer = io.BytesIO()
    cursor.copy_expert(f"COPY (SELECT {select} FROM {table} WHERE {where}) TO STDOUT", buffer)
    size = buffer.tell()
    buffer.seek(0)
    cursor.copy_expert(f"COPY {table} ({columns}) FROM STDIN", buffer)
    return cursor.rowcount if cursor.rowcount is not None and cursor.rowcount >= 0 else size


def _home_rows(model) -> str:
    """Only 运城's own rows are copied (ids below the first city's step; codes of 1408) — for a history
    table, the history of 运城's own rows."""
    pk = model._meta.pk
    if _original(model) is not model:
        key = model._meta.get_field(_original(model)._meta.pk.name)
        return f"{connection.ops.quote_name(pk.column)} < {ID_STEP} AND " + _home_rows_by(key)
    return _home_rows_by(pk)


def _home_rows_by(key) -> str:
    if isinstance(key, models.CharField):
        return f"left({connection.ops.quote_name(key.column)}, 4) = '{HOME}'"
    return f"{connection.ops.quote_name(key.column)} < {ID_STEP}"


def _reset_sequences(cursor, models_: list) -> None:
    for model in models_:
        pk = model._meta.pk
        if isinstance(pk, models.CharField):
            continue
        table = model._meta.db_table
        column, quoted_table = connection.ops.quote_name(pk.column), connection.ops.quote_name(table)
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence(%s, %s), COALESCE((SELECT max({column}) FROM {quoted_table}), 1))",
            [table, pk.column],
        )


def province_copy(*, city_codes: list[str], log=print) -> dict[str, int]:
    """Copy 运城's demo as each of ``city_codes`` (e.g. ["140100", "140200"]). Cities already present
    are skipped, so that a second run changes nothing. Returns {city code: rows written}."""
    from villages.models import County

    if connection.vendor != "postgresql":
        raise RuntimeError("模拟全省数据需要 PostgreSQL（COPY）")
    models_ = _models()
    copied = _copied_labels(models_)
    histories = _history_models(models_)
    predecessors = predecessor_counties()
    written: dict[str, int] = {}
    for code in city_codes:
        if code == CITY_CODE:
            continue
        city = City(code)
        if County.objects.filter(code__gte=code[:4], code__lt=str(int(code[:4]) + 1)).exists():
            log(f"  {city.name}：已存在，跳过")
            continue
        start = time.perf_counter()
        rows = 0
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = replica")
            for model in [*models_, *histories]:
                rows += copy_table(cursor.cursor, model, city, copied, predecessors)
        written[code] = rows
        log(f"  {city.name}（{code}）：{rows:,} 行，{time.perf_counter() - start:.1f} s")
    with connection.cursor() as cursor:
        _reset_sequences(cursor, [*models_, *histories])
    return written


def province_logins(ctx, *, city_codes: list[str]) -> None:
    """Demo logins above and beside 运城: a province viewer (领导查看 of 140000: read-only, every city) and
    each copied city's administrator (e.g. taiyuan_admin), whose scope is their city only."""
    from accounts.roles import Role
    from accounts.services import user_create
    from villages.models import PROVINCE_CODE, PROVINCE_NAME

    from .seeding import DEMO_PASSWORD

    user_create(username="province_leader", password=DEMO_PASSWORD, role=Role.LEADER, area_code=PROVINCE_CODE,
                full_name="省乡村振兴局（查看）")
    ctx.logins.append(("province_leader", Role.LEADER.label, PROVINCE_NAME))
    for code in city_codes:
        if code == CITY_CODE:
            continue
        username = f"city{code[2:4]}_admin"
        user_create(username=username, password=DEMO_PASSWORD, role=Role.CITY_ADMIN, area_code=code,
                    full_name=f"{SHANXI_CITIES[code]}乡村振兴局管理员")
        ctx.logins.append((username, Role.CITY_ADMIN.label, SHANXI_CITIES[code]))
