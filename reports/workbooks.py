"""Import templates and their filled twins: a workbook in exactly the layout the importer reads.

``template_write`` writes the empty template (a 说明 sheet, one sheet per part with the header on row 1,
drop-down data validations for every enumeration, date formats); given data rows it writes the same
workbook filled — the export that round-trips through the importer without loss.
"""

from __future__ import annotations

from collections.abc import Iterable

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from yuncheng.spreadsheet import formula_safe

from .imports.base import Importer, SheetDef
from .xlsx import display_width, safe_text

OPTIONS_SHEET = "选项"
VALIDATION_ROWS = 5000
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_REQUIRED_FILL = PatternFill("solid", fgColor="FCE4D6")
FORMATS = {"date": "yyyy-mm-dd", "money": "#,##0.00", "int": "0", "month": "@"}


def _text_cell(ws, value):
    return formula_safe(ws, safe_text(value)) if isinstance(value, str) else value


def _identity_cell(ws, value):
    cell = WriteOnlyCell(ws, value=safe_text(str(value)))
    cell.data_type = "s"
    cell.number_format = "@"
    return cell


def _write_notes(book: Workbook, importer: type[Importer]):
    ws = book.create_sheet("说明")
    ws.column_dimensions["A"].width = 16
    ws.column_dimensions["B"].width = 22
    ws.column_dimensions["C"].width = 8
    ws.column_dimensions["D"].width = 80
    title = WriteOnlyCell(ws, value=f"{importer.title}导入模板 · 填写说明")
    title.font = Font(bold=True, size=14)
    ws.append([title])
    for line in (
        "1. 请勿修改工作表名称和第 1 行表头；数据从第 2 行开始，每行一条记录；表头后可以增加其他列（导入时忽略）。",
        "2. 日期填 YYYY-MM-DD（或 Excel 日期），年月填 YYYY-MM；“是/否”列填 是 或 否；多个取值用“、”分隔。",
        "3. 导入是“全部或全不”：任何一行有错，整个文件都不会写入，系统会列出每个错误所在的工作表、行、列和原因。",
        "4. 重复导入同一文件不会产生重复记录；已有记录按编号（户编号、身份证号、问题编号、工作队编号）更新。",
        "5. 只能导入您管辖范围内的数据；数据区域不能有合并单元格；公式按 Excel 保存的计算结果读取，未在 Excel 中保存过的公式不予导入。",
        "6. 身份证号、户编号、行政村代码、联系电话等列已设为“文本”格式，请勿改为数字格式（Excel 会丢失 15 位以后的数字）。",
        "7. 家庭成员的务工情况须填写“务工年度”；同一人其他年度的务工情况填在「务工就业」表，每人每年一行。",
    ):
        ws.append([line])
    ws.append([])
    header = []
    for text in ("工作表", "列名", "必填", "说明与允许的取值"):
        cell = WriteOnlyCell(ws, value=text)
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
        header.append(cell)
    ws.append(header)
    for sheet in importer.sheets:
        for col in sheet.columns:
            choices = _reference_choices(col) or col.choices
            allowed = f"可选：{'、'.join(choices)}" if choices else ""
            text = "；".join(t for t in (col.help, allowed) if t)
            cell = WriteOnlyCell(ws, value=text)
            cell.alignment = Alignment(wrap_text=True)
            ws.append([sheet.name, col.header, "是" if col.required else "", cell])


def _reference_choices(col) -> tuple[str, ...]:
    """Allowed values kept as editable reference data (not an enumeration): listed in the notes."""
    if col.key == "risk_types":
        from monitoring.models import RiskType

        return tuple(RiskType.objects.values_list("name", flat=True))
    return ()


def _options(importer: type[Importer]) -> dict[tuple[str, str], str]:
    """(sheet, header) → the range on the 选项 sheet that lists its allowed values."""
    refs, column = {}, 0
    for sheet in importer.sheets:
        for col in sheet.columns:
            if col.choices:
                column += 1
                letter = get_column_letter(column)
                refs[(sheet.name, col.header)] = (
                    f"{quote_sheetname(OPTIONS_SHEET)}!${letter}$2:${letter}${len(col.choices) + 1}"
                )
    return refs


def _write_options(book: Workbook, importer: type[Importer]):
    ws = book.create_sheet(OPTIONS_SHEET)
    ws.sheet_state = "hidden"
    columns = [(f"{s.name}·{c.header}", c.choices) for s in importer.sheets for c in s.columns if c.choices]
    depth = max((len(choices) for _, choices in columns), default=0)
    ws.append([label for label, _ in columns])
    for i in range(depth):
        ws.append([choices[i] if i < len(choices) else None for _, choices in columns])


def _write_sheet(book: Workbook, sheet: SheetDef, refs, rows: Iterable[Iterable] | None):
    ws = book.create_sheet(sheet.name)
    for index, col in enumerate(sheet.columns, 1):
        dimension = ws.column_dimensions[get_column_letter(index)]
        dimension.width = col.width or max(12, display_width(col.header) + 4)
        if col.identity:
            # Text format on the whole column: what staff type there stays the digits they typed.
            dimension.number_format = "@"
    ws.freeze_panes = "B2"
    for index, col in enumerate(sheet.columns, 1):
        ref = refs.get((sheet.name, col.header))
        letter = get_column_letter(index)
        if ref:
            dv = DataValidation(type="list", formula1=ref, allow_blank=True, showErrorMessage=True,
                                errorTitle="取值不在列表中", error=f"「{col.header}」请从下拉列表中选择")
            if col.header == "派驻类型":
                dv.showErrorMessage = False  # several values may be combined with 、
            dv.add(f"{letter}2:{letter}{VALIDATION_ROWS}")
            ws.data_validations.append(dv)
        elif col.kind == "date":
            dv = DataValidation(type="date", operator="greaterThan", formula1="1", allow_blank=True,
                                showErrorMessage=False, prompt="日期：YYYY-MM-DD", showInputMessage=True)
            dv.add(f"{letter}2:{letter}{VALIDATION_ROWS}")
            ws.data_validations.append(dv)
    header = []
    for col in sheet.columns:
        cell = WriteOnlyCell(ws, value=col.header)
        cell.font = Font(bold=True)
        cell.fill = _REQUIRED_FILL if col.required else _HEADER_FILL
        cell.alignment = Alignment(horizontal="center")
        header.append(cell)
    ws.append(header)
    if not rows:
        return 0
    formats = []
    for col in sheet.columns:
        fmt = "@" if col.identity else FORMATS.get(col.kind)
        if fmt and (fmt != "@" or col.identity):
            cell = WriteOnlyCell(ws)
            cell.number_format = fmt
            formats.append(cell)
        else:
            formats.append(None)
    count = 0
    keys = [col.key for col in sheet.columns]
    for values in rows:
        if isinstance(values, dict):  # keyed by the sheet's column keys: the SheetDef gives the order
            values = [values.get(key) for key in keys]
        out = []
        for value, cell in zip(values, formats):
            if value is None or value == "":
                out.append(None)
            elif cell is not None and cell.number_format == "@":
                out.append(_identity_cell(ws, value))
            elif cell is not None and not isinstance(value, str):
                cell.value = value
                out.append(cell)
            else:
                out.append(_text_cell(ws, value))
        ws.append(out)
        count += 1
    return count


def template_write(importer: type[Importer], target, data: dict[str, Iterable] | None = None) -> int:
    """Write the template (or, with ``data`` = {sheet name: rows}, the filled workbook); rows written."""
    book = Workbook(write_only=True)
    _write_notes(book, importer)
    refs = _options(importer)
    count = 0
    for sheet in importer.sheets:
        count += _write_sheet(book, sheet, refs, (data or {}).get(sheet.name))
    _write_options(book, importer)
    book.save(target)
    return count
