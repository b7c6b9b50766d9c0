"""The writing layer, read back with openpyxl as a provincial reviewer's Excel would show it."""

import datetime
from decimal import Decimal

import openpyxl

from reports.xlsx import DATE, INT, MONEY, Column, SheetSpec, display_width, header_layout, write_workbook

COLUMNS = [
    Column("区县", width=12),
    Column("户数", INT, group=("监测对象",), total=True),
    Column("人数", INT, group=("监测对象",), total=True),
    Column("帮扶消除", INT, group=("风险消除", "户数"), total=True),
    Column("自然消除", INT, group=("风险消除", "户数"), total=True),
    Column("金额(元)", MONEY, total=True),
    Column("日期", DATE),
]


def _write(tmp_path, rows, **extra):
    path = tmp_path / "report.xlsx"
    spec = dict(name="汇总表", title="监测对象汇总表", columns=COLUMNS, rows=rows, unit="平陆县乡村振兴局",
                date=datetime.date(2023, 10, 8), period="2023年第3季度", totals="sum", total_label="合计（{n}）")
    spec.update(extra)
    write_workbook([SheetSpec(**spec)], path)
    return openpyxl.load_workbook(path)["汇总表"]


def test_summary_sheet_has_title_unit_date_merged_three_row_header_and_total_row(tmp_path):
    ws = _write(tmp_path, [["平陆县", 3, 10, 1, 2, Decimal("12.50"), datetime.date(2023, 5, 1)],
                           ["夏县", 4, 11, 0, 1, Decimal("1.00"), None]])
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert ws["A1"].value == "监测对象汇总表" and "A1:G1" in merged
    assert ws["A2"].value.startswith("填报单位：平陆县乡村振兴局") and "2023年第3季度" in ws["A2"].value
    assert ws["D2"].value == "填报日期：2023年10月08日"
    # Header rows 3–5: groups merged across, leaves that end early merged down.
    assert {"A3:A5", "B3:C3", "B4:B5", "C4:C5", "D3:E3", "D4:E4", "F3:F5", "G3:G5"} <= merged
    assert [ws.cell(3, c).value for c in range(1, 8)] == ["区县", "监测对象", None, "风险消除", None, "金额(元)", "日期"]
    assert [ws.cell(5, c).value for c in (4, 5)] == ["帮扶消除", "自然消除"]
    assert ws["A6"].value == "平陆县" and ws["B6"].value == 3
    total = [ws.cell(8, c).value for c in range(1, 7)]
    assert total == ["合计（2）", 7, 21, 1, 3, 13.5]
    assert ws["A8"].font.b
    assert ws.freeze_panes == "B6"
    assert ws.print_title_rows == "$3:$5"
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws["F6"].number_format == "#,##0.00" and ws["G6"].number_format == "yyyy-mm-dd"
    assert ws["G6"].value.date() == datetime.date(2023, 5, 1)


def test_cells_that_look_like_formulas_are_written_as_text(tmp_path):
    dangerous = ["=HYPERLINK(\"http://x\",\"点我\")", "+1+2", "-3+4", "@SUM(A1)", "\t=1", "\r=1"]
    ws = _write(tmp_path, [[text, 1, 1, 1, 1, Decimal(1), None] for text in dangerous], totals=None)
    for row, text in enumerate(dangerous, start=6):
        cell = ws.cell(row, 1)
        assert cell.data_type == "s", text
        assert cell.value == text.replace("\r", "\n")  # XML keeps a CR as a line break
        assert cell.quotePrefix
    # and the raw sheet XML carries no formula element at all
    import zipfile
    with zipfile.ZipFile(tmp_path / "report.xlsx") as z:
        assert b"<f>" not in z.read("xl/worksheets/sheet1.xml")


def test_given_totals_are_written_as_given_not_summed(tmp_path):
    ws = _write(tmp_path, [["甲", 1, 1, 1, 1, Decimal(1), None]], totals=["合计", 99, 98, None, None, None, None])
    assert [ws["A7"].value, ws["B7"].value, ws["C7"].value] == ["合计", 99, 98]


def test_column_widths_fit_chinese_text(tmp_path):
    assert display_width("脱贫人口人均纯收入") > 2 * len("脱贫人口人均纯收入") - 1
    ws = _write(tmp_path, [], totals=None)
    assert ws.column_dimensions["A"].width == 12
    assert ws.column_dimensions["B"].width >= 8


def test_header_layout_of_flat_columns_is_one_row_without_merges():
    depth, grid, merges = header_layout([Column("甲"), Column("乙")])
    assert depth == 1 and grid == [["甲", "乙"]] and merges == []


def test_rows_are_streamed_from_a_generator_and_progress_is_reported(tmp_path):
    seen = []
    rows = (["村", i, i, 0, 0, Decimal(i), None] for i in range(2500))
    ws = _write(tmp_path, rows, on_row=seen.append)
    assert seen == [1000, 2000]
    assert ws.cell(6 + 2500, 2).value == sum(range(2500))
