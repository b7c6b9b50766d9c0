"""County approval that makes a household a 监测户 leaves a history row naming the reviewer."""

import pytest

pytestmark = pytest.mark.django_db


def test_county_approval_records_is_monitored_in_the_households_history(users, approved, family):
    latest = family.history.order_by("-history_date").first()
    assert latest.is_monitored is True
    assert latest.history_user == users.pinglu_reviewer
    assert latest.prev_record.is_monitored is False
