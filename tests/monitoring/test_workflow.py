"""The identification → approval → risk-elimination workflow: village → 乡镇审核 → 县级审定, rejections back to
the author with a reason, and warnings the county reviewer must confirm before approving an elimination."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from monitoring import services
from monitoring.models import (
    EliminationStatus,
    Household,
    MeasureType,
    MonitoringRecord,
    ReviewAction,
    ReviewStatus,
)

pytestmark = pytest.mark.django_db


def test_village_officer_submits_township_reviews_county_approves(users, draft):
    assert draft.status == ReviewStatus.DRAFT and draft.author == users.jia1_officer
    services.monitoring_submit(user=users.jia1_officer, record=draft)
    services.monitoring_township_review(user=users.jia_clerk, record=draft)
    record = services.monitoring_county_approve(user=users.pinglu_reviewer, record=draft)

    assert record.status == ReviewStatus.APPROVED
    assert record.township_reviewer == users.jia_clerk and record.county_reviewer == users.pinglu_reviewer
    assert record.approved_at is not None
    assert Household.objects.get(pk=draft.household_id).is_monitored
    assert list(record.events.values_list("action", "user__username")) == [
        (ReviewAction.SUBMIT, "jia1_officer"),
        (ReviewAction.TOWNSHIP_APPROVE, "jia_clerk"),
        (ReviewAction.COUNTY_APPROVE, "pinglu_reviewer"),
    ]


def test_only_county_approved_records_count(users, draft):
    day = datetime.date(2023, 10, 31)
    services.monitoring_submit(user=users.jia1_officer, record=draft)
    services.monitoring_township_review(user=users.jia_clerk, record=draft)
    assert not MonitoringRecord.objects.identified_as_of(day).exists()
    assert not Household.objects.get(pk=draft.household_id).is_monitored
    services.monitoring_county_approve(user=users.pinglu_reviewer, record=draft)
    assert MonitoringRecord.objects.identified_as_of(day).count() == 1
    assert not MonitoringRecord.objects.identified_as_of(datetime.date(2023, 2, 28)).exists()


def test_a_rejection_returns_to_the_author_with_its_reason(users, draft):
    services.monitoring_submit(user=users.jia1_officer, record=draft)
    record = services.monitoring_reject(user=users.jia_clerk, record=draft, reason="缺少入户核实记录")
    assert record.status == ReviewStatus.REJECTED
    assert record.rejection_reason == "缺少入户核实记录"
    from monitoring.selectors import worklist

    assert list(worklist(user=users.jia1_officer)) == [record]  # back on the author's list
    resubmitted = services.monitoring_submit(user=users.jia1_officer, record=record)
    assert resubmitted.status == ReviewStatus.SUBMITTED and resubmitted.rejection_reason == ""


def test_a_rejection_needs_a_reason(users, draft):
    services.monitoring_submit(user=users.jia1_officer, record=draft)
    with pytest.raises(ValidationError):
        services.monitoring_reject(user=users.jia_clerk, record=draft, reason="  ")


def test_a_public_notice_shorter_than_five_days_is_refused(users, family):
    record = services.monitoring_create(
        user=users.jia1_officer, household=family, category="marginal", risk_types=["illness"], channel="cadre",
        identified_month=datetime.date(2023, 3, 1))
    with pytest.raises(ValidationError) as error:
        services.monitoring_submit(user=users.jia1_officer, record=record, notice_start=datetime.date(2023, 3, 6),
                                   notice_end=datetime.date(2023, 3, 9))
    assert "不少于 5 天" in str(error.value)
    assert MonitoringRecord.objects.get(pk=record.pk).status == ReviewStatus.DRAFT


def test_more_than_five_risk_types_are_refused(users, family):
    with pytest.raises(ValidationError):
        services.monitoring_create(
            user=users.jia1_officer, household=family, category="marginal", channel="cadre",
            risk_types=["illness", "disability", "schooling", "disaster", "accident", "water"],
            identified_month=datetime.date(2023, 3, 1))


def test_the_county_cannot_skip_the_township(users, draft):
    services.monitoring_submit(user=users.jia1_officer, record=draft)
    with pytest.raises(ValidationError):
        services.monitoring_county_approve(user=users.pinglu_reviewer, record=draft)


def test_a_village_officer_cannot_review(users, draft):
    services.monitoring_submit(user=users.jia1_officer, record=draft)
    with pytest.raises(PermissionDenied):
        services.monitoring_township_review(user=users.jia1_officer, record=draft)


def test_a_clerk_of_another_township_cannot_review(users, draft):
    services.monitoring_submit(user=users.jia1_officer, record=draft)
    with pytest.raises(PermissionDenied):
        services.monitoring_township_review(user=users.yi_clerk, record=draft)


def test_a_reviewer_of_another_county_cannot_approve(users, draft):
    services.monitoring_submit(user=users.jia1_officer, record=draft)
    services.monitoring_township_review(user=users.jia_clerk, record=draft)
    with pytest.raises(PermissionDenied):
        services.monitoring_county_approve(user=users.xia_reviewer, record=draft)


def test_a_household_is_not_identified_twice_while_at_risk(users, approved):
    with pytest.raises(ValidationError):
        services.monitoring_create(
            user=users.jia1_officer, household=approved.household, category="marginal", risk_types=["illness"],
            channel="cadre", identified_month=datetime.date(2023, 5, 1))


def _request_elimination(users, record, month):
    record = services.elimination_request(
        user=users.jia1_officer, record=record, mode="assisted", month=month, reason="收入稳定",
        notice_start=datetime.date(month.year, month.month, 2), notice_end=datetime.date(month.year, month.month, 8))
    return services.monitoring_township_review(user=users.jia_clerk, record=record)


def test_a_premature_elimination_is_warned_on_and_refused_until_confirmed(users, approved):
    record = _request_elimination(users, approved, datetime.date(2023, 6, 1))  # three months after March
    assert any("仅 3 个月" in w for w in record.elimination_warnings)
    with pytest.raises(ValidationError) as error:
        services.monitoring_county_approve(user=users.pinglu_reviewer, record=record)
    assert "预警" in str(error.value)
    assert MonitoringRecord.objects.get(pk=record.pk).elimination_status == EliminationStatus.TOWNSHIP_APPROVED
    refused = services.monitoring_reject(user=users.pinglu_reviewer, record=record, reason="不足6个月，继续帮扶")
    assert refused.elimination_status == EliminationStatus.REJECTED
    assert refused.elimination_rejection_reason == "不足6个月，继续帮扶"


def test_a_confirmed_elimination_is_counted_as_of_its_month(users, approved):
    record = _request_elimination(users, approved, datetime.date(2023, 6, 1))
    record = services.monitoring_county_approve(user=users.pinglu_reviewer, record=record, confirm_warnings=True)
    assert record.elimination_status == EliminationStatus.APPROVED and record.eliminated_at is not None
    assert MonitoringRecord.objects.eliminated_as_of(datetime.date(2023, 6, 30)).count() == 1
    assert not MonitoringRecord.objects.eliminated_as_of(datetime.date(2023, 5, 31)).exists()


def test_an_elimination_after_six_months_with_income_and_a_development_measure_has_no_warning(users, approved):
    services.measure_add(user=users.jia1_officer, household=approved.household, measure_type=MeasureType.EMPLOYMENT,
                         start_date=datetime.date(2023, 3, 20), content="转移就业")
    record = _request_elimination(users, approved, datetime.date(2023, 10, 1))
    assert record.elimination_warnings == []
    record = services.monitoring_county_approve(user=users.pinglu_reviewer, record=record)
    assert record.elimination_status == EliminationStatus.APPROVED


def test_low_income_and_missing_development_measure_are_warned_on(users, approved):
    services.income_record_save(user=users.jia1_officer, household=approved.household, year=2023, quarter=3,
                                wage_income=Decimal("6000"))  # 3,000 per person to Q3 → 4,000 a year
    record = _request_elimination(users, approved, datetime.date(2023, 10, 1))
    warnings = " ".join(record.elimination_warnings)
    assert "未高于监测范围" in warnings
    assert "开发式帮扶" in warnings
