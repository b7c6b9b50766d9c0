from django import template

from dashboard.formatting import format_value

register = template.Library()


@register.filter
def metric_value(value, kind="count"):
    """A figure written for a page: 6,597 · 11,755.00 · 18.77."""
    return format_value(value, kind)
