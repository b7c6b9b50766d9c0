"""The drill-down list as a simple Excel workbook (the provincial report formats live in ``reports``)."""

import datetime
import io
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from yuncheng.spreadsheet import REQUEST_MAX_ROWS as MAX_ROWS
from yuncheng.spreadsheet import formula_safe


class TooManyRows(Exception):
    pass


def _resolve(obj, accessor: str):
    value = obj
    for part in accessor.split("."):
        value = getattr(value, part, None)
        if value is None:
            return ""
        if callable(value):
            value = value()
    return value


def _cell_value(sheet, value):
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (int, float, Decimal, datetime.date)):
        return value
    return formula_safe(sheet, str(value))


def records_names(*, metric, area, period) -> tuple[str, str]:
    """(title, file name) of a figure's drill-down workbook, in the request and as a background job."""
    return f"{area.name} {period.label} {metric.label} 明细", f"{area.name}_{metric.label}明细_{period}.xlsx"


def records_workbook(*, record_list, queryset, title: str) -> bytes:
    """The workbook as bytes, in the request (up to ``MAX_ROWS`` rows: larger ones are background jobs)."""
    count = queryset.count()
    if count > MAX_ROWS:
        raise TooManyRows(f"明细共 {count:,} 条，超过 {MAX_ROWS:,} 条，请缩小区域后导出，或到“报表”页面后台导出。")
    buffer = io.BytesIO()
    records_write(record_list=record_list, queryset=queryset, title=title, target=buffer)
    return buffer.getvalue()


def records_write(*, record_list, queryset, title: str, target, on_row=None) -> int:
    """Write the records into ``target`` (a path or a file), row by row (write-only: the memory does not grow
    with the list); ``on_row(n)`` is told the rows written so far. Returns the number of rows."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("明细")
    sheet.freeze_panes = "A3"
    title_cell = WriteOnlyCell(sheet, value=title)
    title_cell.font = Font(bold=True, size=14)
    sheet.append([title_cell])
    headers = []
    for _, heading in record_list.columns:
        cell = WriteOnlyCell(sheet, value=heading)
        cell.font = Font(bold=True)
        headers.append(cell)
    sheet.append(headers)
    rows = 0
    for obj in queryset.iterator(chunk_size=2000):
        sheet.append([_cell_value(sheet, _resolve(obj, accessor)) for accessor, _ in record_list.columns])
        rows += 1
        if on_row is not None and rows % 1000 == 0:
            on_row(rows)
    workbook.save(target)
    return rows
