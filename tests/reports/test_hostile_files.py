"""Files county staff (or anybody) might upload: each gets a clear refusal in Chinese and nothing is written."""

import re
import zipfile

import openpyxl
import pytest

from monitoring.models import Household, IncomeRecord, Member
from reports.imports import HouseholdImporter, run_import
from reports.reading import OLE_MAGIC

from .conftest import HH_HEADERS, household_book, household_row, member_row, person_id


def _import(path, user):
    return run_import(HouseholdImporter, path, user, commit=True)


def _refused(result, words):
    assert not result.ok and not result.written
    text = " ".join(str(e) for e in result.errors)
    assert words in text, text
    assert Household.objects.count() == 0 and Member.objects.count() == 0
    return text


def test_a_text_file_named_xlsx_is_refused(tmp_path, users):
    path = tmp_path / "fake.xlsx"
    path.write_text("户编号,行政村代码\n1408291002000001,140829100200\n", encoding="utf-8")
    _refused(_import(path, users.pinglu_reviewer), "不是有效的 Excel 工作簿")


def _rezip(source, target, extra: dict[str, bytes], patch=None):
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if patch:
                data = patch(item.filename, data)
            dst.writestr(item, data)
        for name, data in extra.items():
            dst.writestr(name, data)
    return target


def test_a_macro_workbook_is_refused(tmp_path, users, good_household_book):
    def macro(name, data):
        if name == "[Content_Types].xml":
            return data.replace(b"spreadsheetml.sheet.main+xml", b"sheet.macroEnabled.main+xml")
        return data

    path = _rezip(good_household_book, tmp_path / "宏.xlsm", {"xl/vbaProject.bin": b"\x00VBA"}, macro)
    _refused(_import(path, users.pinglu_reviewer), "含有宏")


def test_a_password_protected_workbook_is_refused(tmp_path, users):
    # An encrypted OOXML file is an OLE compound file holding an "EncryptedPackage" stream.
    path = tmp_path / "加密.xlsx"
    path.write_bytes(OLE_MAGIC + b"\x00" * 504 + "EncryptedPackage".encode("utf-16-le") + b"\x00" * 1024)
    _refused(_import(path, users.pinglu_reviewer), "设置打开密码")


def test_an_old_xls_file_is_refused_with_advice(tmp_path, users):
    path = tmp_path / "旧.xls"
    path.write_bytes(OLE_MAGIC + b"\x00" * 2048)
    _refused(_import(path, users.pinglu_reviewer), "另存为 .xlsx")


def test_an_empty_workbook_names_the_missing_sheets(tmp_path, users):
    path = tmp_path / "空.xlsx"
    openpyxl.Workbook().save(path)
    text = _refused(_import(path, users.pinglu_reviewer), "缺少工作表「户信息」")
    assert "缺少工作表「家庭成员」" in text


def test_a_template_without_data_rows_is_refused(tmp_path, users):
    path = household_book(tmp_path / "只有表头.xlsx", [], [])
    _refused(_import(path, users.pinglu_reviewer), "没有数据行")


def test_a_sheet_of_a_million_rows_is_refused_without_reading_it(tmp_path, users):
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "户信息"
    ws.append(HH_HEADERS)
    ws.cell(row=1_048_576, column=1, value="1408291002000999")
    path = tmp_path / "百万行.xlsx"
    book.save(path)
    _refused(_import(path, users.pinglu_reviewer), "1,048,576 行")


def test_a_zip_bomb_is_refused_from_the_zip_directory(tmp_path, users, good_household_book):
    path = tmp_path / "炸弹.xlsx"
    with zipfile.ZipFile(good_household_book) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            if item.filename != "xl/worksheets/sheet1.xml":
                dst.writestr(item, src.read(item.filename))
        with dst.open("xl/worksheets/sheet1.xml", "w") as fh:
            chunk = b" " * (1 << 20)
            for _ in range(64):
                fh.write(chunk)
    assert path.stat().st_size < 1_000_000
    _refused(_import(path, users.pinglu_reviewer), "压缩炸弹")


def test_formulas_are_read_as_their_saved_values_never_evaluated(tmp_path, users, good_household_book):
    book = openpyxl.load_workbook(good_household_book)
    book["收入"]["D2"] = "=10000*2"  # 工资性收入 with a cached value of 20000 (as Excel saves it)
    book["户信息"]["C2"] = "=A2"  # 户主姓名: a formula without a saved value reads as empty
    book.save(tmp_path / "公式.xlsx")

    def cache(name, data):
        if name == "xl/worksheets/sheet3.xml":
            return re.sub(rb"<f>10000\*2</f><v\s*/>|<f>10000\*2</f><v></v>", b"<f>10000*2</f><v>20000</v>", data)
        return data

    path = _rezip(tmp_path / "公式.xlsx", tmp_path / "公式2.xlsx", {}, cache)
    result = _import(path, users.pinglu_reviewer)
    text = _refused(result, "第 2 行「C列·户主姓名」")
    assert "必填项不能为空" in text

    book = openpyxl.load_workbook(path)
    book["户信息"]["C2"] = "张三"
    book.save(tmp_path / "公式3.xlsx")
    path = _rezip(tmp_path / "公式3.xlsx", tmp_path / "公式4.xlsx", {}, cache)
    result = _import(path, users.pinglu_reviewer)
    assert result.ok, [str(e) for e in result.errors]
    assert IncomeRecord.objects.get().wage_income == 20000


def test_merged_cells_in_the_data_area_are_named(tmp_path, users, good_household_book):
    book = openpyxl.load_workbook(good_household_book)
    book["家庭成员"].merge_cells("A2:A3")
    book.save(tmp_path / "合并.xlsx")
    text = _refused(_import(tmp_path / "合并.xlsx", users.pinglu_reviewer), "合并单元格（A2:A3）")
    assert "工作表「家庭成员」第 2 行" in text


def test_text_dates_full_width_id_digits_and_spaces_are_normalised(tmp_path, users):
    head = person_id(7)
    wide = head.translate(str.maketrans("0123456789X", "０１２３４５６７８９Ｘ"))
    path = household_book(
        tmp_path / "手填.xlsx",
        [household_row("  1408291002000010 ", head=" 赵六 ", head_id=f" {wide} ", 识别年月="2023年3月")],
        [member_row("1408291002000010", "赵六", wide)],
        measures=[{"户编号": "1408291002000010", "措施类型": " 产业帮扶 ", "开始日期": "2023/4/1"}],
    )
    result = _import(path, users.pinglu_reviewer)
    assert result.ok, [str(e) for e in result.errors]
    household = Household.objects.get()
    assert household.code == "1408291002000010" and household.head_name == "赵六"
    assert Member.objects.get().id_number == head
    assert str(household.measures.get().start_date) == "2023-04-01"
    assert str(household.monitoring_records.get().identified_month) == "2023-03-01"


@pytest.mark.parametrize("value", ["2023-13-01", "明天", "2023-02-30"])
def test_a_date_that_is_not_a_date_is_named(tmp_path, users, value):
    path = household_book(tmp_path / "日期.xlsx", [household_row("1408291002000020", head_id=person_id(1))],
                          [member_row("1408291002000020", "张三", person_id(1))],
                          measures=[{"户编号": "1408291002000020", "措施类型": "产业帮扶", "开始日期": value}])
    text = _refused(_import(path, users.pinglu_reviewer), "工作表「帮扶措施」第 2 行「D列·开始日期」")
    assert "日期" in text


# ---------------------------------------------------------------- damaged inside: a message, never a 500

def _lying_size_header(source, target):
    """A sheet whose size in the zip directory is smaller than its data: the archive checks pass (the part
    looks small), reading it stops short and fails its CRC."""
    data = bytearray(open(source, "rb").read())
    name = b"xl/worksheets/sheet2.xml"
    at = 0
    while True:  # the central-directory entry of the sheet; uncompressed size at +24 (4 bytes, little endian)
        at = data.find(b"PK\x01\x02", at + 1)
        length = int.from_bytes(data[at + 28:at + 30], "little")
        if data[at + 46:at + 46 + length] == name:
            break
    data[at + 24:at + 28] = (100).to_bytes(4, "little")
    open(target, "wb").write(bytes(data))
    return target


def _malformed_sheet(source, target):
    return _rezip(source, target, {}, lambda name, data: data.replace(b"</sheetData>", b"<row><c>")
                  if name == "xl/worksheets/sheet2.xml" else data)


@pytest.mark.parametrize("damage", [_lying_size_header, _malformed_sheet], ids=["false size header", "malformed XML"])
def test_a_damaged_workbook_gets_a_message_and_its_upload_is_removed(client_for, users, settings, tmp_path,
                                                                      good_household_book, damage):
    from django.urls import reverse

    settings.MEDIA_ROOT = tmp_path / "media"
    path = damage(good_household_book, tmp_path / "坏.xlsx")
    with open(path, "rb") as fh:
        response = client_for(users.pinglu_reviewer).post(reverse("reports:import"), {"kind": "households", "file": fh})
    assert response.status_code == 200
    assert "文件已损坏" in response.content.decode()
    assert list((tmp_path / "media" / "imports").iterdir()) == []
    assert Household.objects.count() == 0
