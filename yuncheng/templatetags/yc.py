from django import template

from accounts.roles import may_see_full_id
from yuncheng.idcard import mask_id_number
from yuncheng.personal_numbers import full_id_viewed

register = template.Library()


@register.simple_tag(takes_context=True)
def id_number(context, value):
    """The ID number in full for roles that need it, masked (1408**********1234) for everybody else."""
    request = context.get("request")
    if request is not None and may_see_full_id(request.user):
        if value:
            full_id_viewed(request, number=value, where="page")
        return value or ""
    return mask_id_number(value or "")


@register.filter
def bootstrap(field):
    """Render a form field with Bootstrap's small control classes (filter forms, simple forms)."""
    widget = field.field.widget
    input_type = getattr(widget, "input_type", None)
    if input_type == "checkbox":
        css = "form-check-input"
    elif input_type == "select" or widget.__class__.__name__.endswith("Select") or hasattr(widget, "choices"):
        css = "form-select form-select-sm"
    else:
        css = "form-control form-control-sm"
    existing = widget.attrs.get("class", "")
    return field.as_widget(attrs={"class": f"{existing} {css}".strip() if css not in existing else existing})
