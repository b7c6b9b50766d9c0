from django import template
from django.urls import reverse

from villages.selectors import LEVEL_CITY, LEVEL_COUNTY, LEVEL_PROVINCE, LEVEL_TOWNSHIP, LEVEL_VILLAGE, is_platform_area

register = template.Library()

_DETAIL = {
    LEVEL_COUNTY: "villages:county_detail",
    LEVEL_TOWNSHIP: "villages:township_detail",
    LEVEL_VILLAGE: "villages:village_detail",
}


@register.simple_tag
def area_url(area) -> str:
    """The page of an area (the city or the province → the county list)."""
    if area.level in (LEVEL_CITY, LEVEL_PROVINCE):
        return reverse("villages:county_list")
    return reverse(_DETAIL[area.level], kwargs={"code": area.code})


@register.inclusion_tag("includes/area_breadcrumb.html")
def area_breadcrumb(area, url_name=None, extra=None):
    """运城市 › 平陆县 › 某镇 — each part links to that area's page (or to ``url_name`` with ?area=)."""
    items = []
    for part in area.chain:
        if url_name:
            url = reverse(url_name) + ("" if is_platform_area(part) else f"?area={part.code}")
        else:
            url = area_url(part)
        items.append((part.name, url))
    return {"items": items, "extra": extra}
