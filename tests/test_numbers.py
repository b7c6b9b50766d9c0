"""The one rounding rule: half up (四舍五入), never half-even; no rate without a base."""

from decimal import Decimal

from yuncheng.numbers import percent, round_half_up


def test_figures_round_half_up_where_python_would_round_to_even():
    assert round_half_up(Decimal("2.345")) == Decimal("2.35")  # half-even would give 2.34
    assert round_half_up(Decimal("2.335")) == Decimal("2.34")


def test_a_percentage_without_a_base_is_none_not_zero():
    assert percent(1, 8) == Decimal("12.50")
    assert percent(1, 3, Decimal("0.1")) == Decimal("33.3")
    assert percent(0, 0) is None
