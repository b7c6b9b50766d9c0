"""Demo 驻村帮扶 data, the same at every --scale (it is small):

* 419 teams — 370 at 脱贫村, 44 at relocation sites, 7 at 重点乡镇, 16 at 示范村; 18 teams at a 脱贫村 that
  hosts a relocation site count under both — with 1,279 serving members (one 第一书记 each) and a few
  recalled ones, all on station by 2023-09-30;
* 12 weeks of 五天四夜 attendance before 2023-10-31, about nine member-weeks in ten compliant;
* visits to most monitored households of each station (and a few 脱贫户);
* trainings totalling 2,500 person-times with 380 "书记讲给书记听" sessions, and 106 notified inspections
  (暗访) that found 1,100 problems — all dated by 2023-09-30, so 2023Q3 and Q4 show the article's figures;
* 双月评议 of 2023 and the 2022 annual grades; a 驻村队员 demo login in 平陆县.
"""

import datetime

from django.db import transaction

from accounts.roles import Role
from accounts.services import user_create
from monitoring.models import Household
from villages.models import County, RelocationSite, Township, Village
from yuncheng.idcard import make_id_number
from yuncheng.seeding import DEMO_PASSWORD

from .models import (
    AnnualGrade,
    AttendanceWeek,
    DispatchLevel,
    Evaluation,
    EvaluationKind,
    HonourList,
    Inspection,
    MemberRole,
    StationKind,
    TeamMember,
    TrainingKind,
    TrainingSession,
    Visit,
    WorkTeam,
)
from .selectors import weeks_ending

PERIOD_END = datetime.date(2023, 10, 31)
POVERTY_TEAMS, SITE_TEAMS, TOWNSHIP_TEAMS, DEMO_TEAMS = 370, 44, 7, 16
POVERTY_AND_SITE = 18  # 脱贫村 teams that also serve a relocation site in their village
MEMBERS = 1279
RECALLED = 12
TRAINING_PERSON_TIMES, PEER_SESSIONS, OTHER_SESSIONS = 2500, 380, 24
NOTIFIED_INSPECTIONS, UNNOTIFIED_INSPECTIONS, INSPECTION_FINDINGS = 106, 38, 1100
COMPLIANCE = 0.9
DEMO_LOGIN = "pinglu_team"
PINGLU = "140829"

_SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰建国志红文斌宏鹏辉晓波宁海燕飞琳晶云峰浩亮春梅雪松林"
_UNITS = {
    DispatchLevel.PROVINCE: ["山西省乡村振兴局", "山西省农业农村厅", "山西省财政厅", "山西省交通运输厅", "国网山西省电力公司"],
    DispatchLevel.CITY: ["运城市乡村振兴局", "运城市委组织部", "运城市农业农村局", "运城市人社局", "运城市卫健委",
                         "运城市教育局", "运城市水务局", "运城市自然资源局", "运城市住建局", "运城市商务局"],
    DispatchLevel.COUNTY: ["县委组织部", "县乡村振兴局", "县农业农村局", "县人社局", "县卫健局", "县教育局", "县民政局",
                           "县水利局", "县财政局", "县交通运输局", "县市场监管局", "县医保局"],
}
_VISIT_NOTES = ["了解家庭收入和务工情况", "宣讲防返贫监测政策", "核实“两不愁三保障”落实情况", "帮助联系就业岗位",
                "了解产业发展需求", "协调医疗救助报销", "落实教育资助政策", "排查饮水安全"]
_TRAINING_TITLES = ["第一书记和工作队员集中轮训", "防止返贫动态监测业务培训", "乡村振兴政策专题培训",
                    "村集体经济发展现场观摩", "驻村帮扶工作能力提升培训"]


def _name(rng) -> str:
    return rng.choice(_SURNAMES) + "".join(rng.choice(_GIVEN) for _ in range(rng.choice((1, 2))))


def _stations(rng):
    """[(station kwargs, {types})] for the 419 teams, in a fixed order."""
    poverty = list(Village.objects.filter(is_poverty_village=True).order_by("code"))
    demo = list(Village.objects.filter(is_demo_village=True).order_by("code"))
    sites = list(RelocationSite.objects.order_by("-persons", "id"))
    site_villages = {s.village_id for s in sites if s.village_id}
    # The overlap teams sit at 脱贫村 that host a site where there are such villages.
    hosting = [v for v in poverty if v.code in site_villages]
    rest = [v for v in poverty if v.code not in site_villages]
    both = set(v.code for v in (hosting + rng.sample(rest, max(0, POVERTY_AND_SITE - len(hosting))))[:POVERTY_AND_SITE])
    stations = []
    for village in poverty[:POVERTY_TEAMS]:
        types = {"poverty"} | ({"site"} if village.code in both else set())
        stations.append(({"village": village}, types))
    site_only = [s for s in sites if s.village_id not in both][: SITE_TEAMS - POVERTY_AND_SITE]
    stations += [({"relocation_site": site}, {"site"}) for site in site_only]
    poverty_counties = list(County.objects.filter(is_poverty_county=True).values_list("code", flat=True))
    townships = list(Township.objects.filter(county_id__in=poverty_counties).order_by("code"))
    stations += [({"township": t}, {"township"}) for t in rng.sample(townships, TOWNSHIP_TEAMS)]
    stations += [({"village": v}, {"demo"}) for v in demo[:DEMO_TEAMS]]
    return stations


def _build_teams(rng):
    teams = []
    counters: dict[str, int] = {}
    for station, types in _stations(rng):
        place = next(iter(station.values()))
        if "village" in station:
            kind, code = StationKind.VILLAGE, place.code
        elif "relocation_site" in station:
            kind, code = StationKind.RELOCATION_SITE, place.township_id
        else:
            kind, code = StationKind.TOWNSHIP, place.code
        county = code[:6]
        counters[county] = counters.get(county, 0) + 1
        level = rng.choices(list(DispatchLevel), weights=(6, 24, 70))[0]
        unit = rng.choice(_UNITS[level])
        arrived = datetime.date(2021, 6, 1) + datetime.timedelta(days=rng.randint(0, 640))
        teams.append(WorkTeam(
            code=f"ZC{county}{counters[county]:03d}",
            name=f"{place.name}驻村工作队",
            station_kind=kind,
            station_code=code,
            county_id=county,
            is_poverty_village_station="poverty" in types,
            is_relocation_site_station="site" in types,
            is_key_township_station="township" in types,
            is_demo_village_station="demo" in types,
            dispatch_unit=unit,
            dispatch_level=level,
            arrived_on=arrived,
            **station,
        ))
    return teams


def _build_members(rng, teams):
    # 419 teams × (第一书记 + 2) = 1,257; the remaining 22 go to teams of four.
    fourth = set(rng.sample(range(len(teams)), MEMBERS - 3 * len(teams)))
    members, sequence = [], 0
    for i, team in enumerate(teams):
        county = team.county_id
        size = 4 if i in fourth else 3
        has_leader = rng.random() < 0.3
        for j in range(size):
            role = MemberRole.FIRST_SECRETARY if j == 0 else (
                MemberRole.LEADER if j == 1 and has_leader else MemberRole.MEMBER)
            sequence += 1
            born = datetime.date(rng.randint(1966, 1996), rng.randint(1, 12), rng.randint(1, 28))
            joined = team.arrived_on if rng.random() < 0.85 else team.arrived_on + datetime.timedelta(
                days=rng.randint(30, 300))
            joined = min(joined, datetime.date(2023, 6, 1))
            unit = team.dispatch_unit if j == 0 or rng.random() < 0.6 else rng.choice(_UNITS[DispatchLevel.COUNTY])
            members.append(TeamMember(
                team=team, name=_name(rng), role=role, unit=unit,
                id_number=make_id_number(county, born, sequence, rng.random() < 0.7),
                phone=f"13{rng.randint(0, 9)}{rng.randint(10_000_000, 99_999_999)}",
                joined_on=joined,
            ))
    recalled = []
    for team in rng.sample(teams, RECALLED):
        sequence += 1
        left = team.arrived_on + datetime.timedelta(days=rng.randint(120, 500))
        recalled.append(TeamMember(
            team=team, name=_name(rng), role=MemberRole.MEMBER, unit=rng.choice(_UNITS[DispatchLevel.COUNTY]),
            id_number=make_id_number(team.county_id, datetime.date(1980, 5, 5), sequence, True),
            joined_on=team.arrived_on, left_on=min(left, datetime.date(2023, 6, 30)),
            recalled_on=min(left, datetime.date(2023, 6, 30)),
            recall_reason=rng.choice(["长期不在岗", "工作不胜任", "违反驻村纪律"]),
        ))
    return members, recalled


def _build_attendance(rng, members):
    first, last = weeks_ending(PERIOD_END, 12)
    weeks = [first + datetime.timedelta(days=7 * i) for i in range(12)]
    rows = []
    for member in members:
        for week in weeks:
            if week + datetime.timedelta(days=6) < member.joined_on:
                continue
            if rng.random() < COMPLIANCE:
                days = rng.choice((5, 5, 5, 6, 6, 7))
                nights = min(days, rng.choice((4, 4, 5, 5, 6)))
                leave, approver = 0, ""
            else:
                days = rng.choice((2, 3, 4, 4, 5))
                nights = rng.choice((2, 3)) if days == 5 else min(days, rng.choice((2, 3, 4)))
                leave = rng.choice((0, 1, 2)) if days < 5 else 0
                approver = "派出单位" if leave else ""
            rows.append(AttendanceWeek(member=member, week_start=week, days_on_station=days, nights_on_station=nights,
                                       leave_days=leave, leave_approved_by=approver,
                                       note="请假经派出单位批准" if leave else ""))
    return rows


def _build_visits(rng, teams, members_by_team):
    """Visits in the 12 weeks to most monitored households of each station, and to a few 脱贫户."""
    first, _ = weeks_ending(PERIOD_END, 12)
    days = (PERIOD_END - first).days
    by_village: dict[str, list[int]] = {}
    by_site: dict[int, list[int]] = {}
    poor_by_village: dict[str, list[int]] = {}
    station_villages = {t.village_id for t in teams if t.village_id}
    rows = Household.objects.filter(is_monitored=True).order_by("id").values_list("id", "village_id",
                                                                                "relocation_site_id")
    for pk, village, site in rows:
        by_village.setdefault(village, []).append(pk)
        if site:
            by_site.setdefault(site, []).append(pk)
    poor = (Household.objects.filter(is_poverty_alleviated=True, is_monitored=False, village_id__in=station_villages)
            .order_by("id").values_list("id", "village_id"))
    for pk, village in poor:
        poor_by_village.setdefault(village, []).append(pk)
    visits = []
    for team in teams:
        if team.village_id:
            monitored, others = by_village.get(team.village_id, []), poor_by_village.get(team.village_id, [])
        elif team.relocation_site_id:
            monitored, others = by_site.get(team.relocation_site_id, []), []
        else:
            monitored = [pk for code, pks in by_village.items() if code.startswith(team.township_id) for pk in pks]
            others = []
        serving = members_by_team[team.pk]
        targets = [pk for pk in monitored if rng.random() < 0.85]
        targets += rng.sample(others, min(len(others), rng.randint(3, 10)))
        for household in targets:
            for _ in range(rng.choice((1, 1, 2, 3))):
                member = rng.choice(serving)
                visited = first + datetime.timedelta(days=rng.randint(0, days))
                visits.append(Visit(member=member, household_id=household, visited_on=visited,
                                    content=rng.choice(_VISIT_NOTES)))
    return visits


def _build_trainings(rng):
    sessions = []
    counties = list(County.objects.order_by("code").values_list("code", "name"))
    peer_total = 0
    for i in range(PEER_SESSIONS):
        code, name = counties[i % len(counties)]
        attendees = rng.randint(2, 4)
        peer_total += attendees
        sessions.append(TrainingSession(
            title=f"书记讲给书记听（第 {i // len(counties) + 1} 期）", kind=TrainingKind.PEER,
            held_on=datetime.date(2023, 1, 5) + datetime.timedelta(days=rng.randint(0, 260)),
            area_code=code, organizer=f"{name}委组织部", attendees=attendees,
        ))
    # The other sessions share the rest of the 2,500 person-times.
    remaining = TRAINING_PERSON_TIMES - peer_total
    shares = [rng.randint(30, 90) for _ in range(OTHER_SESSIONS)]
    sizes = [max(1, remaining * s // sum(shares)) for s in shares]
    sizes[-1] += remaining - sum(sizes)
    kinds = [TrainingKind.CENTRAL, TrainingKind.TOPIC, TrainingKind.SITE_VISIT]
    for i, size in enumerate(sizes):
        city = i % 3 == 0
        code, name = ("140800", "运城市") if city else counties[i % len(counties)]
        sessions.append(TrainingSession(
            title=_TRAINING_TITLES[i % len(_TRAINING_TITLES)], kind=kinds[i % 3],
            held_on=datetime.date(2023, 2, 1) + datetime.timedelta(days=rng.randint(0, 230)),
            area_code=code, organizer=f"{name}委组织部" if not city else "运城市委组织部、市乡村振兴局", attendees=size,
        ))
    return sessions


def _build_inspections(rng, teams):
    rows = []
    findings = [1] * NOTIFIED_INSPECTIONS
    for _ in range(INSPECTION_FINDINGS - NOTIFIED_INSPECTIONS):
        findings[rng.randrange(NOTIFIED_INSPECTIONS)] += 1
    targets = rng.sample(teams, NOTIFIED_INSPECTIONS + UNNOTIFIED_INSPECTIONS)
    for i, team in enumerate(targets):
        inspected = datetime.date(2023, 1, 10) + datetime.timedelta(days=rng.randint(0, 250))
        notified = i < NOTIFIED_INSPECTIONS
        to_area = rng.random() < 0.2
        rows.append(Inspection(
            group=f"市暗访组第{rng.randint(1, 6)}组", inspected_on=inspected,
            team=None if to_area else team, area_code=team.county_id if to_area else team.station_code,
            findings="驻村工作队员不在岗；走访记录不实；监测对象底数不清" if notified else "未发现突出问题",
            findings_count=findings[i] if notified else 0,
            notification_issued=notified,
            notification_no=f"运暗访通〔2023〕{i + 1}号" if notified else "",
            notified_on=inspected + datetime.timedelta(days=rng.randint(3, 12)) if notified else None,
        ))
    return rows


def _build_evaluations(rng, teams, members):
    rows = []
    for team in teams:
        for bimonth in range(1, 5):
            score = round(rng.triangular(70, 99, 88), 1)
            mark = HonourList.RED if score >= 96.5 else HonourList.BLACK if score < 73 else HonourList.NONE
            rows.append(Evaluation(team=team, kind=EvaluationKind.BIMONTHLY, year=2023, bimonth=bimonth,
                                   score=score, honour_list=mark))
    grades = list(AnnualGrade)
    for member in members:
        if member.role == MemberRole.FIRST_SECRETARY and member.joined_on <= datetime.date(2022, 6, 30):
            grade = rng.choices(grades, weights=(30, 50, 17, 3))[0]
            rows.append(Evaluation(team=member.team, member=member, kind=EvaluationKind.ANNUAL, year=2022,
                                   grade=grade))
    return rows


def _demo_login(ctx):
    member = (TeamMember.objects.filter(team__county_id=PINGLU, role=MemberRole.MEMBER, left_on__isnull=True,
                                        team__station_kind=StationKind.VILLAGE)
              .select_related("team").order_by("team__code", "id").first())
    if member is None:
        return
    user = user_create(username=DEMO_LOGIN, password=DEMO_PASSWORD, role=Role.TEAM_MEMBER,
                       area_code=member.team.station_code, full_name=member.name)
    if member.user_id != user.pk:
        TeamMember.objects.filter(pk=member.pk).update(user=user)
    ctx.logins.append((DEMO_LOGIN, Role.TEAM_MEMBER.label, f"{user.profile.area_name}（{member.team.name}）"))


@transaction.atomic
def seed(ctx):
    if WorkTeam.objects.exists():
        ctx.log("  驻村工作队已存在，跳过")
        _demo_login(ctx)
        return
    with ctx.timed("工作队与队员"):
        teams = WorkTeam.objects.bulk_create(_build_teams(ctx.rng("resident_teams.teams")))
        members, recalled = _build_members(ctx.rng("resident_teams.members"), teams)
        members = TeamMember.objects.bulk_create(members, batch_size=2000)
        TeamMember.objects.bulk_create(recalled)
    with ctx.timed("五天四夜考勤"):
        weeks = _build_attendance(ctx.rng("resident_teams.attendance"), members)
        AttendanceWeek.objects.bulk_create(weeks, batch_size=5000)
    with ctx.timed("入户走访"):
        members_by_team: dict[int, list] = {}
        for member in members:
            members_by_team.setdefault(member.team_id, []).append(member)
        visits = _build_visits(ctx.rng("resident_teams.visits"), teams, members_by_team)
        Visit.objects.bulk_create(visits, batch_size=5000)
    trainings = TrainingSession.objects.bulk_create(_build_trainings(ctx.rng("resident_teams.trainings")))
    inspections = Inspection.objects.bulk_create(_build_inspections(ctx.rng("resident_teams.inspections"), teams))
    evaluations = Evaluation.objects.bulk_create(
        _build_evaluations(ctx.rng("resident_teams.evaluations"), teams, members), batch_size=2000)
    _demo_login(ctx)
    compliant = sum(1 for w in weeks if w.is_compliant)
    ctx.log(
        f"  工作队 {len(teams)}，在岗队员 {len(members)}（召回 {len(recalled)}），考勤 {len(weeks)} 队员周"
        f"（达标 {100 * compliant / len(weeks):.1f}%），走访 {len(visits)}，培训 {len(trainings)} 场，"
        f"暗访 {len(inspections)}，评议 {len(evaluations)}"
    )
