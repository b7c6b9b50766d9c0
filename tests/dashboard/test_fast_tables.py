"""yuncheng/fast_tables.py: every table of the pages renders the HTML the stock bootstrap5 template
renders (whitespace aside), and django-tables2's signature cache answers as the uncached one.

The pages are those of the small city of conftest.py (here because its fixture lives here); tests/screening and
tests/submissions add their tables with rows."""

import gc
import re
import weakref

import pytest
from django_tables2 import utils as tables_utils
from django_tables2.columns import templatecolumn

from monitoring.tables import HouseholdTable
from tests.table_html import assert_same_html, normalise, stock_html as _stock


PERIOD = {"year": 2023, "quarter": 3}


@pytest.mark.parametrize("path, params", [
    ("/monitoring/", {"type": "all"}),                                             # HouseholdTable
    ("/monitoring/", {"type": "all", "sort": "-size"}),                            # sorted descending
    ("/monitoring/", {}),                                                          # empty (no empty_text)
    ("/", PERIOD),                                                                 # comparison, footer
    ("/", {**PERIOD, "sort": "-m0"}),                                              # comparison sorted
    ("/", {**PERIOD, "area": "140829"}),                                           # a county's
    ("/dashboard/income/", PERIOD),
    ("/dashboard/records/monitoring.persons/", PERIOD),                            # a record table
    ("/dashboard/records/issues.total/", {**PERIOD, "page": 2, "per_page": 1}),   # paginated
    ("/areas/", {}),                                                               # empty_text tables
    ("/areas/villages/", {"sort": "township"}),
    ("/areas/county/140829/", {"v-sort": "-name", "t-page": 1}),                   # prefixed tables
    ("/screening/", {}),                                                           # row_attrs
    ("/rectification/", {}),
    ("/rectification/overdue/", {}),
    ("/rectification/letters/", {}),
    ("/teams/", {}),
    ("/assistance/workshops/", {}),
    ("/assistance/pv-stations/", {}),
    ("/assistance/projects/", {}),
    ("/assistance/consumption/", {}),
    ("/assistance/collective-economy/", {}),
    ("/review/submissions/", {}),
    ("/review/progress/", {}),
])
def test_every_table_renders_as_the_stock_template(city, users, client_for, path, params):
    assert_same_html(client_for(users.city_admin).get(path, params))


def test_household_list_page_two_keeps_the_filter_in_the_page_links(city, users, client_for, settings):
    settings.DJANGO_TABLES2_PAGE_RANGE = 5  # six pages of one: the range shows "…"
    response = client_for(users.city_admin).get("/monitoring/", {"type": "all", "per_page": 1, "page": 2})
    page = assert_same_html(response)
    table = response.context["table"]
    assert table.paginator.num_pages == 6 and table.page.number == 2
    assert len(table.page.object_list) == 1
    assert ('<li class="page-item active"><a class="page-link" href="?type=all&amp;per_page=1&amp;page=2"> 2 </a>'
            in page)
    assert 'class="page-link" href="?type=all&amp;per_page=1&amp;page=3">' in page  # filter kept
    assert '<a class="page-link"> ... </a>' in page
    assert 'class="previous page-item"' in page and 'class="next page-item"' in page


def test_sorted_comparison_table_marks_the_column_and_keeps_the_period(city, users, client_for):
    page = assert_same_html(client_for(users.city_leader).get("/", {**PERIOD, "sort": "-m0"}))
    assert re.search(r'<th class="desc orderable text-end" scope="col"><a href="\?year=2023&amp;quarter=3&amp;'
                     r'sort=m0">', page)
    assert "<tfoot>" in page and '<td class="fw-semibold text-end">' in page


def test_empty_table_shows_its_empty_text(db, rf):
    from villages.tables import CountyTable
    from villages.models import County

    request = rf.get("/areas/", {"q": "<x>"})
    table = CountyTable(County.objects.none())
    html = normalise(table.as_html(request))
    assert html == normalise(_stock(table, request))
    assert '<td colspan="8">您的管辖范围内没有符合条件的记录</td>' in html


def test_a_wrong_class_or_link_would_be_seen(city, users, client_for):
    """The comparison is strict enough: changing one class or one page link makes it fail."""
    response = client_for(users.city_admin).get("/monitoring/", {"type": "all", "per_page": 2, "page": 2})
    table, request = response.context["table"], response.wsgi_request
    ours = normalise(table.as_html(request))
    assert ours == normalise(_stock(table, request))
    for old, new in [('class="text-end"', 'class="text-end x"'), ("page=3", "page=4"), ("sort=size", "sort=-size"),
                     ("<td>", '<td class="">')]:
        assert old in ours
        assert ours.replace(old, new, 1) != normalise(_stock(table, request))


def test_unsupported_table_falls_back_to_the_stock_template(city, users, client_for):
    response = client_for(users.city_admin).get("/monitoring/", {"type": "all"})
    table, request = response.context["table"], response.wsgi_request
    table.columns["size"].column.attrs = {"td": {"data-size": lambda value: value}}  # computed per cell
    html = normalise(table.as_html(request))
    assert html == normalise(_stock(table, request))
    assert re.search(r'<td data-size="\d+">', html)


# The signature cache (yuncheng.fast_tables.cache_signatures, applied in YunchengConfig.ready).

class _Thing:
    def render(self, value, record):
        return value


def _function(record, *args, table=None, **kwargs):
    return record


def test_signature_cache_answers_as_the_uncached_signature():
    cached, uncached = tables_utils.signature, tables_utils.signature.uncached
    assert cached.cached
    thing = _Thing()
    for fn in (thing.render, _Thing().render, _Thing.render, _function, lambda record: record,
               HouseholdTable.render_village, HouseholdTable([]).render_village, len, str.upper):
        assert cached(fn) == uncached(fn), fn
        assert cached(fn) == uncached(fn), fn  # the cached answer
    assert cached(thing.render) == (("value", "record"), None)
    assert cached(_Thing.render) == (("self", "value", "record"), None)  # self kept apart from the bound method
    assert cached(_function) == (("record", "table"), "kwargs")


def test_signature_cache_does_not_keep_lambdas_alive():
    def make():
        return lambda record, table: record

    fn = make()
    assert tables_utils.signature(fn) == (("record", "table"), None)
    alive = weakref.ref(fn)
    del fn
    gc.collect()
    assert alive() is None


def test_template_columns_compile_their_template_once():
    code = '{{ value|date:"Y-m"|default:default }}'  # a DateColumn's
    assert templatecolumn.Template(code) is templatecolumn.Template(code)
