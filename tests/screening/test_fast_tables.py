"""The warning list (row_attrs computed per row) renders as the stock django-tables2 template."""

from tests.table_html import assert_same_html


def test_warning_table_renders_as_the_stock_template(users, client_for, warned):
    page = assert_same_html(client_for(users.city_admin).get("/screening/", {"sort": "-event_date"}))
    assert page.count("<tr data-warning=") == 3
