"""居民身份证号 (GB 11643-1999): normalisation, validation, masking and what the number encodes.

Shared by every app that stores a person (monitoring members, team members) and by the importers."""

import datetime
import unicodedata

from django.core.exceptions import ValidationError

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"


def normalize_id_number(value) -> str:
    """Half-width, upper-case, no spaces: '１４０８２９…ｘ ' → '140829…X'."""
    text = unicodedata.normalize("NFKC", str(value or ""))
    return "".join(text.split()).upper()


def check_digit(first17: str) -> str:
    return _CHECK[sum(int(d) * w for d, w in zip(first17, _WEIGHTS)) % 11]


def id_birth_date(number: str) -> datetime.date:
    return datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))


def id_sex(number: str) -> str:
    """'男' or '女' from the 17th digit (odd = male)."""
    return "男" if int(number[16]) % 2 else "女"


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
    if born > today or born.year < 1900:
        raise ValidationError(f"身份证号中的出生日期 {number[6:14]} 不合理", code="id_birth_date")
    if check_digit(number[:17]) != number[17]:
        raise ValidationError("身份证号校验位错误", code="id_check_digit")
    return number


def mask_id_number(number: str) -> str:
    """'140829199001011234' → '1408**********1234'."""
    if not number:
        return ""
    return f"{number[:4]}{'*' * (len(number) - 8)}{number[-4:]}" if len(number) > 8 else "*" * len(number)


def make_id_number(area_code: str, born: datetime.date, sequence: int, male: bool) -> str:
    """A valid number for demo data and tests: area (6 digits), birth date, a 3-digit sequence whose
    last digit carries the sex, and the check digit."""
    seq = sequence % 1000
    if (seq % 2 == 1) != male:
        seq = (seq + 1) % 1000
    first17 = f"{area_code[:6]}{born:%Y%m%d}{seq:03d}"
    return first17 + check_digit(first17)
