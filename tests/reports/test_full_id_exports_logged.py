"""An export that holds full ID numbers writes the same audit line as a page that shows them (issue 14): for the
roles whose work seldom needs full numbers (city administrator, county reviewer), once per file, whether the file
is written in the request or by the job worker. Roles that need them (clerks, officers) are not logged; roles
that see them masked have nothing to log."""

import logging

import pytest
from django.urls import reverse

from reports import services

AUDIT = "yuncheng.audit.full_id"


@pytest.fixture
def audit_lines(caplog):
    caplog.set_level(logging.INFO, logger=AUDIT)
    return lambda: [r.getMessage() for r in caplog.records if r.name == AUDIT]


def _ledger(client, area="140829"):
    response = client.get(reverse("reports:export", args=["household_ledger"]),
                          {"area": area, "year": 2023, "quarter": 3})
    assert response.status_code == 200
    b"".join(response.streaming_content) if response.streaming else response.content
    return response


def test_city_admin_exporting_the_household_ledger_is_logged_once(client_for, users, audit_lines):
    _ledger(client_for(users.city_admin), area="140800")
    lines = audit_lines()
    assert len(lines) == 1
    assert "user=city_admin" in lines[0] and "where=export 监测对象明细表" in lines[0]
    assert "path=export:household_ledger?area=140800" in lines[0]


def test_county_reviewer_exporting_data_with_full_ids_is_logged_per_file(client_for, users, audit_lines):
    client = client_for(users.pinglu_reviewer)
    assert client.get(reverse("reports:data", args=["households"])).status_code == 200
    assert client.get(reverse("reports:data", args=["teams"])).status_code == 200
    assert client.get(reverse("reports:data", args=["issues"])).status_code == 200  # no ID numbers in it
    lines = audit_lines()
    assert [line.split(" where=")[1].split(" ")[0] for line in lines] == ["export", "export"]
    assert "where=export data_households" in lines[0] and "where=export data_teams" in lines[1]
    assert all("user=pinglu_reviewer" in line for line in lines)


def test_a_ledger_written_by_the_job_worker_is_logged_with_the_user_who_asked(users, audit_lines, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    job = services.export_job_create(user=users.pinglu_reviewer, report_key="household_ledger", area_code="140829",
                                     year=2023, quarter=3)
    services.export_job_run(job.pk)
    lines = audit_lines()
    assert len(lines) == 1 and "user=pinglu_reviewer" in lines[0] and "监测对象明细表" in lines[0]


def test_roles_that_need_full_ids_or_see_them_masked_are_not_logged(client_for, users, audit_lines):
    _ledger(client_for(users.jia_clerk), area="140829100")
    assert client_for(users.jia_clerk).get(reverse("reports:data", args=["households"])).status_code == 200
    _ledger(client_for(users.pinglu_leader))
    assert audit_lines() == []

