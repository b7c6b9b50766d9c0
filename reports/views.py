"""The 报表 page: provincial-review reports, background exports, import templates and uploads."""

import datetime
import io
import uuid
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views import View
from django.views.generic import TemplateView

from accounts.roles import may_see_full_id
from accounts.scoping import get_scoped_or_404, scope, user_covers_area
from accounts.views import RoleRequiredMixin
from villages.selectors import area_get

from .exports import BACKGROUND_ROWS, REPORTS, report_context, report_rows, report_write
from .forms import ImportUploadForm, ReportPeriodForm
from . import imports
from .imports import IMPORTERS, run_import
from .models import ExportJob, ImportJob
from .roundtrip import DATA_EXPORTS, data_rows
from .services import (
    DATA_PREFIX,
    data_filename,
    export_job_start,
    import_job_start,
    jobs_fail_interrupted,
)
from .workbooks import template_write

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
IMPORT_SESSION_KEY = "reports_pending_imports"


def _xlsx_response(buffer: io.BytesIO, filename: str) -> FileResponse:
    buffer.seek(0)
    # FileResponse writes an RFC 5987 filename* for the Chinese name (and an ASCII fallback).
    return FileResponse(buffer, as_attachment=True, filename=filename, content_type=XLSX)


class ReportIndexView(RoleRequiredMixin, TemplateView):
    template_name = "reports/index.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        jobs = scope(ExportJob.objects.filter(user=user), user)[:10]
        return super().get_context_data(
            title="报表", reports=REPORTS.values(), form=ReportPeriodForm(user=user), jobs=jobs,
            importers=IMPORTERS.values(), may_import=may_see_full_id(user), **kwargs
        )


class ReportExportView(RoleRequiredMixin, View):
    """Download a report at once, or start a background job when it is large."""

    def get(self, request, key):
        report = REPORTS.get(key)
        if report is None:
            raise Http404("没有这个报表")
        form = ReportPeriodForm(request.GET, user=request.user)
        if not form.is_valid():
            messages.error(request, "请选择区域、年度和季度")
            return redirect("reports:index")
        area = area_get(code=form.cleaned_data["area"])
        if area is None or not user_covers_area(request.user, area.code):
            raise PermissionDenied("该区域不在您的管辖范围内")
        year, quarter = form.cleaned_data["year"], form.cleaned_data["quarter"]
        ctx = report_context(user=request.user, area=area, year=year, quarter=quarter)
        rows = report_rows(report, ctx)
        if rows > BACKGROUND_ROWS:
            job = export_job_start(user=request.user, report_key=key, area_code=area.code, year=year,
                                   quarter=quarter, rows_total=rows)
            return redirect("reports:job", pk=job.pk)
        buffer = io.BytesIO()
        report_write(report, ctx, buffer)
        return _xlsx_response(buffer, report.filename(ctx))


def _job(request, pk) -> ExportJob:
    jobs_fail_interrupted()
    return get_scoped_or_404(ExportJob.objects.filter(user=request.user), request.user, pk=pk)


class ExportJobView(RoleRequiredMixin, TemplateView):
    template_name = "reports/job.html"

    def get_context_data(self, **kwargs):
        job = _job(self.request, self.kwargs["pk"])
        return super().get_context_data(title="后台导出", job=job, **kwargs)


class ExportJobStatusView(RoleRequiredMixin, View):
    def get(self, request, pk):
        job = _job(request, pk)
        return JsonResponse({
            "status": job.status, "status_label": job.get_status_display(), "progress": job.progress,
            "rows_done": job.rows_done, "rows_total": job.rows_total, "error": job.error,
            "download_url": reverse("reports:job_download", args=[job.pk]) if job.status == job.Status.DONE else None,
        })


class ExportJobDownloadView(RoleRequiredMixin, View):
    def get(self, request, pk):
        job = _job(request, pk)
        if job.status != job.Status.DONE or not job.file:
            raise Http404("文件尚未生成")
        return FileResponse(job.file.open("rb"), as_attachment=True, filename=job.filename, content_type=XLSX)


class TemplateDownloadView(RoleRequiredMixin, View):
    """The empty import template (说明 sheet, headers, drop-down lists)."""

    def get(self, request, key):
        importer = IMPORTERS.get(key)
        if importer is None:
            raise Http404("没有这个模板")
        buffer = io.BytesIO()
        template_write(importer, buffer)
        return _xlsx_response(buffer, f"{importer.title}导入模板.xlsx")


class DataExportView(RoleRequiredMixin, View):
    """The area's records in the import layout (re-importable without loss)."""

    def get(self, request, key):
        importer, export = IMPORTERS.get(key), DATA_EXPORTS.get(key)
        if importer is None:
            raise Http404("没有这种数据")
        area = area_get(code=request.GET.get("area") or request.user.profile.area_code)
        if area is None or not user_covers_area(request.user, area.code):
            raise PermissionDenied("该区域不在您的管辖范围内")
        if not may_see_full_id(request.user):
            raise PermissionDenied("您的角色不能导出含完整身份证号的数据")
        rows = data_rows(key, user=request.user, prefix=area.prefix)
        if rows > BACKGROUND_ROWS:
            today = datetime.date.today()
            job = export_job_start(user=request.user, report_key=f"{DATA_PREFIX}{key}", area_code=area.code,
                                   year=today.year, quarter=(today.month - 1) // 3 + 1, rows_total=rows)
            return redirect("reports:job", pk=job.pk)
        buffer = io.BytesIO()
        template_write(importer, buffer, export(user=request.user, prefix=area.prefix))
        return _xlsx_response(buffer, data_filename(area, importer))


def _upload_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


class ImportView(RoleRequiredMixin, TemplateView):
    """Upload → preview (what would be created and changed, or every error) → confirm → written."""

    template_name = "reports/import.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not may_see_full_id(request.user):
            raise PermissionDenied("您的角色不能导入数据")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        kwargs.setdefault("form", ImportUploadForm(initial={"kind": self.request.GET.get("kind", "households")}))
        return super().get_context_data(title="Excel 导入", importers=IMPORTERS.values(), **kwargs)

    def post(self, request):
        pending = request.session.get(IMPORT_SESSION_KEY, {})
        token = request.POST.get("token")
        if token:
            return self._confirm(request, pending, token)
        form = ImportUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        kind = form.cleaned_data["kind"]
        upload = form.cleaned_data["file"]
        token = uuid.uuid4().hex
        path = _upload_dir() / f"{token}.xlsx"
        keep = False
        try:
            with open(path, "wb") as fh:
                for chunk in upload.chunks():
                    fh.write(chunk)
            result = run_import(IMPORTERS[kind], path, request.user, commit=False)
            keep = result.ok and not result.nothing_to_do
        finally:
            if not keep:  # every refusal, and any failure, leaves nothing behind in the media store
                path.unlink(missing_ok=True)
        if keep:
            pending[token] = {"kind": kind, "name": upload.name, "rows": result.rows}
            request.session[IMPORT_SESSION_KEY] = pending
        else:
            token = None
        return self.render_to_response(self.get_context_data(
            form=ImportUploadForm(initial={"kind": kind}), result=result, token=token,
            importer=IMPORTERS[kind], filename=upload.name,
        ))

    def _confirm(self, request, pending, token):
        entry = pending.pop(token, None) if len(token) == 32 and token.isalnum() else None
        request.session[IMPORT_SESSION_KEY] = pending
        path = _upload_dir() / f"{token}.xlsx"
        if entry is None or not path.exists():
            messages.error(request, "导入已过期或已完成，请重新上传文件")
            return redirect("reports:import")
        if entry.get("rows", 0) > imports.BACKGROUND_ROWS:
            # Too large for one request: the worker writes it (and deletes the file) with progress.
            job = import_job_start(user=request.user, kind=entry["kind"], path=path, filename=entry["name"],
                                   rows_total=entry["rows"])
            return redirect("reports:import_job", pk=job.pk)
        try:
            result = run_import(IMPORTERS[entry["kind"]], path, request.user, commit=True)
        finally:
            path.unlink(missing_ok=True)
        return self.render_to_response(self.get_context_data(
            form=ImportUploadForm(initial={"kind": entry["kind"]}), result=result, importer=IMPORTERS[entry["kind"]],
            filename=entry["name"], done=True,
        ))


class ImportJobView(RoleRequiredMixin, TemplateView):
    """A background import: progress while it runs (the page reloads itself), then its counts or errors."""

    template_name = "reports/import_job.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        jobs_fail_interrupted()
        job = get_scoped_or_404(ImportJob.objects.filter(user=user), user, pk=self.kwargs["pk"])
        return super().get_context_data(title="后台导入", job=job, importer=IMPORTERS.get(job.kind), **kwargs)
