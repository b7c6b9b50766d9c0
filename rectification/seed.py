"""Demo data of the 问题整改 app, as the 2023 report tells it (to the end of October 2023):

- 1,129 issues found by screening and assessment (every source but 暗访) across the 13 counties, sorted
  into exactly 11 aspects and 35 categories: the 2022 national assessment's feedback, the six problems the
  province named, the city's own screening, the mock assessment (模拟国考) in 平陆、垣曲、绛县、万荣、夏县、
  闻喜, petitions and daily supervision;
- 1,100 issues found by the resident-teams inspections (source 暗访), one per finding of each notified
  inspection when the resident_teams demo exists;
- most closed (已销号), some in progress, some overdue as of 2023-10-31; every step a transition;
- 29 supervision letters; a 双交办 list per county and quarter; responsible units, two with a demo login.

Full size at every --scale (it is small). Deterministic (``ctx.rng``), idempotent, bulk inserts.
"""

import datetime

from django.db import transaction
from simple_history.utils import bulk_create_with_history

from accounts.roles import CITY_CODE, Role
from accounts.services import user_create
from villages.models import County, Village
from yuncheng.seeding import DEMO_PASSWORD

from .models import (
    Aspect,
    Category,
    HandOver,
    HandOverItem,
    Issue,
    IssueSource,
    IssueStatus,
    IssueTransition,
    ResponsibleUnit,
    SupervisionLetter,
    TransitionAction,
)
from .reference import tree_load

SCREENING_ISSUES = 1129
INSPECTION_ISSUES = 1100
LETTERS = 29
# The report counts to the end of October 2023; the demo dates everything by the end of September so that
# the dashboard's 2023 Q3 shows the report's figures.
AS_OF = datetime.date(2023, 9, 30)
MOCK_COUNTIES = ["140829", "140827", "140826", "140822", "140828", "140823"]  # 平陆 垣曲 绛县 万荣 夏县 闻喜
# How the 1,129 divide among the sources.
SOURCE_MIX = [
    (IssueSource.NATIONAL_ASSESSMENT, 121),
    (IssueSource.PROVINCIAL_NOTICE, 186),
    (IssueSource.CITY_SCREENING, 508),
    (IssueSource.MOCK_ASSESSMENT, 198),
    (IssueSource.PETITION, 41),
    (IssueSource.SUPERVISION, 75),
]
# When each source found its issues (first day, last day).
SOURCE_DATES = {
    IssueSource.NATIONAL_ASSESSMENT: (datetime.date(2023, 2, 20), datetime.date(2023, 3, 20)),
    IssueSource.PROVINCIAL_NOTICE: (datetime.date(2023, 3, 1), datetime.date(2023, 9, 30)),
    IssueSource.CITY_SCREENING: (datetime.date(2023, 3, 10), datetime.date(2023, 9, 25)),
    IssueSource.MOCK_ASSESSMENT: (datetime.date(2023, 7, 10), datetime.date(2023, 8, 31)),
    IssueSource.PETITION: (datetime.date(2023, 1, 5), datetime.date(2023, 9, 28)),
    IssueSource.SUPERVISION: (datetime.date(2023, 1, 5), datetime.date(2023, 9, 28)),
    IssueSource.INSPECTION: (datetime.date(2023, 1, 10), datetime.date(2023, 9, 30)),
}
CITY_UNITS = ["市乡村振兴局", "市人社局", "市农业农村局", "市住建局", "市水务局", "市卫健委", "市教育局",
              "市民政局", "市医保局", "市商务局"]
COUNTY_UNITS = ["乡村振兴局", "人社局", "农业农村局", "住建局"]
# Which county unit a category's issues usually go to.
UNIT_BY_ASPECT = {"就业帮扶": "人社局", "产业帮扶": "农业农村局", "农村人居环境": "农业农村局", "巩固成效": "住建局"}
DEMO_UNITS = [("pinglu_unit", "平陆县乡村振兴局", "140829", "平陆县乡村振兴局整改专员"),
              ("rsj_unit", "市人社局", CITY_CODE, "市人社局整改专员")]

_PROBLEMS = {
    "主体责任压得不实": "县级党委政府研究巩固衔接工作不及时，问题整改推进会未按月召开",
    "行业部门责任落实不力": "行业部门数据比对不及时，未按季度向乡村振兴部门推送预警信息",
    "帮扶责任人履职不到位": "帮扶责任人对帮扶户家庭情况不熟悉，帮扶手册记录与实际不符",
    "工作作风不扎实": "村干部对问题整改存在应付思想，台账资料补写痕迹明显",
    "乡村公益岗位管理不规范": "公益岗位人员长期不在岗，考勤记录代签，工资按月足额发放",
    "健康帮扶政策落实不到位": "慢病患者未办理慢病卡，门诊费用未按规定报销",
    "教育帮扶政策落实不到位": "在外就读学生未享受雨露计划补助",
    "兜底保障政策落实不到位": "符合条件的重病重残人员未及时纳入低保",
    "基础信息数据不准确": "系统内家庭人口、劳动力状况与实际不一致",
    "档案资料不规范": "监测对象识别档案缺少入户核实记录和公示照片",
    "政策宣传不到位": "群众对防返贫监测申报渠道和帮扶政策知晓率低",
    "住房安全保障有短板": "脱贫户居住危房未纳入改造，存在安全隐患",
    "饮水安全保障有短板": "自然村供水设施老化，季节性缺水问题未解决",
    "脱贫人口收入增长不稳": "部分脱贫户收入主要依靠转移性收入，增收渠道单一",
    "防止返贫动态监测帮扶机制落实不到位": "因病支出较大的农户未及时纳入监测，帮扶措施滞后",
    "监测对象识别不精准": "收入低于监测范围的农户未识别为监测对象",
    "风险消除不规范": "监测对象识别不足半年即标注风险消除",
    "帮扶措施针对性不强": "有劳动能力的监测户未落实开发式帮扶措施",
    "就业帮扶政策落实不到位": "外出务工脱贫劳动力未享受一次性交通补贴",
    "帮扶车间带动作用发挥不充分": "帮扶车间长期停工，吸纳脱贫劳动力就业人数不达标",
    "务工就业信息不准确": "系统务工信息与人社部门数据不一致",
    "产业项目联农带农机制不健全": "产业项目收益分配方案未公示，带动脱贫户增收不明显",
    "帮扶项目资产管理不规范": "扶贫项目资产未确权登记，管护责任不明确",
    "小额信贷管理不规范": "小额信贷资金用途与申报不符，逾期未及时化解",
    "驻村帮扶有短板": "驻村工作队员不落实五天四夜要求，走访记录不实",
    "驻村干部在岗履职不到位": "第一书记长期在原单位工作，村情民情不熟悉",
    "驻村工作队管理不规范": "派出单位对驻村工作队考核流于形式",
    "消费帮扶落实不到位": "预算单位消费帮扶采购未达到规定比例",
    "消费帮扶产品认定不规范": "消费帮扶产品认定后未动态调整，带贫效果不明",
    "农村人居环境整治有短板": "村内垃圾清运不及时，生活污水乱排乱放",
    "农村改厕问题整改不彻底": "改造户厕无法正常使用，问题摸排后未整改到位",
    "村容村貌脏乱差": "村内残垣断壁未清理，柴草乱堆乱放",
    "衔接资金使用不规范": "衔接资金用于非帮扶领域，项目变更未履行程序",
    "项目资金拨付滞后": "项目已验收但资金拨付进度低于序时要求",
    "项目公告公示不到位": "衔接资金项目未在村级公示栏公示",
}
_MEASURES = "成立整改专班，逐户逐项核实；建立问题清单、责任清单、整改清单，限期整改到位；举一反三开展全面排查。"


def _date_between(rng, start: datetime.date, end: datetime.date) -> datetime.date:
    return start + datetime.timedelta(days=rng.randint(0, max(0, (end - start).days)))


def _units(counties) -> dict:
    """Create the city's and each county's units; answer {(county code or None, short name): unit}."""
    # bulk_create saves no model: each unit's area is given here (the city departments are 运城's).
    wanted = [ResponsibleUnit(name=name, area_code=CITY_CODE) for name in CITY_UNITS]
    wanted += [ResponsibleUnit(name=f"{county.name}{short}", county=county, area_code=county.code)
               for county in counties for short in COUNTY_UNITS]
    existing = set(ResponsibleUnit.objects.values_list("name", flat=True))
    ResponsibleUnit.objects.bulk_create([u for u in wanted if u.name not in existing])
    by_key = {}
    names = {county.code: county.name for county in counties}
    for unit in ResponsibleUnit.objects.all():
        short = unit.name.removeprefix(names.get(unit.county_id, "")) if unit.county_id else unit.name
        by_key[(unit.county_id, short)] = unit
    return by_key


def _demo_logins(ctx, units) -> dict:
    users = {}
    for username, unit_name, area, full_name in DEMO_UNITS:
        user = user_create(username=username, password=DEMO_PASSWORD, role=Role.UNIT, area_code=area,
                           full_name=full_name, unit_name=unit_name)
        ResponsibleUnit.objects.get(name=unit_name).users.add(user)
        users[unit_name] = user
        ctx.logins.append((username, Role.UNIT.label, unit_name))
    return users


def _screening_plan(rng, categories):
    """(source, category) for each of the 1,129: every category used at least once, the province's six
    problems only under its notice, the rest drawn by weight."""
    provincial = [c for c in categories if c.is_provincial]
    plan = []
    for source, n in SOURCE_MIX:
        pool = provincial if source == IssueSource.PROVINCIAL_NOTICE else categories
        plan += [(source, rng.choice(pool)) for _ in range(n)]
    # Make sure each of the 35 categories appears: give the first city-screening rows one each.
    first_city = next(i for i, (s, _) in enumerate(plan) if s == IssueSource.CITY_SCREENING)
    for offset, category in enumerate(categories):
        plan[first_city + offset] = (IssueSource.CITY_SCREENING, category)
    return plan


def _place(rng, source, counties, villages_by_county, county_weights):
    if source == IssueSource.MOCK_ASSESSMENT:
        county = rng.choice(MOCK_COUNTIES)
    else:
        county = rng.choices(counties, county_weights)[0]
    village = rng.choice(villages_by_county[county]) if rng.random() < 0.75 else None
    return county, village


def _life(rng, issue: Issue, unit) -> list[tuple]:
    """Decide the issue's state as of AS_OF and its steps: [(action, from, to, date, note)]."""
    steps = [(TransitionAction.REGISTER, "", IssueStatus.PENDING, issue.found_date, "")]
    assigned = min(issue.found_date + datetime.timedelta(days=rng.randint(1, 5)), AS_OF)
    started = min(assigned + datetime.timedelta(days=rng.randint(1, 7)), AS_OF)
    past_deadline = issue.deadline < AS_OF - datetime.timedelta(days=20)
    roll = rng.random()
    if past_deadline:
        status = IssueStatus.CLOSED if roll < 0.955 else (IssueStatus.IN_PROGRESS if roll < 0.99 else IssueStatus.RECTIFIED)
    else:
        status = (IssueStatus.CLOSED if roll < 0.55 else IssueStatus.IN_PROGRESS if roll < 0.8
                  else IssueStatus.RECTIFIED if roll < 0.9 else IssueStatus.PENDING)
    if status == IssueStatus.PENDING and rng.random() < 0.5:
        issue.status = status
        return steps  # found, not yet handed to a unit
    issue.responsible_unit = unit
    issue.responsible_person = rng.choice("王李张刘陈杨赵黄周吴") + rng.choice(["科长", "主任", "局长", "站长"])
    steps.append((TransitionAction.ASSIGN, IssueStatus.PENDING, IssueStatus.PENDING, assigned, f"交办至{unit}"))
    if status == IssueStatus.PENDING:
        issue.status = status
        return steps
    steps.append((TransitionAction.START, IssueStatus.PENDING, IssueStatus.IN_PROGRESS, started, ""))
    issue.measures = _MEASURES
    if status == IssueStatus.IN_PROGRESS:
        issue.status = status
        return steps
    span = max(1, (issue.deadline - started).days)
    completed = min(started + datetime.timedelta(days=rng.randint(1, span + (10 if rng.random() < 0.15 else 0))),
                    AS_OF)
    returned = status == IssueStatus.CLOSED and rng.random() < 0.06 and completed < AS_OF - datetime.timedelta(days=15)
    steps.append((TransitionAction.RECTIFY, IssueStatus.IN_PROGRESS, IssueStatus.RECTIFIED, completed, ""))
    if returned:
        back = completed + datetime.timedelta(days=rng.randint(1, 4))
        steps.append((TransitionAction.RETURN, IssueStatus.RECTIFIED, IssueStatus.IN_PROGRESS, back,
                      "佐证材料不全，整改不彻底"))
        completed = min(back + datetime.timedelta(days=rng.randint(2, 8)), AS_OF)
        steps.append((TransitionAction.RECTIFY, IssueStatus.IN_PROGRESS, IssueStatus.RECTIFIED, completed, "已补充整改"))
    issue.completed_date = completed
    if status == IssueStatus.RECTIFIED:
        issue.status = status
        return steps
    closed = min(completed + datetime.timedelta(days=rng.randint(1, 12)), AS_OF)
    issue.closed_date = closed
    issue.status = IssueStatus.CLOSED
    steps.append((TransitionAction.VERIFY, IssueStatus.RECTIFIED, IssueStatus.CLOSED, closed, "核验属实，同意销号"))
    return steps


def _unit_for(rng, issue: Issue, units: dict):
    if issue.source in (IssueSource.NATIONAL_ASSESSMENT, IssueSource.PROVINCIAL_NOTICE) and rng.random() < 0.12:
        return units[(None, rng.choice(CITY_UNITS))]
    short = UNIT_BY_ASPECT.get(issue.aspect.name, "乡村振兴局")
    return units[(issue.county_id, short)]


def _inspection_sources(rng, counties, villages_by_county, county_weights, village_codes):
    """(inspection id or None, found date, county, village) for each of the 1,100 暗访 issues."""
    from resident_teams.models import Inspection

    rows = []
    inspections = list(
        Inspection.objects.filter(notification_issued=True, findings_count__gt=0)
        .order_by("inspected_on", "id").values_list("id", "inspected_on", "area_code", "findings_count")
    )
    for pk, inspected_on, area, count in inspections:
        county = area[:6]
        village = area if len(area) == 12 and area in village_codes else None
        if county not in villages_by_county:
            continue
        rows += [(pk, min(inspected_on, AS_OF), county, village)] * count
    rows = rows[:INSPECTION_ISSUES]
    start, end = SOURCE_DATES[IssueSource.INSPECTION]
    while len(rows) < INSPECTION_ISSUES:
        county, village = _place(rng, IssueSource.CITY_SCREENING, counties, villages_by_county, county_weights)
        rows.append((None, _date_between(rng, start, end), county, village))
    return rows


def _households_by_village() -> dict:
    """A deterministic sample of monitored households, for issues about one household."""
    from monitoring.models import Household

    rows = list(Household.objects.filter(is_monitored=True).order_by("id").values_list("id", "village_id")[:20000])
    by_village: dict[str, list[int]] = {}
    for pk, village in rows:
        by_village.setdefault(village, []).append(pk)
    return by_village


@transaction.atomic
def seed(ctx):
    tree_load(Aspect, Category)
    counties = list(County.objects.order_by("code"))
    units = _units(counties)
    demo_users = _demo_logins(ctx, units)
    if Issue.objects.exists():
        ctx.log("  问题整改台账已存在，跳过")
        return
    rng = ctx.rng("rectification")
    categories = list(Category.objects.select_related("aspect").order_by("aspect__sort_order", "sort_order"))
    county_codes = [c.code for c in counties]
    poverty = {c.code for c in counties if c.is_poverty_county}
    county_weights = [2 if code in poverty else 1 for code in county_codes]
    villages_by_county: dict[str, list[str]] = {}
    for code, county in Village.objects.order_by("code").values_list("code", "county_id"):
        villages_by_county.setdefault(county, []).append(code)
    village_codes = {v for vs in villages_by_county.values() for v in vs}
    households = _households_by_village()
    household_rng = ctx.rng("rectification.households")
    monitoring_aspect = "防止返贫动态监测"

    issues: list[Issue] = []
    lives: list[list[tuple]] = []

    def add(source, category, county, village, found, inspection_id=None):
        household_id = None
        # Its own generator: whether monitoring's demo exists must not shift the ledger's other draws.
        if category.aspect.name == monitoring_aspect and village in households and household_rng.random() < 0.6:
            household_id = household_rng.choice(households[village])
        span = rng.choice([30, 45, 60, 60, 90, 90, 120]) if source != IssueSource.INSPECTION else rng.choice([15, 30, 30, 45])
        issue = Issue(
            number=f"YC-2023-{len(issues) + 1:04d}", source=source, aspect=category.aspect, category=category,
            county_id=county, village_id=village, household_id=household_id, inspection_id=inspection_id,
            description=f"{_PROBLEMS[category.name]}。", found_date=found,
            deadline=found + datetime.timedelta(days=span), status=IssueStatus.PENDING,
        )
        issue.sync_area_code()
        lives.append(_life(rng, issue, _unit_for(rng, issue, units)))
        issues.append(issue)

    for source, category in _screening_plan(rng, categories):
        county, village = _place(rng, source, county_codes, villages_by_county, county_weights)
        start, end = SOURCE_DATES[source]
        add(source, category, county, village, _date_between(rng, start, end))
    inspection_categories = [c for c in categories if c.aspect.name in ("驻村帮扶", "工作落实", "防止返贫动态监测",
                                                                          "政策落实", "农村人居环境")]
    for inspection_id, found, county, village in _inspection_sources(
        rng, county_codes, villages_by_county, county_weights, village_codes
    ):
        add(IssueSource.INSPECTION, rng.choice(inspection_categories), county, village, found, inspection_id)

    bulk_create_with_history(issues, Issue, batch_size=500, default_date=None)
    saved = dict(Issue.objects.values_list("number", "pk"))
    demo_unit_users = {ResponsibleUnit.objects.get(name=name).pk: user for name, user in demo_users.items()}
    transitions = []
    for issue, steps in zip(issues, lives, strict=True):
        unit_user = demo_unit_users.get(issue.responsible_unit_id)
        for i, (action, from_status, to_status, day, note) in enumerate(steps):
            by_unit = action in (TransitionAction.START, TransitionAction.RECTIFY)
            transitions.append(IssueTransition(
                issue_id=saved[issue.number], action=action, from_status=from_status, to_status=to_status,
                user=unit_user if by_unit else None, note=note,
                at=datetime.datetime.combine(day, datetime.time(9 + i, rng.randint(0, 59)),
                                             tzinfo=datetime.timezone(datetime.timedelta(hours=8))),
            ))
    IssueTransition.objects.bulk_create(transitions, batch_size=2000)
    for issue in issues:
        issue.pk = saved[issue.number]

    _related(rng, issues)
    letters = _letters(rng, issues, units, counties)
    handovers = _handovers(issues, counties, lives)
    closed = sum(1 for i in issues if i.status == IssueStatus.CLOSED)
    overdue = sum(1 for i in issues if i.overdue_on(AS_OF))
    ctx.log(f"  问题 {len(issues)}（排查 {SCREENING_ISSUES}，暗访 {len(issues) - SCREENING_ISSUES}），"
            f"已销号 {closed}，截至 {AS_OF} 逾期 {overdue}；督办函 {letters}；双交办清单 {handovers}；"
            f"责任单位 {len(units)}")


def _related(rng, issues):
    """举一反三: link some screening issues to another of the same category in another county."""
    by_category: dict[int, list[Issue]] = {}
    for issue in issues[:SCREENING_ISSUES]:
        by_category.setdefault(issue.category_id, []).append(issue)
    through = Issue.related.through
    links, seen = [], set()
    for group in by_category.values():
        for issue in group[: max(1, len(group) // 6)]:
            other = rng.choice(group)
            if other.county_id == issue.county_id or (issue.pk, other.pk) in seen:
                continue
            seen.update({(issue.pk, other.pk), (other.pk, issue.pk)})
            links += [through(from_issue_id=issue.pk, to_issue_id=other.pk),
                      through(from_issue_id=other.pk, to_issue_id=issue.pk)]
    through.objects.bulk_create(links)


def _letters(rng, issues, units, counties) -> int:
    """29 督办函: 25 to counties (the slower ones more often), 4 to city units, each about open issues."""
    letters, memberships = [], []
    issue_dates = [datetime.date(2023, 3, 15) + datetime.timedelta(days=round(i * 190 / (LETTERS - 1)))
                   for i in range(LETTERS)]
    county_codes = [c.code for c in counties]
    city_unit_load: dict = {}
    for issue in issues:
        if issue.responsible_unit is not None and issue.responsible_unit.county_id is None:
            city_unit_load[issue.responsible_unit] = city_unit_load.get(issue.responsible_unit, 0) + 1
    busiest_city_units = sorted(city_unit_load, key=lambda u: (-city_unit_load[u], u.name))[:4]
    for n, issued in enumerate(issue_dates, start=1):
        to_unit = n % 7 == 0
        if to_unit:
            unit = busiest_city_units[(n // 7 - 1) % len(busiest_city_units)]
            pool = [i for i in issues if i.responsible_unit_id == unit.pk]
            county = None
        else:
            county = county_codes[(n * 5) % len(county_codes)]
            unit = None
            pool = [i for i in issues if i.county_id == county]
        open_then = [i for i in pool if i.found_date <= issued and (i.closed_date is None or i.closed_date > issued)]
        open_then = open_then or [i for i in pool if i.found_date <= issued]
        chosen = rng.sample(open_then, min(len(open_then), rng.randint(5, 20)))
        deadline = issued + datetime.timedelta(days=15)
        replied = deadline < AS_OF and rng.random() < 0.93
        letters.append(SupervisionLetter(
            number=f"运巩衔督〔2023〕{n}号", issued_date=issued, reply_deadline=deadline,
            addressee_county_id=county, addressee_unit=unit, area_code=county or unit.area_code,
            title=f"关于加快推进{'问题' if not to_unit else '行业部门问题'}整改的督办函",
            content=f"经核查，贵{'单位' if to_unit else '县（市、区）'}以下 {len(chosen)} 个问题整改进度滞后，"
                    "请于回复期限前整改到位并书面报告。",
            reply_text="已组织专班逐项整改，整改情况详见附件。" if replied else "",
            reply_date=issued + datetime.timedelta(days=rng.randint(5, 15)) if replied else None,
        ))
        memberships.append(chosen)
    SupervisionLetter.objects.bulk_create(letters)
    saved = dict(SupervisionLetter.objects.values_list("number", "pk"))
    through = SupervisionLetter.issues.through
    through.objects.bulk_create([
        through(supervisionletter_id=saved[letter.number], issue_id=issue.pk)
        for letter, chosen in zip(letters, memberships, strict=True) for issue in chosen
    ])
    return len(letters)


def _handovers(issues, counties, lives) -> int:
    """双交办: per county and quarter, the screening issues the city handed to the county, and the unit
    the county handed each on to (the issue's assignment)."""
    assigned_on = {}
    for issue, steps in zip(issues, lives, strict=True):
        for action, _, _, day, _ in steps:
            if action == TransitionAction.ASSIGN:
                assigned_on[issue.pk] = day
    batches: dict[tuple[str, int], list[Issue]] = {}
    for issue in issues[:SCREENING_ISSUES]:
        batches.setdefault((issue.county_id, (issue.found_date.month - 1) // 3 + 1), []).append(issue)
    names = {c.code: c.name for c in counties}
    handovers = []
    for (county, quarter), batch in sorted(batches.items()):
        handovers.append(HandOver(
            county_id=county, title=f"2023年第{quarter}季度问题整改双交办清单",
            handed_date=max(i.found_date for i in batch) + datetime.timedelta(days=1),
            note=f"{names[county]}：问题清单、责任清单、整改清单",
        ))
    HandOver.objects.bulk_create(handovers)
    saved = {(h.county_id, h.title): h.pk for h in HandOver.objects.all()}
    handover_dates = dict(HandOver.objects.values_list("pk", "handed_date"))
    items = []
    for (county, quarter), batch in sorted(batches.items()):
        handover_id = saved[(county, f"2023年第{quarter}季度问题整改双交办清单")]
        for issue in batch:
            handed_on = assigned_on.get(issue.pk)
            items.append(HandOverItem(handover_id=handover_id, issue_id=issue.pk, unit_id=issue.responsible_unit_id,
                                      handed_on_date=handed_on and max(handed_on, handover_dates[handover_id])))
    HandOverItem.objects.bulk_create(items, batch_size=2000)
    return len(handovers)
