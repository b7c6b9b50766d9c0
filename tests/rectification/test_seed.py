"""The demo ledger reproduces the report's figures from records, and a second run changes nothing."""

import datetime

import pytest
from django.core.management import call_command
from django.db.models import F

from rectification.models import Aspect, Category, HandOver, Issue, IssueSource, IssueStatus, SupervisionLetter

pytestmark = pytest.mark.django_db


def seed():
    call_command("seed_demo", "--scale", "0.01", "--only", "villages", "accounts", "rectification",
                 stdout=open("/dev/null", "w"))


ISSUE_FIGURES = ("issues.total", "issues.screening", "teams.inspection_issues", "issues.aspects", "issues.categories",
                 "issues.overdue")


def test_seed_builds_the_ledger_of_the_report_and_is_idempotent(figures):
    seed()
    summary = figures(*ISSUE_FIGURES, quarter=3)
    assert [summary[key] for key in ISSUE_FIGURES[:5]] == [2229, 1129, 1100, 11, 35]
    assert (Aspect.objects.count(), Category.objects.count()) == (11, 35)
    assert SupervisionLetter.objects.count() == 29
    assert not Issue.objects.filter(found_date__gt=datetime.date(2023, 9, 30)).exists()
    # Most closed, some in progress, some overdue at the end of 2023 Q3 (the dashboard's period).
    assert Issue.objects.filter(status=IssueStatus.CLOSED).count() > 0.8 * 2229
    assert Issue.objects.filter(status=IssueStatus.IN_PROGRESS).exists()
    assert 0 < summary["issues.overdue"] < 0.1 * 2229
    mock_counties = set(Issue.objects.filter(source=IssueSource.MOCK_ASSESSMENT).values_list("county_id", flat=True))
    assert mock_counties == {"140829", "140827", "140826", "140822", "140828", "140823"}
    assert set(HandOver.objects.values_list("county_id", flat=True)) == set(
        Issue.objects.values_list("county_id", flat=True))
    # Every issue's category belongs to its aspect; every closed issue went through verification.
    assert not Issue.objects.exclude(category__aspect=F("aspect")).exists()
    assert not Issue.objects.filter(status=IssueStatus.CLOSED).exclude(transitions__action="verify").exists()

    first = list(Issue.objects.order_by("number").values_list("number", "county_id", "category_id", "status"))
    seed()
    assert list(Issue.objects.order_by("number").values_list("number", "county_id", "category_id", "status")) == first

