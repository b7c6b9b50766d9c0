from django.urls import reverse

from resident_teams.models import AttendanceWeek, WorkTeam

ADD = reverse("admin:resident_teams_workteam_add")


def _team_form(**values):
    form = {
        "code": "ZC-PL-009", "name": "甲二村驻村工作队", "village": "", "relocation_site": "", "township": "",
        "is_demo_village_station": "on", "dispatch_unit": "平陆县乡村振兴局", "dispatch_level": "county",
        "arrived_on": "2023-03-01",
        "members-TOTAL_FORMS": "0", "members-INITIAL_FORMS": "0", "members-MIN_NUM_FORMS": "0",
        "members-MAX_NUM_FORMS": "1000",
    }
    form.update(values)
    return form


def test_county_reviewer_adds_a_team_and_its_station_code_is_derived(users, client_for, geo):
    response = client_for(users.pinglu_reviewer).post(ADD, _team_form(village=geo.jia2.code))
    assert response.status_code == 302, response.context["adminform"].form.errors
    team = WorkTeam.objects.get(code="ZC-PL-009")
    assert (team.station_code, team.county_id, team.station_kind) == ("140829100201", "140829", "village")
    assert team.history.count() == 1


def test_county_reviewer_cannot_station_a_team_in_another_county(users, client_for, geo):
    response = client_for(users.pinglu_reviewer).post(ADD, _team_form(village=geo.bing1.code))
    assert response.status_code == 200
    assert not WorkTeam.objects.exists()


def test_a_team_with_two_stations_is_refused_with_a_chinese_message(users, client_for, geo):
    response = client_for(users.pinglu_reviewer).post(ADD, _team_form(village=geo.jia2.code, township=geo.jia.code))
    assert "派驻地须且只能是一个行政村、一个安置点或一个乡镇" in response.content.decode()
    assert not WorkTeam.objects.exists()


def test_team_member_list_in_admin_masks_id_numbers_for_the_team_member(teams, users, client_for):
    response = client_for(users.team_user).get(reverse("admin:resident_teams_teammember_changelist"))
    page = response.content.decode()
    assert teams.jia.me.id_number not in page and teams.jia.me.id_number[-4:] in page
    assert [m.pk for m in response.context["cl"].result_list] == [teams.jia.me.pk]


def test_county_reviewer_sees_full_id_numbers_in_admin(teams, users, client_for):
    response = client_for(users.pinglu_reviewer).get(reverse("admin:resident_teams_teammember_changelist"))
    assert teams.jia.me.id_number in response.content.decode()


def test_admin_attendance_list_shows_compliance(teams, users, client_for):
    AttendanceWeek.objects.create(member=teams.jia.me, week_start="2023-10-23", days_on_station=5, nights_on_station=3)
    response = client_for(users.pinglu_reviewer).get(reverse("admin:resident_teams_attendanceweek_changelist"))
    assert [w.compliant for w in response.context["cl"].result_list] == [False]


def test_county_reviewer_records_an_inspection_of_a_team_and_its_area_is_the_station(teams, users, client_for):
    from resident_teams.models import Inspection

    response = client_for(users.pinglu_reviewer).post(reverse("admin:resident_teams_inspection_add"), {
        "group": "市暗访组第2组", "inspected_on": "2023-09-12", "team": teams.jia_team.pk, "area_code": "",
        "findings": "工作队员不在岗", "findings_count": 1, "notification_issued": "on",
        "notification_no": "运暗访通〔2023〕7号", "notified_on": "2023-09-20",
    })
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Inspection.objects.get().area_code == "140829100200"


def test_annual_grade_of_a_member_of_another_team_is_refused(teams):
    import pytest
    from django.core.exceptions import ValidationError

    from resident_teams.models import AnnualGrade, Evaluation, EvaluationKind

    evaluation = Evaluation(team=teams.jia_team, member=teams.bing.m1, kind=EvaluationKind.ANNUAL, year=2022,
                            grade=AnnualGrade.GOOD)
    with pytest.raises(ValidationError, match="被考核队员不属于该工作队"):
        evaluation.full_clean()
