"""The xlsx writing layer: provincial-review sheets in openpyxl's write-only (streaming) mode.

A sheet is a title row, a 填报单位 / 填报日期 row, a header of one or more rows whose groups are merged,
the data rows, and an optional 合计 row. Rows are streamed, so a ledger of any length is written in
constant memory; everything about the layout (widths, frozen panes, print setup, merges) is declared
before the first row because write-only sheets cannot go back.

Formula injection: a text that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is
written as a string cell with Excel's quote prefix, never as a formula.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import CellRange

from yuncheng.spreadsheet import formula_safe, safe_cell

# Cell kinds and their Excel number formats.
TEXT, INT, MONEY, DECIMAL, PCT, DATE = "text", "int", "money", "decimal", "pct", "date"
NUMBER_FORMATS = {INT: "#,##0", MONEY: "#,##0.00", DECIMAL: "0.00", PCT: "0.00", DATE: "yyyy-mm-dd"}
NUMERIC_KINDS = {INT, MONEY, DECIMAL, PCT}


_THIN = Side(style="thin", color="808080")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_TOTAL_FILL = PatternFill("solid", fgColor="F2F2F2")
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
_WRAP = Alignment(vertical="center", wrap_text=True)  # long texts (问题描述, 整改措施) wrap inside their column
_NUMBER = Alignment(vertical="center")
# One font for every cell (a cell without a style would fall back to the workbook's Calibri).
FONT_NAME = "宋体"
_FONT = Font(name=FONT_NAME, size=11)
NO_BASE = "—"  # a rate without a base, a figure that does not exist for the row


@dataclass(frozen=True)
class Column:
    """One column: its header path (``group`` from the top, then ``label``), kind and width."""

    label: str
    kind: str = TEXT
    width: float | None = None
    group: tuple[str, ...] = ()
    total: bool = False  # summed into the 合计 row when the sheet computes its own totals

    @property
    def path(self) -> tuple[str, ...]:
        return (*self.group, self.label)


@dataclass
class SheetSpec:
    """What a sheet shows; ``rows`` may be any iterable (a generator streams)."""

    name: str
    title: str
    columns: list[Column]
    rows: Iterable[Iterable] = ()
    unit: str = ""
    date: datetime.date | None = None
    period: str = ""
    # The 合计 row: a list of values to write as given (from the metrics catalogue), "sum" to add up
    # the columns marked ``total`` while streaming, or None for no 合计 row.
    totals: list | str | None = None
    total_label: str = "合计"  # "{n}" is replaced by the number of data rows when the sheet sums itself
    freeze_columns: int = 1
    on_row: object = None  # callback(rows_written) for progress reports
    notes: list[str] = field(default_factory=list)


def display_width(text: str) -> float:
    """Excel column width that fits ``text``: a CJK character takes about two Latin ones."""
    return sum(2.1 if ord(ch) > 0x2E80 else 1.1 for ch in str(text))


def safe_text(value: str) -> str:
    return ILLEGAL_CHARACTERS_RE.sub("", value) if ILLEGAL_CHARACTERS_RE.search(value) else value


def header_layout(columns: list[Column]) -> tuple[int, list[list[str | None]], list[str]]:
    """(depth, grid[row][col] of labels or None, merge ranges relative to the header's top-left at A1).

    Adjacent columns that share a group label at a level are merged across; a label that ends its
    path above the bottom level is merged down to the bottom."""
    depth = max(len(c.path) for c in columns)
    grid: list[list[str | None]] = [[None] * len(columns) for _ in range(depth)]
    merges: list[str] = []
    for level in range(depth):
        col = 0
        while col < len(columns):
            path = columns[col].path
            if level >= len(path):
                col += 1
                continue
            if level == len(path) - 1:
                grid[level][col] = path[level]
                if level < depth - 1:
                    merges.append(f"{get_column_letter(col + 1)}{level + 1}:{get_column_letter(col + 1)}{depth}")
                col += 1
                continue
            end = col
            while (
                end + 1 < len(columns)
                and len(columns[end + 1].path) > level + 1
                and columns[end + 1].path[: level + 1] == path[: level + 1]
            ):
                end += 1
            grid[level][col] = path[level]
            if end > col:
                merges.append(f"{get_column_letter(col + 1)}{level + 1}:{get_column_letter(end + 1)}{level + 1}")
            col = end + 1
    return depth, grid, merges


def _shifted(ref: str, rows: int) -> str:
    rng = CellRange(ref)
    rng.shift(row_shift=rows)
    return rng.coord


class SheetWriter:
    """Streams one SheetSpec into a write-only worksheet."""

    def __init__(self, workbook: Workbook, spec: SheetSpec):
        self.spec = spec
        self.ws = workbook.create_sheet(spec.name[:31])
        self.columns = spec.columns
        ncols = len(self.columns)
        self.depth, self.grid, header_merges = header_layout(self.columns)
        self.header_top = 3
        self.first_data_row = self.header_top + self.depth
        ws = self.ws

        last = get_column_letter(ncols)
        ws.merged_cells.add(f"A1:{last}1")
        half = max(1, ncols // 2)
        if ncols > 1:
            ws.merged_cells.add(f"A2:{get_column_letter(half)}2")
            if ncols > half + 1:
                ws.merged_cells.add(f"{get_column_letter(half + 1)}2:{last}2")
        for ref in header_merges:
            ws.merged_cells.add(_shifted(ref, self.header_top - 1))

        for index, column in enumerate(self.columns, 1):
            # Never narrower than the header's own label: a write-only sheet cannot grow a row's height,
            # so a header that has to wrap is cut when printed.
            longest = max(display_width(part) for part in column.path[-1:]) + 2
            width = max(column.width or 0, min(max(longest, 8), 40))
            ws.column_dimensions[get_column_letter(index)].width = width

        ws.freeze_panes = f"{get_column_letter(spec.freeze_columns + 1)}{self.first_data_row}"
        ws.print_title_rows = f"{self.header_top}:{self.first_data_row - 1}"
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = "9"  # A4
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.print_options.horizontalCentered = True

        # One reusable styled cell per column: the streaming writer serialises a row before the next
        # is appended, so a cell object can carry a new value each row without a new style lookup.
        # Every data cell is bordered and in the one font, so that the printed table has its grid.
        self._data_cells = []
        for column in self.columns:
            cell = WriteOnlyCell(ws)
            cell.font, cell.border = _FONT, _BORDER
            if column.kind in NUMBER_FORMATS:
                cell.number_format = NUMBER_FORMATS[column.kind]
                cell.alignment = _NUMBER
            else:
                cell.alignment = _WRAP
            self._data_cells.append(cell)
        self.rows_written = 0

    def _styled(self, value, *, bold=False, size=11, fill=None, border=True, align=_CENTER, fmt=None):
        cell = safe_cell(self.ws, value)
        cell.font = Font(name=FONT_NAME, bold=bold, size=size)
        if fill:
            cell.fill = fill
        if border:
            cell.border = _BORDER
        if align:
            cell.alignment = align
        if fmt:
            cell.number_format = fmt
        return cell

    def write_head(self):
        spec, ws, ncols = self.spec, self.ws, len(self.columns)
        ws.append([self._styled(spec.title, bold=True, size=16, border=False)])
        left = f"填报单位：{spec.unit}" + (f"    统计期：{spec.period}" if spec.period else "")
        right = f"填报日期：{(spec.date or datetime.date.today()):%Y年%m月%d日}"
        half = max(1, ncols // 2)
        # Shrunk to fit, never cut: on a narrow sheet "统计期：202" was all that printed.
        row = [self._styled(left, border=False, align=Alignment(horizontal="left", shrink_to_fit=True))]
        if ncols > 1:
            row += [None] * (half - 1) + [self._styled(right, border=False, align=Alignment(
                horizontal="right", shrink_to_fit=True))]
        ws.append(row)
        for level in range(self.depth):
            ws.append(
                [self._styled(label or "", bold=True, fill=_HEADER_FILL) for label in self.grid[level]]
            )

    def _data_row(self, values) -> list:
        """The row as openpyxl takes it: None for an empty cell, a plain value for a text or an unformatted
        number, the column's shared styled cell for a formatted one. A list (not a generator) and one pass
        with local names: this runs for every cell of the ledger."""
        row = []
        add = row.append
        for value, cell in zip(values, self._data_cells):
            if value is None or value == "":
                cell.value = None
                add(cell)
            elif type(value) is str:
                text = safe_text(value)
                quoted = formula_safe(self.ws, text)
                if quoted is text:
                    cell.value = text
                    add(cell)
                else:  # a quote-prefixed text cell of its own, styled like the column
                    quoted.font, quoted.border, quoted.alignment = _FONT, _BORDER, _WRAP
                    add(quoted)
            else:
                cell.value = value
                add(cell)
        return row

    def write_rows(self, rows: Iterable[Iterable]):
        ws, on_row = self.ws, self.spec.on_row
        sums = None
        if self.spec.totals == "sum":
            sums = {i: Decimal(0) if c.kind != INT else 0 for i, c in enumerate(self.columns) if c.total}
        for values in rows:
            values = list(values)
            if sums is not None:
                for i in sums:
                    v = values[i]
                    if v is not None and v != "":
                        sums[i] += v
            ws.append(self._data_row(values))
            self.rows_written += 1
            if on_row is not None and self.rows_written % 1000 == 0:
                on_row(self.rows_written)
        if sums is not None:
            totals = [None] * len(self.columns)
            for i, v in sums.items():
                totals[i] = v
            totals[0] = self.spec.total_label.format(n=self.rows_written)
            self.spec.totals = totals

    def write_total(self):
        totals = self.spec.totals
        if totals is None or totals == "sum":
            return
        row = []
        for index, column in enumerate(self.columns):
            value = totals[index] if index < len(totals) else None
            if index == 0 and value in (None, ""):
                value = self.spec.total_label
            row.append(
                self._styled(value, bold=True, fill=_TOTAL_FILL, fmt=NUMBER_FORMATS.get(column.kind),
                             align=_CENTER if index == 0 else None)
            )
        self.ws.append(row)

    def write_notes(self):
        for note in self.spec.notes:
            self.ws.append([self._styled(note, border=False, align=Alignment(horizontal="left"))])

    def write(self):
        self.write_head()
        self.write_rows(self.spec.rows)
        self.write_total()
        self.write_notes()
        return self.rows_written


def write_workbook(sheets: Iterable[SheetSpec], target) -> int:
    """Write the sheets (streamed, one after another) to ``target`` (a path or a binary file); the
    number of data rows written."""
    workbook = Workbook(write_only=True)
    total = 0
    for spec in sheets:
        total += SheetWriter(workbook, spec).write()
    if not workbook.worksheets:
        workbook.create_sheet("空表")
    workbook.save(target)
    return total
