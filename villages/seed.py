"""Demo geography: 13 real counties, generated townships and 2,172 villages with valid codes,
370 脱贫村, 16 乡村振兴示范村 and 101 relocation sites. Full size at every --scale (it is small)."""

from django.db import transaction

from .models import RelocationSite, Township, Village
from .services import counties_load, counties_reference

POVERTY_VILLAGES = 370
DEMO_VILLAGES = 16
RELOCATION_SITES = 101

_TOWN_STEMS = "东西南北上下中前后新古高龙凤安永太平和兴金银石柳杨张王李赵陈刘马郭薛卫解姚董孙"
_VILLAGE_STEMS = "东西南北前后上下大小新老河坡沟岭塬庄堡寨营屯桥湾峪头店村"
_VILLAGE_TAILS = ["村", "庄村", "家村", "营村", "沟村", "坡村", "头村", "堡村", "寨村", "峪村"]


def _township_name(rng, used: set) -> str:
    while True:
        name = rng.choice(_TOWN_STEMS) + rng.choice(_TOWN_STEMS) + rng.choice(["镇", "镇", "乡"])
        if name not in used:
            used.add(name)
            return name


def _village_name(rng, used: set) -> str:
    while True:
        name = rng.choice(_VILLAGE_STEMS) + rng.choice(_TOWN_STEMS) + rng.choice(_VILLAGE_TAILS)
        if name not in used:
            used.add(name)
            return name


@transaction.atomic
def seed(ctx):
    counties_load()
    if Village.objects.exists():
        ctx.log("  区划已存在，跳过")
        return
    rng = ctx.rng("villages")
    townships, villages = [], []
    for county in counties_reference():
        used_towns: set = set()
        n_towns, n_villages = county["townships"], county["villages"]
        per_town = [n_villages // n_towns + (1 if i < n_villages % n_towns else 0) for i in range(n_towns)]
        for t in range(n_towns):
            t_code = f"{county['code']}{100 + t:03d}" if t < n_towns - 2 else f"{county['code']}{200 + t:03d}"
            townships.append(Township(code=t_code, county_id=county["code"], name=_township_name(rng, used_towns)))
            used_villages: set = set()
            for v in range(per_town[t]):
                villages.append(
                    Village(
                        code=f"{t_code}{200 + v:03d}",
                        township_id=t_code,
                        county_id=county["code"],
                        name=_village_name(rng, used_villages),
                    )
                )
    # 脱贫村 lean to the 脱贫县 (three in four of them there), 示范村 to the others.
    poverty_counties = {c["code"] for c in counties_reference() if c["is_poverty_county"]}
    in_poverty = [v for v in villages if v.county_id in poverty_counties]
    elsewhere = [v for v in villages if v.county_id not in poverty_counties]
    chosen = rng.sample(in_poverty, 278) + rng.sample(elsewhere, POVERTY_VILLAGES - 278)
    for village in chosen:
        village.is_poverty_village = True
    for village in rng.sample([v for v in elsewhere if not v.is_poverty_village], DEMO_VILLAGES):
        village.is_demo_village = True
    Township.objects.bulk_create(townships, batch_size=1000)
    Village.objects.bulk_create(villages, batch_size=1000)

    sites = []
    by_county: dict[str, list] = {}
    for village in villages:
        by_county.setdefault(village.county_id, []).append(village)
    codes = sorted(by_county)
    weights = [3 if code in poverty_counties else 1 for code in codes]
    for i in range(RELOCATION_SITES):
        county_code = rng.choices(codes, weights)[0]
        village = rng.choice(by_county[county_code])
        households = rng.randint(30, 400)
        sites.append(
            RelocationSite(
                name=f"{village.name.removesuffix('村')}移民安置点{i + 1:03d}",
                county_id=county_code,
                township_id=village.township_id,
                village=village,
                households=households,
                persons=households * rng.randint(26, 36) // 10,
                is_centralized=rng.random() < 0.85,
            )
        )
    RelocationSite.objects.bulk_create(sites)
    ctx.log(f"  区县 13，乡镇 {len(townships)}，行政村 {len(villages)}，安置点 {len(sites)}")
