"""django-tables2 tables rendered in Python: the HTML of ``django_tables2/bootstrap5.html``, cheaper.

Why: profiling a list page (监测对象, 50 rows × 10 columns) put ~80 % of its CPU in rendering the table
through the template — the template engine resolving ``column.attrs.td.as_html`` and ``cell`` for every
cell (``BoundColumn.attrs`` rebuilds the column's attributes each time), and ``call_with_appropriate``
running ``inspect.signature`` for every cell. Here each column's attributes, header and sort link are
worked out once per render, the cells come from django-tables2 itself (``render_FOO``, ``linkify``,
``DateColumn``, ``BooleanColumn``, defaults and ``empty_values`` behave as before) and are escaped
exactly as ``{{ cell }}`` escapes them. ``cache_signatures`` keeps ``signature`` from recomputing, and
``cache_column_templates`` keeps ``DateColumn`` from compiling its template for every cell.

``DJANGO_TABLES2_TEMPLATE`` names ``templates/tables/bootstrap5.html``, whose one tag calls
``render_table_html``; so every ``{% render_table table %}`` (and ``table.as_html(request)``) comes here.
The output is the stock template's with its whitespace trimmed (tests/*/test_fast_tables.py compare the two).

Supported: table ``attrs`` (including thead/tbody/tfoot), ``row_attrs`` (callables too), column ``attrs``
with fixed th/td/tf values, ``orderable`` with the asc/desc classes and the sort links' querystring,
``show_header``, footers, ``empty_text``, table ``prefix`` and the bootstrap5 pagination block (the page
links keep the rest of the querystring; ``DJANGO_TABLES2_PAGE_RANGE``, ``LazyPaginator``).
Anything else — ``localize``/``unlocalize`` columns, attrs computed per cell (a callable in th/td/tf),
a callable cell value the template would call, no request where a link needs one — is rendered by the
stock template instead (``Unsupported``), never approximately.
"""

import functools
import types
import weakref
from itertools import count

from django.template.loader import get_template
from django.utils.formats import localize
from django.utils.html import conditional_escape, escape, format_html
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import template_localtime
from django.utils.translation import gettext
from django_tables2 import utils as tables_utils
from django_tables2.columns import templatecolumn
from django_tables2.templatetags.django_tables2 import table_page_range
from django_tables2.utils import AttributeDict

STOCK_TEMPLATE = "django_tables2/bootstrap5.html"


class Unsupported(Exception):
    """The table uses something this renderer does not reproduce: the stock template renders it."""


def render_table_html(table, request, context=None) -> SafeString:
    """The table's HTML; ``context`` (a template Context) lets the fallback render in it."""
    start = next(table._counter)  # rows count on from here (even/odd); restored for a fallback
    table._counter = count(start)
    try:
        return mark_safe(_render(table, request))
    except Unsupported:
        table._counter = count(start)
        template = get_template(STOCK_TEMPLATE)
        if context is not None:
            return template.template.render(context)
        return template.render({"table": table, "request": request})


def _html(value) -> str:
    """``{{ value }}`` in a template (autoescape on): localised, escaped unless already safe."""
    if type(value) is SafeString:
        return value
    if type(value) is str:
        return escape(value)
    if callable(value) and not getattr(value, "do_not_call_in_templates", False):
        raise Unsupported("the template would call this value")
    value = localize(template_localtime(value))
    return conditional_escape(value if isinstance(value, str) else str(value))


def _attrs(attrs) -> str:
    """``{{ attrs.as_html }}`` with the leading space it needs (nothing when there are none)."""
    html = attrs.as_html() if hasattr(attrs, "as_html") else ""
    return " " + html if html else ""


class _Column:
    """What the template looks up per cell, worked out once per render."""

    def __init__(self, table, bound, querystring):
        column = bound.column
        merged = {**table.attrs, **column.attrs}
        for key in ("th", "td", "tf", "cell"):
            if any(callable(v) or isinstance(v, dict) for v in (merged.get(key) or {}).values()):
                raise Unsupported(f"{bound.name}: {key} attrs computed per cell")
        if bound.localize is not None:
            raise Unsupported(f"{bound.name}: localize")
        self.bound, self.default = bound, bound.default
        attrs = bound.attrs
        self.td, self.tf = _attrs(attrs["td"]), _attrs(attrs["tf"])
        header = _html(bound.header)
        if bound.orderable:
            href = querystring(table.prefixed_order_by_field, bound.order_by_alias.next)
            header = format_html('<a href="{}">{}</a>', href, header)
        self.th = f'<th{_attrs(attrs["th"])} scope="col">{header}</th>'


def _render(table, request) -> str:
    base = dict(request.GET) if request is not None else None

    def querystring(key, value):  # {% querystring_replace key=value %}
        if base is None:
            raise Unsupported("no request for the links' querystring")
        return escape("?" + urlencode({**base, key: value}, doseq=True))

    columns = [_Column(table, bound, querystring) for bound in table.columns]
    out = ['<div class="table-container">\n', f'<table{_attrs(render_attrs(table.attrs))}>\n']
    if table.show_header:
        out.append(f'<thead{_attrs(table.attrs.get("thead"))}>\n<tr>{"".join(c.th for c in columns)}</tr>\n'
                   '</thead>\n')
    out.append(f'<tbody{_attrs(table.attrs.get("tbody"))}>\n')
    rows = table.paginated_rows
    if len(rows):
        for row in rows:
            cells = [f"<td{c.td}>{_html(row._get_and_render_with(c.bound, row._call_render, c.default))}</td>"
                     for c in columns]
            out.append(f'<tr{_attrs(row.attrs)}>{"".join(cells)}</tr>\n')
    elif table.empty_text:
        out.append(f'<tr><td colspan="{_html(len(table.columns))}">{_html(table.empty_text)}</td></tr>\n')
    out.append("</tbody>\n")
    if table.has_footer():
        footer = "".join(f"<td{c.tf}>{_html(c.bound.footer)}</td>" for c in columns)
        out.append(f'<tfoot{_attrs(table.attrs.get("tfoot"))}>\n<tr>{footer}</tr>\n</tfoot>\n')
    out.append("</table>\n")
    page = getattr(table, "page", None)
    if page and table.paginator.num_pages > 1:
        out.append(_pagination(table, page, querystring))
    out.append("</div>\n")
    return "".join(out)


def render_attrs(attrs) -> AttributeDict:
    """``{% render_attrs table.attrs class="table" %}``: class "table" unless the table sets one."""
    merged = AttributeDict({"class": "table"})
    merged.update(attrs)
    return merged


def _pagination(table, page, querystring) -> str:
    field = table.prefixed_page_field
    out = ['<nav aria-label="Table navigation">\n<ul class="pagination justify-content-center">\n']
    if page.has_previous():
        out.append(format_html(
            '<li class="previous page-item"><a href="{}" class="page-link"> <span aria-hidden="true">&laquo;</span>'
            " {} </a></li>\n", querystring(field, page.previous_page_number()), gettext("previous")))
    if page.has_previous() or page.has_next():
        for p in table_page_range(page, table.paginator):
            active = " active" if page.number == p else ""
            href = format_html(' href="{}"', querystring(field, p)) if p != "..." else ""
            out.append(f'<li class="page-item{active}"><a class="page-link"{href}> {_html(p)} </a></li>\n')
    if page.has_next():
        out.append(format_html(
            '<li class="next page-item"><a href="{}" class="page-link"> {} <span aria-hidden="true">&raquo;</span>'
            " </a></li>\n", querystring(field, page.next_page_number()), gettext("next")))
    out.append("</ul>\n</nav>\n")
    return "".join(out)


def cache_signatures():
    """Remember ``django_tables2.utils.signature`` per function: django-tables2 asks it for every cell
    (``call_with_appropriate`` of the column's ``render``, of a ``linkify`` callable, of each ``row_attrs``
    value), and ``inspect.signature`` was ~30 % of a cell's cost: caching it took the 监测对象 list
    (50 rows on yc_bench) from ~34 to ~27 ms CPU, the city dashboard by ~1 ms. A bound method is keyed
    by its ``__func__`` (its signature omits self; the function's own does not, so the two are cached
    apart); a function by itself. Both weakly: dashboard/tables.py makes lambdas per request. Anything
    else (a callable object, a builtin) is not cached."""
    if getattr(tables_utils.signature, "cached", False):
        return
    uncached = tables_utils.signature
    methods, functions = weakref.WeakKeyDictionary(), weakref.WeakKeyDictionary()

    def signature(fn):
        if isinstance(fn, types.MethodType):
            cache, key = methods, fn.__func__
        elif isinstance(fn, types.FunctionType):
            cache, key = functions, fn
        else:
            return uncached(fn)
        try:
            return cache[key]
        except KeyError:
            cache[key] = result = uncached(fn)
            return result
        except TypeError:  # not weakly referenceable
            return uncached(fn)

    signature.cached, signature.uncached = True, uncached
    signature.__doc__ = uncached.__doc__
    tables_utils.signature = signature


def cache_column_templates():
    """Compile a ``TemplateColumn``'s ``template_code`` once: django-tables2 compiles it for every cell
    (``Template(self.template_code).render(...)``), and ``DateColumn``/``DateTimeColumn`` are such columns
    (``{{ value|date:"Y-m"|default:default }}``): the 监测对象 list (50 rows) took ~5 ms less CPU.
    A compiled Template is rendered again and again by Django's cached loader too (its state lives in
    the context). Keyed by the code; the default engine of the first compile is kept."""
    if not hasattr(templatecolumn.Template, "cache_info"):
        templatecolumn.Template = functools.lru_cache(maxsize=256)(templatecolumn.Template)
