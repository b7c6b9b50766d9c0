"""模拟国考 field sheets: the sample of a round written one sheet per village (household facts filled in,
one blank 是/否 column per national indicator), and the same sheets read back as answers.

The layout is declared once (``FACT_COLUMNS`` + the indicators + 备注) and used both ways. Reading goes
through the same safe workbook reader as every import; any wrong cell → the whole file is refused with
each error (sheet, row, column, reason) and nothing is written (``screening.services.answers_record``).
"""

from __future__ import annotations

from openpyxl import Workbook as WriteBook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from screening.models import Indicator
from screening.services import AnswerInput

from .imports.base import norm_header
from .reading import CellError, RowError, Workbook, WorkbookRefused, clean_text, column_name, parse_bool
from .xlsx import display_width, safe_text

NOTES_SHEET = "说明"
FACT_COLUMNS = ("户编号", "户主姓名", "户类型", "抽样类别", "家庭人口数", "人均纯收入(元)", "联系电话")
NOTE_COLUMN = "备注"
INDICATOR_HEADERS = {ind.label: ind.value for ind in Indicator}
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_ANSWER_FILL = PatternFill("solid", fgColor="FCE4D6")


def _sheet_title(village, used: set[str]) -> str:
    """Excel sheet names: at most 31 characters, unique; the village's name and the last digits of its code."""
    title = f"{village.name}{village.code[-3:]}"[:31]
    for ch in "[]:*?/\\":
        title = title.replace(ch, "")
    while title in used:
        title = f"{title[:28]}{len(used):03d}"
    used.add(title)
    return title


def fieldsheets_write(*, assessment, samples, target) -> int:
    """Write the round's field sheets (``samples`` scoped and ordered by village); households written."""
    book = WriteBook(write_only=True)
    notes = book.create_sheet(NOTES_SHEET)
    notes.append([f"模拟国考「{assessment.name}」入户调查表 · 填写说明"])
    notes.append(["每个行政村一张工作表；蓝色列为系统预填的农户信息，请勿修改户编号。"])
    notes.append(["橙色列为国考指标：达标填“是”，未达标填“否”，未调查的留空；未达标的指标将生成整改问题（来源：模拟国考）。"])
    notes.append(["填写完成后在模拟国考页面“导入答卷”上传本文件。"])
    headers = [*FACT_COLUMNS, *INDICATOR_HEADERS, NOTE_COLUMN]
    used: set[str] = set()
    current, ws, count = None, None, 0
    for sample in samples:
        household = sample.household
        if household.village_id != current:
            current = household.village_id
            ws = book.create_sheet(_sheet_title(household.village, used))
            for index, header in enumerate(headers, 1):
                ws.column_dimensions[get_column_letter(index)].width = max(10, display_width(header) + 4)
            ws.freeze_panes = "C2"
            first, last = len(FACT_COLUMNS) + 1, len(FACT_COLUMNS) + len(INDICATOR_HEADERS)
            dv = DataValidation(type="list", formula1='"是,否"', allow_blank=True, showErrorMessage=True,
                                errorTitle="取值不在列表中", error="请填写“是”或“否”")
            dv.add(f"{get_column_letter(first)}2:{get_column_letter(last)}1000")
            ws.data_validations.append(dv)
            row = []
            for header in headers:
                cell = WriteOnlyCell(ws, value=header)
                cell.font = Font(bold=True)
                cell.fill = _ANSWER_FILL if header in INDICATOR_HEADERS else _HEADER_FILL
                cell.alignment = Alignment(horizontal="center", wrap_text=True)
                row.append(cell)
            ws.append(row)
        income = getattr(household, "latest_per_capita", None)
        ws.append([
            household.code, safe_text(household.head_name), household.household_type_display,
            sample.get_stratum_display(), household.size, float(income) if income is not None else None,
            safe_text(household.phone) or None,
        ])
        count += 1
    book.save(target)
    return count


def answers_read(path) -> tuple[list[AnswerInput], list[RowError]]:
    """The answer rows of the filled field sheets (every sheet but 说明), and the cells that do not parse."""
    rows: list[AnswerInput] = []
    errors: list[RowError] = []
    try:
        with Workbook(path) as book:
            for sheet in book.sheetnames:
                if norm_header(sheet) == NOTES_SHEET:
                    continue
                _read_sheet(book, sheet, rows, errors)
    except WorkbookRefused as exc:
        errors.append(RowError("", None, "", "", str(exc)))
    if not rows and not errors:
        errors.append(RowError("", None, "", "", "文件中没有答卷行（请使用本系统导出的入户调查表）"))
    return rows, errors


def _read_sheet(book, sheet, rows, errors):
    iterator = book.rows(sheet)
    header = next(iterator, None)
    if header is None:
        return
    positions = {norm_header(text): index for index, text in enumerate(header[1]) if clean_text(text)}
    code_at = positions.get("户编号")
    if code_at is None:
        errors.append(RowError(sheet, 1, "户编号", "", "缺少表头列「户编号」"))
        return
    indicators = {value: positions[norm_header(label)] for label, value in INDICATOR_HEADERS.items()
                  if norm_header(label) in positions}
    if not indicators:
        errors.append(RowError(sheet, 1, "", "", "缺少国考指标列（请使用本系统导出的入户调查表）"))
        return
    note_at = positions.get(NOTE_COLUMN)
    labels = {value: label for label, value in INDICATOR_HEADERS.items()}
    for number, values in iterator:
        def cell(index):
            return values[index] if index is not None and index < len(values) else None

        code = clean_text(cell(code_at))
        answers = {}
        for indicator, index in indicators.items():
            try:
                verdict = parse_bool(cell(index))
            except CellError as exc:
                errors.append(RowError(sheet, number, column_name(labels[indicator], index),
                                       clean_text(cell(index))[:60], str(exc)))
                continue
            if verdict is not None:
                answers[indicator] = verdict
        if not code:
            if answers:
                errors.append(RowError(sheet, number, column_name("户编号", code_at), "", "必填项不能为空"))
            continue
        if answers:
            rows.append(AnswerInput(sheet=sheet, row=number, household_code=code, answers=answers,
                                    note=clean_text(cell(note_at))[:200]))
