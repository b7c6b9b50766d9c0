"""督办函 are issued by the city and answered by their addressee; 双交办 lists follow the assignment."""

import datetime
from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.roles import Role
from accounts.scoping import scope
from rectification import services
from rectification.models import HandOverItem, IssueStatus, ResponsibleUnit, SupervisionLetter

from .factories import IssueFactory, ResponsibleUnitFactory

ISSUED = datetime.date(2023, 4, 1)


@pytest.fixture
def pinglu_issues(rect):
    return [IssueFactory(category=rect.category, status=IssueStatus.PENDING) for _ in range(2)]


def test_only_the_city_administrator_issues_letters(pinglu_issues, users):
    for user in (users.pinglu_reviewer, users.city_leader, users.unit_user):
        with pytest.raises(PermissionDenied):
            services.letter_issue(user=user, number="运巩衔督〔2023〕1号", issued_date=ISSUED,
                                  reply_deadline=ISSUED + datetime.timedelta(days=15), issues=pinglu_issues,
                                  county_id="140829")
    letter = services.letter_issue(user=users.city_admin, number="运巩衔督〔2023〕1号", issued_date=ISSUED,
                                   reply_deadline=ISSUED + datetime.timedelta(days=15), issues=pinglu_issues,
                                   county_id="140829")
    assert letter.area_code == "140829"
    assert letter.issues.count() == 2


def test_a_letter_to_a_county_lists_only_that_countys_issues(pinglu_issues, users, rect):
    xia_issue = IssueFactory(category=rect.category, county_id="140828")
    with pytest.raises(ValidationError, match="不属于受函区县"):
        services.letter_issue(user=users.city_admin, number="运巩衔督〔2023〕2号", issued_date=ISSUED,
                              reply_deadline=ISSUED + datetime.timedelta(days=15),
                              issues=[*pinglu_issues, xia_issue], county_id="140829")


def test_a_letter_has_exactly_one_addressee(pinglu_issues, users, rect):
    with pytest.raises(ValidationError, match="二者选一"):
        services.letter_issue(user=users.city_admin, number="运巩衔督〔2023〕3号", issued_date=ISSUED,
                              reply_deadline=ISSUED + datetime.timedelta(days=15), issues=[],
                              county_id="140829", unit=rect.city_unit)


def test_only_the_addressee_replies(pinglu_issues, users, rect):
    letter = services.letter_issue(user=users.city_admin, number="运巩衔督〔2023〕4号", issued_date=ISSUED,
                                   reply_deadline=ISSUED + datetime.timedelta(days=15), issues=pinglu_issues,
                                   county_id="140829")
    for user in (users.xia_reviewer, users.unit_user, users.pinglu_leader):
        with pytest.raises(PermissionDenied):
            services.letter_reply(letter=letter, user=user, reply_text="已整改")
    services.letter_reply(letter=letter, user=users.pinglu_reviewer, reply_text="已整改",
                          reply_date=ISSUED + datetime.timedelta(days=10))
    letter.refresh_from_db()
    assert (letter.reply_text, letter.reply_date) == ("已整改", datetime.date(2023, 4, 11))


def test_assigning_an_issue_hands_it_on_in_the_countys_list(pinglu_issues, users, rect):
    handover = services.handover_create(user=users.city_admin, county_id="140829", title="第一批双交办清单",
                                        handed_date=ISSUED, issues=pinglu_issues)
    first, second = pinglu_issues
    services.issue_assign(issue=first, user=users.pinglu_reviewer, unit=rect.pinglu_unit)
    item = HandOverItem.objects.get(handover=handover, issue=first)
    services.handover_hand_on(item=HandOverItem.objects.get(handover=handover, issue=second),
                              user=users.pinglu_reviewer, unit=rect.city_unit)

    assert item.unit == rect.pinglu_unit
    second.refresh_from_db()
    assert second.responsible_unit == rect.city_unit
    assert not HandOverItem.objects.filter(handover=handover, unit__isnull=True).exists()


def test_a_county_cannot_be_handed_another_countys_issue(users, rect):
    xia_issue = IssueFactory(category=rect.category, county_id="140828")
    with pytest.raises(ValidationError, match="须属于清单所在区县"):
        services.handover_create(user=users.city_admin, county_id="140829", title="错误清单",
                                 handed_date=ISSUED, issues=[xia_issue])
    with pytest.raises(PermissionDenied):
        services.handover_create(user=users.pinglu_reviewer, county_id="140829", title="县里自建",
                                 handed_date=ISSUED, issues=[])


@pytest.fixture
def taiyuan(settings, make_user):
    """A province (PLATFORM_AREA=140000) with 太原's administrator and one of 太原's city departments."""
    settings.PLATFORM_AREA = "140000"
    return SimpleNamespace(
        admin=make_user("taiyuan_admin", Role.CITY_ADMIN, "140100"),
        unit=ResponsibleUnitFactory(name="太原市人社局", area_code="140100"),
    )


def test_a_letter_to_another_citys_department_belongs_to_that_city(taiyuan, users):
    letter = services.letter_issue(user=taiyuan.admin, number="并巩衔督〔2023〕1号", issued_date=ISSUED,
                                   reply_deadline=ISSUED + datetime.timedelta(days=15), issues=[],
                                   unit=taiyuan.unit)
    assert letter.area_code == "140100"
    assert list(scope(SupervisionLetter.objects.all(), taiyuan.admin)) == [letter]
    assert not scope(SupervisionLetter.objects.all(), users.city_admin).exists()


def test_a_letter_to_a_city_department_of_yuncheng_stays_with_yuncheng(rect, users):
    letter = services.letter_issue(user=users.city_admin, number="运巩衔督〔2023〕9号", issued_date=ISSUED,
                                   reply_deadline=ISSUED + datetime.timedelta(days=15), issues=[],
                                   unit=rect.city_unit)
    assert (rect.city_unit.area_code, letter.area_code) == ("140800", "140800")
    assert not scope(SupervisionLetter.objects.all(), users.pinglu_reviewer).exists()


def test_in_a_province_a_city_department_must_name_its_city(taiyuan):
    unit = ResponsibleUnit(name="无所属市的单位")
    with pytest.raises(ValidationError, match="所在市"):
        unit.full_clean()
    unit.area_code = "140000"  # the province is no city
    with pytest.raises(ValidationError, match="所在市"):
        unit.full_clean()
    unit.area_code = ""
    unit.save()  # a unit saved without its city (a raw write) cannot be written to until it has one
    with pytest.raises(ValidationError, match="未填写所在市"):
        services.letter_issue(user=taiyuan.admin, number="并巩衔督〔2023〕2号", issued_date=ISSUED,
                              reply_deadline=ISSUED + datetime.timedelta(days=15), issues=[], unit=unit)


def test_a_countys_unit_lies_in_its_county(rect):
    assert rect.pinglu_unit.area_code == "140829"
