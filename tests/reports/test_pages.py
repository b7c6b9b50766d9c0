"""The 报表 page, downloads, background exports and the upload flow, through the test client."""

import io
from urllib.parse import quote

import openpyxl
import pytest
from django.urls import reverse

from monitoring.models import Household
from reports import exports, services
from reports.models import ExportJob

from .conftest import household_book, household_row, member_row, person_id


@pytest.fixture
def sync_jobs(settings, tmp_path):
    settings.Q_CLUSTER = {**settings.Q_CLUSTER, "sync": True}
    settings.MEDIA_ROOT = tmp_path / "media"


def _params(area="140829", year=2023, quarter=3):
    return {"area": area, "year": year, "quarter": quarter}


def test_reports_page_lists_the_seven_reports_and_offers_the_users_areas(client_for, users, django_assert_num_queries):
    client = client_for(users.pinglu_reviewer)
    # session, user with profile, user permissions, group permissions (scope of the job list),
    # the latest quarter with income (the default period), the county's name, its townships, the user's export jobs
    with django_assert_num_queries(8):
        response = client.get(reverse("reports:index"))
    page = response.content.decode()
    for title in ("监测对象汇总表", "监测对象明细表", "脱贫人口收入情况表", "脱贫劳动力务工就业表", "驻村帮扶情况表",
                  "问题整改台账", "双交办清单"):
        assert title in page
    assert '<option value="140829"' in page and "甲镇" in page
    assert '<option value="140828"' not in page  # 夏县 is not the reviewer's


def test_small_export_downloads_at_once_with_a_chinese_file_name(client_for, users):
    response = client_for(users.pinglu_reviewer).get(reverse("reports:export", args=["issue_ledger"]), _params())
    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    assert f"filename*=utf-8''{quote('平陆县_问题整改台账_2023Q3.xlsx')}" in disposition
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert book.sheetnames == ["问题整改台账"]


def test_export_of_another_county_is_forbidden(client_for, users):
    response = client_for(users.pinglu_reviewer).get(reverse("reports:export", args=["monitoring_summary"]),
                                                     _params(area="140828"))
    assert (response.status_code, response["Location"]) == (302, reverse("reports:index"))
    assert not response.has_header("Content-Disposition")


def test_large_export_runs_as_a_background_job_with_progress_and_a_download_link(
        client_for, users, sync_jobs, monkeypatch, tmp_path):
    run = __import__("reports.imports", fromlist=["run_import"])
    a = person_id(1)
    path = household_book(tmp_path / "h.xlsx", [household_row("1408291002000001", head_id=a)], [member_row("1408291002000001", "张三", a)])
    assert run.run_import(run.HouseholdImporter, path, users.pinglu_reviewer, commit=True).ok
    monkeypatch.setattr(exports, "BACKGROUND_ROWS", 0)
    monkeypatch.setattr("reports.views.BACKGROUND_ROWS", 0)
    client = client_for(users.pinglu_reviewer)
    response = client.get(reverse("reports:export", args=["household_ledger"]), _params())
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("reports:job", args=[job.pk])
    assert job.status == ExportJob.Status.DONE and job.progress == 100 and job.rows_total == 1
    page = client.get(response["Location"]).content.decode()
    assert "平陆县_监测对象明细表_2023Q3.xlsx" in page and "progress-bar" in page
    status = client.get(reverse("reports:job_status", args=[job.pk])).json()
    assert status["status"] == "done" and status["download_url"] == reverse("reports:job_download", args=[job.pk])
    download = client.get(status["download_url"])
    book = openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    assert any(r[3] == "1408291002000001" for r in book.worksheets[0].iter_rows(values_only=True))
    # another user cannot see or download the job
    other = client_for(users.city_admin)
    assert other.get(reverse("reports:job_status", args=[job.pk])).status_code == 404
    assert other.get(reverse("reports:job_download", args=[job.pk])).status_code == 404


def test_template_download_has_a_notes_sheet_and_drop_down_lists(client_for, users):
    response = client_for(users.jia1_officer).get(reverse("reports:template", args=["households"]))
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert book.sheetnames[:6] == ["说明", "户信息", "家庭成员", "务工就业", "收入", "帮扶措施"]
    assert book["选项"].sheet_state == "hidden"
    ws = book["户信息"]
    assert [c.value for c in ws[1]][:3] == ["户编号", "行政村代码", "户主姓名"]
    validations = {str(dv.sqref)[:1]: dv for dv in ws.data_validations.dataValidation}
    assert validations["F"].type == "list" and "选项" in validations["F"].formula1  # 户类型
    notes = " ".join(str(c.value) for row in book["说明"].iter_rows() for c in row if c.value)
    assert "脱贫不稳定户、边缘易致贫户、突发严重困难户" in notes


def test_upload_shows_a_preview_then_writes_on_confirmation(client_for, users, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    a = person_id(1)
    path = household_book(tmp_path / "h.xlsx", [household_row("1408291002000001", head_id=a)], [member_row("1408291002000001", "张三", a)])
    client = client_for(users.jia1_officer)
    with open(path, "rb") as fh:
        response = client.post(reverse("reports:import"), {"kind": "households", "file": fh})
    page = response.content.decode()
    assert "校验通过" in page and "1408291002000001" in page
    assert Household.objects.count() == 0
    token = response.context["token"]
    response = client.post(reverse("reports:import"), {"token": token})
    assert "已导入" in response.content.decode()
    assert Household.objects.get().code == "1408291002000001"
    # the same token cannot be used twice
    response = client.post(reverse("reports:import"), {"token": token}, follow=True)
    assert "已过期" in response.content.decode()


def test_upload_with_errors_lists_them_and_writes_nothing(client_for, users, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    a = person_id(1)
    path = household_book(tmp_path / "h.xlsx", [household_row("1408291002000001", head_id=a, 户类型="贫困户")],
                          [member_row("1408291002000001", "张三", a[:17] + "0" if a[17] != "0" else a[:17] + "1")])
    with open(path, "rb") as fh:
        response = client_for(users.jia1_officer).post(reverse("reports:import"), {"kind": "households", "file": fh})
    assert response.context["token"] is None
    page = response.content.decode()
    assert "F列·户类型" in page and "身份证号校验位错误" in page and "未写入任何数据" in page
    assert Household.objects.count() == 0


def test_leader_may_not_open_the_import_page(client_for, users):
    assert client_for(users.pinglu_leader).get(reverse("reports:import")).status_code == 403


def test_data_export_in_import_layout_is_for_roles_that_see_full_ids(client_for, users):
    ok = client_for(users.pinglu_reviewer).get(reverse("reports:data", args=["issues"]))
    assert ok.status_code == 200
    assert client_for(users.pinglu_leader).get(reverse("reports:data", args=["households"])).status_code == 403


def test_job_page_and_status_poll_use_a_fixed_number_of_queries(client_for, users, django_assert_num_queries):
    job = ExportJob.objects.create(user=users.pinglu_reviewer, report="household_ledger", area_code="140829",
                                   year=2023, quarter=3, rows_total=50_000, rows_done=20_000, progress=40,
                                   status=ExportJob.Status.RUNNING, filename="平陆县_监测对象明细表_2023Q3.xlsx")
    client = client_for(users.pinglu_reviewer)
    # session, user with profile, the sweep of interrupted jobs (the running exports, the running imports:
    # this job's worker is named, so nothing is updated), user permissions, group permissions, the job
    ExportJob.objects.filter(pk=job.pk).update(worker=services._worker_id())
    with django_assert_num_queries(7):
        page = client.get(reverse("reports:job", args=[job.pk])).content.decode()
    assert "40%" in page and "d-none" in page  # no download link yet
    with django_assert_num_queries(7):
        status = client.get(reverse("reports:job_status", args=[job.pk])).json()
    assert status == {"status": "running", "status_label": "生成中", "progress": 40, "rows_done": 20000,
                      "rows_total": 50000, "error": "", "download_url": None}


def test_a_large_data_export_becomes_a_job_whose_file_imports_back(client_for, users, sync_jobs, monkeypatch, tmp_path):
    from reports.imports import HouseholdImporter, run_import

    a = person_id(1)
    path = household_book(tmp_path / "h.xlsx", [household_row("1408291002000001", head_id=a)], [member_row("1408291002000001", "张三", a)])
    assert run_import(HouseholdImporter, path, users.pinglu_reviewer, commit=True).ok
    monkeypatch.setattr("reports.views.BACKGROUND_ROWS", 0)
    client = client_for(users.pinglu_reviewer)
    response = client.get(reverse("reports:data", args=["households"]))
    job = ExportJob.objects.get()
    assert response["Location"] == reverse("reports:job", args=[job.pk])
    assert job.status == ExportJob.Status.DONE and job.filename == "平陆县_住户信息_导入格式.xlsx"
    download = client.get(reverse("reports:job_download", args=[job.pk]))
    (tmp_path / "back.xlsx").write_bytes(b"".join(download.streaming_content))
    again = run_import(HouseholdImporter, tmp_path / "back.xlsx", users.pinglu_reviewer, commit=True)
    assert again.ok and again.nothing_to_do


def test_reports_page_defaults_to_the_latest_quarter_with_data_like_the_dashboard(client_for, users, geo):
    from tests.monitoring.factories import HouseholdFactory, IncomeRecordFactory

    IncomeRecordFactory(household=HouseholdFactory(village=geo.jia1), year=2023, quarter=3)
    page = client_for(users.pinglu_reviewer).get(reverse("reports:index")).content.decode()
    assert '<option value="2023" selected>' in page and '<option value="3" selected>' in page


def test_a_large_upload_is_written_by_a_background_job_with_progress(client_for, users, sync_jobs, monkeypatch,
                                                                     tmp_path):
    from reports import imports
    from reports.models import ImportJob

    monkeypatch.setattr(imports, "BACKGROUND_ROWS", 1)  # two rows count as "large"
    a = person_id(1)
    path = household_book(tmp_path / "h.xlsx", [household_row("1408291002000001", head_id=a)], [member_row("1408291002000001", "张三", a)])
    client = client_for(users.pinglu_reviewer)
    with open(path, "rb") as fh:
        token = client.post(reverse("reports:import"), {"kind": "households", "file": fh}).context["token"]
    response = client.post(reverse("reports:import"), {"token": token})
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response.url == reverse("reports:import_job", args=[job.pk])
    assert (job.status, job.progress, job.rows_total) == ("done", 100, 2)
    assert Household.objects.get().code == "1408291002000001"
    assert list((tmp_path / "media" / "imports").iterdir()) == []  # the upload is gone
    page = client.get(response.url).content.decode()
    assert "已完成" in page and "已写入" in page
    # another user does not see the job
    assert client_for(users.jia1_officer).get(response.url).status_code == 404
