"""A worker killed in the middle of an export or an import leaves nothing written: the export's file is
never stored and its job ends up 失败; the import's transaction is rolled back as a whole."""

import datetime

import pytest
from django.urls import reverse

from monitoring.models import Household, Member
from reports import services
from reports.imports import HouseholdImporter, run_import
from monitoring.services import household_import
from reports.models import ExportJob

pytestmark = pytest.mark.django_db(transaction=True)


class Killed(BaseException):
    """What the worker's death looks like from inside: not an Exception that any handler catches."""


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def test_export_killed_mid_way_stores_no_file_and_its_job_is_marked_failed(client_for, users, media, monkeypatch,
                                                                            settings):
    job = services.export_job_create(user=users.pinglu_reviewer, report_key="issue_ledger", area_code="140829",
                                     year=2023, quarter=3)

    def half_written(report, ctx, path):
        path.write_bytes(b"PK\x03\x04 half a workbook")
        raise Killed

    monkeypatch.setattr(services, "report_write", half_written)
    with pytest.raises(Killed):
        services.export_job_run(job.pk)
    job.refresh_from_db()
    assert job.status == ExportJob.Status.RUNNING and not job.file
    assert not media.exists() or [p for p in media.rglob("*") if p.is_file()] == []

    # Past the worker's time limit the page stops waiting: the job is 失败 and says why.
    past = datetime.timedelta(seconds=settings.Q_CLUSTER["timeout"] + 120)
    ExportJob.objects.filter(pk=job.pk).update(created_at=job.created_at - past)
    status = client_for(users.pinglu_reviewer).get(reverse("reports:job_status", args=[job.pk])).json()
    assert status["status"] == "failed"
    assert status["error"] == "导出中断（后台任务进程已退出），未生成文件，请重新导出"


def test_a_running_export_within_its_time_limit_is_left_running(users):
    job = services.export_job_create(user=users.pinglu_reviewer, report_key="issue_ledger", area_code="140829",
                                     year=2023, quarter=3)
    ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.RUNNING)
    assert services.jobs_fail_interrupted() == 0


# Migrations' reference data (risk types) survives only in a non-flushing test; the import's own
# transaction is then a savepoint, rolled back the same way.
@pytest.mark.django_db
def test_import_killed_between_households_and_members_writes_nothing(users, good_household_book, monkeypatch):
    real = household_import.bulk_create_with_history

    def dies_at_members(objs, model, **kwargs):
        if model is Member:
            raise Killed
        return real(objs, model, **kwargs)

    monkeypatch.setattr(household_import, "bulk_create_with_history", dies_at_members)
    with pytest.raises(Killed):
        run_import(HouseholdImporter, good_household_book, users.pinglu_reviewer, commit=True)
    assert Household.objects.count() == 0
    assert Household.history.count() == 0
