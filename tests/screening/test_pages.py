"""The screening pages: who may open them, the menu, the worklist's query count, and the page actions."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from screening.models import AssessmentRound, WarningStatus

from .conftest import warning_row



@pytest.mark.parametrize(("username", "status"), [
    ("jia1_officer", 200), ("jia_clerk", 200), ("pinglu_reviewer", 200), ("city_leader", 200), ("team_user", 403),
    ("unit_user", 403),
])
def test_who_may_open_the_warning_worklist(users, client_for, username, status):
    assert client_for(getattr(users, username)).get("/screening/").status_code == status


@pytest.mark.parametrize(("username", "status"), [
    ("city_admin", 200), ("pinglu_reviewer", 200), ("city_leader", 200), ("jia1_officer", 403), ("jia_clerk", 403),
])
def test_who_may_open_the_mock_assessments(users, client_for, username, status):
    assert client_for(getattr(users, username)).get("/screening/assessments/").status_code == status


def test_the_menu_shows_screening_only_to_roles_that_may_open_it(users, client_for):
    assert "筛查预警" in client_for(users.jia1_officer).get("/monitoring/").content.decode()
    assert "筛查预警" not in client_for(users.team_user).get("/teams/").content.decode()


def test_village_officer_worklist_lists_their_pending_warning_in_a_fixed_number_of_queries(users, client_for,
                                                                                           registry, warned):
    client = client_for(users.jia1_officer)
    client.get("/screening/")  # warm the session and the content types
    with CaptureQueriesContext(connection) as queries:
        html = client.get("/screening/").content.decode()
    # session, user with profile, the user's and the groups' permissions (scope), COUNT for the paginator,
    # the page's rows (household, village, township and event joined); the unmatched count needs none here
    assert len(queries) == 6, [q["sql"] for q in queries]
    assert registry.a.code in html and registry.b.code not in html
    assert 'data-testid="warning-count">共 1 条' in html


def test_detail_of_a_warning_outside_the_area_is_not_found(users, client_for, registry, warned):
    response = client_for(users.jia1_officer).get(f"/screening/warnings/{warned[registry.b.pk].pk}/")
    assert response.status_code == 404


def test_officer_dismisses_a_warning_from_its_page(users, client_for, registry, warned):
    warning = warned[registry.a.pk]
    client = client_for(users.jia1_officer)
    response = client.post(f"/screening/warnings/{warning.pk}/dismiss/", {"reason": "入户核实无风险"}, follow=True)
    assert "已核实排除" in response.content.decode()
    warning.refresh_from_db()
    assert warning.status == WarningStatus.DISMISSED


def test_leader_may_read_but_not_verify(users, client_for, registry, warned):
    warning = warned[registry.a.pk]
    client = client_for(users.city_leader)
    assert 'data-testid="dismiss-form"' not in client.get(f"/screening/warnings/{warning.pk}/").content.decode()
    assert client.post(f"/screening/warnings/{warning.pk}/dismiss/", {"reason": "x"}).status_code == 403


def test_city_admin_creates_a_round_from_the_page(users, client_for, geo):
    response = client_for(users.city_admin).post("/screening/assessments/", {
        "name": "2023年第一轮", "year": 2023, "counties": ["140829"], "sample_size": 330, "villages_per_county": 10,
        "share_poverty": 50, "share_monitored": 30, "share_general": 20, "seed": 42,
    })
    assessment = AssessmentRound.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/screening/assessments/{assessment.pk}/"
    assert list(assessment.counties.values_list("code", flat=True)) == ["140829"]


def test_city_admin_sets_a_rule_in_the_admin_through_the_service(users, client_for):
    from screening.models import WarningRule

    response = client_for(users.city_admin).post("/admin/screening/warningrule/add/", {
        "event_type": "jobless", "min_amount": "", "income_share_pct": "", "is_active": "on", "note": "返乡即核实",
    })
    assert response.status_code == 302
    rule = WarningRule.objects.get(event_type="jobless")
    assert (rule.note, rule.history.count()) == ("返乡即核实", 1)


def test_the_department_template_has_notes_and_a_drop_down_of_event_types(users, client_for):
    import io

    import openpyxl

    response = client_for(users.city_admin).get("/reports/templates/warnings/")
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert book.sheetnames[:2] == ["说明", "部门预警"]
    assert [c.value for c in book["部门预警"][1]] == ["身份证号", "姓名", "事件类型", "事件日期", "金额(元)", "说明", "部门"]
    options = [row[0].value for row in book["选项"].iter_rows(min_row=2)]
    assert options == ["大额医疗自付支出", "新增残疾", "受灾", "失业/返乡", "低保退出", "死亡"]
    assert book["部门预警"].data_validations.dataValidation[0].sqref is not None


def test_city_admin_sees_how_many_reported_persons_are_not_in_the_registry(tmp_path, users, client_for, registry):
    from .conftest import import_rows

    import_rows(tmp_path, users.city_admin, [warning_row(registry.ids.x, name="路人")])
    html = client_for(users.city_admin).get("/screening/").content.decode()
    assert "部门推送的 1 名人员未匹配到登记农户" in html
    changelist = client_for(users.city_admin).get("/admin/screening/departmentevent/?member__isempty=1")
    assert "路人" in changelist.content.decode()
    assert "未匹配" not in client_for(users.jia1_officer).get("/screening/").content.decode()


def test_leader_sees_the_warning_figures_on_the_monitoring_dashboard_linked_to_their_records(users, client_for,
                                                                                             registry, warned):
    html = client_for(users.pinglu_leader).get("/dashboard/monitoring/",
                                               {"year": 2023, "quarter": 4, "area": "140829"}).content.decode()
    assert 'data-testid="kpi-screening.warnings">2<' in html
    assert "/dashboard/records/screening.warnings/?year=2023&amp;quarter=4&amp;area=140829" in html
    records = client_for(users.pinglu_leader).get("/dashboard/records/screening.warnings/",
                                                  {"year": 2023, "quarter": 4, "area": "140829"}).content.decode()
    assert registry.a.code in records and registry.c.code not in records


def test_worklist_search_finds_a_household_by_the_heads_id_number(users, client_for, registry, warned):
    # The number never stays in the URL: the middleware answers with a redirect to a session token.
    response = client_for(users.jia_clerk).get("/screening/", {"q": registry.ids.b, "status": ""}, follow=True)
    html = response.content.decode()
    assert registry.ids.b not in response.request["QUERY_STRING"]
    assert 'data-testid="warning-count">共 1 条' in html and registry.b.code in html
