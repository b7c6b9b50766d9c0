from django import template

from accounts.roles import may_see_full_id
from yuncheng.idcard import mask_id_number

register = template.Library()


@register.simple_tag(takes_context=True)
def id_number(context, value):
    """The ID number in full for roles that need it, masked (1408**********1234) for everybody else."""
    request = context.get("request")
    if request is not None and may_see_full_id(request.user):
        return value or ""
    return mask_id_number(value or "")
