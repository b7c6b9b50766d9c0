"""模拟国考 field sheets: download a round's sheets, upload the filled ones (the screening pages link here)."""

import io
import tempfile
from pathlib import Path

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import OuterRef, Subquery
from django.http import FileResponse
from django.shortcuts import redirect
from django.views import View

from accounts.roles import Role
from accounts.scoping import get_scoped_or_404, scope
from accounts.views import RoleRequiredMixin
from monitoring.models import IncomeRecord
from screening import selectors as screening_selectors
from screening import services as screening_services
from screening.forms import AnswersUploadForm
from screening.models import AssessmentRound, SampleHousehold

from .fieldsheets import answers_read, fieldsheets_write

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_UPLOAD = 20 * 1024 * 1024


class FieldSheetsView(RoleRequiredMixin, View):
    """入户调查表: the round's sample inside the user's area, one sheet per village."""

    allowed_roles = frozenset({Role.CITY_ADMIN, Role.COUNTY_REVIEWER})

    def get(self, request, pk):
        assessment = get_scoped_or_404(AssessmentRound.objects.all(), request.user, pk=pk)
        latest = IncomeRecord.objects.filter(household=OuterRef("household_id")).order_by("-year", "-quarter")
        samples = screening_selectors.round_samples(
            samples=scope(SampleHousehold.objects.filter(round=assessment), request.user)
        ).annotate(latest_per_capita=Subquery(latest.values("per_capita_income")[:1]))
        buffer = io.BytesIO()
        rows = list(samples)
        for sample in rows:  # the income annotation belongs to the household on the sheet
            sample.household.latest_per_capita = sample.latest_per_capita
        fieldsheets_write(assessment=assessment, samples=rows, target=buffer)
        buffer.seek(0)
        return FileResponse(buffer, as_attachment=True, filename=f"{assessment.name}_入户调查表.xlsx",
                            content_type=XLSX)


class AnswersImportView(RoleRequiredMixin, View):
    """导入答卷: all or nothing; each failed indicator raises a 模拟国考 issue."""

    allowed_roles = frozenset({Role.CITY_ADMIN, Role.COUNTY_REVIEWER})
    http_method_names = ["post"]

    def post(self, request, pk):
        assessment = get_scoped_or_404(AssessmentRound.objects.all(), request.user, pk=pk)
        form = AnswersUploadForm(request.POST, request.FILES)
        if not form.is_valid() or form.cleaned_data["file"].size > MAX_UPLOAD:
            messages.error(request, "请选择不超过 20MB 的 .xlsx 文件")
            return redirect("screening:round_detail", pk=pk)
        upload = form.cleaned_data["file"]
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "answers.xlsx"
            with path.open("wb") as out:
                for chunk in upload.chunks():
                    out.write(chunk)
            rows, errors = answers_read(path)
        if not errors:
            errors = screening_services.answers_plan(user=request.user, assessment=assessment, rows=rows)
            errors = [f"工作表「{s}」第 {r} 行「{c}」：{m}" if s else m for s, r, c, m in errors]
        else:
            errors = [str(e) for e in errors]
        if errors:
            for error in errors[:50]:
                messages.error(request, error)
            messages.error(request, f"文件有 {len(errors)} 处问题，未写入任何数据")
            return redirect("screening:round_detail", pk=pk)
        try:
            counts = screening_services.answers_record(user=request.user, assessment=assessment, rows=rows)
        except (PermissionDenied, ValidationError) as exc:
            messages.error(request, "；".join(getattr(exc, "messages", [str(exc)])))
        else:
            messages.success(request, f"已导入：新增答案 {counts['answers']} 条，修改 {counts['changed']} 条，"
                                      f"生成整改问题 {counts['issues']} 个")
        return redirect("screening:round_detail", pk=pk)
