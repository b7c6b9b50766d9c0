"""Export jobs name the file's path and what someone asked for: only their owner (and the city
administrator) sees them in the admin."""

import pytest
from django.urls import reverse

from accounts.roles import Role
from reports.models import ExportJob

pytestmark = pytest.mark.django_db


def _job(user, name):
    return ExportJob.objects.create(user=user, report="household_ledger", area_code="140829", year=2023, quarter=3,
                                    filename=name, file=f"exports/2023/11/{name}")


def test_reviewer_sees_only_his_own_export_jobs_and_their_paths(users, client_for, make_user):
    colleague = make_user("pinglu_reviewer2", Role.COUNTY_REVIEWER, "140829")
    _job(users.pinglu_reviewer, "mine.xlsx")
    theirs = _job(colleague, "theirs.xlsx")
    client = client_for(users.pinglu_reviewer)
    listing = client.get(reverse("admin:reports_exportjob_changelist"))
    assert [job.filename for job in listing.context["cl"].result_list] == ["mine.xlsx"]
    assert "theirs.xlsx" not in listing.content.decode()
    # Django's admin answers an object outside get_queryset by redirecting to the admin index.
    assert client.get(reverse("admin:reports_exportjob_change", args=[theirs.pk])).status_code == 302


def test_city_administrator_sees_every_export_job(users, client_for, make_user):
    colleague = make_user("pinglu_reviewer2", Role.COUNTY_REVIEWER, "140829")
    _job(users.pinglu_reviewer, "mine.xlsx")
    _job(colleague, "theirs.xlsx")
    listing = client_for(users.city_admin).get(reverse("admin:reports_exportjob_changelist"))
    assert sorted(job.filename for job in listing.context["cl"].result_list) == ["mine.xlsx", "theirs.xlsx"]
