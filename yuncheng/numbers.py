"""The one rounding rule of the platform: figures are rounded half up (四舍五入), as Chinese statistical
tables are, never Python's round-half-even; percentages and money to two places unless said otherwise."""

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def round_half_up(value, places: Decimal = CENT) -> Decimal:
    return Decimal(value).quantize(places, rounding=ROUND_HALF_UP)


def percent(part, whole, places: Decimal = CENT) -> Decimal | None:
    """part / whole × 100, rounded half up; None without a base (a rate of nothing is not 0 %)."""
    if not whole:
        return None
    return round_half_up(Decimal(part) * 100 / Decimal(whole), places)
