"""Background jobs finish under a real django-q2 worker (``manage.py qcluster`` in its own processes), on the
database the tests run on — on SQLite a file, as the README's default installation: the web process and
two workers write to it at the same time (job progress, the import's rows, the export's file)."""

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from monitoring.models import Household
from reports import services
from reports.models import ExportJob, ImportJob

from .conftest import household_book, household_row, member_row, person_id

pytestmark = pytest.mark.django_db(transaction=True)

WAIT_SECONDS = 60


def _worker_database(tmp_path) -> dict[str, str]:
    """The environment that points a new process at the data this test committed."""
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        user = f"{db['USER']}@" if db["USER"] else ""
        return {"DATABASE_URL": f"postgres://{user}{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"}
    # pytest-django's SQLite test database lives in this process's memory: copy it into the file that a
    # default installation uses (DATA_DIR/db.sqlite3), with the SQLite backup API.
    target = sqlite3.connect(tmp_path / "db.sqlite3")
    connection.ensure_connection()
    connection.connection.backup(target)
    target.close()
    return {"DATA_DIR": str(tmp_path), "DATABASE_URL": ""}


def _statuses(export_id, import_id, sqlite_file):
    if connection.vendor == "postgresql":
        return (ExportJob.objects.get(pk=export_id).status, ImportJob.objects.get(pk=import_id).status)
    with sqlite3.connect(sqlite_file, timeout=20) as db:
        return (db.execute("SELECT status FROM reports_exportjob WHERE id = ?", [export_id]).fetchone()[0],
                db.execute("SELECT status FROM reports_importjob WHERE id = ?", [import_id]).fetchone()[0])


def test_a_real_worker_finishes_a_background_export_and_a_background_import(users, settings, tmp_path):
    media = tmp_path / "media"
    (media / "imports").mkdir(parents=True)
    settings.MEDIA_ROOT = media
    settings.Q_CLUSTER = {**settings.Q_CLUSTER, "sync": False}
    # Something to export, written in the request as the page would (one household of 甲一村) …
    a, b = person_id(1), person_id(2)
    first = household_book(tmp_path / "first.xlsx", [household_row("1408291002000001", head_id=a, 户类型="脱贫户",
                           监测对象类别=None, 识别方式=None, 识别年月=None, 风险类型=None, 风险是否已消除=None)],
                           [member_row("1408291002000001", "张三", a)])
    services.run_import(services.IMPORTERS["households"], first, users.pinglu_reviewer, commit=True)
    # … and an upload the worker writes (the page queues uploads over 20,000 rows; this one is small).
    upload = household_book(media / "imports" / "second.xlsx", [household_row(
        "1408291002000002", head="李四", head_id=b, 户类型="脱贫户", 监测对象类别=None, 识别方式=None, 识别年月=None,
        风险类型=None, 风险是否已消除=None)], [member_row("1408291002000002", "李四", b)])
    export = services.export_job_start(user=users.pinglu_reviewer, report_key="household_ledger", area_code="140829",
                                       year=2023, quarter=3, rows_total=1)
    imported = services.import_job_start(user=users.pinglu_reviewer, kind="households", path=upload,
                                         filename="second.xlsx", rows_total=2)
    assert (export.status, imported.status) == (ExportJob.Status.PENDING, ImportJob.Status.PENDING)

    env = {**os.environ, **_worker_database(tmp_path), "MEDIA_ROOT": str(media), "Q_WORKERS": "2",
           "LOG_LEVEL": "WARNING"}
    worker = subprocess.Popen([sys.executable, "manage.py", "qcluster"], cwd=Path(__file__).resolve().parents[2],
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + WAIT_SECONDS
        states = _statuses(export.pk, imported.pk, tmp_path / "db.sqlite3")
        while states != (ExportJob.Status.DONE, ImportJob.Status.DONE) and time.monotonic() < deadline:
            assert worker.poll() is None, worker.stdout.read().decode()
            time.sleep(0.5)
            states = _statuses(export.pk, imported.pk, tmp_path / "db.sqlite3")
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        try:
            output = worker.communicate(timeout=20)[0].decode()
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
            output = worker.communicate()[0].decode()
    assert states == (ExportJob.Status.DONE, ImportJob.Status.DONE), output
    assert "database is locked" not in output
    if connection.vendor == "postgresql":
        stored = ExportJob.objects.get(pk=export.pk).file.name
        codes = set(Household.objects.values_list("code", flat=True))
    else:
        with sqlite3.connect(tmp_path / "db.sqlite3") as db:
            stored = db.execute("SELECT file FROM reports_exportjob WHERE id = ?", [export.pk]).fetchone()[0]
            codes = {row[0] for row in db.execute("SELECT code FROM monitoring_household")}
    assert (media / stored).read_bytes()[:2] == b"PK"  # the workbook is in the media store
    assert codes == {"1408291002000001", "1408291002000002"}  # the worker's import wrote its household
    assert not (media / "imports" / "second.xlsx").exists()  # and deleted the upload
