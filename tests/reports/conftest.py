"""Helpers for the report and import tests: workbooks written the way county staff fill them in."""

import datetime

import openpyxl
import pytest

from reports.imports.households import EMPLOYMENT_SHEET, HOUSEHOLD_SHEET, INCOME_SHEET, MEASURE_SHEET, MEMBER_SHEET
from yuncheng.idcard import make_id_number

HH_HEADERS = [c.header for c in HOUSEHOLD_SHEET.columns]
MEMBER_HEADERS = [c.header for c in MEMBER_SHEET.columns]
INCOME_HEADERS = [c.header for c in INCOME_SHEET.columns]
MEASURE_HEADERS = [c.header for c in MEASURE_SHEET.columns]
EMPLOYMENT_HEADERS = [c.header for c in EMPLOYMENT_SHEET.columns]


def person_id(n: int, area="140829", year=1980) -> str:
    return make_id_number(area, datetime.date(year, 1 + n % 12, 1 + n % 28), n, male=n % 2 == 0)


def household_row(code, village="140829100200", head="张三", head_id=None, **extra):
    row = {
        "户编号": code, "行政村代码": village, "户主姓名": head, "户主身份证号": head_id or person_id(1),
        "联系电话": "13800000000", "户类型": "脱贫户、监测户", "监测对象类别": "脱贫不稳定户", "识别方式": "基层干部排查",
        "识别年月": "2023-03", "风险类型": "因病、因学", "风险是否已消除": "否", "风险消除方式": None, "风险消除年月": None,
        "是否易地搬迁户": "否", "安置点名称": None, "享受低保": "是", "特困供养": "否", "整户无劳动能力": "否",
    }
    row.update(extra)
    return row


def member_row(household, name, id_number, relation="户主", **extra):
    row = {
        "户编号": household, "姓名": name, "身份证号": id_number, "与户主关系": relation, "文化程度": "初中",
        "在校生状况": "非在校生", "健康状况": "健康", "劳动技能": "普通劳动力", "务工所在地": "省外", "务工时长(月)": 8,
        "就业渠道": "自主就业", "参加基本医疗保险": "是", "务工年度": 2023,
    }
    row.update(extra)
    return row


def write_book(path, sheets: dict[str, tuple[list[str], list[dict]]]):
    """sheets: {name: (headers, [row dict, ...])} → an .xlsx at ``path``."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, (headers, rows) in sheets.items():
        ws = book.create_sheet(name)
        ws.append(headers)
        for row in rows:
            ws.append([row.get(h) for h in headers])
            for cell in ws[ws.max_row]:
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    cell.data_type = "s"  # typed as text (as Excel stores '=… entered with a quote)
    book.save(path)
    return path


def household_book(path, households, members, incomes=(), measures=(), employment=None):
    sheets = {
        "户信息": (HH_HEADERS, households),
        "家庭成员": (MEMBER_HEADERS, members),
        "收入": (INCOME_HEADERS, list(incomes)),
        "帮扶措施": (MEASURE_HEADERS, list(measures)),
    }
    if employment is not None:
        sheets["务工就业"] = (EMPLOYMENT_HEADERS, list(employment))
    return write_book(path, sheets)


@pytest.fixture
def good_household_book(tmp_path):
    """Two households of 甲一村 with three members, income and a measure."""
    a, b, c = person_id(1), person_id(2), person_id(3)
    return household_book(
        tmp_path / "住户信息.xlsx",
        [household_row("1408291002000001", head="张三", head_id=a), household_row("1408291002000002", head="李四", head_id=c, 户类型="脱贫户",
                                                                        监测对象类别=None, 识别方式=None, 识别年月=None, 风险类型=None, 风险是否已消除=None)],
        [member_row("1408291002000001", "张三", a), member_row("1408291002000001", "王芳", b, relation="配偶", 务工所在地=None, **{"务工时长(月)": None}),
         member_row("1408291002000002", "李四", c)],
        incomes=[{"户编号": "1408291002000001", "年度": 2023, "季度": 3, "工资性收入": 12000, "经营性收入": 3000, "财产性收入": 0,
                  "转移性收入": 1500, "生产经营性支出": 500}],
        measures=[{"户编号": "1408291002000001", "措施类型": "就业帮扶", "措施内容": "转移就业", "开始日期": "2023-04-01", "金额(元)": 2000}],
    )
