"""Demo 帮扶资源 and village collective economy (runs after villages and monitoring).

Every figure of the 2023 report arises from the generated records (2023; 2022 values lower, so that
year-on-year change exists):

- 271 workshops operating in 2023 (all of them, and all their hands, in place by the end of June) employing 8,982 persons, of whom 4,078 are registry members of 脱贫户 /
  监测户 of the workshop's county (at ``--scale`` < 1 the linked number is scaled with the registry; the
  workshop and employee counts stay full);
- 194 village PV stations with 3,470,000 元 of 2023 income, 358 posts, 291 persons from 脱贫户 / 监测户;
- projects with 920,000,000 元 of 衔接资金 and 189,000,000 元 from assistance units, 225 unit projects
  of at least 10,000 元;
- 14 consumption platforms selling 616,000,000 元 in 2023 (to the third quarter), benefiting 78,600 persons;
- 2,172 villages' 2023 collective income, all ≥ 100,000 元 and exactly 659 ≥ 300,000 元; 526 party-branch
  cooperatives; 171 trusteeship services.
"""

import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import Exists, OuterRef, Q

from monitoring.models import LABOUR_SKILLS_ABLE, Employment, EmploymentChannel, Member
from villages.models import Village, VillageCollectiveEconomy
from villages.services import counties_reference

from .models import (
    AssistanceProject,
    ConsumptionPlatform,
    ConsumptionSale,
    FundingSource,
    PlatformKind,
    ProjectStatus,
    PVEmployee,
    PVIncome,
    PVStation,
    Workshop,
    WorkshopEmployee,
)

YEAR, PREVIOUS = 2023, 2022

WORKSHOPS = 271
WORKSHOPS_NEW_IN_2023 = 34  # started in 2023: not counted for 2022
WORKSHOPS_CLOSED_IN_2022 = 15  # ran in 2022 only
WORKSHOP_JOBS = 8_982
WORKSHOP_POVERTY_JOBS = 4_078
# The report speaks of the year to its autumn: every 2023 workshop and hire is in place by the end of June, so
# the figures hold for the third quarter (the dashboard's default period) and for the whole year alike.
HIRED_BY = datetime.date(2023, 6, 30)

PV_STATIONS = 194
PV_INCOME = {YEAR: 3_470_000, PREVIOUS: 3_120_000}
PV_POSTS = {YEAR: 358, PREVIOUS: 322}
PV_BENEFICIARIES = {YEAR: 291, PREVIOUS: 262}

LINKAGE_FUNDS = {YEAR: 920_000_000, PREVIOUS: 861_000_000}
LINKAGE_PROJECTS = {YEAR: 1_180, PREVIOUS: 1_120}
UNIT_FUNDS = {YEAR: 189_000_000, PREVIOUS: 162_000_000}
UNIT_PROJECTS_10K = {YEAR: 225, PREVIOUS: 198}
UNIT_PROJECTS_SMALL = {YEAR: 38, PREVIOUS: 31}  # below 10,000 元: not counted as 万元以上
OTHER_FUNDS = {YEAR: 46_000_000, PREVIOUS: 41_000_000}
OTHER_PROJECTS = {YEAR: 60, PREVIOUS: 55}

CONSUMPTION_SALES = {YEAR: 616_000_000, PREVIOUS: 542_000_000}
CONSUMPTION_BENEFICIARIES = {YEAR: 78_600, PREVIOUS: 71_300}

COLLECTIVE_OVER_300K = 659
COOPERATIVES = {YEAR: 526, PREVIOUS: 473}
TRUSTEESHIP_SERVICES = {YEAR: 171, PREVIOUS: 138}

_INDUSTRIES = ["服装加工", "手工编织", "食品加工", "电子元件", "农产品分拣", "中药材加工", "箱包加工", "木制品加工",
               "果品包装", "假发制作", "布鞋制作", "纸制品加工"]
_OPERATORS = ["农业开发有限公司", "专业合作社", "制衣有限公司", "食品有限公司", "工艺品有限公司", "电子有限公司"]
_SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董程曹袁邓许薛贾卫畅解柴"
_GIVEN = "伟芳娜英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚华萍红鹏建国志强海燕春梅冬梅晓东丽娟玉梅凤英秀珍"
_PV_POSTS = ["保洁员", "护林员", "光伏运维", "道路养护", "水管员", "公益巡查"]
_UNITS = ["省财政厅", "省发展和改革委员会", "省人力资源和社会保障厅", "省农业农村厅", "省交通运输厅", "国网山西省电力公司",
          "中国人寿山西省分公司", "山西焦煤集团", "运城市人民政府办公室", "运城市财政局", "运城市人社局", "运城市农业农村局",
          "运城市卫生健康委员会", "运城市住房和城乡建设局", "运城市教育局", "中国农业银行运城分行", "运城市供销合作社",
          "运城市总工会", "运城市妇联", "运城学院"]
_PROJECT_KINDS = ["产业路建设", "农产品冷库", "果园提质增效", "设施农业大棚", "小型水利工程", "人居环境整治",
                  "光伏电站维护", "养殖场改扩建", "农村饮水安全巩固提升", "技能培训", "乡村旅游", "电商服务站"]
_PLATFORMS = [
    ("832平台（脱贫地区农副产品网络销售平台）", PlatformKind.ONLINE, "中华全国供销合作总社"),
    ("运城市消费帮扶馆", PlatformKind.HALL, "运城市乡村振兴局"),
    ("山西消费帮扶馆运城专区", PlatformKind.HALL, "山西省乡村振兴局"),
    ("供销e家运城馆", PlatformKind.ONLINE, "运城市供销合作社"),
    ("兴农商城运城特产馆", PlatformKind.ONLINE, "中国农业银行运城分行"),
    ("善融商务运城专区", PlatformKind.ONLINE, "中国建设银行运城分行"),
    ("邮乐网运城馆", PlatformKind.ONLINE, "中国邮政运城分公司"),
    ("运城农特产品直播基地", PlatformKind.ONLINE, "运城市商务局"),
    ("京东运城特产馆", PlatformKind.ONLINE, "京东集团"),
    ("拼多多运城农货专区", PlatformKind.ONLINE, "拼多多"),
    ("消费帮扶专柜（机关食堂）", PlatformKind.COUNTER, "运城市机关事务管理局"),
    ("消费帮扶专区（商超）", PlatformKind.COUNTER, "运城市商务局"),
    ("东西部协作消费帮扶馆", PlatformKind.HALL, "运城市乡村振兴局"),
    ("工会会员消费帮扶平台", PlatformKind.OTHER, "运城市总工会"),
]
NEW_PLATFORM = "工会会员消费帮扶平台"  # opened in 2023, so 13 platforms sold in 2022


def _split(rng, total: int, n: int, minimum: int = 0, spread: float = 1.0) -> list[int]:
    """``n`` whole numbers ≥ ``minimum`` in random proportions, summing to exactly ``total``."""
    if n == 0:
        return []
    rest = total - minimum * n
    if rest < 0:
        raise ValueError("total too small for the minimum")
    weights = [rng.random() ** spread + 0.05 for _ in range(n)]
    scale = rest / sum(weights)
    parts = [int(w * scale) for w in weights]
    for i in rng.sample(range(n), rest - sum(parts)):
        parts[i] += 1
    return [minimum + p for p in parts]


def _name(rng) -> str:
    return rng.choice(_SURNAMES) + "".join(rng.choice(_GIVEN) for _ in range(rng.choice((1, 2))))


def _county_weights() -> dict[str, int]:
    return {c["code"]: (3 if c["is_poverty_county"] else 1) * 10 + c["villages"] // 25 for c in counties_reference()}


class _RegistryPools:
    """Members of 脱贫户 / 监测户 with labour, per county, to link employees to; those whose 2023 job came
    through the same channel first, so that the registry and the workshop rolls tell one story."""

    def __init__(self, rng, channel: str, used: set):
        preferred = Employment.objects.filter(member=OuterRef("pk"), year=YEAR, channel=channel)
        rows = (
            Member.objects.filter(Q(household__is_poverty_alleviated=True) | Q(household__is_monitored=True))
            .filter(labour_skill__in=LABOUR_SKILLS_ABLE)
            .annotate(preferred=Exists(preferred))
            .order_by("pk")
            .values_list("pk", "household__village__county_id", "preferred")
        )
        self.pools: dict[str, list[int]] = {}
        for pk, county, is_preferred in rows:
            if pk not in used:
                self.pools.setdefault(county, [[], []])[0 if is_preferred else 1].append(pk)
        for county, (first, second) in self.pools.items():
            rng.shuffle(first)
            rng.shuffle(second)
            self.pools[county] = second + first  # popped from the end: preferred first
        self.used = used

    def take(self, county: str) -> int | None:
        pool = self.pools.get(county)
        if not pool:
            return None
        pk = pool.pop()
        self.used.add(pk)
        return pk


def _people(pks) -> dict[int, tuple[str, str]]:
    return {pk: (name, number) for pk, name, number in Member.objects.filter(pk__in=pks).values_list(
        "pk", "name", "id_number")}


def _date_in(rng, start: datetime.date, end: datetime.date) -> datetime.date:
    return start + datetime.timedelta(days=rng.randrange(max(1, (end - start).days)))


# --------------------------------------------------------------------------------------------- workshops


def _seed_workshops(ctx, villages_by_county, used):
    rng = ctx.rng("assistance.workshops")
    weights = _county_weights()
    codes = sorted(villages_by_county)
    counties = rng.choices(codes, [weights[c] for c in codes], k=WORKSHOPS + WORKSHOPS_CLOSED_IN_2022)
    workshops, names = [], set()
    for i, county in enumerate(counties):
        village = rng.choice(villages_by_county[county])
        industry = rng.choice(_INDUSTRIES)
        name = f"{village[1].removesuffix('村')}{industry}帮扶车间"
        while (village[0], name) in names:
            name = f"{name.removesuffix('帮扶车间')}二车间"
        names.add((village[0], name))
        if i < WORKSHOPS:
            new = i < WORKSHOPS_NEW_IN_2023
            since = (_date_in(rng, datetime.date(2023, 1, 1), HIRED_BY) if new
                     else _date_in(rng, datetime.date(2017, 3, 1), datetime.date(2021, 12, 1)))
            until, operating = None, True
        else:
            since = _date_in(rng, datetime.date(2018, 1, 1), datetime.date(2020, 12, 1))
            until, operating = _date_in(rng, datetime.date(2022, 3, 1), datetime.date(2022, 12, 1)), False
        workshops.append(Workshop(
            village_id=village[0], name=name, industry=industry,
            operator=f"{rng.choice(_SURNAMES)}{rng.choice(_GIVEN)}{rng.choice(_OPERATORS)}",
            is_operating=operating, operating_since=since, operating_until=until,
        ))
    Workshop.objects.bulk_create(workshops, batch_size=500)
    workshops = list(Workshop.objects.order_by("pk"))  # with primary keys on every database
    operating = [w for w in workshops if w.is_operating]
    closed = [w for w in workshops if not w.is_operating]

    sizes = _split(rng, WORKSHOP_JOBS, len(operating), minimum=8, spread=2.0)
    slots = [(w, n) for w, n in zip(operating, sizes) for n in range(n)]
    linked_total = min(ctx.scaled(WORKSHOP_POVERTY_JOBS), len(slots))
    linked_slots = set(rng.sample(range(len(slots)), linked_total))
    pools = _RegistryPools(rng, EmploymentChannel.WORKSHOP, used)
    picks = {}
    for i in sorted(linked_slots):
        pk = pools.take(slots[i][0].village_id[:6])
        if pk is not None:
            picks[i] = pk
    people = _people(picks.values())
    employees = []
    for i, (workshop, _) in enumerate(slots):
        hired = _date_in(rng, max(workshop.operating_since, datetime.date(2019, 1, 1)), HIRED_BY)
        if i in picks:
            name, number = people[picks[i]]
            employees.append(WorkshopEmployee(workshop=workshop, name=name, id_number=number, member_id=picks[i],
                                              hired_on=hired))
        else:
            employees.append(WorkshopEmployee(workshop=workshop, name=_name(rng), hired_on=hired))
    for workshop in closed:  # the 2022 rolls of the workshops that closed that year
        for _ in range(rng.randint(12, 30)):
            employees.append(WorkshopEmployee(
                workshop=workshop, name=_name(rng), hired_on=workshop.operating_since, left_on=workshop.operating_until,
            ))
    WorkshopEmployee.objects.bulk_create(employees, batch_size=2000)
    ctx.log(f"  帮扶车间 {len(operating)} 个在运营（另 {len(closed)} 个 2022 年停产），吸纳就业 {WORKSHOP_JOBS} 人，"
            f"其中系统内脱贫户/监测户成员 {len(picks)} 人")


# --------------------------------------------------------------------------------------------- PV stations


def _seed_pv(ctx, villages_by_county, used):
    rng = ctx.rng("assistance.pv")
    poverty_villages = sorted((code, name) for rows in villages_by_county.values() for code, name, poor in rows if poor)
    chosen = rng.sample(poverty_villages, min(PV_STATIONS, len(poverty_villages)))
    stations = [
        PVStation(village_id=code, name=f"{name}村级光伏电站", connected_on=_date_in(
            rng, datetime.date(2017, 6, 1), datetime.date(2020, 12, 1)),
            capacity_kw=Decimal(rng.choice([100, 150, 200, 260, 300, 400, 500])))
        for code, name in chosen
    ]
    PVStation.objects.bulk_create(stations)
    stations = list(PVStation.objects.order_by("pk"))
    incomes, employees = [], []
    pools = _RegistryPools(rng, EmploymentChannel.PV_POST, used)
    for year in (PREVIOUS, YEAR):
        # Income in proportion to capacity (with the weather's noise), to the yuan.
        weights = [float(s.capacity_kw) * rng.uniform(0.85, 1.15) for s in stations]
        total = PV_INCOME[year]
        amounts = [int(total * w / sum(weights)) for w in weights]
        amounts[-1] += total - sum(amounts)
        posts = _split(rng, PV_POSTS[year], len(stations), minimum=1, spread=2.0)
        for station, amount, n in zip(stations, amounts, posts):
            incomes.append(PVIncome(station=station, year=year, income=Decimal(amount), posts=n))
        slots = [s for s, n in zip(stations, posts) for _ in range(n)]
        linked = set(rng.sample(range(len(slots)), min(ctx.scaled(PV_BENEFICIARIES[year]), len(slots))))
        picks = {i: pools.take(slots[i].village_id[:6]) for i in sorted(linked)}
        people = _people(pk for pk in picks.values() if pk)
        for i, station in enumerate(slots):
            pk = picks.get(i)
            name, number = people[pk] if pk else (_name(rng), "")
            employees.append(PVEmployee(station=station, year=year, name=name, id_number=number, member_id=pk,
                                        post=rng.choice(_PV_POSTS)))
    PVIncome.objects.bulk_create(incomes, batch_size=1000)
    PVEmployee.objects.bulk_create(employees, batch_size=1000)
    ctx.log(f"  村级光伏电站 {len(stations)} 座，{YEAR} 年收益 {PV_INCOME[YEAR]} 元，岗位 {PV_POSTS[YEAR]} 个")


# --------------------------------------------------------------------------------------------- projects


def _seed_projects(ctx, villages_by_county):
    rng = ctx.rng("assistance.projects")
    weights = _county_weights()
    codes = sorted(villages_by_county)
    projects = []

    def add(year, source, amounts, unit_names=None):
        for i, amount in enumerate(amounts):
            county = rng.choices(codes, [weights[c] for c in codes])[0]
            village = rng.choice(villages_by_county[county]) if rng.random() < 0.7 else None
            kind = rng.choice(_PROJECT_KINDS)
            place = village[1] if village else next(c["name"] for c in counties_reference() if c["code"] == county)
            status = (ProjectStatus.COMPLETED if year == PREVIOUS or rng.random() < 0.55
                      else rng.choice([ProjectStatus.ONGOING, ProjectStatus.ONGOING, ProjectStatus.PLANNED]))
            projects.append(AssistanceProject(
                county_id=county, village_id=village[0] if village else None,
                area_code=village[0] if village else county,
                name=f"{year}年{place}{kind}项目", funding_source=source, amount=Decimal(amount), year=year,
                unit_name=unit_names[i] if unit_names else "", status=status,
            ))

    for year in (PREVIOUS, YEAR):
        add(year, FundingSource.LINKAGE, _split(rng, LINKAGE_FUNDS[year], LINKAGE_PROJECTS[year], 50_000, 2.0))
        small = [rng.randint(2_000, 9_900) for _ in range(UNIT_PROJECTS_SMALL[year])]
        large = _split(rng, UNIT_FUNDS[year] - sum(small), UNIT_PROJECTS_10K[year], 10_000, 3.0)
        amounts = large + small
        add(year, FundingSource.UNIT, amounts, [rng.choice(_UNITS) for _ in amounts])
        add(year, FundingSource.OTHER, _split(rng, OTHER_FUNDS[year], OTHER_PROJECTS[year], 20_000, 2.0))
    AssistanceProject.objects.bulk_create(projects, batch_size=1000)
    ctx.log(f"  帮扶项目 {len(projects)} 个：{YEAR} 年衔接资金 {LINKAGE_FUNDS[YEAR]} 元，帮扶单位投入 {UNIT_FUNDS[YEAR]} 元")


# --------------------------------------------------------------------------------------------- consumption


def _seed_consumption(ctx):
    rng = ctx.rng("assistance.consumption")
    ConsumptionPlatform.objects.bulk_create(
        [ConsumptionPlatform(name=name, kind=kind, operator=operator) for name, kind, operator in _PLATFORMS]
    )
    platforms = list(ConsumptionPlatform.objects.order_by("pk"))
    codes = sorted(c["code"] for c in counties_reference())
    reach = {p.pk: sorted(rng.sample(codes, rng.randint(5, len(codes)))) for p in platforms}
    sales = []
    for year in (PREVIOUS, YEAR):
        # 2023 is reported to the end of the third quarter (the report's time); 2022 has all four quarters.
        quarters = (1, 2, 3) if year == YEAR else (1, 2, 3, 4)
        cells = [(p, county, quarter) for p in platforms if year == YEAR or p.name != NEW_PLATFORM
                 for county in reach[p.pk] for quarter in quarters]
        amounts = _split(rng, CONSUMPTION_SALES[year], len(cells), 100_000, 1.5)
        persons = _split(rng, CONSUMPTION_BENEFICIARIES[year], len(cells), 5, 1.5)
        sales += [ConsumptionSale(platform=p, county_id=county, year=year, quarter=quarter, amount=Decimal(a),
                                  beneficiaries=b) for (p, county, quarter), a, b in zip(cells, amounts, persons)]
    ConsumptionSale.objects.bulk_create(sales, batch_size=1000)
    ctx.log(f"  消费帮扶平台 {len(platforms)} 个，{YEAR} 年销售 {CONSUMPTION_SALES[YEAR]} 元")


# --------------------------------------------------------------------------------------------- collective economy


def _seed_collective(ctx):
    rng = ctx.rng("assistance.collective")
    codes = list(Village.objects.order_by("code").values_list("code", flat=True))
    rich = set(rng.sample(codes, min(COLLECTIVE_OVER_300K, len(codes))))
    cooperatives = {year: [0] * len(codes) for year in (PREVIOUS, YEAR)}
    services = {year: [0] * len(codes) for year in (PREVIOUS, YEAR)}
    for year in (PREVIOUS, YEAR):
        for i in rng.choices(range(len(codes)), k=COOPERATIVES[year]):
            cooperatives[year][i] += 1
        for i in rng.choices(range(len(codes)), k=TRUSTEESHIP_SERVICES[year]):
            services[year][i] += 1
    records = []
    for i, code in enumerate(codes):
        cents = rng.randint(30_000_000, 200_000_000) if code in rich else rng.randint(10_000_000, 29_999_999)
        income = Decimal(cents) / 100
        earlier = (income * Decimal(rng.uniform(0.72, 0.97))).quantize(Decimal("0.01"))
        records.append(VillageCollectiveEconomy(village_id=code, year=YEAR, income=income,
                                                party_branch_cooperatives=cooperatives[YEAR][i],
                                                trusteeship_services=services[YEAR][i]))
        records.append(VillageCollectiveEconomy(village_id=code, year=PREVIOUS, income=earlier,
                                                party_branch_cooperatives=cooperatives[PREVIOUS][i],
                                                trusteeship_services=services[PREVIOUS][i]))
    VillageCollectiveEconomy.objects.bulk_create(records, batch_size=2000)
    ctx.log(f"  村集体经济 {len(codes)} 个村 × 2 年，{YEAR} 年 30 万元以上 {len(rich)} 个村")


def seed(ctx):
    villages_by_county: dict[str, list] = {}
    for code, name, county, poor in Village.objects.order_by("code").values_list(
            "code", "name", "county_id", "is_poverty_village"):
        villages_by_county.setdefault(county, []).append((code, name, poor))
    # Persons already on a workshop or PV roll are not linked a second time.
    used = set(WorkshopEmployee.objects.filter(member__isnull=False).values_list("member_id", flat=True))
    used |= set(PVEmployee.objects.filter(member__isnull=False).values_list("member_id", flat=True))
    parts = [
        ("帮扶车间", Workshop, lambda: _seed_workshops(ctx, villages_by_county, used)),
        ("光伏电站", PVStation, lambda: _seed_pv(ctx, villages_by_county, used)),
        ("帮扶项目", AssistanceProject, lambda: _seed_projects(ctx, villages_by_county)),
        ("消费帮扶", ConsumptionPlatform, lambda: _seed_consumption(ctx)),
        ("村集体经济", VillageCollectiveEconomy, lambda: _seed_collective(ctx)),
    ]
    for label, model, build in parts:
        if model.objects.exists():
            ctx.log(f"  {label}已存在，跳过")
            continue
        with ctx.timed(label), transaction.atomic():
            build()
