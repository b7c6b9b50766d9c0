"""The all-or-nothing import engine shared by the three workbooks of import-templates.md.

1. ``read``: every sheet the workbook needs is read and every cell parsed; a cell that does not parse
   becomes a RowError (sheet, row, column, value, Chinese reason) and the row is kept out of step 2.
2. ``plan``: the importer checks the rows against each other and against the database (codes that must
   exist, keys used twice, the user's area) and works out what would be created, changed or left as it
   is — without writing. Any error anywhere → the answer is the full error list and nothing is written.
3. ``write``: only when the whole file is clean, inside one transaction.

Re-importing the same file finds every row unchanged and writes nothing.
"""

from __future__ import annotations

import logging
import sys
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from functools import partial

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.roles import role_of
from yuncheng.idcard import validate_id_number

from ..reading import CellError, RowError, Workbook, WorkbookRefused, clean_text, column_name, parse_choice

logger = logging.getLogger(__name__)


def norm_header(text) -> str:
    """Headers compare after NFKC (full-width brackets) and without spaces."""
    return "".join(unicodedata.normalize("NFKC", clean_text(text)).split())


# Codes typed as digits that Excel would turn into numbers (losing digits after the 15th and leading zeros):
# the templates and exports format them as text, and the reader refuses a number that is not exact.
IDENTITY_HEADERS = frozenset({"户编号", "行政村代码", "户主身份证号", "身份证号", "联系电话", "区县代码", "派驻地代码"})
EXCEL_DIGITS = 15  # significant digits Excel keeps in a number


def identity_text(value):
    """The text of a number found in an identity column, or CellError when Excel has lost digits of it."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return str(value)  # stored exactly as an integer in the file
    if isinstance(value, float) and value.is_integer() and abs(value) < 10 ** EXCEL_DIGITS:
        return str(int(value))
    raise CellError(f"该单元格被 Excel 转成了数字（{value:.15g}），超过 15 位的数字已丢失或变成科学计数法；"
                    "请把该列设置为“文本”格式后重新填写")


MAX_FORMULA_ERRORS = 50
MAX_LISTED_ERRORS = 200  # per sheet; the rest are counted (ImportResult.unlisted)
# Uploads with more data rows than this are written by a background job after the preview, not in the request.
BACKGROUND_ROWS = 20_000


# ---- parsers and lookups shared by the workbooks

BATCH = 2000


def parse_id(value) -> str:
    try:
        return validate_id_number(value)
    except ValidationError as exc:
        raise CellError(exc.messages[0]) from None


def parse_phone(value) -> str:
    text = "".join(clean_text(value).split())
    if len(text) > 30:
        raise CellError("联系电话过长（最多 30 个字符）")
    return text


def labels(choices) -> tuple[str, ...]:
    return tuple(label for _, label in choices)


def choice(choices):
    return partial(parse_choice, choices=choices)


def text_of(limit: int):
    def parse(value):
        text = clean_text(value)
        if len(text) > limit:
            raise CellError(f"不能超过 {limit} 个字")
        return text

    return parse


def chunks(items, size=BATCH):
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start:start + size]


def fetch(queryset, field, keys):
    """Rows of ``queryset`` whose ``field`` is in ``keys``, queried in batches (SQLite's variable limit)."""
    out = []
    for chunk in chunks(keys):
        out.extend(queryset.filter(**{f"{field}__in": chunk}))
    return out


@dataclass(frozen=True)
class Col:
    header: str
    key: str
    parse: Callable[[Any], Any] = clean_text
    required: bool = False
    help: str = ""
    choices: tuple[str, ...] = ()  # labels offered as a drop-down in the template
    width: float | None = None
    kind: str = "text"  # for template formats and exports: text / int / money / date / month
    optional: bool = False  # an extra column after the contract's: read when present, never required

    @property
    def identity(self) -> bool:
        return self.header in IDENTITY_HEADERS


@dataclass(frozen=True)
class SheetDef:
    name: str
    columns: tuple[Col, ...]
    required: bool = True
    help: str = ""


def _shared(values: tuple) -> tuple:
    """The cells of a row with their short texts (是/否, 初中, 健康, …) shared between rows: a file whose
    strings are stored inline gives every row its own copies, most of a large upload's memory."""
    return tuple(sys.intern(v) if isinstance(v, str) and len(v) <= 12 else v for v in values)


class RowValues(Mapping):
    """A row's parsed values by column key: a list beside the sheet's one key → position map (a dict per
    row would be most of the memory of a 200,000-row upload)."""

    __slots__ = ("_keys", "_data")

    def __init__(self, keys: dict[str, int], data: list):
        self._keys, self._data = keys, data

    def __getitem__(self, key):
        return self._data[self._keys[key]]

    def get(self, key, default=None):
        index = self._keys.get(key)
        return default if index is None else self._data[index]

    def __iter__(self):
        return iter(self._keys)

    def __len__(self):
        return len(self._keys)


@dataclass(slots=True)  # 200,000 of them in a large upload
class Row:
    sheet: str
    number: int
    values: RowValues
    raw: tuple  # the cells as read (the values of error messages), by the sheet's column positions
    bad: bool = False  # a cell did not parse: the row still names its keys for cross-checks, nothing more


class RowAt(NamedTuple):
    """Where a row was, once the row itself is freed (a streamed sheet's row named by a later error)."""

    sheet: str
    number: int


ACTIONS = {"新增": "created", "修改": "changed", "不变": "unchanged"}


@dataclass
class Change:
    """One line of the preview: what happens to one record."""

    label: str  # 户, 成员, …
    key: str
    action: str  # 新增 / 修改
    detail: str = ""


@dataclass
class ImportResult:
    errors: list[RowError] = field(default_factory=list)
    counts: dict[str, dict[str, int]] = field(default_factory=dict)  # label → {created, changed, unchanged}
    changes: list[Change] = field(default_factory=list)
    written: bool = False
    rows: int = 0  # data rows read from the file
    unlisted: int = 0  # errors beyond MAX_LISTED_ERRORS of their sheet: counted, not kept
    _listed: dict[str, int] = field(default_factory=dict, repr=False)

    def add_error(self, error: RowError):
        """Keep the first MAX_LISTED_ERRORS errors of each sheet and count the others (a file with
        200,000 bad rows must not turn its refusal into 200,000 objects and as many lines on the page)."""
        n = self._listed[error.sheet] = self._listed.get(error.sheet, 0) + 1
        if n > MAX_LISTED_ERRORS:
            self.unlisted += 1
        else:
            self.errors.append(error)

    @property
    def error_count(self) -> int:
        return len(self.errors) + self.unlisted

    listed_per_sheet = MAX_LISTED_ERRORS

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def nothing_to_do(self) -> bool:
        return all(c["created"] == 0 and c["changed"] == 0 for c in self.counts.values())

    def count(self, label: str, action: str, n: int = 1):
        bucket = self.counts.setdefault(label, {"created": 0, "changed": 0, "unchanged": 0})
        bucket[ACTIONS[action]] += n


class SheetDamaged(Exception):
    """Reading a sheet's XML failed after the archive checks passed: the file is damaged."""


def _unreadable_as_damaged(rows):
    """The rows of ``Workbook.rows``, a failure of the reader raised as SheetDamaged (so that a streamed
    sheet's damage, found while ``plan`` runs, is not taken for an error of the plan)."""
    while True:
        try:
            item = next(rows)
        except StopIteration:
            return
        except WorkbookRefused:
            raise
        except Exception as exc:  # noqa: BLE001 - a part that lies about its size, XML that does not parse, …
            raise SheetDamaged from exc
        yield item


class Importer:
    """Subclasses declare ``title``, ``key`` and ``sheets`` and implement ``plan`` and ``write``."""

    do_not_call_in_templates = True  # templates list the importer classes
    key = ""
    title = ""
    sheets: tuple[SheetDef, ...] = ()
    preview_limit = 200
    streamed: tuple[str, ...] = ()  # sheets planned while they are read (``stream``), never held whole

    def __init__(self, user):
        self.user = user
        self.role = role_of(user)
        self.result = ImportResult()
        self.rows: dict[str, list[Row]] = {}
        self.rows_read = 0
        self.on_rows = None

    # ---- helpers for subclasses
    def error(self, row: Row | None, header: str, reason: str, *, sheet: str | None = None):
        sheet = sheet or (row.sheet if row else "")
        index = self._column_index.get(sheet, {}).get(header)
        value = row.raw[index] if row is not None and index is not None and index < len(row.raw) else ""
        column = column_name(header, index) if index is not None else header
        self.result.add_error(
            RowError(sheet=sheet, row=row.number if row else None, column=column,
                     value=clean_text(value)[:60], reason=reason)
        )

    def change(self, label: str, key: str, action: str, detail: str = ""):
        self.result.count(label, action)
        if action != "不变" and len(self.result.changes) < self.preview_limit:
            self.result.changes.append(Change(label, key, action, detail))

    def upsert(self, label: str, key: str, current, fields: dict, *, create: Callable[[], Any],
               new: list, changed: list) -> str:
        """Plan one keyed record: new (``create()`` goes to ``new``), changed field by field (``current`` goes to
        ``changed``) or unchanged; the action is returned."""
        if current is None:
            new.append(create())
            self.change(label, key, "新增")
        else:
            diff = [k for k, val in fields.items() if getattr(current, k) != val]
            if not diff:
                self.change(label, key, "不变")
                return "不变"
            for k in diff:
                setattr(current, k, fields[k])
            changed.append(current)
            meta = type(current)._meta
            self.change(label, key, "修改", "、".join(str(meta.get_field(k.removesuffix("_id")).verbose_name)
                                                     for k in diff))
        return "新增" if current is None else "修改"

    def unique_rows(self, sheet: str, key: Callable[[dict], Any], header: str, what: str):
        """The sheet's parsed rows, each key once: a repeated key is an error naming the first row."""
        seen: dict[Any, int] = {}
        for row in self.rows[sheet]:
            k = key(row.values)
            if k in seen:
                self.error(row, header, f"{what}重复（与第 {seen[k]} 行相同）")
                continue
            seen[k] = row.number
            if not row.bad:
                yield row

    # ---- the steps
    def read(self, book: Workbook):
        """Read every sheet but the ``streamed`` ones, which ``stream`` parses while ``plan`` runs."""
        self._column_index: dict[str, dict[str, int]] = {}
        self._streams: dict[str, tuple[Workbook, str, SheetDef]] = {}
        names = {norm_header(n): n for n in book.sheetnames}
        for sheet in self.sheets:
            actual = names.get(norm_header(sheet.name))
            self.rows[sheet.name] = []
            if actual is None:
                if sheet.required:
                    self.result.errors.append(
                        RowError(sheet.name, None, "", "", f"缺少工作表「{sheet.name}」（请使用本系统下载的模板）")
                    )
                continue
            if sheet.name in self.streamed:
                self._streams[sheet.name] = (book, actual, sheet)
                self._column_index[sheet.name] = {}
            else:
                self.rows[sheet.name] = list(self._read_sheet(book, actual, sheet))

    @property
    def streaming(self) -> bool:
        """A streamed sheet is still to be read: ``plan`` runs with the workbook open."""
        return bool(self._streams)

    def stream(self, sheet: str):
        """The parsed rows of a ``streamed`` sheet, read one at a time (each row freed once planned);
        nothing when the sheet is missing. A sheet can be streamed once."""
        entry = self._streams.pop(sheet, None)
        if entry is not None:
            yield from self._read_sheet(*entry)

    def _read_sheet(self, book: Workbook, actual: str, sheet: SheetDef):
        wanted = {norm_header(c.header): c for c in sheet.columns}
        positions: dict[str, int] = {}
        self._column_index[sheet.name] = {}
        for ref in book.merged_data_ranges(actual):
            start = ref.split(":")[0]
            self.result.errors.append(
                RowError(sheet.name, int("".join(ch for ch in start if ch.isdigit())), ref, "",
                         f"数据区域不能有合并单元格（{ref}），请取消合并并在每一行填写完整")
            )
        for ref in book.formulas_without_value(actual)[:MAX_FORMULA_ERRORS]:
            self.result.errors.append(RowError(
                sheet.name, int("".join(ch for ch in ref if ch.isdigit())), ref, "",
                "公式没有计算结果（文件未在 Excel 中打开并保存过），请在 Excel 中打开后保存，或把公式改为数值再上传"))
        iterator = _unreadable_as_damaged(book.rows(actual))
        header_row = next(iterator, None)
        if header_row is None:
            self.result.errors.append(RowError(sheet.name, 1, "", "", "工作表是空的：第 1 行应为表头"))
            return
        for index, text in enumerate(header_row[1]):
            col = wanted.get(norm_header(text))
            if col is not None and col.header not in positions:
                positions[col.header] = index
        self._column_index[sheet.name] = positions
        missing = [c.header for c in sheet.columns if c.header not in positions and not c.optional]
        if missing:
            for header in missing:
                self.result.errors.append(RowError(sheet.name, 1, header, "", f"缺少表头列「{header}」"))
            return
        keys = {c.key: i for i, c in enumerate(sheet.columns)}
        columns = [(c, keys[c.key], positions[c.header]) for c in sheet.columns if c.header in positions]
        width = max(index for *_, index in columns) + 1
        for number, values in iterator:
            if not any(v is not None and clean_text(v) != "" for v in values):
                continue
            self.rows_read += 1
            if self.on_rows is not None and self.rows_read % 1000 == 0:
                self.on_rows(self.rows_read)
            parsed, bad = [None] * len(keys), False
            for col, slot, index in columns:
                value = values[index] if index < len(values) else None
                if value is None or (isinstance(value, str) and value.strip() == ""):
                    if col.required:
                        self._cell_error(sheet.name, number, col, index, value, "必填项不能为空")
                        bad = True
                    parsed[slot] = None if col.parse is not clean_text else ""
                    continue
                try:
                    if col.identity and isinstance(value, (int, float)):
                        value = identity_text(value)
                    parsed[slot] = col.parse(value)
                except CellError as exc:
                    self._cell_error(sheet.name, number, col, index, value, str(exc))
                    bad = True
            yield Row(sheet.name, number, RowValues(keys, parsed), _shared(values[:width]), bad)

    def _cell_error(self, sheet, number, col, index, value, reason):
        self.result.add_error(
            RowError(sheet, number, column_name(col.header, index), clean_text(value)[:60], reason)
        )

    def plan(self):  # pragma: no cover - abstract
        raise NotImplementedError

    def write(self):  # pragma: no cover - abstract
        raise NotImplementedError


DAMAGED = "文件已损坏（工作表内容无法读取），请用 Excel 打开后另存为 .xlsx 再上传"
NO_ROWS = "文件中没有数据行（表头下方为空）"


def run_import(importer_class: type[Importer], path, user, *, commit: bool, on_rows=None) -> ImportResult:
    """Validate the whole file; when ``commit`` and there is no error, write it in one transaction.
    ``on_rows(n)`` is told every 1,000 rows read (a background job's progress). The importer's ``streamed``
    sheets are read while it plans, with the workbook still open."""
    importer = importer_class(user)
    importer.on_rows = on_rows
    try:
        with Workbook(path) as book:
            try:
                importer.read(book)
            except WorkbookRefused:
                raise
            except Exception as exc:  # noqa: BLE001 - the archive checks passed but reading a sheet failed
                raise SheetDamaged from exc
            if not _has_rows(importer):
                return importer.result
            errors_before = len(importer.result.errors)
            importer.plan()
            if importer.rows_read == 0 and errors_before == 0:  # a streamed sheet without rows, like the others
                importer.result.errors = [RowError("", None, "", "", NO_ROWS)]
                return importer.result
    except WorkbookRefused as exc:
        importer.result.errors.append(RowError("", None, "", "", str(exc)))
        return importer.result
    except SheetDamaged:  # whatever the library says, the file is damaged
        logger.warning("导入文件读取失败", exc_info=True)
        importer.result.errors.append(RowError("", None, "", "", DAMAGED))
        return importer.result
    importer.result.rows = importer.rows_read
    if importer.result.errors:
        importer.result.errors.sort(key=lambda e: ([s.name for s in importer.sheets].index(e.sheet)
                                                   if e.sheet in [s.name for s in importer.sheets] else -1,
                                                   e.row or 0))
        return importer.result
    if commit and not importer.result.nothing_to_do:
        importer.rows = {}  # planned: the write needs only the plan (the rows of a large upload free their memory)
        try:
            with transaction.atomic():
                importer.write()
        except ValidationError as exc:  # the service's own check of the whole plan: nothing was written
            importer.result.errors += [RowError("", None, "", "", message) for message in exc.messages]
            return importer.result
        importer.result.written = True
    return importer.result


def _has_rows(importer: Importer) -> bool:
    """False (with the error) when no sheet has a data row and none is still to be streamed."""
    if importer.rows_read == 0 and not importer.streaming and not importer.result.errors:
        importer.result.errors.append(RowError("", None, "", "", NO_ROWS))
        return False
    return True
