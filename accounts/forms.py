from django import forms
from django.contrib.auth.forms import AuthenticationForm

from .roles import role_of


class LoginForm(AuthenticationForm):
    """Django's login form, refusing users who have no role on the platform."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "no_role": "该账号尚未分配角色，无法登录。请联系市级管理员。",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.update({"class": "form-control", "autofocus": True})
        self.fields["password"].widget.attrs.update({"class": "form-control"})

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if role_of(user) is None:
            raise forms.ValidationError(self.error_messages["no_role"], code="no_role")


class AuditFilterForm(forms.Form):
    """Filters of the 操作审计 page: who, which kind of record, which area, which days."""

    username = forms.CharField(label="操作人（用户名）", required=False, max_length=150)
    model = forms.ChoiceField(label="数据类型", required=False)
    area = forms.ChoiceField(label="区域", required=False)
    date_from = forms.DateField(label="起始日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label="截止日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        from villages.models import County, Township

        from .audit import model_choices

        super().__init__(*args, **kwargs)
        self.fields["model"].choices = [("", "全部")] + model_choices()
        areas = [("", "全市")]
        townships = {}
        for code, county_id, name in Township.objects.order_by("code").values_list("code", "county_id", "name"):
            townships.setdefault(county_id, []).append((code, f"　{name}"))
        for code, name in County.objects.order_by("code").values_list("code", "name"):
            areas.append((code, name))
            areas.extend(townships.get(code, []))
        self.fields["area"].choices = areas
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-select form-select-sm" if isinstance(field, forms.ChoiceField)
                                          else "form-control form-control-sm")
