"""Every write of the monitoring app goes through its services — the admin's forms, inlines and history
included: areas are choices, workflow fields move only by review steps, nobody approves their own
step, a stale form loses nobody's change, and 户编号 say where the household is."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from monitoring import services
from monitoring.models import EmploymentTarget, Household, MonitoringRecord, ReviewStatus

from ..admin_forms import admin_form_data, inline_prefixes
from .factories import id_number

pytestmark = pytest.mark.django_db

HOUSEHOLD_ADD = reverse("admin:monitoring_household_add")


def _household_url(household):
    return reverse("admin:monitoring_household_change", args=[household.pk])


# ---------------------------------------------------------------- areas are choices


def test_county_reviewer_cannot_move_a_work_target_into_another_county(users, client_for, geo):
    target = EmploymentTarget.objects.create(area_code="140829", year=2023, migrant_target=5000)
    client = client_for(users.pinglu_reviewer)
    url = reverse("admin:monitoring_employmenttarget_change", args=[target.pk])
    page = client.get(url)
    offered = {code for code, _ in page.context["adminform"].form.fields["area_code"].choices if code}
    assert offered == {"140829", "140829100", "140829101", geo.jia1.code, geo.jia2.code, geo.yi1.code}
    data = admin_form_data(page)
    data["area_code"] = "140827"
    response = client.post(url, data)
    assert response.status_code == 200
    assert "area_code" in response.context["adminform"].form.errors
    assert EmploymentTarget.objects.get(pk=target.pk).area_code == "140829"


# ---------------------------------------------------------------- workflow fields


def test_village_officer_cannot_revert_a_rejected_record_to_township_approved_through_history(users, client_for,
                                                                                               draft):
    services.monitoring_submit(user=users.jia1_officer, record=draft)
    services.monitoring_township_review(user=users.jia_clerk, record=draft)
    services.monitoring_reject(user=users.pinglu_reviewer, record=draft, reason="收入核算有误")
    earlier = MonitoringRecord.history.filter(id=draft.pk, status=ReviewStatus.TOWNSHIP_APPROVED).latest("history_date")
    url = reverse("admin:monitoring_monitoringrecord_simple_history", args=[draft.pk, earlier.history_id])
    client = client_for(users.jia1_officer)
    page = client.get(url)
    assert page.status_code == 200 and page.context["revert_disabled"] is True
    response = client.post(url, admin_form_data(page))
    assert response.status_code == 403
    assert MonitoringRecord.objects.get(pk=draft.pk).status == ReviewStatus.REJECTED


def test_village_officer_cannot_add_a_second_open_record_through_the_admin(users, client_for, draft):
    client = client_for(users.jia1_officer)
    url = reverse("admin:monitoring_monitoringrecord_add")
    data = admin_form_data(client.get(url))
    data.update(household=str(draft.household.pk), category="marginal", risk_types=["illness"], channel="cadre",
                identified_month="2023-06-01")
    response = client.post(url, data, follow=True)
    assert "该户已有未消除风险的监测记录，不能重复识别" in [str(m) for m in response.context["messages"]]
    assert MonitoringRecord.objects.filter(household=draft.household).count() == 1


def test_township_clerk_cannot_approve_a_record_he_submitted_himself(users, client_for, draft):
    services.monitoring_submit(user=users.jia_clerk, record=draft)
    response = client_for(users.jia_clerk).post(reverse("monitoring:record_approve", args=[draft.pk]), follow=True)
    assert [str(m) for m in response.context["messages"]] == [
        "不能审核本人提交的记录：同一人不能连续办理两个环节，须由其他人员审核"]
    assert MonitoringRecord.objects.get(pk=draft.pk).status == ReviewStatus.SUBMITTED


def test_nobody_approves_at_the_county_a_step_they_reviewed_at_the_township(users, draft, make_user):
    from accounts.roles import CITY_CODE, Role

    other_admin = make_user("city_admin_2", Role.CITY_ADMIN, CITY_CODE)
    services.monitoring_submit(user=users.jia1_officer, record=draft)
    services.monitoring_township_review(user=users.city_admin, record=draft)
    with pytest.raises(ValidationError, match="不能审核本人乡镇审核的记录"):
        services.monitoring_county_approve(user=users.city_admin, record=draft)
    services.monitoring_county_approve(user=other_admin, record=draft)
    assert MonitoringRecord.objects.get(pk=draft.pk).status == ReviewStatus.APPROVED


def test_admin_approval_action_goes_through_the_workflow_and_refuses_the_submitter(users, client_for, draft):
    services.monitoring_submit(user=users.jia_clerk, record=draft)
    url = reverse("admin:monitoring_monitoringrecord_changelist")
    action = {"action": "approve_selected", "_selected_action": [str(draft.pk)]}
    response = client_for(users.jia_clerk).post(url, action, follow=True)
    assert [str(m) for m in response.context["messages"]] == [
        f"{draft.household.code}：不能审核本人提交的记录：同一人不能连续办理两个环节，须由其他人员审核"]
    assert MonitoringRecord.objects.get(pk=draft.pk).status == ReviewStatus.SUBMITTED
    from accounts.roles import Role
    from accounts.services import user_create

    colleague = user_create(username="jia_clerk2", password="pw", role=Role.TOWNSHIP_CLERK, area_code="140829100")
    client_for(colleague).post(url, action)
    record = MonitoringRecord.objects.get(pk=draft.pk)
    assert (record.status, record.township_reviewer) == (ReviewStatus.TOWNSHIP_APPROVED, colleague)
    assert record.events.filter(action="township_approve", user=colleague).count() == 1



def test_the_township_step_belongs_to_the_township_clerks_not_the_county_reviewer(users, client_for, draft):
    """村 → 乡镇 → 县: a county reviewer approves at the county only; a submitted record waits for the
    township clerk (it is not on the reviewer's worklist and has no button on the household page)."""
    services.monitoring_submit(user=users.jia1_officer, record=draft)
    assert not users.pinglu_reviewer.has_perm("monitoring.review_township")
    with pytest.raises(PermissionDenied, match="只有乡镇录入员可以进行乡镇审核"):
        services.monitoring_township_review(user=users.pinglu_reviewer, record=draft)
    with pytest.raises(PermissionDenied):
        services.monitoring_reject(user=users.pinglu_reviewer, record=draft, reason="材料不全")
    reviewer = client_for(users.pinglu_reviewer)
    action = {"action": "approve_selected", "_selected_action": [str(draft.pk)]}
    reviewer.post(reverse("admin:monitoring_monitoringrecord_changelist"), action)
    assert MonitoringRecord.objects.get(pk=draft.pk).status == ReviewStatus.SUBMITTED
    page = reviewer.get(reverse("monitoring:household_detail", args=[draft.household.code])).content.decode()
    assert "乡镇审核通过" not in page
    assert reviewer.get(reverse("monitoring:worklist")).context["records"] == []
    services.monitoring_township_review(user=users.jia_clerk, record=draft)
    services.monitoring_county_approve(user=users.pinglu_reviewer, record=draft)
    assert MonitoringRecord.objects.get(pk=draft.pk).status == ReviewStatus.APPROVED


# ---------------------------------------------------------------- no lost updates


def test_a_stale_household_form_does_not_undo_a_colleagues_phone_number(users, client_for, family):
    clerk = client_for(users.jia_clerk)
    opened_earlier = admin_form_data(clerk.get(_household_url(family)))
    officer = client_for(users.jia1_officer)
    data = admin_form_data(officer.get(_household_url(family)))
    data["phone"] = "13912345678"
    assert officer.post(_household_url(family), data).status_code == 302
    clerk = client_for(users.jia_clerk)
    opened_earlier["address"] = "甲一村三组"
    response = clerk.post(_household_url(family), opened_earlier)
    assert response.status_code == 200
    message = " ".join(response.context["adminform"].form.non_field_errors())
    assert "联系电话" in message and "jia1_officer" in message
    household = Household.objects.get(pk=family.pk)
    assert (household.phone, household.address) == ("13912345678", "")


def test_a_stale_member_row_is_refused_and_the_colleagues_change_stays(users, client_for, family):
    clerk = client_for(users.jia_clerk)
    page = clerk.get(_household_url(family))
    opened_earlier = admin_form_data(page)
    head = family.members.get(relation="head")
    services.member_update(user=users.jia1_officer, member=head, education="senior")
    row = next(k[: -len("-id")] for k, v in opened_earlier.items() if k.endswith("-id") and v == str(head.pk))
    opened_earlier[f"{row}-name"] = "王大山（更正）"
    response = clerk.post(_household_url(family), opened_earlier)
    assert response.status_code == 200
    assert "文化程度" in response.content.decode()
    head.refresh_from_db()
    assert (head.name, head.education) == ("王大山", "senior")


# ---------------------------------------------------------------- identity codes


@pytest.mark.parametrize("code", ["123", "1408021002000001", "1408291002010001", "1408291002000000"])
def test_a_household_code_must_be_its_villages_code_and_a_sequence(users, geo, code):
    with pytest.raises(ValidationError, match="户编号须为所在行政村代码 140829100200 加 4 位顺序号"):
        services.household_create(user=users.jia1_officer, code=code, village=geo.jia1, head_name="新户")
    assert not Household.objects.filter(code=code).exists()


def test_the_next_free_household_code_is_offered_when_adding(users, client_for, family):
    page = client_for(users.jia1_officer).get(HOUSEHOLD_ADD)
    assert page.context["adminform"].form.initial["code"] == "1408291002000002"


def test_a_household_is_not_saved_in_the_admin_without_its_head(users, client_for, geo):
    client = client_for(users.jia1_officer)
    page = client.get(HOUSEHOLD_ADD)
    data = admin_form_data(page)
    data.update(head_name="新户")
    response = client.post(HOUSEHOLD_ADD, data)
    assert response.status_code == 200
    assert "每户须登记户主" in response.content.decode()
    assert not Household.objects.exists()
    prefix = inline_prefixes(page)[Household.members.rel.related_model]
    data.update({f"{prefix}-0-name": "新户", f"{prefix}-0-id_number": id_number(), f"{prefix}-0-relation": "head"})
    assert client.post(HOUSEHOLD_ADD, data).status_code == 302
    household = Household.objects.get()
    assert (household.code, household.size, household.head_name) == ("1408291002000001", 1, "新户")


def test_a_household_without_its_head_cannot_be_submitted(users, geo):
    household = services.household_create(user=users.jia1_officer, code="1408291002000005", village=geo.jia1,
                                          head_name="张三")
    record = services.monitoring_create(
        user=users.jia1_officer, household=household, category="marginal", risk_types=["illness"], channel="cadre",
        identified_month=datetime.date(2023, 3, 1), notice_start=datetime.date(2023, 3, 6),
        notice_end=datetime.date(2023, 3, 11))
    with pytest.raises(ValidationError, match="该户尚未登记户主"):
        services.monitoring_submit(user=users.jia1_officer, record=record)
    assert MonitoringRecord.objects.get(pk=record.pk).status == ReviewStatus.DRAFT
