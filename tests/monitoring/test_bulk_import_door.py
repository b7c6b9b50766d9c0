"""The bulk door of the household import (``services.households_import``): the importer only plans; the
service checks the whole plan before writing and owns what is derived. Each test hands the service a plan
an importer must never produce and sees it refused with nothing written."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from monitoring import services
from monitoring.models import Household, Member, MonitoringRecord, Relation, ReviewStatus

from .factories import id_number


def _family(code: str, village: str, head_id: str | None = None) -> services.HouseholdImportPlan:
    household = Household(code=code, village_id=village, head_name="赵大")
    head = _member(household, "赵大", head_id or id_number(), Relation.HEAD)
    return services.HouseholdImportPlan(households_new=[household], members_new=[head])


def _member(household, name, number, relation) -> services.NewMember:
    return services.NewMember(household=household, id_number=number, name=name, relation=relation, education="junior",
                              school_status="none", health="healthy", labour_skill="ordinary",
                              has_medical_insurance=True)


def _refused(user, plan) -> str:
    with pytest.raises(ValidationError) as refused:
        services.households_import(user=user, plan=plan)
    return "；".join(refused.value.messages)


def test_bulk_import_refuses_a_household_code_that_is_not_the_villages(users, geo):
    for code in ("123", "1408281002000001", "1408291002000000"):  # too short, 夏县's prefix, sequence 0000
        assert "户编号须为所在行政村代码 140829100200 加 4 位顺序号" in _refused(
            users.pinglu_reviewer, _family(code, "140829100200"))
    assert Household.objects.count() == 0 and Member.objects.count() == 0


def test_bulk_import_refuses_a_village_outside_the_writers_area(users, geo):
    message = _refused(users.jia1_officer, _family("1408291002010001", "140829100201"))  # the neighbouring village
    assert "行政村 140829100201 不在您的管辖范围内" in message
    assert Household.objects.count() == 0


def test_bulk_import_refuses_a_new_household_without_its_head(users, geo):
    plan = _family("1408291002000001", "140829100200")
    plan.members_new[0] = plan.members_new[0]._replace(relation=Relation.SPOUSE)
    assert "新增农户须同时登记户主" in _refused(users.pinglu_reviewer, plan)
    assert Household.objects.count() == 0


def test_bulk_import_refuses_a_member_added_to_a_household_outside_the_area(users, geo, family):
    newcomer = _member(family, "外来", id_number(), Relation.SON)
    message = _refused(users.jia2_officer, services.HouseholdImportPlan(members_new=[newcomer]))
    assert f"户编号 {family.code} 等 1 户已登记在您管辖范围以外的行政村" in message
    assert family.members.count() == 2


def test_bulk_import_never_moves_a_record_along_the_workflow(users, draft):
    services.monitoring_submit(user=users.jia1_officer, record=draft)
    record = MonitoringRecord.objects.get(pk=draft.pk)
    record.status = ReviewStatus.APPROVED  # a planner that "approves" by import
    record._risks = None
    message = _refused(users.pinglu_reviewer, services.HouseholdImportPlan(records_changed=[record]))
    assert "导入不能改变审核流程字段（识别审核状态）" in message
    assert MonitoringRecord.objects.get(pk=draft.pk).status == ReviewStatus.SUBMITTED


def test_bulk_import_derives_size_sex_birth_date_and_versions(users, geo):
    plan = _family("1408291002000001", "140829100200", head_id=id_number(born=datetime.date(1970, 2, 3), male=False))
    plan.households_new[0].size = 9  # whatever the planner thought: the members decide
    plan.members_new.append(_member(plan.households_new[0], "赵二", id_number(), Relation.SON))
    villages = services.households_import(user=users.pinglu_reviewer, plan=plan)
    household = Household.objects.get()
    assert villages == {"140829100200"}
    assert household.size == 2 and household.version == 1 and household.created_by == users.pinglu_reviewer
    head = household.members.get(relation=Relation.HEAD)
    assert (head.sex, head.birth_date, head.version) == ("女", datetime.date(1970, 2, 3), 1)
    assert household.history.get().history_change_reason == "Excel 导入"
