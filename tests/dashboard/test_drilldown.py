"""点数字看明细: every figure's record list counts the figure; lists stay inside the user's scope; Excel export."""

import io

from openpyxl import load_workbook

from dashboard.catalogue import METRICS, metric_records, metric_values
from villages.selectors import area_get

COUNTED = [key for key, metric in METRICS.items() if metric.records and metric.records_count]


def test_most_count_figures_have_a_record_list():
    # 28 of the reference + the four 筛查预警 counts (录入进度 figures are counted apart)
    assert len([key for key in COUNTED if not key.startswith("completeness.")]) == 32
    without = [key for key, m in METRICS.items() if m.records is None]
    # distinct counts and the city-wide standard are not a list of records
    assert set(without) == {"issues.aspects", "issues.categories", "policy.dibao_standard"}


def test_record_count_equals_the_figure_for_every_counted_metric(city, users):
    for area_code in (None, "140829", "140829100200", "140828"):
        area = area_get(code=area_code) if area_code else None
        values = metric_values(user=users.city_admin, area=area, year=2023, quarter=3, keys=COUNTED)
        for key in COUNTED:
            records = metric_records(user=users.city_leader, key=key, area=area, year=2023, quarter=3)
            assert records.count() == values[key], (area_code, key)
        assert any(values.values()), area_code  # the areas hold records: the test can fail


def test_drilldown_page_shows_as_many_records_as_the_figure(city, users, client_for):
    response = client_for(users.city_leader).get("/dashboard/records/monitoring.persons/",
                                                 {"year": 2023, "quarter": 3})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="record-count">7<' in html
    assert html.count("<tr") - 1 == 7  # header row + one per person
    assert "户编号" in html and "H1" in html


def test_drilldown_of_a_county_lists_only_the_county(city, users, client_for):
    html = client_for(users.pinglu_leader).get("/dashboard/records/monitoring.households/",
                                               {"year": 2023, "quarter": 3, "area": "140829"}).content.decode()
    assert 'data-testid="record-count">2<' in html
    assert ">H6<" not in html and ">H1<" in html  # H6 is in 夏县


def test_county_leader_cannot_drill_into_the_city_or_another_county(city, users, client_for):
    client = client_for(users.pinglu_leader)
    for area in ("140800", "140828"):
        response = client.get("/dashboard/records/issues.total/", {"year": 2023, "quarter": 3, "area": area})
        assert response.status_code == 403
    response = client.get("/dashboard/records/issues.total/export/", {"year": 2023, "quarter": 3, "area": "140828"})
    assert response.status_code == 403


def test_county_leader_without_area_drills_into_their_own_county(city, users, client_for):
    html = client_for(users.pinglu_leader).get("/dashboard/records/issues.total/",
                                               {"year": 2023, "quarter": 3}).content.decode()
    assert 'data-testid="record-count">2<' in html
    assert "YC-2023-0003" not in html


def test_drilldown_list_exports_to_excel(city, users, client_for):
    response = client_for(users.city_leader).get("/dashboard/records/issues.overdue/export/",
                                                 {"year": 2023, "quarter": 3})
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    assert "filename*=utf-8''" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert "逾期未整改数" in rows[0][0]
    assert rows[1][0] == "问题编号"
    assert sorted(row[0] for row in rows[2:]) == ["YC-2023-0002", "YC-2023-0004"]


def test_unknown_metric_has_no_records(users, client_for):
    assert client_for(users.city_leader).get("/dashboard/records/no.such/").status_code == 404
    assert client_for(users.city_leader).get("/dashboard/records/issues.aspects/").status_code == 404


def test_drilldown_page_query_count_is_fixed(city, users, client_for, django_assert_num_queries):
    client = client_for(users.city_leader)
    # session, user, permission check (user perms, group perms), count, one page of rows with
    # households and villages joined, the counties for the "by lower area" links.
    with django_assert_num_queries(7):
        response = client.get("/dashboard/records/monitoring.persons/", {"year": 2023, "quarter": 3})
    assert response.status_code == 200
    assert response.context["total"] == metric_values(user=users.city_leader, area=None, year=2023, quarter=3,
                                                      keys=["monitoring.persons"])["monitoring.persons"]


def test_drilldown_rows_link_to_the_household_and_to_the_issue(city, users, client_for, ledger):
    client = client_for(users.city_leader)
    persons = client.get("/dashboard/records/monitoring.persons/", {"year": 2023, "quarter": 3}).content.decode()
    assert '<a href="/monitoring/households/H1/">H1</a>' in persons
    from rectification.models import Issue

    issue = Issue.objects.get(number="YC-2023-0001")
    issues = client.get("/dashboard/records/issues.total/", {"year": 2023, "quarter": 3}).content.decode()
    assert f'<a href="/rectification/issues/{issue.pk}/">YC-2023-0001</a>' in issues


def test_drilldown_export_over_the_limit_runs_as_a_background_job(city, users, client_for, settings, tmp_path,
                                                                 monkeypatch):
    """Over the request's limit (20,000 rows; here 1) the 导出 button starts a job like the reports' and the
    job writes every record of the list."""
    from dashboard import exports
    from reports.models import ExportJob

    settings.Q_CLUSTER = {**settings.Q_CLUSTER, "sync": True}
    settings.MEDIA_ROOT = tmp_path / "media"
    monkeypatch.setattr(exports, "MAX_ROWS", 1)
    client = client_for(users.city_leader)
    page = client.get("/dashboard/records/issues.overdue/", {"year": 2023, "quarter": 3}).content.decode()
    assert "超过 1 条，将在后台生成，完成后下载" in page
    response = client.get("/dashboard/records/issues.overdue/export/", {"year": 2023, "quarter": 3})
    job = ExportJob.objects.get(user=users.city_leader)
    assert response.status_code == 302 and response["Location"] == f"/reports/jobs/{job.pk}/"
    assert (job.status, job.report, job.rows_total, job.rows_done) == (ExportJob.Status.DONE, "records:issues.overdue", 2, 2)
    assert job.filename == "运城市_逾期未整改数明细_2023Q3.xlsx"
    rows = list(load_workbook(job.file.path).active.iter_rows(values_only=True))
    assert "逾期未整改数" in rows[0][0] and rows[1][0] == "问题编号"
    assert sorted(row[0] for row in rows[2:]) == ["YC-2023-0002", "YC-2023-0004"]
    assert client.get(f"/reports/jobs/{job.pk}/").status_code == 200
