"""Roles of the platform and the area level each one works at."""

from django.db import models

# The city is a fact of the geography (villages); named here too for the callers that know it from the roles.
from villages.models import CITY_CODE, CITY_NAME  # noqa: F401


class Role(models.TextChoices):
    CITY_ADMIN = "city_admin", "市级管理员"
    COUNTY_REVIEWER = "county_reviewer", "县级审核员"
    TOWNSHIP_CLERK = "township_clerk", "乡镇录入员"
    VILLAGE_OFFICER = "village_officer", "村级信息员"
    LEADER = "leader", "领导查看"
    TEAM_MEMBER = "team_member", "驻村队员"
    UNIT = "unit", "责任单位"


# Roles whose scope is an area (a code prefix). The others see only the records they own
# (a team member: their team's logs; a responsible unit: the issues assigned to it).
AREA_ROLES = frozenset(
    {Role.CITY_ADMIN, Role.COUNTY_REVIEWER, Role.TOWNSHIP_CLERK, Role.VILLAGE_OFFICER, Role.LEADER}
)

# The code length of the area each role must be given (6 = county, 9 = township, 12 = village;
# the city's own code 140800 is 6 digits too).
ROLE_AREA_LENGTHS = {
    Role.CITY_ADMIN: {6},
    Role.COUNTY_REVIEWER: {6},
    Role.TOWNSHIP_CLERK: {9},
    Role.VILLAGE_OFFICER: {12},
    Role.LEADER: {6},
    Role.TEAM_MEMBER: {6, 9, 12},
    Role.UNIT: {6},
}

# Roles that work in the data-entry (admin) site.
STAFF_ROLES = frozenset(
    {Role.CITY_ADMIN, Role.COUNTY_REVIEWER, Role.TOWNSHIP_CLERK, Role.VILLAGE_OFFICER, Role.TEAM_MEMBER, Role.UNIT}
)

# Roles that may read the full 18-digit ID number; everybody else sees it masked.
FULL_ID_ROLES = frozenset({Role.CITY_ADMIN, Role.COUNTY_REVIEWER, Role.TOWNSHIP_CLERK, Role.VILLAGE_OFFICER})

# Roles that may read full numbers but whose daily work (review, administration) rarely needs them:
# each time they are shown one, yuncheng.personal_numbers.full_id_viewed writes a log line.
FULL_ID_AUDITED_ROLES = frozenset({Role.CITY_ADMIN, Role.COUNTY_REVIEWER})


def role_of(user) -> str | None:
    """The user's role, or None for anonymous users, inactive users and users without a role."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    profile = getattr(user, "profile", None)
    if profile is None or not profile.role:
        return None
    return profile.role


def may_see_full_id(user) -> bool:
    return role_of(user) in FULL_ID_ROLES
