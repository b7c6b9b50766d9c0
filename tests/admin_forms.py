"""Post an admin form as a browser would: what the page showed, with the changes a test makes.

``admin_form_data(response)`` reads the form and inline formsets of an admin add/change page (a GET
response of the test client) and answers the POST data that submitting it unchanged would send —
hidden fields (the record's version, inline ids) included."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Model


def _post_value(value):
    if isinstance(value, Model):
        return str(value.pk)
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if value is None:
        return ""
    return str(value)


def _form_data(form) -> dict:
    data = {}
    for bound in form:
        value = bound.value()
        widget = bound.field.widget
        if isinstance(widget, forms.CheckboxInput):
            if value:
                data[bound.html_name] = "on"
        elif isinstance(widget, forms.MultiWidget):
            parts = widget.decompress(value) if not isinstance(value, list) else value
            for i, part in enumerate(parts):
                data[f"{bound.html_name}_{i}"] = _post_value(part)
        elif isinstance(value, (list, tuple)):
            data[bound.html_name] = [_post_value(v) for v in value]
        else:
            data[bound.html_name] = _post_value(value)
    return data


def admin_form_data(response) -> dict:
    context = response.context
    data = _form_data(context["adminform"].form)
    inlines = context["inline_admin_formsets"] if "inline_admin_formsets" in context else []
    for inline in inlines:
        formset = inline.formset
        data.update(_form_data(formset.management_form))
        # Extra (empty) rows are left as the page shows them: unchanged, the formset ignores them.
        for form in formset.forms:
            data.update(_form_data(form))
    return data


def inline_prefixes(response) -> dict:
    """The formset prefix of each inline model on the page: ``{Member: "members", …}``."""
    return {inline.formset.model: inline.formset.prefix for inline in response.context["inline_admin_formsets"]}


def refusing_service(monkeypatch, module, name: str) -> list:
    """Replace ``module.name`` with a service that records its keyword arguments and refuses with
    "服务拒绝"; returns the list of calls (to show which door a form went through, and as whom)."""
    calls = []

    def refuse(**kwargs):
        calls.append(kwargs)
        raise ValidationError("服务拒绝")

    monkeypatch.setattr(module, name, refuse)
    return calls
