"""Frozen submissions: stored as they were, compared with the live figures naming the records that changed,
reports downloaded byte for byte, completeness confirmed, the command, the API and scoping."""

import hashlib
import io

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from openpyxl import load_workbook

from submissions.models import Submission
from submissions.selectors import submission_compare, submission_figures
from submissions.services import SubmissionIncomplete, submission_freeze
from villages.selectors import area_get

from .conftest import QUARTER, YEAR


def _freeze(user, code="140829", **kwargs):
    kwargs.setdefault("confirm_incomplete", True)
    return submission_freeze(user=user, area=area_get(code=code), year=YEAR, quarter=QUARTER, **kwargs)


def test_freezing_with_incomplete_areas_asks_for_confirmation_and_writes_nothing(period, users):
    with pytest.raises(SubmissionIncomplete) as error:
        _freeze(users.pinglu_reviewer, confirm_incomplete=False)
    assert [(a["code"], a["missing"]) for a in error.value.incomplete] == [
        ("140829100", {"completeness.income_missing": 1, "completeness.attendance_missing": 1,
                       "completeness.issue_updates_missing": 1})]
    assert not Submission.objects.exists()


def test_confirmed_freeze_stores_the_completeness_of_that_moment(period, users, enter_income):
    submission = _freeze(users.pinglu_reviewer)
    enter_income(period.households["P4"])
    submission.refresh_from_db()
    assert submission.confirmed_incomplete is True
    assert submission.completeness["figures"]["completeness.income_missing"] == 1
    assert [a["name"] for a in submission.completeness["areas"]] == ["甲镇"]


def test_frozen_figures_do_not_change_when_records_change(period, users, enter_income):
    submission = _freeze(users.city_admin)
    before = submission_figures(submission=submission, area_code="140829100200")
    enter_income(period.households["P4"])
    period.households["P1"].delete()
    assert submission_figures(submission=submission, area_code="140829100200") == before
    assert before["completeness.income_missing"] == 1
    assert str(before["completeness.income_pct"]) == "75.00"


def test_difference_view_names_the_records_that_entered_and_left_a_figure(period, users, enter_income, client_for):
    from tests.dashboard.conftest import _household

    submission = _freeze(users.city_admin)
    enter_income(period.households["P4"])  # P4 leaves the list of households without income
    _household("P9", period.households["P1"].village, poverty=True)  # P9 enters it
    compare = submission_compare(user=users.city_admin, submission=submission, area=area_get(code="140829100200"))
    row = next(r for r in compare["rows"] if r.metric.key == "completeness.income_missing")
    assert (row.frozen, row.live, row.changed) == (1, 1, False)  # one left, one entered: the count is the same
    row = next(r for r in compare["rows"] if r.metric.key == "completeness.income_pct")
    assert row.changed and [h.code for h in row.changes.entered] == ["P9"] and [h.code for h in row.changes.left] == [
        "P4"]
    response = client_for(users.city_admin).get(f"/review/submissions/{submission.pk}/", {"area": "140829100200"})
    html = response.content.decode()
    assert response.status_code == 200
    changed_row = html[html.index('data-metric="completeness.income_pct"'):]
    changed_row = changed_row[:changed_row.index("</tr>")]
    assert 'data-changed="1"' in changed_row
    assert "新进入 1：P9 户主P9" in changed_row and "已移出 1：P4 户主P4" in changed_row


def test_report_downloaded_later_is_identical_to_the_one_frozen(period, users, enter_income, client_for):
    submission = _freeze(users.city_admin)
    report = submission.reports.get(report="income_summary")
    with report.file.open("rb") as stored:
        frozen_bytes = stored.read()
    assert hashlib.sha256(frozen_bytes).hexdigest() == report.sha256
    enter_income(period.households["P4"], net=99999)
    response = client_for(users.pinglu_leader).get(
        f"/review/submissions/{submission.pk}/reports/{report.pk}/")
    downloaded = b"".join(response.streaming_content)
    assert response.status_code == 200
    assert downloaded == frozen_bytes
    assert load_workbook(io.BytesIO(downloaded)).sheetnames == ["收入情况表"]


def test_every_summary_and_ledger_report_is_frozen(period, users):
    submission = _freeze(users.city_admin)
    assert sorted(submission.reports.values_list("report", flat=True)) == sorted([
        "monitoring_summary", "household_ledger", "income_summary", "employment_summary", "teams_summary",
        "issue_ledger", "handover_lists"])


def test_county_reviewer_freezes_only_the_own_county(period, users):
    with pytest.raises(PermissionDenied):
        _freeze(users.xia_reviewer)
    with pytest.raises(PermissionDenied):
        _freeze(users.pinglu_reviewer, code="140800")
    with pytest.raises(PermissionDenied):
        _freeze(users.pinglu_leader)
    assert _freeze(users.pinglu_reviewer).frozen_by == users.pinglu_reviewer


def test_submission_of_another_county_is_not_found(period, users, client_for):
    submission = _freeze(users.pinglu_reviewer)
    assert client_for(users.xia_reviewer).get(f"/review/submissions/{submission.pk}/").status_code == 404
    assert client_for(users.pinglu_leader).get(f"/review/submissions/{submission.pk}/").status_code == 200


def test_county_sees_what_the_city_submitted_about_it_but_not_the_city_or_other_counties(period, users,
                                                                                        client_for):
    submission = _freeze(users.city_admin, code="140800")
    report = submission.reports.get(report="income_summary")
    client = client_for(users.xia_reviewer)
    page = client.get(f"/review/submissions/{submission.pk}/")
    assert page.status_code == 200
    assert page.context["area"].code == "140828"
    assert 'data-testid="submission-completeness"' not in page.content.decode()
    assert client.get(f"/review/submissions/{submission.pk}/", {"area": "140829"}).status_code == 404
    assert client.get(f"/review/submissions/{submission.pk}/", {"area": "140800"}).status_code == 404
    assert client.get(f"/review/submissions/{submission.pk}/reports/{report.pk}/").status_code == 404
    assert f'href="/review/submissions/{submission.pk}/"' in client.get("/review/submissions/").content.decode()


def test_freeze_page_lists_incomplete_areas_and_freezes_only_when_confirmed(period, users, client_for):
    client = client_for(users.pinglu_reviewer)
    params = "?year=2023&quarter=3&area=140829"
    page = client.get("/review/submissions/freeze/" + params).content.decode()
    assert 'data-testid="incomplete-areas"' in page and "甲镇" in page
    assert client.post("/review/submissions/freeze/" + params).status_code == 200
    assert not Submission.objects.exists()
    response = client.post("/review/submissions/freeze/" + params, {"confirm_incomplete": "1"})
    submission = Submission.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/review/submissions/{submission.pk}/"


def test_freeze_command_freezes_the_period(period, users):
    out = io.StringIO()
    call_command("freeze_submission", "--year", "2023", "--quarter", "3", "--area", "140829", "--user",
                 "pinglu_reviewer", "--confirm", stdout=out)
    submission = Submission.objects.get()
    assert (submission.area_code, submission.frozen_by.username) == ("140829", "pinglu_reviewer")
    # the county, its two townships and three villages
    assert submission.figures.count() == 6
    assert "已冻结" in out.getvalue()


def test_api_answers_the_latest_submission_with_its_time(period, users, client_for, enter_income):
    client = client_for(users.pinglu_leader)
    params = {"year": 2023, "quarter": 3, "area": "140829100200", "submitted": 1}
    missing = client.get("/api/metrics/", params)
    assert missing.status_code == 404
    assert missing.json() == {"error": "甲一村2023年第3季度尚无报送"}
    submission = _freeze(users.city_admin)
    enter_income(period.households["P4"])
    body = client.get("/api/metrics/", params).json()
    assert body["submission"]["frozen_at"] == submission.frozen_at.isoformat()
    assert body["metrics"]["completeness.income_missing"] == 1
    live = client.get("/api/metrics/", {k: v for k, v in params.items() if k != "submitted"}).json()
    assert live["metrics"]["completeness.income_missing"] == 0
    assert "submission" not in live


def test_submission_list_runs_a_fixed_number_of_queries(period, users, client_for, django_assert_num_queries):
    first, second = _freeze(users.city_admin), _freeze(users.pinglu_reviewer)
    client = client_for(users.pinglu_leader)
    # session, user (with profile), the user's and the groups' permissions (scope), the count and the page
    with django_assert_num_queries(6):
        html = client.get("/review/submissions/").content.decode()
    assert f'href="/review/submissions/{first.pk}/"' in html and f'href="/review/submissions/{second.pk}/"' in html


def test_every_area_frozen_holds_the_figures_the_catalogue_gave_it_then(period, users):
    from dashboard.catalogue import metric_values

    submission = _freeze(users.city_admin, code="140800")
    frozen = {row.area_code: row.values for row in submission.figures.all()}
    assert len(frozen) == 1 + 13 + 3 + 4  # the city, its counties, the fixture's townships and villages
    for code in ("140800", "140829", "140828", "140829100", "140829101", "140829100200", "140828100200"):
        live = metric_values(user=users.city_admin, area=area_get(code=code), year=YEAR, quarter=QUARTER)
        assert submission_figures(submission=submission, area_code=code) == live, code
