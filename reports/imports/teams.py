"""驻村工作队 workbook: teams (工作队, keyed by 工作队编号) and members (队员, keyed by 工作队编号 + 身份证号).

The station comes from 派驻地代码: a 12-digit village code, a 9-digit township code, or the name of a
relocation site; ``resident_teams.services.team_fill_station`` derives the station code and county. A
team's name is not in the contract: a new team is named after its station. The importer only reads and
plans (a ``TeamImportPlan``, with each row's error named); writing is ``resident_teams.services.teams_import``,
which checks the whole plan again — scope, accounts, the models' rules — and writes it with history.
"""

from __future__ import annotations

from functools import partial

from accounts.scoping import code_in_area
from resident_teams.models import STATION_TYPE_FIELDS, DispatchLevel, MemberRole, StationType, TeamMember, WorkTeam
from resident_teams.services import TeamImportPlan, team_fill_station, teams_import
from villages.models import RelocationSite, Township, Village

from ..reading import parse_choice, parse_date, parse_multi
from .base import Col, Importer, SheetDef, fetch, parse_id, parse_phone, text_of


def _labels(choices):
    return tuple(label for _, label in choices)


TEAM_SHEET = SheetDef("工作队", (
    Col("工作队编号", "code", text_of(20), required=True, help="全市唯一"),
    Col("派驻类型", "types", partial(parse_multi, choices=StationType.choices), required=True,
        choices=_labels(StationType.choices), help="可多选，用“、”分隔：" + "、".join(_labels(StationType.choices))),
    Col("派驻地代码", "station", text_of(100), required=True, help="12 位行政村代码、9 位乡镇代码，或安置点名称"),
    Col("派出单位", "dispatch_unit", text_of(100), required=True),
    Col("派出层级", "dispatch_level", partial(parse_choice, choices=DispatchLevel.choices), required=True,
        choices=_labels(DispatchLevel.choices)),
    Col("进驻日期", "arrived_on", parse_date, required=True, kind="date"),
    Col("撤离日期", "departed_on", parse_date, kind="date"),
), help="每个工作队一行")

MEMBER_SHEET = SheetDef("队员", (
    Col("工作队编号", "team", text_of(20), required=True),
    Col("姓名", "name", text_of(50), required=True),
    Col("身份证号", "id_number", parse_id, required=True),
    Col("职务", "role", partial(parse_choice, choices=MemberRole.choices), required=True,
        choices=_labels(MemberRole.choices)),
    Col("工作单位", "unit", text_of(100), required=True),
    Col("联系电话", "phone", parse_phone),
    Col("到岗日期", "joined_on", parse_date, required=True, kind="date"),
    Col("离岗日期", "left_on", parse_date, kind="date"),
), required=False, help="每名队员一行")

class TeamImporter(Importer):
    key = "teams"
    title = "驻村工作队"
    sheets = (TEAM_SHEET, MEMBER_SHEET)

    def plan(self):
        user, area = self.user, self.user.profile.area_code
        if not (self.user.has_perm("resident_teams.add_workteam") and self.user.has_perm("resident_teams.change_workteam")):
            self.error(None, "", "您的角色无权导入驻村工作队", sheet="工作队")
            return
        team_rows, member_rows = self.rows["工作队"], self.rows["队员"]
        stations = {r.values["station"] for r in team_rows if r.values.get("station")}
        villages = {v.code: v for v in Village.objects.filter(code__in=stations)}
        townships = {t.code: t for t in Township.objects.filter(code__in=stations)}
        sites = {}
        for site in RelocationSite.objects.filter(name__in=stations):
            sites.setdefault(site.name, []).append(site)
        codes = {r.values["code"] for r in team_rows if r.values.get("code")} | {
            r.values["team"] for r in member_rows if r.values.get("team")}
        existing = {t.code: t for t in fetch(WorkTeam.objects.all(), "code", codes)}
        self.todo = TeamImportPlan()
        self.teams = {}
        self.file_codes = {r.values.get("code") for r in team_rows}  # a team whose row has an error
        seen = {}
        for row in team_rows:
            v = row.values
            code = v.get("code")
            if code in seen:
                self.error(row, "工作队编号", f"工作队编号重复（与第 {seen[code]} 行相同）")
                continue
            seen[code] = row.number
            if row.bad:
                continue
            station = v["station"]
            place = dict(village=None, relocation_site=None, township=None)
            if station.isdigit() and len(station) == 12:
                place["village"] = villages.get(station)
            elif station.isdigit() and len(station) == 9:
                place["township"] = townships.get(station)
            else:
                found = sites.get(station, [])
                if len(found) > 1:
                    self.error(row, "派驻地代码", "有多个同名安置点，请改填安置点所在乡镇代码")
                    continue
                place["relocation_site"] = found[0] if found else None
            if not any(place.values()):
                self.error(row, "派驻地代码", "找不到这个行政村、乡镇或安置点")
                continue
            if v.get("departed_on") and v["departed_on"] < v["arrived_on"]:
                self.error(row, "撤离日期", "撤离日期不能早于进驻日期")
                continue
            team = WorkTeam(code=code, **place)
            team_fill_station(team)
            if not code_in_area(team.station_code, area):
                self.error(row, "派驻地代码", "该派驻地不在您的管辖范围内")
                continue
            current = existing.get(code)
            if current is not None and not code_in_area(current.station_code, area):
                self.error(row, "工作队编号", "该工作队编号已登记在您管辖范围以外")
                continue
            values = dict(
                village_id=team.village_id, relocation_site_id=team.relocation_site_id, township_id=team.township_id,
                station_kind=team.station_kind, station_code=team.station_code, county_id=team.county_id,
                dispatch_unit=v["dispatch_unit"], dispatch_level=v["dispatch_level"], arrived_on=v["arrived_on"],
                departed_on=v.get("departed_on"),
                **{field: kind in v["types"] for kind, field in STATION_TYPE_FIELDS.items()},
            )
            if current is None:
                station_obj = team.station
                team = WorkTeam(code=code, name=f"{station_obj}驻村工作队"[:100], **values)
                self.todo.teams_new.append(team)
                self.change("工作队", code, "新增", team.name)
                self.teams[code] = team
                continue
            diff = [k for k, val in values.items() if getattr(current, k) != val]
            if diff:
                for k in diff:
                    setattr(current, k, values[k])
                self.todo.teams_changed.append(current)
                self.change("工作队", code, "修改",
                            "、".join(WorkTeam._meta.get_field(k.removesuffix("_id")).verbose_name for k in diff))
            else:
                self.change("工作队", code, "不变")
            self.teams[code] = current
        for code, team in existing.items():
            if code not in self.teams and code_in_area(team.station_code, area):
                self.teams[code] = team
        self._plan_members(member_rows)

    def _plan_members(self, rows):
        team_ids = [t.pk for t in self.teams.values() if t.pk]
        existing = {(m.team_id, m.id_number): m for m in fetch(TeamMember.objects.all(), "team_id", team_ids)}
        seen = {}
        for row in rows:
            v = row.values
            key = (v.get("team"), v.get("id_number"))
            if key in seen:
                self.error(row, "身份证号", f"同一工作队中该身份证号重复（与第 {seen[key]} 行相同）")
                continue
            seen[key] = row.number
            if row.bad:
                continue
            team = self.teams.get(v["team"])
            if team is None:
                if v["team"] not in self.file_codes:
                    self.error(row, "工作队编号", "该工作队不在「工作队」中，也不在您管辖范围内的系统数据中")
                continue
            if v.get("left_on") and v["left_on"] < v["joined_on"]:
                self.error(row, "离岗日期", "离岗日期不能早于到岗日期")
                continue
            fields = dict(name=v["name"], role=v["role"], unit=v["unit"], phone=v.get("phone") or "",
                          joined_on=v["joined_on"], left_on=v.get("left_on"))
            current = existing.get((team.pk, v["id_number"])) if team.pk else None
            label = f"{team.code} {v['name']}"
            if current is None:
                self.todo.members_new.append(TeamMember(team=team, id_number=v["id_number"], **fields))
                self.change("队员", label, "新增")
            elif any(getattr(current, k) != val for k, val in fields.items()):
                for k, val in fields.items():
                    setattr(current, k, val)
                self.todo.members_changed.append(current)
                self.change("队员", label, "修改")
            else:
                self.change("队员", label, "不变")

    def write(self):
        teams_import(user=self.user, plan=self.todo)
