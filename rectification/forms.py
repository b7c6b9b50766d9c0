"""Small forms of the issue page; the rules live in services.py."""

from django import forms

from .models import ResponsibleUnit

INPUT = {"class": "form-control form-control-sm"}


class AssignForm(forms.Form):
    unit = forms.ModelChoiceField(label="责任单位", queryset=ResponsibleUnit.objects.none(), empty_label="请选择",
                                  widget=forms.Select(attrs={"class": "form-select form-select-sm"}))
    person = forms.CharField(label="责任人", max_length=50, required=False, widget=forms.TextInput(attrs=INPUT))
    deadline = forms.DateField(label="整改时限", required=False,
                               widget=forms.DateInput(attrs={**INPUT, "type": "date"}, format="%Y-%m-%d"))

    def __init__(self, *args, issue, **kwargs):
        super().__init__(*args, **kwargs)
        # The county's own units and its city's departments.
        self.fields["unit"].queryset = ResponsibleUnit.objects.serving(issue.county_id).order_by("county_id", "name")
        self.fields["deadline"].initial = issue.deadline


class MeasuresForm(forms.Form):
    measures = forms.CharField(label="整改措施", widget=forms.Textarea(attrs={**INPUT, "rows": 3}))
    responsible_person = forms.CharField(label="责任人", max_length=50, required=False,
                                         widget=forms.TextInput(attrs=INPUT))


class StartForm(forms.Form):
    measures = forms.CharField(label="整改措施（可稍后填写）", required=False,
                               widget=forms.Textarea(attrs={**INPUT, "rows": 2}))


class RectifyForm(forms.Form):
    measures = forms.CharField(label="整改措施", widget=forms.Textarea(attrs={**INPUT, "rows": 3}))
    completed_date = forms.DateField(label="完成日期", required=False,
                                     widget=forms.DateInput(attrs={**INPUT, "type": "date"}, format="%Y-%m-%d"))
    note = forms.CharField(label="说明", required=False, widget=forms.TextInput(attrs=INPUT))


class VerifyForm(forms.Form):
    note = forms.CharField(label="核验意见", required=False, widget=forms.TextInput(attrs=INPUT))


class ReturnForm(forms.Form):
    reason = forms.CharField(label="退回理由", widget=forms.Textarea(attrs={**INPUT, "rows": 2}),
                             error_messages={"required": "退回须说明理由"})


class EvidenceForm(forms.Form):
    file = forms.FileField(label="佐证材料", widget=forms.ClearableFileInput(
        attrs={**INPUT, "accept": ".pdf,.jpg,.jpeg,.png,.docx,.xlsx"}),
        error_messages={"required": "请选择要上传的文件"})


class ReplyForm(forms.Form):
    reply_text = forms.CharField(label="回复内容", widget=forms.Textarea(attrs={**INPUT, "rows": 4}))
