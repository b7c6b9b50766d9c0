"""Reading uploaded workbooks safely, and parsing the values county staff type into cells.

Before openpyxl sees a file we check, from the bytes and the zip directory alone: that it is a zip at
all (an encrypted xlsx or an old .xls is an OLE compound file), that it carries no macros, that the
decompressed size stays under a limit (zip bombs), and where the data area has merged cells. Then the
workbook is opened read-only with ``data_only=True``: a formula cell gives its cached value and is
never evaluated. A sheet longer than ``MAX_ROWS`` is refused without being read to the end.
"""

from __future__ import annotations

import datetime
import re
import zipfile
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import openpyxl
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.utils.datetime import from_excel
from openpyxl.worksheet._read_only import ReadOnlyWorksheet

from yuncheng.idcard import normalize_id_number

MAX_UNCOMPRESSED = 300 * 1024 * 1024  # bytes, all parts together
MAX_RATIO = 200  # decompressed / compressed, per part (ordinary xlsx parts are 5–30)
MAX_ROWS = 200_000  # data rows per sheet

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ENCRYPTED_MARK = "EncryptedPackage".encode("utf-16-le")


class WorkbookRefused(Exception):
    """The file as a whole cannot be read; the message says why, in Chinese."""


@dataclass(frozen=True)
class RowError:
    sheet: str
    row: int | None
    column: str  # header text, with the column letter
    value: str
    reason: str

    def __str__(self):
        where = f"工作表「{self.sheet}」"
        if self.row:
            where += f"第 {self.row} 行"
        if self.column:
            where += f"「{self.column}」"
        value = f"（值：{self.value}）" if self.value not in ("", None) else ""
        return f"{where}{value}：{self.reason}"


class CellError(ValueError):
    """A value that cannot be parsed; the message is the Chinese reason."""


_MERGE_RE = re.compile(rb"<(?:\w+:)?mergeCell\s[^>]*?ref=\"([A-Z]+[0-9]+(?::[A-Z]+[0-9]+)?)\"")


def _check_archive(path) -> zipfile.ZipFile:
    with open(path, "rb") as fh:
        head = fh.read(8)
        if head == OLE_MAGIC:
            fh.seek(0)
            if ENCRYPTED_MARK in fh.read(4 * 1024 * 1024):
                raise WorkbookRefused("文件已设置打开密码（加密），请取消密码后另存为 .xlsx 再上传")
            raise WorkbookRefused("文件是旧版 Excel 97-2003（.xls）格式，请另存为 .xlsx 再上传")
    if not head.startswith(b"PK\x03\x04") or not zipfile.is_zipfile(path):
        raise WorkbookRefused("文件不是有效的 Excel 工作簿（.xlsx），请用 Excel 另存为 .xlsx 后上传")
    try:
        archive = zipfile.ZipFile(path)
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError):
        raise WorkbookRefused("文件已损坏，无法读取") from None
    names = {info.filename for info in infos}
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise WorkbookRefused("文件不是有效的 Excel 工作簿（.xlsx），请用 Excel 另存为 .xlsx 后上传")
    if any(name.lower().endswith("vbaproject.bin") for name in names) or b"macroEnabled" in archive.read(
        "[Content_Types].xml"
    ):
        raise WorkbookRefused("文件含有宏（.xlsm），出于安全原因不予导入，请另存为不含宏的 .xlsx")
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size > 1024 * 1024 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise WorkbookRefused("文件解压后异常膨胀（疑似压缩炸弹），不予导入")
    if total > MAX_UNCOMPRESSED:
        raise WorkbookRefused(
            f"文件解压后过大（{total // (1024 * 1024)} MB，上限 {MAX_UNCOMPRESSED // (1024 * 1024)} MB），请分批导入"
        )
    return archive


_FORMULA_RE = re.compile(rb"<(?:\w+:)?f[\s>/]")
_CELL_RE = re.compile(rb"<(?:\w+:)?c\s[^>]*?r=\"([A-Z]+[0-9]+)\"[^>]*?(?:/>|>(.*?)</(?:\w+:)?c>)", re.DOTALL)
_VALUE_RE = re.compile(rb"<(?:\w+:)?v>[^<]|<(?:\w+:)?is>")


def scan_sheet(archive: zipfile.ZipFile, part: str) -> tuple[list[str], list[str]]:
    """(merged-cell ranges, formula cells without a cached value) of one worksheet part, found by
    streaming its XML once: read-only mode reports neither, and ``data_only`` reads a formula that was
    never calculated (a file written by a program, never opened in Excel) as a blank cell."""
    merged: set[str] = set()
    formulas: list[str] = []
    tail = b""
    with archive.open(part) as fh:
        while chunk := fh.read(1 << 20):
            data = tail + chunk
            merged.update(m.decode() for m in _MERGE_RE.findall(data))
            cut = data.rfind(b"</c>")  # cells are judged whole; the rest waits for the next chunk
            cut = len(data) - 256 if cut < 0 else cut + 4
            cut = max(cut, 0)
            if _FORMULA_RE.search(data, 0, cut):
                for match in _CELL_RE.finditer(data, 0, cut):
                    body = match[2] or b""
                    if _FORMULA_RE.search(body) and not _VALUE_RE.search(body):
                        formulas.append(match[1].decode())
            tail = data[cut:]
    return sorted(merged), formulas


_DIMENSION_RE = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"([A-Z]+[0-9]+(?::[A-Z]+[0-9]+)?)\"")


def _head_only_get_size(self):
    """openpyxl looks for the sheet's <dimension> with an XML parser that, when the element is absent
    (files written in write-only mode, like our own exports), reads the whole sheet before giving up —
    a second full parse of every import. The element sits in the first bytes of the part when present."""
    with self._get_source() as source:
        head = source.read(64 * 1024)
    match = _DIMENSION_RE.search(head)
    if match:
        self._min_column, self._min_row, self._max_column, self._max_row = range_boundaries(match[1].decode())


ReadOnlyWorksheet._get_size = _head_only_get_size


class Workbook:
    """An uploaded workbook opened for reading, after the archive checks passed."""

    def __init__(self, path):
        archive = _check_archive(path)
        self.archive = archive
        self._scans: dict[str, tuple[list[str], list[str]]] = {}
        try:
            self.book = openpyxl.load_workbook(path, read_only=True, data_only=True, keep_links=False)
        except Exception:  # openpyxl raises many kinds on a broken part
            archive.close()
            raise WorkbookRefused("文件已损坏或不是 Excel 工作簿，无法读取") from None

    @property
    def sheetnames(self) -> list[str]:
        return self.book.sheetnames

    def _scan(self, sheet: str) -> tuple[list[str], list[str]]:
        if sheet not in self._scans:
            part = getattr(self.book[sheet], "_worksheet_path", None)
            self._scans[sheet] = scan_sheet(self.archive, part.lstrip("/")) if part else ([], [])
        return self._scans[sheet]

    def formulas_without_value(self, sheet: str) -> list[str]:
        return self._scan(sheet)[1]

    def merged_data_ranges(self, sheet: str, first_data_row: int = 2) -> list[str]:
        out = []
        for ref in self._scan(sheet)[0]:
            last = ref.split(":")[-1]
            if int(re.sub(r"[A-Z]", "", last)) >= first_data_row:
                out.append(ref)
        return out

    def rows(self, sheet: str):
        """(row number, tuple of values) for every row of the sheet, header first; refuses a sheet
        longer than MAX_ROWS + 1 before reading it all."""
        ws = self.book[sheet]
        try:
            declared = ws.max_row or 0
        except Exception:
            declared = 0
        if declared > MAX_ROWS + 1:
            raise WorkbookRefused(
                f"工作表「{sheet}」有 {declared:,} 行，超过单次导入上限 {MAX_ROWS:,} 行，请分批导入"
            )
        number = 0
        for number, values in enumerate(ws.iter_rows(values_only=True), 1):
            if number > MAX_ROWS + 1:
                raise WorkbookRefused(f"工作表「{sheet}」超过单次导入上限 {MAX_ROWS:,} 行，请分批导入")
            yield number, values

    def close(self):
        self.book.close()
        self.archive.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def column_name(header: str, index: int) -> str:
    return f"{get_column_letter(index + 1)}列·{header}"


# --- cell parsers: each takes the raw cell value (already None for blank) and returns the Python value
# or raises CellError with a Chinese reason.

def clean_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime) and value.time() == datetime.time(0):
        value = value.date()
    return str(value).replace("\u3000", " ").strip()


def parse_code(value, digits: tuple[int, ...]) -> str:
    text = normalize_id_number(clean_text(value))
    if not text.isdigit() or len(text) not in digits:
        lengths = " 或 ".join(str(d) for d in digits)
        raise CellError(f"须为 {lengths} 位数字代码")
    return text


def parse_int(value, *, minimum: int | None = 0, maximum: int | None = None) -> int | None:
    text = normalize_id_number(clean_text(value)).replace(",", "")
    if text == "":
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise CellError("不是数字") from None
    if number != number.to_integral_value():
        raise CellError("须为整数")
    number = int(number)
    if minimum is not None and number < minimum:
        raise CellError(f"不能小于 {minimum}")
    if maximum is not None and number > maximum:
        raise CellError(f"不能大于 {maximum}")
    return number


def parse_money(value, *, negative: bool = False) -> Decimal | None:
    if isinstance(value, float):
        value = repr(value)
    text = normalize_id_number(clean_text(value)).replace(",", "").replace("元", "")
    if text == "":
        return None
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise CellError("不是数字") from None
    if not amount.is_finite():
        raise CellError("不是数字")
    if amount < 0 and not negative:
        raise CellError("金额不能为负数")
    if abs(amount) >= Decimal("1e12"):
        raise CellError("金额过大")
    return amount.quantize(Decimal("0.01"))


_DATE_RE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_MONTH_RE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?$")


def parse_date(value) -> datetime.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, (int, float)) and 1 <= value < 2958466:
        return from_excel(value).date()
    text = normalize_id_number(clean_text(value))
    if text == "":
        return None
    match = _DATE_RE.match(text) or (re.match(r"^(\d{4})(\d{2})(\d{2})$", text))
    if not match:
        raise CellError("日期格式不对，应为 YYYY-MM-DD")
    try:
        return datetime.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        raise CellError("日期不存在") from None


def parse_month(value) -> datetime.date | None:
    """A month (YYYY-MM) as the date of its first day."""
    if value is None or value == "":
        return None
    if isinstance(value, (datetime.date, datetime.datetime)):
        return datetime.date(value.year, value.month, 1)
    text = normalize_id_number(clean_text(value))
    match = _MONTH_RE.match(text) or re.match(r"^(\d{4})(\d{2})$", text)
    if not match:
        try:
            day = parse_date(value)
        except CellError:
            raise CellError("年月格式不对，应为 YYYY-MM") from None
        return day.replace(day=1) if day else None
    year, month = int(match[1]), int(match[2])
    if not 1 <= month <= 12:
        raise CellError("月份须为 1–12")
    return datetime.date(year, month, 1)


YES, NO = "是", "否"


def parse_bool(value) -> bool | None:
    text = clean_text(value)
    if text == "":
        return None
    if text in (YES, "Y", "y", "1", "TRUE", "True", "true", "√"):
        return True
    if text in (NO, "N", "n", "0", "FALSE", "False", "false", "×"):
        return False
    raise CellError("只能填“是”或“否”")


def parse_choice(value, choices) -> str | None:
    """A TextChoices label (or stored value) → the stored value."""
    text = clean_text(value)
    if text == "":
        return None
    for stored, label in choices:
        if text == label or text == stored:
            return stored
    allowed = "、".join(label for _, label in choices)
    raise CellError(f"不在允许的取值中（{allowed}）")


def parse_multi(value, choices, *, limit: int | None = None) -> list[str]:
    text = clean_text(value)
    if text == "":
        return []
    parts = [p.strip() for p in re.split(r"[、,，;；]", text) if p.strip()]
    out = []
    for part in parts:
        stored = parse_choice(part, choices)
        if stored not in out:
            out.append(stored)
    if limit is not None and len(out) > limit:
        raise CellError(f"最多填 {limit} 项")
    return out
