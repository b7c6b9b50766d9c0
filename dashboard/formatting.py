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
    """The change against the same period of the year before: (text, css class)."""
    if isinstance(current, dict) or current is None or previous is None:
        return "", ""
    if kind == "pct":
        delta = Decimal(current) - Decimal(previous)
        text = f"{delta:+,.2f} 个百分点"
    else:
        delta = Decimal(current) - Decimal(previous)
        if previous:
            text = f"{delta / Decimal(previous) * 100:+.2f}%"
        else:
            text = "上年同期为 0" if delta else "持平"
            return text, "text-muted"
    css = "text-success" if delta > 0 else ("text-danger" if delta < 0 else "text-muted")
    return text, css
