"""Overdue is computed for the date asked about, from the deadline and the closed date — never stored."""

import datetime

import pytest

from rectification.models import Issue, IssueStatus

from .factories import IssueFactory

TODAY = datetime.date(2023, 10, 31)
DAY = datetime.timedelta(days=1)


@pytest.fixture
def county(geo):
    return geo.pinglu


def overdue_numbers(on):
    return set(Issue.objects.overdue(on=on).values_list("number", flat=True))


def test_issue_due_today_is_not_overdue_yet(county):
    IssueFactory(number="YC-2023-0001", deadline=TODAY, status=IssueStatus.IN_PROGRESS)
    assert overdue_numbers(TODAY) == set()
    assert Issue.objects.with_overdue(on=TODAY).get().is_overdue is False


def test_issue_due_yesterday_is_overdue_today(county):
    IssueFactory(number="YC-2023-0001", deadline=TODAY - DAY, status=IssueStatus.PENDING)
    assert overdue_numbers(TODAY) == {"YC-2023-0001"}
    assert Issue.objects.with_overdue(on=TODAY).get().is_overdue is True


def test_rectified_but_unverified_issue_is_still_open_and_can_be_overdue(county):
    IssueFactory(number="YC-2023-0001", deadline=TODAY - DAY, status=IssueStatus.RECTIFIED,
                 completed_date=TODAY - DAY, measures="已整改")
    assert overdue_numbers(TODAY) == {"YC-2023-0001"}


def test_closed_issue_is_never_overdue_even_long_past_its_deadline(county):
    IssueFactory(number="YC-2023-0001", deadline=TODAY - 100 * DAY, status=IssueStatus.CLOSED,
                 completed_date=TODAY - 2 * DAY, closed_date=TODAY - DAY, measures="已整改")
    assert overdue_numbers(TODAY) == set()
    assert overdue_numbers(TODAY + 1000 * DAY) == set()
    assert Issue.objects.with_overdue(on=TODAY).get().is_overdue is False


def test_overdue_as_of_a_past_date_counts_an_issue_closed_later(county):
    # Due 30 June, closed 20 July: on 10 July it was overdue; on 31 October it is not.
    IssueFactory(number="YC-2023-0001", deadline=datetime.date(2023, 6, 30), status=IssueStatus.CLOSED,
                 completed_date=datetime.date(2023, 7, 15), closed_date=datetime.date(2023, 7, 20), measures="已整改")
    assert overdue_numbers(datetime.date(2023, 7, 10)) == {"YC-2023-0001"}
    assert overdue_numbers(TODAY) == set()


def test_overdue_changes_with_the_date_without_any_write(county):
    issue = IssueFactory(number="YC-2023-0001", deadline=TODAY, status=IssueStatus.IN_PROGRESS)
    assert not issue.overdue_on(TODAY)
    assert issue.overdue_on(TODAY + DAY)
    assert overdue_numbers(TODAY + DAY) == {"YC-2023-0001"}
