"""Every Excel file the platform writes shares one formula-injection guard (``yuncheng.spreadsheet``)."""

import io

import pytest
from openpyxl import Workbook, load_workbook

from yuncheng.spreadsheet import formula_safe


@pytest.mark.parametrize("text", ["=1+1", "+86", "-3", "@SUM(A1)", "\tx"])
def test_text_that_would_start_a_formula_is_written_as_quoted_text(text):
    book = Workbook(write_only=True)
    sheet = book.create_sheet("表")
    sheet.append([formula_safe(sheet, text), formula_safe(sheet, "平陆县"), formula_safe(sheet, 3)])
    buffer = io.BytesIO()
    book.save(buffer)

    cells = load_workbook(io.BytesIO(buffer.getvalue()))["表"][1]

    assert [cell.value for cell in cells] == [text, "平陆县", 3]
    assert (cells[0].data_type, cells[0].quotePrefix, cells[1].quotePrefix) == ("s", True, False)
