"""居民身份证号 (GB 11643-1999): normalisation, validation, masking and what the number encodes.

Shared by every app that stores a person (monitoring members, team members) and by the importers.

A number is valid when its check digit is right, its birth date exists and is not in the future, and its
first six digits are a GB/T 2260 region code that existed in the birth year. The code table is
python-stdnum's (``stdnum.cn.ric`` / numdb ``cn/loc``), which carries the historical codes with the years
they were valid — so a 平陆 resident born in 1977 carries 142732 (运城地区平陆县, until 2000), and 140829
(运城市平陆县, from 2000) is only possible for people born from 2000. A hand-kept list would drift.
"""

import datetime
import functools
import logging
import unicodedata

from django.core.exceptions import ValidationError

logger = logging.getLogger(__name__)

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"

# 运城地区 (1427) became 运城市 (1408) in 2000; 盐湖区 was 运城市 (county-level, 1983–2000) and 运城县 before.
# The library knows every code and its years; what it cannot know is which old county a new code continues.
_PREDECESSOR_PREFECTURE = {"1408": "1427"}
_RENAMED = {"盐湖区": ("运城市", "运城县")}


def normalize_id_number(value) -> str:
    """Half-width, upper-case, no spaces: '１４０８２９…ｘ ' and '…Ｘ' → '140829…X'."""
    text = unicodedata.normalize("NFKC", str(value or ""))
    return "".join(text.split()).upper()


def check_digit(first17: str) -> str:
    return _CHECK[sum(int(d) * w for d, w in zip(first17, _WEIGHTS)) % 11]


def id_birth_date(number: str) -> datetime.date:
    return datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))


def id_sex(number: str) -> str:
    """'男' or '女' from the 17th digit (odd = male)."""
    return "男" if int(number[16]) % 2 else "女"


@functools.lru_cache(maxsize=4096)
def _region_entries(code: str) -> tuple[tuple[str, int | None, int | None], ...]:
    """(name, first year, last year) of every county the library's table has under ``code``; () if none.
    Any failure of the library (a missing data file, a format it changed) is logged and answers ()."""
    try:
        from stdnum import numdb

        results = numdb.get("cn/loc").info(code)
    except Exception:  # noqa: BLE001 - a broken table must refuse numbers, not crash the page
        logger.exception("python-stdnum 地区码表不可用")
        return ()
    info = {k: v for _part, props in results for k, v in props.items()}
    county = info.get("county")
    if not county:
        return ()
    entries = []
    for item in county.split(","):
        if not item.startswith("["):
            entries.append((item, None, None))
            continue
        try:
            years, name = item[1:].split("]", 1)
            start, end = years.split("-")
            entries.append((name, int(start) if start else None, int(end) if end else None))
        except ValueError:
            logger.warning("python-stdnum 地区码表格式无法识别：%s %s", code, item)
    return tuple(entries)


def region_name(code: str, year: int) -> str | None:
    """The county that ``code`` stood for in ``year`` (None when the code did not exist then)."""
    for name, start, end in _region_entries(code):
        if (start is None or year >= start) and (end is None or year <= end):
            return name
    return None


def validate_id_number(value, *, today: datetime.date | None = None) -> str:
    """The normalised number, or ValidationError with a Chinese message saying what is wrong."""
    number = normalize_id_number(value)
    if len(number) != 18:
        raise ValidationError(f"身份证号须为 18 位（现为 {len(number)} 位）", code="id_length")
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise ValidationError("身份证号前 17 位须为数字，末位为数字或 X", code="id_chars")
    try:
        born = id_birth_date(number)
    except ValueError:
        raise ValidationError(f"身份证号中的出生日期 {number[6:14]} 不存在", code="id_birth_date") from None
    today = today or datetime.date.today()
    if born > today:
        raise ValidationError(f"身份证号中的出生日期 {number[6:14]} 在今天之后", code="id_birth_date")
    if born.year < 1900:
        raise ValidationError(f"身份证号中的出生日期 {number[6:14]} 不合理", code="id_birth_date")
    if check_digit(number[:17]) != number[17]:
        raise ValidationError("身份证号校验位错误", code="id_check_digit")
    if region_name(number[:6], born.year) is None:
        if _region_entries(number[:6]):
            raise ValidationError(
                f"身份证号前 6 位地区码 {number[:6]} 在出生年份 {born.year} 年尚未设立或已撤销"
                "（运城 2000 年前出生的居民为 1427 开头的运城地区代码）", code="id_region")
        raise ValidationError(f"身份证号前 6 位 {number[:6]} 不是有效的行政区划代码", code="id_region")
    return number


def mask_id_number(number: str) -> str:
    """'140829199001011234' → '1408**********1234'."""
    if not number:
        return ""
    return f"{number[:4]}{'*' * (len(number) - 8)}{number[-4:]}" if len(number) > 8 else "*" * len(number)


def _stem(name: str) -> str:
    return name[:-1] if len(name) > 2 and name[-1] in "县市区" else name


@functools.lru_cache(maxsize=1024)
def region_code_at(area_code: str, year: int) -> str:
    """The region code a person registered in ``area_code``'s county and born in ``year`` carries: the code
    itself when it existed then, else the code of the same county in the predecessor prefecture (平陆
    140829 → 142732 before 2000), else the predecessor prefecture's own code (142700 运城地区)."""
    code = area_code[:6].ljust(6, "0")
    if region_name(code, year):
        return code
    old_prefix = _PREDECESSOR_PREFECTURE.get(code[:4])
    if old_prefix is None:
        return code
    if code[4:] in ("00", "01"):  # the prefecture itself (运城市 / 市辖区) → 运城地区
        return f"{old_prefix}00"
    names = {name for name, *_ in _region_entries(code)}
    wanted = {_stem(n) for name in names for n in (name, *_RENAMED.get(name, ()))}
    for suffix in range(100):
        candidate = f"{old_prefix}{suffix:02d}"
        found = region_name(candidate, year)
        if found and _stem(found) in wanted:
            return candidate
    return f"{old_prefix}00"


def make_id_number(area_code: str, born: datetime.date, sequence: int, male: bool) -> str:
    """A number a real resident could hold, for demo data and tests: the region code valid at the birth
    year (``region_code_at``), birth date, a 3-digit sequence whose last digit carries the sex, and the
    check digit."""
    seq = sequence % 1000
    if (seq % 2 == 1) != male:
        seq = (seq + 1) % 1000
    first17 = f"{region_code_at(area_code, born.year)}{born:%Y%m%d}{seq:03d}"
    return first17 + check_digit(first17)
