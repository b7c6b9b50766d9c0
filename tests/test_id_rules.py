"""The ID-number rules of GB 11643 / GB/T 2260 against a table of cases (issue #11, finding 5)."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from yuncheng.idcard import check_digit, make_id_number, region_code_at, validate_id_number

TODAY = datetime.date(2026, 6, 1)


def number(first17: str) -> str:
    return first17 + check_digit(first17)


def full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) for c in text)


X_LAST = next(number(f"14273219770301{n:03d}") for n in range(1000)
              if number(f"14273219770301{n:03d}").endswith("X"))

CASES = [
    # (what the case shows, value, expected error code or None)
    ("平陆 resident born 1977 under 运城地区's code", number("14273219770301123"), None),
    ("平陆 resident born 2005 under 运城市's code", number("14082920050301123"), None),
    ("born in 2000, the year both codes were valid", number("14082920000101123"), None),
    ("Beijing 朝阳区, a code that never changed", "11010519491231002X", None),
    ("born 1977 with a code created in 2000", number("14082919770301123"), "id_region"),
    ("born 2005 with a code abolished in 2000", number("14273220050301123"), "id_region"),
    ("a region code that never existed", number("99999919800101123"), "id_region"),
    ("a province-less code", number("14089919800101123"), "id_region"),
    ("wrong check digit", number("14273219770301123")[:17] + "0" if not number("14273219770301123").endswith("0")
     else number("14273219770301123")[:17] + "1", "id_check_digit"),
    ("30 February", number("14273219770230123"), "id_birth_date"),
    ("born tomorrow", number("14082920260602123"), "id_birth_date"),
    ("17 digits", "14273219770301123", "id_length"),
    ("a letter inside", "1427321977030112A5", "id_chars"),
    ("full-width digits", full_width(number("14273219770301123")), None),
    ("full-width Ｘ as the last character", X_LAST[:17] + "Ｘ", None),
    ("lower-case x with spaces", f" {X_LAST[:17]}x ", None),
]


@pytest.mark.parametrize("what, value, code", CASES, ids=[c[0] for c in CASES])
def test_id_number_rules_table(what, value, code):
    if code is None:
        assert validate_id_number(value, today=TODAY) == "".join(value.split()).upper().translate(
            {ord(c): ord(c) - 0xFEE0 for c in "０１２３４５６７８９Ｘ"})
    else:
        with pytest.raises(ValidationError) as error:
            validate_id_number(value, today=TODAY)
        assert error.value.code == code


def test_region_message_names_the_old_yuncheng_codes():
    with pytest.raises(ValidationError) as error:
        validate_id_number(number("14082919770301123"))
    assert "1427" in error.value.messages[0]


@pytest.mark.parametrize("area, year, expected", [
    ("140829", 1977, "142732"),  # 平陆县, 运城地区
    ("140829100200", 1999, "142732"),  # a village code gives its county
    ("140829", 2003, "140829"),
    ("140802", 1990, "142701"),  # 盐湖区 was the county-level 运城市 1983–2000
    ("140802", 1975, "142721"),  # and 运城县 before 1983
    ("140881", 1990, "142722"),  # 永济 was a county until 1994
    ("140800", 1985, "142700"),  # the city itself: 运城地区
])
def test_demo_numbers_use_the_code_valid_at_birth(area, year, expected):
    assert region_code_at(area, year) == expected


def test_demo_numbers_of_people_born_before_2000_are_valid_1427_numbers():
    for i in range(60):
        born = datetime.date(1940 + i, 1 + i % 12, 1 + i % 28)
        generated = make_id_number("140829", born, i, i % 2 == 0)
        assert validate_id_number(generated) == generated
        assert generated.startswith("142732" if born.year < 2000 else "140829")
