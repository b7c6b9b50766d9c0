"""操作审计 page and its Excel export, for the city administrator. The changes are read by
``accounts.audit`` (every history table); this module shows and exports them."""

import io

from django.utils import timezone
from django.views.generic import TemplateView

from accounts.audit import PAGE_ROWS, changes_iter, changes_page
from accounts.forms import AuditFilterForm
from accounts.roles import Role
from accounts.scoping import code_in_area, covers_platform
from accounts.views import RoleRequiredMixin

from .views import _xlsx_response
from .xlsx import Column, SheetSpec, write_workbook

COLUMNS = [
    Column("时间", width=20), Column("操作人", width=16), Column("数据类型", width=16), Column("记录", width=20),
    Column("记录名称", width=28), Column("操作", width=8), Column("字段", width=16), Column("修改前", width=24),
    Column("修改后", width=24),
]


class AuditView(RoleRequiredMixin, TemplateView):
    """Who changed what and when, with before and after, across every record users change."""

    allowed_roles = {Role.CITY_ADMIN}
    template_name = "reports/audit.html"

    def get(self, request, *args, **kwargs):
        form = AuditFilterForm(request.GET or None)
        filters = {}
        if form.is_bound and form.is_valid():
            data = form.cleaned_data
            filters = {"username": data["username"].strip(), "model_label": data["model"], "area": data["area"],
                       "date_from": data["date_from"], "date_to": data["date_to"]}
        filters = _inside_own_area(filters, request.user)
        if request.GET.get("export") == "xlsx":
            buffer = io.BytesIO()
            write_workbook([audit_sheet(filters)], buffer)
            return _xlsx_response(buffer, "操作审计.xlsx")
        query = request.GET.copy()
        query["export"] = "xlsx"
        return self.render_to_response(self.get_context_data(
            form=form, changes=changes_page(**filters), limit=PAGE_ROWS, title="操作审计",
            export_query=query.urlencode(),
        ))


def _inside_own_area(filters: dict, user) -> dict:
    """A city administrator of a province platform reads the changes of their own city only (an area inside it
    when they chose one); the administrator of the platform's whole area reads every change."""
    if covers_platform(user):
        return filters
    own = user.profile.area_code
    area = filters.get("area") or ""
    return {**filters, "area": area if area and code_in_area(area, own) else own}


def audit_sheet(filters: dict) -> SheetSpec:
    return SheetSpec(name="操作审计", title="操作审计记录", columns=COLUMNS, rows=_rows(filters),
                     unit="运城市", date=timezone.localdate())


def _rows(filters: dict):
    for change in changes_iter(**filters):
        head = [timezone.localtime(change.when).strftime("%Y-%m-%d %H:%M:%S"), change.user, change.model_name,
                change.object_pk, change.object_repr, change.kind]
        for label, before, after in change.changes or [("", "", "")]:
            yield [*head, label, before, after]
