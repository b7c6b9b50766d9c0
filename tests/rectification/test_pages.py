"""The ledger, the issue page, the overdue worklist, letters and the admin — scoped by area or by unit."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from rectification.models import HandOver, HandOverItem, Issue, IssueStatus, IssueTransition, SupervisionLetter

from .factories import IssueFactory

TODAY = timezone.localdate()


@pytest.fixture
def ledger(rect, geo):
    """平陆县: two issues (one of 甲一村 assigned to the county unit, one overdue and unassigned);
    夏县: one issue; the city unit: one 平陆县 issue."""
    return {
        "pinglu_village": IssueFactory(number="YC-2023-0001", category=rect.category, village=geo.jia1,
                                       responsible_unit=rect.pinglu_unit, status=IssueStatus.IN_PROGRESS,
                                       deadline=TODAY + datetime.timedelta(days=30)),
        "pinglu_overdue": IssueFactory(number="YC-2023-0002", category=rect.category,
                                       deadline=TODAY - datetime.timedelta(days=1)),
        "xia": IssueFactory(number="YC-2023-0003", category=rect.category, county_id="140828",
                            responsible_unit=rect.xia_unit, deadline=TODAY - datetime.timedelta(days=5)),
        "city_unit": IssueFactory(number="YC-2023-0004", category=rect.other_category,
                                  responsible_unit=rect.city_unit, status=IssueStatus.IN_PROGRESS,
                                  deadline=TODAY + datetime.timedelta(days=3)),
    }


def numbers_on(response):
    return sorted(row.record.number for row in response.context["table"].page.object_list)


def test_city_admin_sees_the_whole_ledger(ledger, users, client_for):
    response = client_for(users.city_admin).get(reverse("rectification:issue_list"))
    assert response.status_code == 200
    assert numbers_on(response) == ["YC-2023-0001", "YC-2023-0002", "YC-2023-0003", "YC-2023-0004"]


def test_county_reviewer_sees_only_the_countys_issues(ledger, users, client_for):
    response = client_for(users.pinglu_reviewer).get(reverse("rectification:issue_list"))
    assert numbers_on(response) == ["YC-2023-0001", "YC-2023-0002", "YC-2023-0004"]


def test_unit_sees_only_the_issues_assigned_to_it(ledger, users, rect, client_for):
    response = client_for(users.unit_user).get(reverse("rectification:issue_list"))
    assert numbers_on(response) == ["YC-2023-0001"]
    response = client_for(rect.rsj_user).get(reverse("rectification:issue_list"))
    assert numbers_on(response) == ["YC-2023-0004"]


def test_unit_cannot_open_another_units_issue(ledger, users, client_for):
    client = client_for(users.unit_user)
    assert client.get(reverse("rectification:issue_detail", args=[ledger["city_unit"].pk])).status_code == 404
    assert client.get(reverse("rectification:issue_detail", args=[ledger["pinglu_village"].pk])).status_code == 200


def test_reviewer_cannot_open_or_act_on_another_countys_issue(ledger, users, rect, client_for):
    client = client_for(users.xia_reviewer)
    issue = ledger["pinglu_overdue"]
    assert client.get(reverse("rectification:issue_detail", args=[issue.pk])).status_code == 404
    response = client.post(reverse("rectification:issue_action", args=[issue.pk, "assign"]),
                           {"unit": rect.xia_unit.pk})
    assert response.status_code == 404
    issue.refresh_from_db()
    assert issue.responsible_unit is None


def test_township_clerk_has_no_ledger(ledger, users, client_for):
    assert client_for(users.jia_clerk).get(reverse("rectification:issue_list")).status_code == 403


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"overdue": "true"}, ["YC-2023-0002", "YC-2023-0003"]),
        ({"overdue": "false"}, ["YC-2023-0001", "YC-2023-0004"]),
        ({"status": "in_progress"}, ["YC-2023-0001", "YC-2023-0004"]),
        ({"county": "140828"}, ["YC-2023-0003"]),
        ({"source": "inspection"}, []),
        ({"deadline_before": TODAY.isoformat()}, ["YC-2023-0002", "YC-2023-0003"]),
        ({"deadline_after": (TODAY + datetime.timedelta(days=10)).isoformat()}, ["YC-2023-0001"]),
    ],
)
def test_ledger_filters(ledger, users, client_for, query, expected):
    response = client_for(users.city_admin).get(reverse("rectification:issue_list"), query)
    assert numbers_on(response) == expected


def test_ledger_filter_by_category_and_aspect(ledger, users, rect, client_for):
    client = client_for(users.city_admin)
    response = client.get(reverse("rectification:issue_list"), {"category": rect.other_category.pk})
    assert numbers_on(response) == ["YC-2023-0004"]
    response = client.get(reverse("rectification:issue_list"), {"aspect": rect.aspect.pk})
    assert numbers_on(response) == ["YC-2023-0001", "YC-2023-0002", "YC-2023-0003"]


def test_ledger_query_count_does_not_grow_with_rows(ledger, rect, users, client_for, django_assert_num_queries):
    client = client_for(users.pinglu_reviewer)
    url = reverse("rectification:issue_list")
    client.get(url)  # warm the session
    # session, user (with its profile), permissions (user + group), count, the rows with their names in
    # one join, and the choices of the four model filters (aspect, category, county, responsible unit).
    with django_assert_num_queries(10):
        response = client.get(url)
    assert len(response.context["table"].page.object_list) == 3
    for n in range(20):
        IssueFactory(number=f"YC-2023-{100 + n:04d}", category=rect.category, responsible_unit=rect.pinglu_unit)
    with django_assert_num_queries(10):
        response = client.get(url)
    assert len(response.context["table"].page.object_list) == 23


def test_issue_page_query_count(ledger, users, client_for, django_assert_num_queries):
    client = client_for(users.pinglu_reviewer)
    url = reverse("rectification:issue_detail", args=[ledger["pinglu_overdue"].pk])
    client.get(url)
    # session, user, permissions ×2, the issue with its names, transitions (+ users), evidence, the
    # reviewer check, related issues and letters (scoped), the assign form's units.
    with django_assert_num_queries(12):
        response = client.get(url)
    assert response.context["is_overdue"] is True
    assert response.context["assign_form"] is not None


def test_issue_page_shows_only_the_buttons_the_role_allows(ledger, users, client_for):
    issue = ledger["pinglu_village"]
    unit_page = client_for(users.unit_user).get(reverse("rectification:issue_detail", args=[issue.pk]))
    assert unit_page.context["rectify_form"] is not None
    assert unit_page.context["verify_form"] is None
    leader_page = client_for(users.pinglu_leader).get(reverse("rectification:issue_detail", args=[issue.pk]))
    assert leader_page.status_code == 200
    for name in ("assign_form", "start_form", "rectify_form", "verify_form", "return_form", "evidence_form"):
        assert leader_page.context[name] is None


def test_forbidden_action_posted_by_hand_is_refused_with_a_message(ledger, users, client_for):
    issue = ledger["pinglu_village"]
    response = client_for(users.pinglu_leader).post(
        reverse("rectification:issue_action", args=[issue.pk, "rectify"]), {"measures": "伪造"}, follow=True
    )
    assert "只有该问题的责任单位" in response.content.decode()
    issue.refresh_from_db()
    assert issue.status == IssueStatus.IN_PROGRESS


def test_overdue_worklist_counts_per_county_as_of_a_date(ledger, users, client_for):
    client = client_for(users.city_admin)
    response = client.get(reverse("rectification:overdue"))
    by_county = {row["county_id"]: (row["open_count"], row["overdue_count"]) for row in response.context["by_county"]}
    assert by_county == {"140829": (3, 1), "140828": (1, 1)}
    assert numbers_on(response) == ["YC-2023-0002", "YC-2023-0003"]

    later = (TODAY + datetime.timedelta(days=31)).isoformat()
    response = client.get(reverse("rectification:overdue"), {"on": later, "county": "140829"})
    assert numbers_on(response) == ["YC-2023-0001", "YC-2023-0002", "YC-2023-0004"]


def test_overdue_worklist_of_a_county_reviewer_holds_only_the_county(ledger, users, client_for):
    response = client_for(users.xia_reviewer).get(reverse("rectification:overdue"))
    assert [row["county_id"] for row in response.context["by_county"]] == ["140828"]
    assert numbers_on(response) == ["YC-2023-0003"]


@pytest.fixture
def letters(ledger, rect, users):
    to_pinglu = SupervisionLetter.objects.create(
        number="运巩督〔2023〕1号", issued_date=datetime.date(2023, 4, 1), addressee_county_id="140829",
        reply_deadline=datetime.date(2023, 4, 15), issued_by=users.city_admin)
    to_pinglu.issues.set([ledger["pinglu_overdue"]])
    to_xia = SupervisionLetter.objects.create(
        number="运巩督〔2023〕2号", issued_date=datetime.date(2023, 4, 2), addressee_county_id="140828",
        reply_deadline=datetime.date(2023, 4, 16))
    to_unit = SupervisionLetter.objects.create(
        number="运巩督〔2023〕3号", issued_date=datetime.date(2023, 4, 3), addressee_unit=rect.city_unit,
        reply_deadline=datetime.date(2023, 4, 17))
    return {"pinglu": to_pinglu, "xia": to_xia, "unit": to_unit}


def letter_numbers(response):
    return sorted(row.record.number for row in response.context["table"].page.object_list)


def test_letters_are_scoped_to_their_addressee(letters, users, rect, client_for):
    url = reverse("rectification:letter_list")
    assert len(letter_numbers(client_for(users.city_admin).get(url))) == 3
    assert letter_numbers(client_for(users.pinglu_reviewer).get(url)) == ["运巩督〔2023〕1号"]
    assert letter_numbers(client_for(rect.rsj_user).get(url)) == ["运巩督〔2023〕3号"]


def test_letter_list_query_count(letters, users, client_for, django_assert_num_queries):
    client = client_for(users.city_admin)
    client.get(reverse("rectification:letter_list"))
    with django_assert_num_queries(7):
        response = client.get(reverse("rectification:letter_list"))
    assert response.status_code == 200
    assert len(response.context["table"].page.object_list) == 3


def test_county_reviewer_replies_to_the_letter(letters, users, client_for):
    letter = letters["pinglu"]
    client = client_for(users.pinglu_reviewer)
    page = client.get(reverse("rectification:letter_detail", args=[letter.pk]))
    assert [row.record.number for row in page.context["table"].page.object_list] == ["YC-2023-0002"]
    client.post(reverse("rectification:letter_detail", args=[letter.pk]), {"reply_text": "已按期整改到位"})
    letter.refresh_from_db()
    assert letter.reply_text == "已按期整改到位"
    assert letter.reply_date == TODAY
    assert client.get(reverse("rectification:letter_detail", args=[letters["xia"].pk])).status_code == 404


def test_handover_lists_show_the_units_issues_were_handed_on_to(ledger, users, rect, client_for):
    handover = HandOver.objects.create(county_id="140829", title="考核评估反馈问题清单",
                                       handed_date=datetime.date(2023, 3, 10))
    HandOverItem.objects.create(handover=handover, issue=ledger["pinglu_village"], unit=rect.pinglu_unit,
                                handed_on_date=datetime.date(2023, 3, 12))
    HandOverItem.objects.create(handover=handover, issue=ledger["pinglu_overdue"])
    HandOver.objects.create(county_id="140828", title="夏县清单", handed_date=datetime.date(2023, 3, 10))

    response = client_for(users.pinglu_reviewer).get(reverse("rectification:handover_list"), {"list": handover.pk})
    assert [(h.title, h.issue_count, h.handed_on_count) for h in response.context["handovers"]] == [
        ("考核评估反馈问题清单", 2, 1)
    ]
    assert len(response.context["table"].rows) == 2


def test_admin_changelist_is_scoped_by_county_and_unit(ledger, users, client_for):
    url = reverse("admin:rectification_issue_changelist")
    response = client_for(users.pinglu_reviewer).get(url)
    assert response.status_code == 200
    assert sorted(i.number for i in response.context["cl"].result_list) == [
        "YC-2023-0001", "YC-2023-0002", "YC-2023-0004"]
    response = client_for(users.unit_user).get(url)
    assert [i.number for i in response.context["cl"].result_list] == ["YC-2023-0001"]
    other = reverse("admin:rectification_issue_change", args=[ledger["xia"].pk])
    response = client_for(users.pinglu_reviewer).get(other)
    assert (response.status_code, response["Location"]) == (302, reverse("admin:index"))  # "不存在" in the admin


def test_admin_history_of_another_countys_issue_is_refused(ledger, users, client_for):
    url = reverse("admin:rectification_issue_history", args=[ledger["xia"].pk])
    assert client_for(users.pinglu_reviewer).get(url).status_code == 403
    assert client_for(users.xia_reviewer).get(url).status_code == 200


def test_issue_page_shows_steps_recorded_without_a_user_as_history(ledger, users, client_for):
    issue = ledger["pinglu_overdue"]
    IssueTransition.objects.create(issue=issue, action="register", to_status="pending", user=None,
                                   at=timezone.now())
    response = client_for(users.pinglu_reviewer).get(reverse("rectification:issue_detail", args=[issue.pk]))
    assert response.status_code == 200
    assert "历史数据" in response.content.decode()


def test_unit_in_the_admin_may_change_only_measures_and_person(ledger, users, client_for):
    issue = ledger["pinglu_village"]
    response = client_for(users.unit_user).get(reverse("admin:rectification_issue_change", args=[issue.pk]))
    assert response.status_code == 200
    form_fields = set(response.context["adminform"].form.fields)
    assert form_fields == {"measures", "responsible_person", "loaded_version"}  # the version is hidden


def test_county_reviewer_enters_an_issue_in_the_admin_only_for_the_county(rect, users, client_for):
    client = client_for(users.pinglu_reviewer)
    assert client.get(reverse("admin:rectification_issue_add")).status_code == 200
    data = {
        "number": "YC-2023-0100", "source": "supervision", "aspect": rect.aspect.pk, "category": rect.category.pk,
        "county": "140828", "description": "夏县的问题", "found_date": "2023-05-01", "deadline": "2023-06-01",
        "transitions-TOTAL_FORMS": 0, "transitions-INITIAL_FORMS": 0,
        "evidence-TOTAL_FORMS": 0, "evidence-INITIAL_FORMS": 0,
    }
    response = client.post(reverse("admin:rectification_issue_add"), data)
    # the form is shown again: 夏县 is not among the reviewer's counties
    assert response.status_code == 200
    assert "county" in response.context["adminform"].form.errors
    assert not Issue.objects.filter(number="YC-2023-0100").exists()
    data["county"] = "140829"
    response = client.post(reverse("admin:rectification_issue_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    assert Issue.objects.get(number="YC-2023-0100").area_code == "140829"
