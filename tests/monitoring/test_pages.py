"""The 监测对象 list, the household page and the 待审核 worklist: what each role sees, filters, masking,
and a fixed number of queries whatever the page size."""

import datetime

import pytest
from django.urls import reverse

from monitoring import services
from accounts.services import user_create
from monitoring.models import ReviewStatus

from .factories import id_number

pytestmark = pytest.mark.django_db


def _households(n, users, village, monitored=True):
    """``n`` households of the village, 户编号 …0100, …0101 …; monitored ones are approved by three people
    (the submitter, the township reviewer and the county reviewer must differ)."""
    made = []
    admins = [users.city_admin] + [
        user_create(username=f"city_admin_{k}", password="pw", role="city_admin", area_code="140800") for k in (2, 3)]
    for i in range(n):
        household = services.household_create(user=users.city_admin, code=f"{village.code}{100 + i:04d}",
                                              village=village,
                                              head_name=f"户主{i}", is_poverty_alleviated=True)
        services.member_add(user=users.city_admin, household=household, name=f"户主{i}", relation="head",
                            id_number=id_number())
        if monitored:
            record = services.monitoring_create(
                user=users.city_admin, household=household, category="unstable", risk_types=["illness", "accident"],
                channel="cadre", identified_month=datetime.date(2023, 2, 1), notice_start=datetime.date(2023, 2, 6),
                notice_end=datetime.date(2023, 2, 12))
            services.monitoring_submit(user=users.city_admin, record=record)
            services.monitoring_township_review(user=admins[1], record=record)
            services.monitoring_county_approve(user=admins[2], record=record)
        made.append(household)
    return made


def test_list_shows_monitored_households_of_the_users_area_by_default(client_for, users, geo, approved):
    _households(2, users, geo.bing1, monitored=True)
    _households(1, users, geo.jia2, monitored=False)
    codes = lambda user, **params: {h.code for h in client_for(user).get(  # noqa: E731
        reverse("monitoring:household_list"), params, follow=True).context["table"].data}
    assert codes(users.pinglu_reviewer) == {approved.household.code}
    assert codes(users.city_admin) == {approved.household.code, "1408281002000100", "1408281002000101"}
    assert codes(users.jia2_officer) == set()
    assert codes(users.jia2_officer, type="all") == {"1408291002010100"}
    assert codes(users.city_admin, type="general") == set()


def test_list_filters_by_county_risk_and_status(client_for, users, geo, approved):
    _households(2, users, geo.bing1)
    client = client_for(users.city_admin)
    get = lambda **params: {h.code for h in client.get(  # noqa: E731
        reverse("monitoring:household_list"), params, follow=True).context["table"].data}
    assert get(county="140828") == {"1408281002000100", "1408281002000101"}
    assert get(risk="accident") == {"1408281002000100", "1408281002000101"}
    assert get(risk="illness") == {"1408281002000100", "1408281002000101", approved.household.code}
    assert get(status="at_risk", township="140829100") == {approved.household.code}
    assert get(q=approved.household.members.first().id_number) == {approved.household.code}
    assert get(q="140828100200010") == {"1408281002000100", "1408281002000101"}


def test_list_query_count_does_not_grow_with_the_page(client_for, users, geo, django_assert_num_queries):
    _households(3, users, geo.jia1)
    client = client_for(users.pinglu_reviewer)
    client.get(reverse("monitoring:household_list"))  # warm the session
    # session, user + profile, the user's and the groups' permissions (scope), counties, townships, risk
    # types, count, page (households with village and township, their latest record and income as subqueries)
    with django_assert_num_queries(9):
        response = client.get(reverse("monitoring:household_list"))
    assert len(response.context["table"].page.object_list) == 3
    _households(6, users, geo.jia2)
    with django_assert_num_queries(9):
        response = client.get(reverse("monitoring:household_list"))
    assert len(response.context["table"].page.object_list) == 9


def test_household_page_shows_members_income_measures_and_the_timeline(client_for, users, approved,
                                                                       django_assert_num_queries):
    household = approved.household
    services.measure_add(user=users.jia1_officer, household=household, measure_type="employment",
                         start_date=datetime.date(2023, 3, 20), content="转移就业到省外")
    services.employment_save(user=users.jia1_officer, member=household.members.first(), year=2023,
                             location="outside", months=8, channel="self")
    client = client_for(users.pinglu_reviewer)
    url = reverse("monitoring:household_detail", args=[household.code])
    client.get(url)
    # session, user + profile, permissions (user's, groups'), household, members, their employment, incomes,
    # measures, records with their reviewers, risk types, review events with their users
    with django_assert_num_queries(13):
        response = client.get(url)
    body = response.content.decode()
    assert "王大山" in body and "李小花" in body
    assert "6,000.00" in body or "6000.00" in body  # per-capita income of Q3 2023
    assert "转移就业到省外" in body and "开发式" in body
    assert "省外 8 个月" in body
    assert "县级审定通过" in body and "pinglu_reviewer" in body


def test_leader_sees_masked_id_numbers_and_officer_sees_them_in_full(client_for, users, family):
    number = family.members.first().id_number
    url = reverse("monitoring:household_detail", args=[family.code])
    assert number not in client_for(users.pinglu_leader).get(url).content.decode()
    assert f"{number[:4]}**********{number[-4:]}" in client_for(users.pinglu_leader).get(url).content.decode()
    assert number in client_for(users.jia1_officer).get(url).content.decode()


def test_worklist_shows_each_reviewer_their_step(client_for, users, draft, django_assert_num_queries):
    services.monitoring_submit(user=users.jia1_officer, record=draft)
    worklist = reverse("monitoring:worklist")
    assert [r.pk for r in client_for(users.jia_clerk).get(worklist).context["records"]] == [draft.pk]
    assert client_for(users.yi_clerk).get(worklist).context["records"] == []
    assert client_for(users.pinglu_reviewer).get(worklist).context["records"] == []
    services.monitoring_township_review(user=users.jia_clerk, record=draft)
    client = client_for(users.pinglu_reviewer)
    client.get(worklist)
    # session, user + profile, permissions (user's, groups'), records with households, villages, townships
    # and authors, risk types
    with django_assert_num_queries(6):
        records = client.get(worklist).context["records"]
    assert [r.pk for r in records] == [draft.pk]


def test_reviewers_approve_and_reject_from_the_worklist(client_for, users, draft):
    services.monitoring_submit(user=users.jia1_officer, record=draft)
    clerk = client_for(users.jia_clerk)
    response = clerk.post(reverse("monitoring:record_approve", args=[draft.pk]), {"next": "/monitoring/worklist/"})
    assert response.status_code == 302 and response["Location"] == "/monitoring/worklist/"
    draft.refresh_from_db()
    assert draft.status == ReviewStatus.TOWNSHIP_APPROVED
    reviewer = client_for(users.pinglu_reviewer)
    reviewer.post(reverse("monitoring:record_reject", args=[draft.pk]), {"reason": "致贫原因描述不清"})
    draft.refresh_from_db()
    assert draft.status == ReviewStatus.REJECTED and draft.rejection_reason == "致贫原因描述不清"


def test_a_reject_without_reason_is_refused_with_a_message(client_for, users, draft):
    services.monitoring_submit(user=users.jia1_officer, record=draft)
    response = client_for(users.jia_clerk).post(reverse("monitoring:record_reject", args=[draft.pk]), {"reason": ""},
                                                follow=True)
    assert "退回须填写原因" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == ReviewStatus.SUBMITTED


def test_village_officer_requests_elimination_from_the_household_page(client_for, users, approved):
    client = client_for(users.jia1_officer)
    client.post(reverse("monitoring:elimination_request", args=[approved.pk]), {
        "mode": "assisted", "month": "2023-05", "notice_start": "2023-05-02", "notice_end": "2023-05-08",
        "reason": "务工收入稳定"})
    approved.refresh_from_db()
    assert approved.elimination_status == "submitted"
    assert any("仅 2 个月" in w for w in approved.elimination_warnings)


def test_admin_changelist_filters_by_county_without_a_full_count(client_for, users, geo, approved):
    _households(2, users, geo.bing1)
    response = client_for(users.city_admin).get(reverse("admin:monitoring_household_changelist"),
                                                {"county": "140828", "status": "at_risk"})
    assert {h.code for h in response.context["cl"].result_list} == {"1408281002000100", "1408281002000101"}
    assert response.context["cl"].show_full_result_count is False
    search = client_for(users.city_admin).get(reverse("admin:monitoring_household_changelist"),
                                              {"q": approved.household.members.first().id_number}, follow=True)
    assert [h.code for h in search.context["cl"].result_list] == [approved.household.code]
