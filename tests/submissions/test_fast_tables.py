"""The frozen submissions' list (DateTimeColumn, BooleanColumn) renders as the stock django-tables2 template."""

from submissions.services import submission_freeze
from tests.table_html import assert_same_html
from villages.selectors import area_get

from .conftest import QUARTER, YEAR


def test_submission_table_renders_as_the_stock_template(period, users, client_for):
    submission_freeze(user=users.pinglu_reviewer, area=area_get(code="140829"), year=YEAR, quarter=QUARTER,
                      confirm_incomplete=True)
    page = assert_same_html(client_for(users.city_admin).get("/review/submissions/"))
    assert page.count('<tr class="even">') + page.count('<tr class="odd">') == 1
