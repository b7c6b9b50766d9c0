"""No role reads or changes a household outside its area — by admin URL, page URL or crafted POST."""

import pytest
from django.urls import reverse

from monitoring import services
from monitoring.models import Household, Member, MonitoringRecord, ReviewStatus

from .factories import id_number

pytestmark = pytest.mark.django_db


@pytest.fixture
def yi_household(users, geo):
    household = services.household_create(user=users.yi_clerk, code="1408291012000001", village=geo.yi1,
                                          head_name="孙五", is_poverty_alleviated=True)
    services.member_add(user=users.yi_clerk, household=household, name="孙五", relation="head",
                        id_number=id_number())
    return household


def test_village_officer_does_not_see_another_villages_household_in_the_admin(client_for, users, family, yi_household):
    client = client_for(users.jia2_officer)
    changelist = client.get(reverse("admin:monitoring_household_changelist"))
    assert changelist.status_code == 200
    assert list(changelist.context["cl"].result_list) == []
    change = client.get(reverse("admin:monitoring_household_change", args=[family.pk]))
    assert change.status_code == 302  # Django's admin answers "不存在" by redirecting to the index


def test_village_officer_cannot_change_another_villages_household_by_crafted_post(client_for, users, family):
    client = client_for(users.jia2_officer)
    response = client.post(reverse("admin:monitoring_household_change", args=[family.pk]), {
        "code": family.code, "village": family.village_id, "head_name": "改名",
    })
    # Django's admin answers a record outside the queryset as "不存在": back to the admin index
    assert (response.status_code, response["Location"]) == (302, reverse("admin:index"))
    assert Household.objects.get(pk=family.pk).head_name == "王大山"


def test_village_officer_cannot_create_a_household_in_another_village(client_for, users, geo):
    client = client_for(users.jia1_officer)
    response = client.post(reverse("admin:monitoring_household_add"), {
        "code": "1408291012009999", "village": geo.yi1.code, "head_name": "越界",
        **_empty_inlines(),
    })
    # the form is shown again: the village is not among the officer's choices
    assert response.status_code == 200
    assert list(response.context["adminform"].form.errors) == ["village"]
    assert not Household.objects.filter(code="1408291012009999").exists()


def test_village_officer_creates_in_own_village_with_the_village_filled_in(client_for, users, geo):
    client = client_for(users.jia1_officer)
    form = client.get(reverse("admin:monitoring_household_add"))
    assert form.context["adminform"].form.initial["village"] == geo.jia1.code
    response = client.post(reverse("admin:monitoring_household_add"), {
        "code": "1408291002009999", "village": geo.jia1.code, "head_name": "新户", "is_poverty_alleviated": "on",
        **_empty_inlines(members=[("新户", id_number(), "head")]),
    })
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    household = Household.objects.get(code="1408291002009999")
    assert household.created_by == users.jia1_officer
    assert household.size == 1


def test_detail_page_of_a_household_outside_the_area_is_404(client_for, users, family, yi_household):
    assert client_for(users.jia_clerk).get(
        reverse("monitoring:household_detail", args=[yi_household.code])).status_code == 404
    assert client_for(users.xia_reviewer).get(
        reverse("monitoring:household_detail", args=[family.code])).status_code == 404


def test_crafted_approve_post_outside_the_area_changes_nothing(client_for, users, draft):
    services.monitoring_submit(user=users.jia1_officer, record=draft)
    response = client_for(users.yi_clerk).post(reverse("monitoring:record_approve", args=[draft.pk]))
    assert response.status_code == 404
    assert MonitoringRecord.objects.get(pk=draft.pk).status == ReviewStatus.SUBMITTED


def test_leader_reads_but_cannot_post_workflow_steps(client_for, users, draft):
    services.monitoring_submit(user=users.jia1_officer, record=draft)
    client = client_for(users.pinglu_leader)
    assert client.get(reverse("monitoring:household_detail", args=[draft.household.code])).status_code == 200
    assert client.post(reverse("monitoring:record_approve", args=[draft.pk])).status_code == 403
    assert MonitoringRecord.objects.get(pk=draft.pk).status == ReviewStatus.SUBMITTED


def test_member_admin_refuses_a_member_for_another_villages_household(client_for, users, family, yi_household):
    client = client_for(users.jia1_officer)
    response = client.post(reverse("admin:monitoring_member_add"), {
        "household": yi_household.pk, "name": "越界", "id_number": id_number(), "relation": "son",
        "ethnicity": "汉族", "education": "junior", "school_status": "none", "health": "healthy",
        "labour_skill": "ordinary", "has_medical_insurance": "on", "employments-TOTAL_FORMS": "0",
        "employments-INITIAL_FORMS": "0",
    })
    # the form is shown again: the household is not among the officer's choices
    assert response.status_code == 200
    assert "household" in response.context["adminform"].form.errors
    assert not Member.objects.filter(name="越界").exists()


def test_history_records_who_changed_the_household(client_for, users, family):
    client = client_for(users.jia1_officer)
    data = {
        "code": family.code, "village": family.village_id, "head_name": "王大山", "phone": "13800000000",
        "is_poverty_alleviated": "on", "loaded_version": family.version,
        **_empty_inlines(members=[(m.name, m.id_number, m.relation, m.pk) for m in family.members.all()],
                         incomes=list(family.incomes.all())),
    }
    response = client.post(reverse("admin:monitoring_household_change", args=[family.pk]), data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    latest = Household.history.filter(id=family.pk).latest("history_date")
    assert latest.phone == "13800000000"
    assert latest.history_user == users.jia1_officer
    history_page = client.get(reverse("admin:monitoring_household_history", args=[family.pk]))
    assert history_page.status_code == 200 and "jia1_officer" in history_page.content.decode()


def test_history_of_a_household_outside_the_area_is_refused(client_for, users, family):
    response = client_for(users.jia2_officer).get(reverse("admin:monitoring_household_history", args=[family.pk]))
    assert response.status_code == 403


def _empty_inlines(members=(), incomes=()):
    data = {}
    for prefix in ("members", "incomes", "measures", "monitoring_records"):
        data[f"{prefix}-TOTAL_FORMS"] = "0"
        data[f"{prefix}-INITIAL_FORMS"] = "0"
        data[f"{prefix}-MIN_NUM_FORMS"] = "0"
        data[f"{prefix}-MAX_NUM_FORMS"] = "1000"
    data["members-TOTAL_FORMS"] = str(len(members))
    initial = 0
    for i, member in enumerate(members):
        name, number, relation, *pk = member
        data.update({
            f"members-{i}-name": name, f"members-{i}-id_number": number, f"members-{i}-relation": relation,
            f"members-{i}-education": "junior", f"members-{i}-school_status": "none",
            f"members-{i}-health": "healthy", f"members-{i}-labour_skill": "ordinary",
            f"members-{i}-has_medical_insurance": "on",
        })
        if pk:
            data[f"members-{i}-id"] = str(pk[0])
            initial += 1
    data["members-INITIAL_FORMS"] = str(initial)
    data["incomes-TOTAL_FORMS"] = data["incomes-INITIAL_FORMS"] = str(len(incomes))
    for i, income in enumerate(incomes):
        data.update({
            f"incomes-{i}-id": str(income.pk), f"incomes-{i}-year": income.year, f"incomes-{i}-quarter": income.quarter,
            f"incomes-{i}-wage_income": income.wage_income, f"incomes-{i}-business_income": income.business_income,
            f"incomes-{i}-property_income": income.property_income,
            f"incomes-{i}-transfer_income": income.transfer_income,
            f"incomes-{i}-production_expense": income.production_expense,
        })
    return data
