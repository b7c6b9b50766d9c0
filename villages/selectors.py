"""Reads on geography shared by pages, the dashboard, exports and imports."""

from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Substr

from .models import (
    CITY_CODE,
    CITY_NAME,
    PROVINCE_CODE,
    PROVINCE_NAME,
    SHANXI_CITIES,
    County,
    RelocationSite,
    Township,
    Village,
    area_bounds,
    area_prefix,
    city_code_of,
    platform_area_code,
)

LEVEL_PROVINCE = "province"
LEVEL_CITY = "city"
LEVEL_COUNTY = "county"
LEVEL_TOWNSHIP = "township"
LEVEL_VILLAGE = "village"


@dataclass(frozen=True)
class Area:
    """An area of any level, named by its official code."""

    code: str
    name: str
    level: str
    parents: tuple["Area", ...] = field(default=())

    @property
    def prefix(self) -> str:
        """Every code inside the area starts with this (the city's 140800 → 1408)."""
        return area_prefix(self.code)

    @property
    def chain(self) -> tuple["Area", ...]:
        """The area and its parents from the city down (for breadcrumbs)."""
        return (*self.parents, self)

    @property
    def child_level(self) -> str | None:
        return {LEVEL_PROVINCE: LEVEL_CITY, LEVEL_CITY: LEVEL_COUNTY, LEVEL_COUNTY: LEVEL_TOWNSHIP,
                LEVEL_TOWNSHIP: LEVEL_VILLAGE}.get(self.level)

    def __str__(self):
        return self.name


CITY = Area(code=CITY_CODE, name=CITY_NAME, level=LEVEL_CITY)
PROVINCE = Area(code=PROVINCE_CODE, name=PROVINCE_NAME, level=LEVEL_PROVINCE)


def province_platform() -> bool:
    """Whether the platform serves the province (settings.PLATFORM_AREA = 140000) rather than one city."""
    return platform_area_code() == PROVINCE_CODE


def platform_area() -> Area:
    """The platform's whole area: the city, or the province."""
    return PROVINCE if province_platform() else CITY


def is_platform_area(area: Area) -> bool:
    """Whether ``area`` is the whole platform (pages then leave ``?area=`` out)."""
    return area_prefix(area.code) == area_prefix(platform_area_code())


def city_area(code: str) -> Area | None:
    """The city an area code lies in; above it the province when the platform serves the province.
    On a one-city platform only that city exists."""
    code = city_code_of(code)
    if province_platform():
        return Area(code, SHANXI_CITIES[code], LEVEL_CITY, (PROVINCE,)) if code in SHANXI_CITIES else None
    return CITY if code == CITY_CODE else None


def area_get(*, code: str | None) -> Area | None:
    """The area with this code (None → the platform's whole area); None if no such area exists.
    A city is 140800 in GB/T 2260 and 1408 in the prefix every code of it starts with: both are the city
    (likewise the province, 140000 and 14)."""
    code = (code or "").strip()
    if not code:
        return platform_area()
    if code in (PROVINCE_CODE, PROVINCE_CODE[:2]):
        return PROVINCE if province_platform() else None
    if len(code) == 4 or (len(code) == 6 and code.endswith("00")):
        return city_area(code)
    city = city_area(code) if len(code) in (6, 9, 12) else None
    if city is None:
        return None
    if len(code) == 6:
        county = County.objects.filter(code=code).values_list("name", flat=True).first()
        return Area(code, county, LEVEL_COUNTY, city.chain) if county else None
    if len(code) == 9:
        row = Township.objects.filter(code=code).values_list("name", "county__code", "county__name").first()
        if row is None:
            return None
        county = Area(row[1], row[2], LEVEL_COUNTY, city.chain)
        return Area(code, row[0], LEVEL_TOWNSHIP, county.chain)
    if len(code) == 12:
        row = (
            Village.objects.filter(code=code)
            .values_list("name", "township__code", "township__name", "county__code", "county__name")
            .first()
        )
        if row is None:
            return None
        county = Area(row[3], row[4], LEVEL_COUNTY, city.chain)
        township = Area(row[1], row[2], LEVEL_TOWNSHIP, county.chain)
        return Area(code, row[0], LEVEL_VILLAGE, township.chain)
    return None


def area_children(*, area: Area) -> list[Area]:
    """The areas one level down (cities of the province, counties of a city, townships of a county,
    villages of a township)."""
    if area.level == LEVEL_PROVINCE:
        prefixes = County.objects.annotate(city=Substr("code", 1, 4)).values_list("city", flat=True)
        return [city_area(prefix) for prefix in sorted(set(prefixes)) if city_area(prefix) is not None]
    if area.level == LEVEL_CITY:
        lowest, upper = area_bounds(area.code)
        rows = County.objects.filter(code__gte=lowest, code__lt=upper).values_list("code", "name")
    elif area.level == LEVEL_COUNTY:
        rows = Township.objects.filter(county_id=area.code).values_list("code", "name")
    elif area.level == LEVEL_TOWNSHIP:
        rows = Village.objects.filter(township_id=area.code).values_list("code", "name")
    else:
        return []
    return [Area(code, name, area.child_level, area.chain) for code, name in rows]


def county_list(*, counties: QuerySet | None = None) -> QuerySet:
    """Counties with the number of townships, villages, 脱贫村 and 示范村 of each."""
    counties = County.objects.all() if counties is None else counties
    return counties.annotate(
        township_count=Count("townships", distinct=True),
        village_count=Count("villages", distinct=True),
        poverty_village_count=Count("villages", filter=Q(villages__is_poverty_village=True), distinct=True),
        demo_village_count=Count("villages", filter=Q(villages__is_demo_village=True), distinct=True),
    ).order_by("code")  # Meta.ordering does not apply to GROUP BY queries


def township_list(*, townships: QuerySet) -> QuerySet:
    return townships.select_related("county").annotate(
        village_count=Count("villages", distinct=True),
        poverty_village_count=Count("villages", filter=Q(villages__is_poverty_village=True), distinct=True),
        demo_village_count=Count("villages", filter=Q(villages__is_demo_village=True), distinct=True),
    ).order_by("code")


def village_list(*, villages: QuerySet) -> QuerySet:
    return villages.select_related("township", "county")


def relocation_site_list(*, sites: QuerySet) -> QuerySet:
    return sites.select_related("county", "township", "village")


def geography_counts() -> dict[str, int]:
    """Totals of the city's geography (used by seed checks and the admin index)."""
    return {
        "counties": County.objects.count(),
        "townships": Township.objects.count(),
        "villages": Village.objects.count(),
        "poverty_villages": Village.objects.filter(is_poverty_village=True).count(),
        "demo_villages": Village.objects.filter(is_demo_village=True).count(),
        "relocation_sites": RelocationSite.objects.count(),
    }
