"""``{% fast_table %}``: the body of templates/tables/bootstrap5.html (DJANGO_TABLES2_TEMPLATE), which
``{% render_table %}`` renders with ``table`` (and ``request``) in its context; see yuncheng/fast_tables.py."""

from django import template

from yuncheng.fast_tables import render_table_html

register = template.Library()


@register.simple_tag(takes_context=True)
def fast_table(context):
    return render_table_html(context["table"], context.get("request"), context)
