"""The 家庭成员 sheet is planned while it is read (issue 11: 200,000 member rows in ≤ 500 MB): a batch of rows
at a time, never the whole sheet; the answer is the same as when every row was held, and a refusal with
very many bad rows keeps the first errors of each sheet and counts the rest."""

import gc

import pytest

from monitoring.models import Household, Member
from reports.imports import HouseholdImporter, run_import
from reports.imports import households as household_module
from reports.imports import base
from reports.imports.base import Importer, Row

from .conftest import household_book, household_row, member_row, person_id


def _code(n: int) -> str:
    return f"140829100200{n:04d}"


def _members_alive() -> int:
    return sum(1 for o in gc.get_objects() if isinstance(o, Row) and o.sheet == "家庭成员")


def test_member_rows_are_never_all_held_while_planned(tmp_path, users, monkeypatch):
    monkeypatch.setattr(household_module, "BATCH", 5, raising=False)
    path = household_book(tmp_path / "多户.xlsx",
                          [household_row(_code(n), head=f"户主{n}", head_id=person_id(n)) for n in range(1, 21)],
                          [member_row(_code(n), f"户主{n}", person_id(n)) for n in range(1, 21)])
    alive = []
    upsert = Importer.upsert

    def counting_upsert(self, label, *args, **kwargs):
        if label == "成员":
            alive.append(_members_alive())
        return upsert(self, label, *args, **kwargs)

    monkeypatch.setattr(Importer, "upsert", counting_upsert)
    result = run_import(HouseholdImporter, path, users.pinglu_reviewer, commit=True)
    assert result.ok and result.counts["成员"]["created"] == 20 and result.rows == 40
    assert len(alive) == 20 and max(alive) <= 5 + 1  # a batch (and the row being read), never the 20 rows
    assert Member.objects.count() == 20


def _mixed_book(tmp_path):
    """Errors whose rows fall into different batches: a repeated ID, two heads, an unknown household, a
    member of a stored household (looked up batch by batch), a head whose name differs from 户信息."""
    a, b, c, d, e = (person_id(n) for n in range(1, 6))
    return household_book(
        tmp_path / "混合.xlsx",
        [household_row(_code(1), head="张三", head_id=a), household_row(_code(2), head="李四", head_id=c)],
        [member_row(_code(1), "张三", a), member_row(_code(1), "王芳", b, relation="配偶"),
         member_row(_code(2), "李五", c), member_row(_code(1), "赵六", d),
         member_row(_code(9), "钱七", e), member_row(_code(1), "王芳", b, relation="配偶"),
         member_row("1408291002000003", "孙八", person_id(6), relation="子")],
    )


@pytest.mark.parametrize("batch", [1, 2, 3, 2000])
def test_the_answer_does_not_depend_on_the_batch(tmp_path, users, monkeypatch, batch):
    Household.objects.create(code="1408291002000003", village_id="140829100200", head_name="周九")
    monkeypatch.setattr(household_module, "BATCH", batch)
    result = run_import(HouseholdImporter, _mixed_book(tmp_path), users.pinglu_reviewer, commit=True)
    assert [(e.sheet, e.row, e.column.split("·")[1], e.reason) for e in result.errors] == [
        ("家庭成员", 4, "姓名", "户主姓名与「户信息」不一致（户信息为 李四）"),
        ("家庭成员", 5, "与户主关系", "一户只能有一名户主（第 2 行已是户主）"),
        ("家庭成员", 6, "户编号", "该户不在「户信息」中，也不在您管辖范围内的系统数据中"),
        ("家庭成员", 7, "身份证号", "身份证号重复（与第 3 行相同）"),
    ]
    assert result.counts["成员"]["created"] == 4 and not result.written
    assert Member.objects.count() == 0


def test_a_refusal_lists_the_first_errors_of_a_sheet_and_counts_the_rest(tmp_path, users):
    n = base.MAX_LISTED_ERRORS + 50
    path = household_book(tmp_path / "坏号.xlsx", [household_row(_code(1), head="张三", head_id=person_id(1))],
                          [member_row(_code(1), "张三", person_id(1))]
                          + [member_row(_code(1), f"成员{i}", "14082919800101000X", relation="子") for i in range(n)])
    result = run_import(HouseholdImporter, path, users.pinglu_reviewer, commit=True)
    assert not result.ok and not result.written and Household.objects.count() == 0
    assert len(result.errors) == base.MAX_LISTED_ERRORS and result.unlisted == 50 and result.error_count == n
    assert [e.row for e in result.errors] == list(range(3, 3 + base.MAX_LISTED_ERRORS))  # the first rows, in order


def test_the_page_says_how_many_errors_are_not_listed(tmp_path, users, client_for, settings):
    from django.urls import reverse

    settings.MEDIA_ROOT = tmp_path / "media"
    n = base.MAX_LISTED_ERRORS + 7
    path = household_book(tmp_path / "坏号.xlsx", [household_row(_code(1), head="张三", head_id=person_id(1))],
                          [member_row(_code(1), "张三", person_id(1))]
                          + [member_row(_code(1), f"成员{i}", "14082919800101000X", relation="子") for i in range(n)])
    with open(path, "rb") as fh:
        page = client_for(users.pinglu_reviewer).post(reverse("reports:import"), {"kind": "households", "file": fh})
    text = page.content.decode()
    assert f"有 {n} 处问题，未写入任何数据" in text and "另有 7 处未列出" in text
    assert text.count('data-testid="import-error"') == base.MAX_LISTED_ERRORS
