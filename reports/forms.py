"""Forms of the 报表 page: the area and period picker, the upload."""

import datetime

from django import forms

from accounts.scoping import user_area_code
from dashboard.periods import period_default
from villages.selectors import area_children, area_get

from .imports import IMPORTERS

MAX_UPLOAD_BYTES = 50 * 1024 * 1024


def area_choices(user) -> list[tuple[str, str]]:
    """The user's own area and the areas one level down (a county reviewer: the county and its townships)."""
    area = area_get(code=user_area_code(user))  # none: the platform's whole area
    if area is None:
        return []
    return [(area.code, area.name)] + [(child.code, f"　{child.name}") for child in area_children(area=area)]


def year_choices():
    this = datetime.date.today().year
    return [(y, f"{y}年") for y in range(this, 2020, -1)]


class ReportPeriodForm(forms.Form):
    area = forms.ChoiceField(label="区域")
    year = forms.TypedChoiceField(label="年度", coerce=int)
    quarter = forms.TypedChoiceField(label="季度", coerce=int,
                                     choices=[(q, f"第{q}季度") for q in (1, 2, 3, 4)])

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = area_choices(user)
        self.fields["year"].choices = year_choices()
        # The latest quarter with data, as the dashboard opens: the current quarter is usually still empty.
        period = period_default()
        self.fields["year"].initial = period.year
        self.fields["quarter"].initial = period.quarter
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select form-select-sm"


class ImportUploadForm(forms.Form):
    kind = forms.ChoiceField(label="导入内容", choices=[(k, f"{i.title}") for k, i in IMPORTERS.items()])
    file = forms.FileField(label="Excel 文件（.xlsx）")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].widget.attrs["class"] = "form-select"
        self.fields["file"].widget.attrs.update({"class": "form-control", "accept": ".xlsx"})

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(f"文件过大（上限 {MAX_UPLOAD_BYTES // (1024 * 1024)} MB），请分批导入")
        return upload
