"""A tiny registry for the screening tests: three households in three villages of two counties.

    甲一村 (平陆) H-A 王大山 (income 2023: 20,000 元 a year), 甲二村 (平陆) H-B 李二, 丙一村 (夏县) H-C 赵三.
"""

import datetime
from decimal import Decimal
from types import SimpleNamespace

import openpyxl
import pytest

from monitoring import services as monitoring_services
from monitoring.models import Relation
from reports.imports import WarningImporter, run_import
from reports.imports.warnings import WARNING_SHEET
from screening.models import ScreeningWarning
from yuncheng.idcard import make_id_number

WARNING_HEADERS = [c.header for c in WARNING_SHEET.columns]


@pytest.fixture
def registry(users, geo):
    admin = users.city_admin

    def household(code, village, head, id_number, poverty=True):
        h = monitoring_services.household_create(user=admin, code=code, village=village, head_name=head,
                                                 is_poverty_alleviated=poverty)
        monitoring_services.member_add(user=admin, household=h, name=head, id_number=id_number,
                                       relation=Relation.HEAD)
        return h

    a_id = make_id_number("140829", datetime.date(1975, 3, 9), 11, male=True)
    ids = SimpleNamespace(
        a=a_id,
        b=make_id_number("140829", datetime.date(1980, 1, 2), 12, male=False),
        c=make_id_number("140828", datetime.date(1968, 7, 1), 13, male=True),
        x=make_id_number("140829", datetime.date(1990, 12, 24), 19, male=True),  # in no household
    )
    h_a = household("1408291002000001", geo.jia1, "王大山", ids.a)
    h_b = household("1408291002010001", geo.jia2, "李二", ids.b)
    h_c = household("1408281002000001", geo.bing1, "赵三", ids.c, poverty=False)
    monitoring_services.income_record_save(user=admin, household=h_a, year=2023, quarter=4,
                                           wage_income=Decimal("20000"))
    return SimpleNamespace(a=h_a, b=h_b, c=h_c, ids=ids)


def warning_row(id_number, name="王大山", event_type="新增残疾", event_date="2023-05-10", amount=None,
                department="市残联", description=""):
    return {"身份证号": id_number, "姓名": name, "事件类型": event_type, "事件日期": event_date, "金额(元)": amount,
            "说明": description, "部门": department}


def warning_book(path, rows, sheet="部门预警"):
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = sheet
    ws.append(WARNING_HEADERS)
    for row in rows:
        ws.append([row.get(h) for h in WARNING_HEADERS])
    book.save(path)
    return path


def import_rows(tmp_path, user, rows, name="预警.xlsx"):
    return run_import(WarningImporter, warning_book(tmp_path / name, rows), user, commit=True)


@pytest.fixture
def warned(tmp_path, users, registry):
    """One warning on each household (a 新增残疾 of each head), by household pk."""
    import_rows(tmp_path, users.city_admin, [warning_row(registry.ids.a), warning_row(registry.ids.b, name="李二"),
                                             warning_row(registry.ids.c, name="赵三")])
    return {w.household_id: w for w in ScreeningWarning.objects.all()}
