"""Writes of the 报表 app: background export jobs."""

import os
import socket
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from django.core.files import File
from django.db import transaction
from django.utils import timezone

from villages.selectors import area_get

from .exports import REPORTS, report_context, report_write
from .imports import IMPORTERS, run_import
from .models import ExportJob, ImportJob
from .roundtrip import DATA_EXPORTS
from .workbooks import template_write

PROGRESS_EVERY_SECONDS = 1.0
# A job on another host whose worker has not reported for this long is taken for dead (on the same host
# the worker's process id answers at once).
HEARTBEAT_STALE_SECONDS = 300
INTERRUPTED = {
    "export": "导出中断（后台任务进程已退出），未生成文件，请重新导出",
    "import": "导入中断（后台任务进程已退出），未写入任何数据，请重新上传",
}


def _worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _worker_alive(worker: str) -> bool | None:
    """Whether the process named ``host:pid`` still runs; None when it runs on another host."""
    host, _, pid = worker.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return None
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive
        return True
    return True


def _job_started(model, job) -> None:
    """The worker takes the job: who runs it, and a first heartbeat."""
    model.objects.filter(pk=job.pk).update(status=model.Status.RUNNING, progress=0, error="", worker=_worker_id(),
                                           heartbeat_at=timezone.now())


def jobs_fail_interrupted(*, now=None) -> int:
    """Jobs still 生成中 whose worker is gone — killed, or its host down — are marked 失败 as soon as a page
    asks: the worker's process no longer exists (same host), its heartbeat is older than
    ``HEARTBEAT_STALE_SECONDS`` (another host), or the worker's own time limit has passed (the queue has
    stopped it). Nothing of theirs was written: an export stores its file only once complete, an import
    writes in one transaction (rolled back with the dead connection); an import's upload is removed."""
    from django.conf import settings

    now = now or timezone.now()
    stale = now - timedelta(seconds=HEARTBEAT_STALE_SECONDS)
    limit = now - timedelta(seconds=settings.Q_CLUSTER["timeout"] + 60)
    failed = 0
    for model, kind in ((ExportJob, "export"), (ImportJob, "import")):
        dead = []
        for job in model.objects.filter(status=model.Status.RUNNING).only("pk", "worker", "heartbeat_at",
                                                                         "created_at"):
            alive = _worker_alive(job.worker) if job.worker else None
            gone = (alive is False or (alive is None and job.worker and (job.heartbeat_at or job.created_at) < stale)
                    or job.created_at < limit)
            if gone:
                dead.append(job.pk)
        if not dead:
            continue
        if model is ImportJob:
            for path in ImportJob.objects.filter(pk__in=dead).values_list("path", flat=True):
                (Path(settings.MEDIA_ROOT) / path).unlink(missing_ok=True)
        # The status is checked again: a job that finished meanwhile keeps its result.
        failed += model.objects.filter(pk__in=dead, status=model.Status.RUNNING).update(
            status=model.Status.FAILED, error=INTERRUPTED[kind], finished_at=now)
    return failed


DATA_PREFIX = "data_"  # a job whose report is "data_<importer key>" writes the records in the import layout
RECORDS_PREFIX = "records:"  # a job whose report is "records:<metric key>" writes a figure's drill-down list


def data_filename(area, importer) -> str:
    return f"{area.name}_{importer.title}_导入格式.xlsx"


@transaction.atomic
def export_job_create(*, user, report_key: str, area_code: str, year: int, quarter: int, rows_total: int = 0) -> ExportJob:
    """Record a background export; the caller queues it with :func:`export_job_enqueue` once committed."""
    area = area_get(code=area_code)
    ctx = report_context(user=user, area=area, year=year, quarter=quarter)
    if report_key.startswith(DATA_PREFIX):
        filename = data_filename(area, IMPORTERS[report_key.removeprefix(DATA_PREFIX)])
    elif report_key.startswith(RECORDS_PREFIX):
        filename = _records_job(report_key, ctx)[1]
    else:
        filename = REPORTS[report_key].filename(ctx)
    job = ExportJob(user=user, report=report_key, area_code=area.code, year=year, quarter=quarter,
                    rows_total=rows_total, filename=filename)
    job.full_clean()
    job.save()
    return job


def _records_job(report_key: str, ctx):
    """(title, file name, write(path) → rows) of the drill-down list a ``records:`` job exports: the figure's
    records inside the user's scope (``dashboard.catalogue.metric_records``), as the page's 导出 writes them."""
    from dashboard.catalogue import METRICS, metric_records
    from dashboard.drilldown import RECORD_LISTS
    from dashboard.exports import records_names, records_write
    from dashboard.periods import Period

    metric = METRICS[report_key.removeprefix(RECORDS_PREFIX)]
    title, filename = records_names(metric=metric, area=ctx.area, period=Period(ctx.year, ctx.quarter))
    queryset = metric_records(user=ctx.user, key=metric.key, area=ctx.area, year=ctx.year, quarter=ctx.quarter)
    return title, filename, lambda path: records_write(record_list=RECORD_LISTS[metric.records], queryset=queryset,
                                                       title=title, target=path, on_row=ctx.on_row)


def export_job_enqueue(job: ExportJob) -> None:
    from django.conf import settings
    from django_q.tasks import async_task

    # Read the setting at call time (django-q reads it once at import), so tests can run jobs inline.
    async_task("reports.services.export_job_run", job.pk, task_name=f"导出 {job.filename}"[:100], group="reports",
               sync=bool(settings.Q_CLUSTER.get("sync", False)))


def export_job_run(job_id: int) -> None:
    """The worker's side: write the report into the media store, reporting progress on the job row."""
    job = ExportJob.objects.select_related("user__profile").get(pk=job_id)
    if job.status == ExportJob.Status.DONE:
        return
    _job_started(ExportJob, job)
    last = [time.monotonic()]

    def on_row(done: int):
        now = time.monotonic()
        if now - last[0] >= PROGRESS_EVERY_SECONDS:
            last[0] = now
            total = max(job.rows_total, done, 1)
            ExportJob.objects.filter(pk=job.pk).update(rows_done=done, progress=min(99, done * 100 // total),
                                                       heartbeat_at=timezone.now())

    try:
        area = area_get(code=job.area_code)
        ctx = report_context(user=job.user, area=area, year=job.year, quarter=job.quarter, on_row=on_row)
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "export.xlsx"
            if job.report.startswith(DATA_PREFIX):
                key = job.report.removeprefix(DATA_PREFIX)
                rows = template_write(IMPORTERS[key], path, DATA_EXPORTS[key](user=job.user, prefix=area.prefix))
            elif job.report.startswith(RECORDS_PREFIX):
                rows = _records_job(job.report, ctx)[2](path)
            else:
                rows = report_write(REPORTS[job.report], ctx, path)
            with open(path, "rb") as fh:
                job.file.save(f"{job.report}_{job.area_code}_{job.year}Q{job.quarter}_{job.pk}.xlsx", File(fh),
                              save=False)
        ExportJob.objects.filter(pk=job.pk).update(
            file=job.file.name, status=ExportJob.Status.DONE, progress=100, rows_done=rows,
            finished_at=timezone.now(),
        )
    except Exception as exc:  # the page shows the failure; the worker log keeps the traceback
        ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.FAILED, error=str(exc)[:1000],
                                                   finished_at=timezone.now())
        raise


def export_job_start(*, user, report_key: str, area_code: str, year: int, quarter: int, rows_total: int = 0) -> ExportJob:
    job = export_job_create(user=user, report_key=report_key, area_code=area_code, year=year, quarter=quarter,
                            rows_total=rows_total)
    export_job_enqueue(job)
    job.refresh_from_db()
    return job




# ---------------------------------------------------------------- background imports

def import_job_start(*, user, kind: str, path: Path, filename: str, rows_total: int) -> ImportJob:
    """Queue the writing of a confirmed upload (``path`` inside MEDIA_ROOT) as a background job."""
    from django.conf import settings
    from django_q.tasks import async_task

    job = ImportJob(user=user, kind=kind, path=str(Path(path).relative_to(settings.MEDIA_ROOT)), filename=filename,
                    rows_total=rows_total)
    job.full_clean()
    job.save()
    async_task("reports.services.import_job_run", job.pk, task_name=f"导入 {filename}"[:100], group="reports",
               sync=bool(settings.Q_CLUSTER.get("sync", False)))
    job.refresh_from_db()
    return job


def import_job_run(job_id: int) -> None:
    """The worker's side: validate and write the file (all or nothing, as in the request), reporting
    progress on the job row; the upload is deleted at the end whatever happened."""
    from django.conf import settings

    job = ImportJob.objects.select_related("user__profile").get(pk=job_id)
    if job.is_finished:
        return
    _job_started(ImportJob, job)
    path = Path(settings.MEDIA_ROOT) / job.path
    last = [time.monotonic()]

    def on_rows(done: int):
        now = time.monotonic()
        if now - last[0] >= PROGRESS_EVERY_SECONDS:
            last[0] = now
            total = max(job.rows_total, done, 1)
            ImportJob.objects.filter(pk=job.pk).update(rows_done=done, progress=min(99, done * 100 // total),
                                                       heartbeat_at=timezone.now())

    try:
        result = run_import(IMPORTERS[job.kind], path, job.user, commit=True, on_rows=on_rows)
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportJob.Status.DONE if result.ok else ImportJob.Status.FAILED, progress=100,
            rows_done=job.rows_total, finished_at=timezone.now(),
            result={"counts": result.counts, "errors": [str(e) for e in result.errors[:500]],
                    "written": result.written},
            error="" if result.ok else f"文件有 {result.error_count} 处错误，未写入任何数据",
        )
    except Exception as exc:  # the page shows the failure; the worker log keeps the traceback
        ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.FAILED, error=str(exc)[:1000],
                                                   finished_at=timezone.now())
        raise
    finally:
        path.unlink(missing_ok=True)
