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
