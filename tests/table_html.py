"""Compare a page's django-tables2 tables as yuncheng/fast_tables.py renders them with the stock
``django_tables2/bootstrap5.html`` (tests/*/test_fast_tables.py)."""

import re

from django.conf import settings
from django_tables2 import Table

from yuncheng.fast_tables import STOCK_TEMPLATE

# Whitespace that HTML does not show: runs of it, around block-level tags, before the ">" of a tag.
_BLOCK = re.compile(r"\s*(</?(?:div|table|thead|tbody|tfoot|tr|th|td|nav|ul|li)\b[^>]*>)\s*")


def normalise(html) -> str:
    html = _BLOCK.sub(r"\1", re.sub(r"\s+", " ", str(html)))
    return re.sub(r"\s+>", ">", html).strip()


def page_tables(response) -> list:
    contexts = response.context if isinstance(response.context, list) else [response.context]
    found = {id(v): v for context in contexts for v in context.flatten().values() if isinstance(v, Table)}
    assert found, "the page renders no table"
    return list(found.values())


def stock_html(table, request) -> str:
    table.template_name = STOCK_TEMPLATE
    try:
        return table.as_html(request)
    finally:
        table.template_name = None


def assert_same_html(response) -> str:
    """Each table of the page: the stock template's HTML equals ours, and is what the page shows.
    Returns the page, normalised."""
    assert settings.DJANGO_TABLES2_TEMPLATE != STOCK_TEMPLATE
    assert response.status_code == 200
    page = normalise(response.content.decode())
    for table in page_tables(response):
        stock = normalise(stock_html(table, response.wsgi_request))
        assert normalise(table.as_html(response.wsgi_request)) == stock
        assert stock in page  # {% render_table %} went through ours too
    return page
