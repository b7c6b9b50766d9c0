"""部门筛查预警: the departments' workbook matched to the registry, the rules at their edges, merged
duplicates, the worklist's scope, verification and the catalogue's figures."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from dashboard.catalogue import metric_records, metric_values, metric_values_by_child
from monitoring import services as monitoring_services
from monitoring.models import IdentificationChannel, MonitoringRecord, Relation, ReviewStatus
from reports.imports import WarningImporter, importer_for_sheets
from screening import selectors, services
from screening.models import DepartmentEvent, EventType, ScreeningWarning, WarningRule, WarningStatus
from villages.selectors import area_get
from yuncheng.idcard import check_digit

from .conftest import import_rows as _import
from .conftest import warning_book, warning_row

FULL_WIDTH = str.maketrans("0123456789X", "０１２３４５６７８９ｘ")


def _id_ending_in_x() -> str:
    for seq in range(1000):
        first17 = f"140829200106{15:02d}{seq:03d}"
        if check_digit(first17) == "X":
            return first17 + "X"
    raise AssertionError("no X check digit")


def test_import_matches_id_numbers_typed_full_width_or_with_lower_case_x(tmp_path, users, registry):
    x_id = _id_ending_in_x()
    monitoring_services.member_add(user=users.city_admin, household=registry.b, name="李小二", id_number=x_id,
                                   relation=Relation.SON)
    result = _import(tmp_path, users.city_admin, [
        warning_row(registry.ids.a.translate(FULL_WIDTH)),
        warning_row(x_id.lower(), name="李小二"),
    ])
    assert result.errors == [] and result.written
    warned = dict(ScreeningWarning.objects.values_list("event__id_number", "household__code"))
    assert warned == {registry.ids.a: registry.a.code, x_id: registry.b.code}


def test_unmatched_rows_are_reported_and_kept_without_a_warning(tmp_path, users, registry):
    result = _import(tmp_path, users.city_admin, [warning_row(registry.ids.a), warning_row(registry.ids.x, name="路人")])
    assert result.written
    assert result.counts["未匹配人员"]["created"] == 1
    assert any("未匹配到登记人员" in change.detail for change in result.changes)
    unmatched = DepartmentEvent.objects.get(id_number=registry.ids.x)
    assert (unmatched.member, unmatched.area_code) == (None, "140800")
    assert ScreeningWarning.objects.count() == 1


@pytest.mark.parametrize(("amount", "warns"), [(Decimal("9999.99"), False), (Decimal("10000.00"), True)])
def test_fixed_amount_rule_warns_from_the_threshold_on(users, registry, amount, warns):
    rule = services.rule_save(user=users.city_admin, event_type=EventType.MEDICAL, min_amount=Decimal("10000"))
    verdict = selectors.event_verdict(event_type=EventType.MEDICAL, amount=amount, yearly_income=Decimal("1e6"),
                                      rule=rule)
    assert verdict.raises is warns


@pytest.mark.parametrize(("amount", "warns"), [("7999.99", False), ("8000", True)])
def test_income_share_rule_warns_from_the_share_of_the_households_income_on(tmp_path, users, registry, amount,
                                                                             warns):
    # 王大山's household earned 20,000 元 in 2023: 40 % of it is 8,000 元.
    services.rule_save(user=users.city_admin, event_type=EventType.MEDICAL, income_share_pct=Decimal("40"))
    result = _import(tmp_path, users.city_admin, [warning_row(registry.ids.a, event_type="大额医疗自付支出",
                                                              amount=amount, department="市医保局")])
    assert result.written
    assert ScreeningWarning.objects.filter(household=registry.a).exists() is warns
    assert DepartmentEvent.objects.get().amount == Decimal(amount)


def test_an_event_type_without_amount_and_without_rule_warns_and_a_switched_off_rule_does_not(tmp_path, users,
                                                                                             registry):
    WarningRule.objects.filter(event_type=EventType.DEATH).delete()
    services.rule_save(user=users.city_admin, event_type=EventType.DISASTER, is_active=False)
    _import(tmp_path, users.city_admin, [warning_row(registry.ids.a, event_type="死亡", department="市民政局"),
                                         warning_row(registry.ids.b, name="李二", event_type="受灾", department="应急局")])
    assert list(ScreeningWarning.objects.values_list("event_type", flat=True)) == [EventType.DEATH]
    assert ScreeningWarning.objects.get().rule == "死亡：发生即预警（未设规则）"


def test_only_the_city_administrator_sets_rules(users):
    with pytest.raises(PermissionDenied):
        services.rule_save(user=users.pinglu_reviewer, event_type=EventType.DEATH)


def test_a_medical_row_without_amount_refuses_the_whole_file(tmp_path, users, registry):
    result = _import(tmp_path, users.city_admin, [warning_row(registry.ids.b, name="李二"),
                                                  warning_row(registry.ids.a, event_type="大额医疗自付支出")])
    assert not result.written
    assert [(e.row, e.column, e.reason) for e in result.errors] == [
        (3, "E列·金额(元)", "“大额医疗自付支出”须填写金额")]
    assert DepartmentEvent.objects.count() == 0


def test_the_same_event_from_two_departments_is_merged_and_a_reimport_changes_nothing(tmp_path, users, registry):
    rows = [warning_row(registry.ids.a, department="市残联"), warning_row(registry.ids.a, department="市民政局")]
    first = _import(tmp_path, users.city_admin, rows)
    assert first.counts["事件"]["created"] == 1
    event = DepartmentEvent.objects.get()
    assert event.departments == "市残联、市民政局"
    again = _import(tmp_path, users.city_admin, rows, name="again.xlsx")
    assert again.counts["事件"] == {"created": 0, "changed": 0, "unchanged": 1} and not again.written
    later = _import(tmp_path, users.city_admin, [warning_row(registry.ids.a, department="县人社局")], name="l.xlsx")
    assert later.counts["事件"]["changed"] == 1
    event.refresh_from_db()
    assert event.departments == "市残联、市民政局、县人社局"
    assert ScreeningWarning.objects.count() == 1


def test_county_reviewer_cannot_import_a_person_of_another_county(tmp_path, users, registry):
    result = _import(tmp_path, users.pinglu_reviewer, [warning_row(registry.ids.c, name="赵三")])
    assert [e.reason for e in result.errors] == ["该人员登记在您管辖范围以外的农户"]
    assert DepartmentEvent.objects.count() == 0


def test_village_officer_may_not_import_department_lists(tmp_path, users, registry):
    result = _import(tmp_path, users.jia1_officer, [warning_row(registry.ids.a)])
    assert [e.reason for e in result.errors] == ["您的角色无权导入部门预警数据"]


def test_import_workbook_command_recognises_the_sheet(tmp_path, users, registry):
    path = warning_book(tmp_path / "cmd.xlsx", [warning_row(registry.ids.a)])
    assert importer_for_sheets(["部门预警"]) is WarningImporter
    call_command("import_workbook", str(path), "--user", "city_admin")
    assert ScreeningWarning.objects.count() == 1
    with pytest.raises(CommandError):
        call_command("import_workbook", str(warning_book(tmp_path / "bad.xlsx", [warning_row("123")])),
                     "--user", "city_admin")



def test_each_officer_sees_only_the_warnings_of_their_area(users, registry, warned):
    def codes(user):
        return set(selectors.warnings_for(user=user).values_list("household__code", flat=True))

    assert codes(users.jia1_officer) == {registry.a.code}
    assert codes(users.jia_clerk) == {registry.a.code, registry.b.code}
    assert codes(users.xia_reviewer) == {registry.c.code}
    assert codes(users.city_leader) == {registry.a.code, registry.b.code, registry.c.code}
    assert codes(users.team_user) == set()


def test_village_officer_cannot_dismiss_a_warning_of_another_village(users, registry, warned):
    with pytest.raises(PermissionDenied):
        services.warning_dismiss(user=users.jia1_officer, warning=warned[registry.b.pk], reason="已核实")


def test_dismissing_needs_a_reason_and_happens_once(users, registry, warned):
    warning = warned[registry.a.pk]
    with pytest.raises(ValidationError):
        services.warning_dismiss(user=users.jia1_officer, warning=warning, reason=" ")
    services.warning_dismiss(user=users.jia1_officer, warning=warning, reason="入户核实：已康复，收入稳定")
    warning.refresh_from_db()
    assert (warning.status, warning.verified_by) == (WarningStatus.DISMISSED, users.jia1_officer)
    with pytest.raises(ValidationError):
        services.warning_dismiss(user=users.jia1_officer, warning=warning, reason="again")


def test_identification_from_a_warning_starts_monitoring_with_the_department_channel(users, registry, warned):
    warning = services.warning_identify(user=users.jia1_officer, warning=warned[registry.a.pk],
                                        category="sudden", risk_types=["disability"],
                                        identified_month=datetime.date(2023, 6, 1))
    record = MonitoringRecord.objects.get(household=registry.a)
    assert (record.channel, record.status, record.author) == (
        IdentificationChannel.DEPARTMENT, ReviewStatus.DRAFT, users.jia1_officer)
    assert (warning.status, warning.monitoring_record) == (WarningStatus.IDENTIFIED, record)


@pytest.mark.parametrize(("days", "overdue"), [(15, False), (16, True)])
def test_a_warning_unverified_more_than_fifteen_days_is_overdue(registry, warned, days, overdue):
    warning = warned[registry.a.pk]
    today = datetime.date(2024, 3, 31)
    ScreeningWarning.objects.filter(pk=warning.pk).update(raised_on=today - datetime.timedelta(days=days))
    assert ScreeningWarning.objects.overdue(on=today).filter(pk=warning.pk).exists() is overdue


def test_catalogue_counts_warnings_by_event_year_and_their_verification_with_drill_down(users, registry, warned):
    ScreeningWarning.objects.update(raised_on=datetime.date(2023, 5, 20))
    services.warning_dismiss(user=users.jia1_officer, warning=warned[registry.a.pk], reason="已核实",
                             verified_on=datetime.date(2023, 5, 25))
    services.warning_identify(user=users.xia_reviewer, warning=warned[registry.c.pk], category="sudden",
                              risk_types=["disability"], verified_on=datetime.date(2023, 6, 2),
                              identified_month=datetime.date(2023, 6, 1))
    keys = ["screening.warnings", "screening.warnings_verified", "screening.warnings_to_monitoring",
            "screening.warnings_overdue"]
    city = metric_values(user=users.city_leader, area=None, year=2023, quarter=4, keys=keys)
    assert city == {"screening.warnings": 3, "screening.warnings_verified": 2,
                    "screening.warnings_to_monitoring": 1, "screening.warnings_overdue": 1}
    # As of the end of Q1 the events (May) had not happened yet; in 2024 they belong to the year before.
    assert metric_values(user=users.city_leader, area=None, year=2023, quarter=1, keys=keys)["screening.warnings"] == 0
    assert metric_values(user=users.city_leader, area=None, year=2024, quarter=4, keys=keys)["screening.warnings"] == 0
    pinglu = area_get(code="140829")
    county = metric_values(user=users.pinglu_leader, area=pinglu, year=2023, quarter=4, keys=keys)
    assert county == {"screening.warnings": 2, "screening.warnings_verified": 1,
                      "screening.warnings_to_monitoring": 0, "screening.warnings_overdue": 1}
    for key in keys:
        records = metric_records(user=users.city_leader, key=key, area=None, year=2023, quarter=4)
        assert records.count() == city[key], key
    rows = dict(metric_values_by_child(user=users.city_leader, area=None, year=2023, quarter=4, keys=keys))
    assert sum(values["screening.warnings"] for values in rows.values()) == 3
    overdue = metric_records(user=users.pinglu_leader, key="screening.warnings_overdue", area=pinglu, year=2023,
                             quarter=4)
    assert list(overdue.values_list("household__code", flat=True)) == [registry.b.code]
