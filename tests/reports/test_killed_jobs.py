"""A job worker killed for real (SIGKILL, not an exception) in the middle of an export or an import: nothing
is written, and the job shows 失败 at the next look at its page — not after the worker's 30-minute limit.

The worker is a separate Python process on the test's database (on SQLite the in-memory test database is
copied to a file for it and back afterwards, through SQLite's backup API)."""

import os
import signal
import sqlite3
import subprocess
import sys
import time
from importlib import import_module
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.urls import reverse

from monitoring.models import Household, Member
from reports import services
from reports.models import ExportJob, ImportJob

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def reference_data(db):
    """The migrations' reference data (risk types, thresholds): a flushing test finds them gone."""
    from django.apps import apps

    import_module("monitoring.migrations.0002_reference_data").load(apps, None)

ROOT = Path(django_settings.BASE_DIR)

# The worker: the job runs as the queue would run it, until it reaches the point where it stalls (half a
# workbook written; the households of an import written, its members not yet) and says so in a file.
WORKER = """
import sys, time
from pathlib import Path
import django
django.setup()
from reports import services

marker = Path(sys.argv[3])

def stall():
    marker.write_text("stalled")
    time.sleep(600)

if sys.argv[1] == "export":
    def half_written(report, ctx, path):
        path.write_bytes(b"PK\\x03\\x04 half a workbook")
        stall()
    services.report_write = half_written
    services.export_job_run(int(sys.argv[2]))
else:
    from monitoring.models import Member
    from monitoring.services import household_import as households  # the import's bulk door writes
    real = households.bulk_create_with_history
    def members_never_come(objs, model, **kwargs):
        if model is Member:
            stall()
        return real(objs, model, **kwargs)
    households.bulk_create_with_history = members_never_come
    services.import_job_run(int(sys.argv[2]))
    from reports.models import ImportJob
    job = ImportJob.objects.get(pk=int(sys.argv[2]))
    sys.exit(f"the import never reached its members: {job.status} {job.error} {job.result}")
"""


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    return settings.MEDIA_ROOT


@pytest.fixture
def killed_worker(tmp_path, media):
    """Run a job in a worker process, kill it with SIGKILL once it stalls, and leave the test's database as the
    dead worker left it."""
    sqlite_file = tmp_path / "data" / "db.sqlite3"

    def run(kind: str, job_id: int):
        env = {**os.environ, "PYTHONPATH": str(ROOT), "DJANGO_SETTINGS_MODULE": "yuncheng.settings",
               "MEDIA_ROOT": str(media), "LOG_LEVEL": "ERROR"}
        if connection.vendor == "sqlite":
            sqlite_file.parent.mkdir()
            with sqlite3.connect(sqlite_file) as target:
                connection.connection.backup(target)
            env.pop("DATABASE_URL", None)
            env["DATA_DIR"] = str(sqlite_file.parent)
        else:
            db = connection.settings_dict
            env["DATABASE_URL"] = (f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:"
                                   f"{db['PORT'] or 5432}/{db['NAME']}")
        marker = tmp_path / "stalled"
        worker = subprocess.Popen([sys.executable, "-c", WORKER, kind, str(job_id), str(marker)], env=env,
                                  cwd=ROOT, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 60
        while not marker.exists():
            assert worker.poll() is None, worker.stderr.read().decode()[-3000:]
            assert time.monotonic() < deadline, "the worker never reached its stall"
            time.sleep(0.1)
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait()
        assert worker.returncode == -signal.SIGKILL
        if connection.vendor == "sqlite":
            with sqlite3.connect(sqlite_file) as source:
                source.backup(connection.connection)
        return worker.pid

    return run


def _files(media: Path) -> list[Path]:
    return [p for p in media.rglob("*") if p.is_file()]


def test_export_whose_worker_is_killed_stores_no_file_and_shows_failed_at_once(users, client_for, media,
                                                                               killed_worker):
    job = services.export_job_create(user=users.pinglu_reviewer, report_key="issue_ledger", area_code="140829",
                                     year=2023, quarter=3)
    pid = killed_worker("export", job.pk)

    job.refresh_from_db()
    assert job.status == ExportJob.Status.RUNNING and job.worker.endswith(f":{pid}")
    status = client_for(users.pinglu_reviewer).get(reverse("reports:job_status", args=[job.pk])).json()
    assert status["status"] == "failed"
    assert status["error"] == "导出中断（后台任务进程已退出），未生成文件，请重新导出"
    assert _files(media) == []


def test_import_whose_worker_is_killed_writes_nothing_and_shows_failed_at_once(users, client_for, media, reference_data,
                                                                               good_household_book, killed_worker):
    upload = media / "imports" / "住户信息.xlsx"
    upload.parent.mkdir()
    upload.write_bytes(good_household_book.read_bytes())
    job = ImportJob.objects.create(user=users.pinglu_reviewer, kind="households", path="imports/住户信息.xlsx",
                                   filename="住户信息.xlsx", rows_total=3)
    pid = killed_worker("import", job.pk)

    job.refresh_from_db()
    assert job.status == ImportJob.Status.RUNNING and job.worker.endswith(f":{pid}")
    # The households were written inside the import's transaction, which died with the worker's connection.
    assert Household.objects.count() == 0 and Member.objects.count() == 0
    assert Household.history.count() == 0
    page = client_for(users.pinglu_reviewer).get(reverse("reports:import_job", args=[job.pk]))
    assert page.status_code == 200
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    assert job.error == "导入中断（后台任务进程已退出），未写入任何数据，请重新上传"
    assert "导入中断" in page.content.decode()
    assert _files(media) == []  # the upload is removed


def test_a_job_whose_worker_is_alive_is_left_running(users):
    job = services.export_job_create(user=users.pinglu_reviewer, report_key="issue_ledger", area_code="140829",
                                     year=2023, quarter=3)
    ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.RUNNING, worker=services._worker_id())
    assert services.jobs_fail_interrupted() == 0
