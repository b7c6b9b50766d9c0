"""Data in the import layout: the export that the importer reads back without loss.

Each function answers {sheet name: rows} in the column order of the importer's SheetDef, for the records
of an area inside the user's scope. ID numbers are written in full (the file is for re-import), so only
roles that may see full numbers get it.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from accounts.roles import may_see_full_id
from accounts.scoping import in_area, scope
from yuncheng.personal_numbers import full_id_shown

CHUNK = 5000
YES, NO = "是", "否"


def _yn(value):
    return YES if value else NO


def _month(value):
    return f"{value:%Y-%m}" if value else None


def _check(user, *, key: str, prefix: str):
    """Only roles that see full numbers export them; the export is logged like a page that shows them."""
    if not may_see_full_id(user):
        raise PermissionDenied("您的角色不能导出含完整身份证号的数据")
    full_id_shown(user=user, path=f"export:data_{key}?area={prefix}", where=f"export data_{key}")


def household_data(*, user, prefix: str) -> dict:
    """Rows are dicts keyed by the importer's column keys (``reports.imports.households``'s SheetDefs): the
    sheet's one layout orders them. Every year of employment is written: the latest in 家庭成员 (with its
    务工年度), the others in 务工就业."""
    from monitoring.models import (
        AssistanceMeasure,
        Education,
        EliminationMode,
        EliminationStatus,
        Employment,
        EmploymentChannel,
        Health,
        Household,
        IdentificationChannel,
        IncomeRecord,
        LabourSkill,
        Member,
        MeasureType,
        MonitoringCategory,
        MonitoringRecord,
        Relation,
        SchoolStatus,
        WorkLocation,
    )

    _check(user, key="households", prefix=prefix)
    households = in_area(scope(Household.objects.all(), user), "village__code", prefix)
    labels = {
        "category": dict(MonitoringCategory.choices), "channel": dict(IdentificationChannel.choices),
        "mode": dict(EliminationMode.choices), "relation": dict(Relation.choices), "education": dict(Education.choices),
        "school": dict(SchoolStatus.choices), "health": dict(Health.choices), "labour": dict(LabourSkill.choices),
        "location": dict(WorkLocation.choices), "job": dict(EmploymentChannel.choices),
        "measure": dict(MeasureType.choices),
    }

    def household_rows():
        records = {}
        for record in (MonitoringRecord.objects.filter(household__in=households)
                       .order_by("household_id", "identified_month", "id").prefetch_related("risk_types")):
            records[record.household_id] = record
        heads = dict(Member.objects.filter(household__in=households, relation=Relation.HEAD)
                     .values_list("household_id", "id_number"))
        for h in households.select_related("relocation_site").order_by("village_id", "code").iterator(chunk_size=CHUNK):
            r = records.get(h.pk)
            kind = ("脱贫户、监测户" if h.is_poverty_alleviated else "监测户") if r else (
                "脱贫户" if h.is_poverty_alleviated else "一般农户")
            row = dict(code=h.code, village=h.village_id, head_name=h.head_name, head_id=heads.get(h.pk, ""),
                       phone=h.phone, household_type=kind, is_relocated=_yn(h.is_relocated),
                       site=h.relocation_site.name if h.relocation_site else None, is_dibao=_yn(h.is_dibao),
                       is_tekun=_yn(h.is_tekun), is_no_labour=_yn(h.is_no_labour))
            if r is not None:
                eliminated = r.elimination_status == EliminationStatus.APPROVED
                row.update(
                    category=labels["category"].get(r.category), channel=labels["channel"].get(r.channel),
                    identified_month=_month(r.identified_month),
                    risk_types="、".join(t.name for t in sorted(r.risk_types.all(), key=lambda t: t.sort_order)),
                    eliminated=_yn(eliminated), elimination_mode=labels["mode"].get(r.elimination_mode) if eliminated
                    else None, elimination_month=_month(r.elimination_month) if eliminated else None,
                )
            yield row

    jobs = Employment.objects.filter(member__household__in=households)

    def latest_jobs() -> dict:
        latest = {}
        for mid, year, location, months, channel in jobs.order_by("member_id", "year").values_list(
                "member_id", "year", "location", "months", "channel").iterator(chunk_size=CHUNK):
            latest[mid] = dict(employment_year=year, location=labels["location"][location], months=months,
                               channel=labels["job"][channel])
        return latest

    def member_rows():
        latest = latest_jobs()
        rows = (Member.objects.filter(household__in=households).order_by("household__village_id", "household__code", "id")
                .values_list("id", "household__code", "name", "id_number", "relation", "education", "school_status",
                             "health", "labour_skill", "has_medical_insurance"))
        for mid, code, name, number, relation, education, school, health, labour, insured in rows.iterator(
                chunk_size=CHUNK):
            yield dict(household=code, name=name, id_number=number, relation=labels["relation"][relation],
                       education=labels["education"][education], school_status=labels["school"][school],
                       health=labels["health"][health], labour_skill=labels["labour"][labour],
                       insured=_yn(insured), **latest.get(mid, {}))

    def employment_rows():
        latest = {mid: job["employment_year"] for mid, job in latest_jobs().items()}
        rows = (jobs.order_by("member__household__village_id", "member__household__code", "member_id", "year")
                .values_list("member_id", "member__id_number", "year", "location", "months", "channel"))
        for mid, number, year, location, months, channel in rows.iterator(chunk_size=CHUNK):
            if latest.get(mid) != year:
                yield dict(id_number=number, year=year, location=labels["location"][location], months=months,
                           channel=labels["job"][channel])

    def income_rows():
        rows = (IncomeRecord.objects.filter(household__in=households)
                .order_by("household__code", "year", "quarter")
                .values("household__code", "year", "quarter", "wage_income", "business_income",
                        "property_income", "transfer_income", "production_expense"))
        for row in rows.iterator(chunk_size=CHUNK):
            row["household"] = row.pop("household__code")
            yield row

    def measure_rows():
        rows = (AssistanceMeasure.objects.filter(household__in=households)
                .order_by("household__code", "start_date", "id")
                .values_list("household__code", "measure_type", "content", "start_date", "amount"))
        for code, kind, content, start, amount in rows.iterator(chunk_size=CHUNK):
            yield dict(household=code, measure_type=labels["measure"][kind], content=content, start_date=start,
                       amount=amount)

    return {"户信息": household_rows(), "家庭成员": member_rows(), "务工就业": employment_rows(), "收入": income_rows(),
            "帮扶措施": measure_rows()}


def issue_data(*, user, prefix: str) -> dict:
    from rectification.models import Issue, IssueSource, IssueStatus

    sources, statuses = dict(IssueSource.choices), dict(IssueStatus.choices)
    rows = (in_area(scope(Issue.objects.all(), user), "area_code", prefix).order_by("number")
            .values_list("number", "source", "aspect__name", "category__name", "county_id", "village_id",
                         "description", "responsible_unit__name", "responsible_person", "found_date", "deadline",
                         "status", "measures", "completed_date", "closed_date"))

    def issue_rows():
        for (number, source, aspect, category, county, village, description, unit, person, found, deadline, status,
             measures, completed, closed) in rows.iterator(chunk_size=CHUNK):
            yield (number, sources[source], aspect, category, county, village, description, unit, person, found,
                   deadline, statuses[status], measures, completed, closed)

    return {"问题": issue_rows()}


def team_data(*, user, prefix: str) -> dict:
    from resident_teams.models import STATION_TYPE_FIELDS, DispatchLevel, MemberRole, StationType, TeamMember, WorkTeam

    _check(user, key="teams", prefix=prefix)
    teams = in_area(scope(WorkTeam.objects.all(), user), "station_code", prefix)
    levels, roles = dict(DispatchLevel.choices), dict(MemberRole.choices)

    def team_rows():
        for team in teams.select_related("relocation_site").order_by("code"):
            types = "、".join(StationType(kind).label for kind, f in STATION_TYPE_FIELDS.items() if getattr(team, f))
            station = team.village_id or team.township_id or (team.relocation_site.name if team.relocation_site else "")
            yield (team.code, types, station, team.dispatch_unit, levels[team.dispatch_level], team.arrived_on,
                   team.departed_on)

    def member_rows():
        rows = (TeamMember.objects.filter(team__in=teams).order_by("team__code", "id")
                .values_list("team__code", "name", "id_number", "role", "unit", "phone", "joined_on", "left_on"))
        for code, name, number, role, unit, phone, joined, left in rows:
            yield code, name, number, roles[role], unit, phone, joined, left

    return {"工作队": team_rows(), "队员": member_rows()}


def data_rows(key: str, *, user, prefix: str) -> int:
    """The size of a data export (its main records), to decide on a background job."""
    from monitoring.models import Member
    from rectification.models import Issue
    from resident_teams.models import TeamMember

    if key == "households":
        return in_area(scope(Member.objects.all(), user), "household__village__code", prefix).count()
    if key == "issues":
        return in_area(scope(Issue.objects.all(), user), "area_code", prefix).count()
    return in_area(scope(TeamMember.objects.all(), user), "team__station_code", prefix).count()


DATA_EXPORTS = {"households": household_data, "issues": issue_data, "teams": team_data}
