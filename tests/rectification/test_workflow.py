"""The issue workflow: every allowed and forbidden transition, by role and by state."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.roles import Role
from accounts.services import user_set_role
from rectification import services
from rectification.models import IssueStatus, IssueTransition, TransitionAction

from .factories import IssueFactory

FOUND = datetime.date(2023, 3, 1)


def make_issue(rect, status=IssueStatus.PENDING, unit="pinglu_unit", rectified_by=None, **kwargs):
    """An issue of 平陆县 in ``status``, assigned to ``unit`` (None → unassigned)."""
    extra = {}
    if status in (IssueStatus.RECTIFIED, IssueStatus.CLOSED):
        extra["completed_date"] = datetime.date(2023, 5, 1)
        extra["measures"] = "已逐户核实并纠正"
    if status == IssueStatus.CLOSED:
        extra["closed_date"] = datetime.date(2023, 5, 10)
    issue = IssueFactory(
        category=rect.category, status=status, responsible_unit=getattr(rect, unit) if unit else None,
        found_date=FOUND, **extra, **kwargs,
    )
    if rectified_by is not None and status in (IssueStatus.RECTIFIED, IssueStatus.CLOSED):
        IssueTransition.objects.create(
            issue=issue, action=TransitionAction.RECTIFY, from_status=IssueStatus.IN_PROGRESS,
            to_status=IssueStatus.RECTIFIED, user=rectified_by, at=timezone.now(),
        )
    return issue


def act(action, issue, user, rect):
    """Call the service of ``action`` with the arguments a real user would give."""
    if action == "assign":
        return services.issue_assign(issue=issue, user=user, unit=rect.pinglu_unit, person="张科长")
    if action == "start":
        return services.issue_start(issue=issue, user=user)
    if action == "rectify":
        return services.issue_mark_rectified(issue=issue, user=user, measures="已落实帮扶措施")
    if action == "verify":
        return services.issue_verify(issue=issue, user=user)
    if action == "return":
        return services.issue_return(issue=issue, user=user, reason="佐证材料不全")
    raise AssertionError(action)


# (action, the status it starts from, the status it ends in)
TRANSITIONS = {
    "assign": (IssueStatus.PENDING, IssueStatus.PENDING),
    "start": (IssueStatus.PENDING, IssueStatus.IN_PROGRESS),
    "rectify": (IssueStatus.IN_PROGRESS, IssueStatus.RECTIFIED),
    "verify": (IssueStatus.RECTIFIED, IssueStatus.CLOSED),
    "return": (IssueStatus.RECTIFIED, IssueStatus.IN_PROGRESS),
}

ALLOWED = [
    ("assign", "pinglu_reviewer"),
    ("assign", "city_admin"),
    ("start", "unit_user"),
    ("rectify", "unit_user"),
    ("verify", "pinglu_reviewer"),
    ("verify", "city_admin"),
    ("return", "pinglu_reviewer"),
    ("return", "city_admin"),
]

FORBIDDEN = [
    ("assign", "xia_reviewer"),
    ("assign", "pinglu_leader"),
    ("assign", "city_leader"),
    ("assign", "unit_user"),
    ("assign", "jia_clerk"),
    ("start", "rsj_user"),
    ("start", "pinglu_reviewer"),
    ("start", "city_admin"),
    ("rectify", "rsj_user"),
    ("rectify", "pinglu_reviewer"),
    ("rectify", "city_admin"),
    ("rectify", "pinglu_leader"),
    ("verify", "xia_reviewer"),
    ("verify", "unit_user"),
    ("verify", "pinglu_leader"),
    ("verify", "team_user"),
    ("return", "xia_reviewer"),
    ("return", "unit_user"),
    ("return", "rsj_user"),
]


def user_named(name, users, rect):
    return getattr(rect, name) if name == "rsj_user" else getattr(users, name)


@pytest.mark.parametrize(("action", "who"), ALLOWED)
def test_role_may_take_its_step_and_the_step_is_recorded(action, who, users, rect):
    start, end = TRANSITIONS[action]
    issue = make_issue(rect, start, unit=None if action == "assign" else "pinglu_unit", rectified_by=users.unit_user)
    user = user_named(who, users, rect)
    assert action in services.issue_allowed_actions(issue=issue, user=user)

    issue = act(action, issue, user, rect)

    issue.refresh_from_db()
    assert issue.status == end
    step = issue.transitions.get(action=action)
    assert (step.from_status, step.to_status, step.user) == (start, end, user)
    assert step.at is not None


@pytest.mark.parametrize(("action", "who"), FORBIDDEN)
def test_role_may_not_take_another_roles_step(action, who, users, rect):
    start, _ = TRANSITIONS[action]
    issue = make_issue(rect, start, unit=None if action == "assign" else "pinglu_unit", rectified_by=users.unit_user)
    user = user_named(who, users, rect)
    assert action not in services.issue_allowed_actions(issue=issue, user=user)

    with pytest.raises(PermissionDenied):
        act(action, issue, user, rect)

    issue.refresh_from_db()
    assert issue.status == start
    assert not issue.transitions.filter(action=action).exists()


WRONG_STATES = [
    (action, status)
    for action, (start, _) in TRANSITIONS.items()
    for status in IssueStatus
    if status != start
]


@pytest.mark.parametrize(("action", "status"), WRONG_STATES)
def test_step_from_the_wrong_status_is_refused(action, status, users, rect):
    issue = make_issue(rect, status, rectified_by=users.unit_user)
    user = users.unit_user if action in ("start", "rectify") else users.pinglu_reviewer

    with pytest.raises(ValidationError, match="当前状态为"):
        act(action, issue, user, rect)

    issue.refresh_from_db()
    assert issue.status == status


def test_the_whole_path_from_assignment_to_closure_leaves_a_timeline(users, rect):
    issue = make_issue(rect, IssueStatus.PENDING, unit=None)

    services.issue_assign(issue=issue, user=users.pinglu_reviewer, unit=rect.pinglu_unit, person="张科长")
    services.issue_start(issue=issue, user=users.unit_user)
    services.issue_mark_rectified(issue=issue, user=users.unit_user, measures="逐户核实，补录帮扶措施")
    services.issue_return(issue=issue, user=users.pinglu_reviewer, reason="缺少入户照片")
    issue.refresh_from_db()
    assert issue.completed_date is None
    services.issue_mark_rectified(issue=issue, user=users.unit_user)
    services.issue_verify(issue=issue, user=users.pinglu_reviewer, note="核验属实")

    issue.refresh_from_db()
    assert issue.status == IssueStatus.CLOSED
    assert issue.closed_date == timezone.localdate()
    assert list(issue.transitions.values_list("action", flat=True)) == [
        "assign", "start", "rectify", "return", "rectify", "verify",
    ]
    assert issue.transitions.get(action="return").note == "缺少入户照片"
    assert issue.history.count() >= 6


def test_nobody_closes_an_issue_they_marked_rectified_themselves(users, rect, django_user_model):
    # 平陆县's unit account later becomes the county's reviewer: the issue still needs someone else.
    issue = make_issue(rect, IssueStatus.IN_PROGRESS)
    issue = services.issue_mark_rectified(issue=issue, user=users.unit_user, measures="已整改")
    user_set_role(user=users.unit_user, role=Role.COUNTY_REVIEWER, area_code="140829")
    same_person = django_user_model.objects.get(pk=users.unit_user.pk)

    assert services.issue_allowed_actions(issue=issue, user=same_person) == [TransitionAction.RETURN]
    with pytest.raises(PermissionDenied, match="其他角色核验"):
        services.issue_verify(issue=issue, user=same_person)

    services.issue_verify(issue=issue, user=users.pinglu_reviewer)
    issue.refresh_from_db()
    assert issue.status == IssueStatus.CLOSED


def test_marking_rectified_needs_measures(users, rect):
    issue = make_issue(rect, IssueStatus.IN_PROGRESS)
    with pytest.raises(ValidationError, match="整改措施"):
        services.issue_mark_rectified(issue=issue, user=users.unit_user)
    issue.refresh_from_db()
    assert issue.status == IssueStatus.IN_PROGRESS


def test_return_needs_a_reason(users, rect):
    issue = make_issue(rect, IssueStatus.RECTIFIED, rectified_by=users.unit_user)
    with pytest.raises(ValidationError, match="理由"):
        services.issue_return(issue=issue, user=users.pinglu_reviewer, reason="  ")
    issue.refresh_from_db()
    assert issue.status == IssueStatus.RECTIFIED


def test_reviewer_cannot_assign_to_another_countys_unit(users, rect):
    issue = make_issue(rect, IssueStatus.PENDING, unit=None)
    with pytest.raises(ValidationError, match="不属于"):
        services.issue_assign(issue=issue, user=users.pinglu_reviewer, unit=rect.xia_unit)
    issue.refresh_from_db()
    assert issue.responsible_unit is None


def test_category_must_belong_to_the_aspect(rect):
    issue = make_issue(rect)
    issue.category = rect.other_category
    with pytest.raises(ValidationError) as caught:
        issue.full_clean()
    assert "不属于问题方面" in str(caught.value.message_dict["category"])


def test_county_reviewer_registers_an_issue_of_their_county_only(users, rect):
    issue = services.issue_register(
        user=users.pinglu_reviewer, source="supervision", aspect=rect.aspect, category=rect.category,
        county_id="140829", village_id="140829100200", description="甲一村公益岗位人员未按时到岗",
        found_date=FOUND, deadline=datetime.date(2023, 4, 1),
    )
    assert issue.number == "YC-2023-0001"
    assert issue.area_code == "140829100200"
    with pytest.raises(PermissionDenied):
        services.issue_register(
            user=users.pinglu_reviewer, source="supervision", aspect=rect.aspect, category=rect.category,
            county_id="140828", description="夏县的问题", found_date=FOUND, deadline=datetime.date(2023, 4, 1),
        )
