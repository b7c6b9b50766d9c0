"""How figures are written: on pages (thousands separators, two decimals for money and ratios) and in
JSON (numbers, never strings — Decimal becomes a JSON number)."""

import json
from decimal import Decimal

from django.core.serializers.json import DjangoJSONEncoder
from django.http import JsonResponse


class NumberEncoder(DjangoJSONEncoder):
    def default(self, o):
        if isinstance(o, Decimal):
            return float(o)
        return super().default(o)


def json_response(data, status: int = 200) -> JsonResponse:
    return JsonResponse(data, status=status, encoder=NumberEncoder, json_dumps_params={"ensure_ascii": False})


def jsonable(value):
    """Decimals as floats, recursively (for data handed to templates' json_script)."""
    return json.loads(json.dumps(value, cls=NumberEncoder))


def format_value(value, kind: str = "count") -> str:
    if value is None:
        return "—"
    if isinstance(value, dict):
        return "，".join(f"{label} {format_value(n)}" for label, n in value.items())
    if kind in ("money", "pct", "number") or isinstance(value, Decimal):
        return f"{Decimal(value):,.2f}"
    return f"{int(value):,}"


def format_change(current, previous, kind: str) -> tuple[str, str]:
    """The change against the same period of the year before: (text, css class). Nothing when either
    side has no data or the year before is 0: a change from nothing is not a rise, and a figure that has
    no data yet is not a fall of 100 %."""
    if isinstance(current, dict) or current is None or previous is None or not previous:
        return "", ""
    delta = Decimal(current) - Decimal(previous)
    if kind == "pct":
        text = f"{delta:+,.2f} 个百分点"
    else:
        text = f"{delta / Decimal(previous) * 100:+.2f}%"
    css = "text-success" if delta > 0 else ("text-danger" if delta < 0 else "text-muted")
    return text, css


# Chinese tables write large sums of money in 万元 or 亿元 (两位小数); the exact 元 stays in a tooltip and
# in every export.
MONEY_SCALES = ((Decimal(100_000_000), "亿元"), (Decimal(10_000), "万元"))


def money_scale(metric, value) -> tuple[Decimal, str]:
    """(divisor, unit) for writing ``value`` of ``metric``: a sum of money (unit 元, additive) by its size;
    every other figure in its catalogue unit (a per-capita income stays in 元, a standard in 元/年)."""
    if metric.kind == "money" and metric.unit == "元" and metric.additive and value is not None:
        for divisor, unit in MONEY_SCALES:
            if abs(Decimal(value)) >= divisor:
                return divisor, unit
    return Decimal(1), metric.unit


def format_figure(metric, value, scale: tuple[Decimal, str] | None = None) -> dict:
    """A figure for a page: ``text`` (scaled, "—" for no data), ``unit`` and ``exact`` (the full 元 value
    for the tooltip; empty when the text already is exact)."""
    divisor, unit = scale or money_scale(metric, value)
    if value is None or divisor == 1 or isinstance(value, dict):
        return {"text": format_value(value, metric.kind), "unit": unit, "exact": ""}
    return {"text": f"{Decimal(value) / divisor:,.2f}", "unit": unit, "exact": f"{Decimal(value):,.2f} 元"}
