import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from resident_teams import selectors, services
from tests.factories import RelocationSiteFactory

from .factories import MONDAY, HouseholdFactory, TeamMemberFactory, VisitFactory, WorkTeamFactory

START, END = datetime.date(2023, 8, 1), datetime.date(2023, 10, 31)


def test_coverage_is_the_share_of_monitored_households_of_the_station_visited_in_the_period(teams, geo):
    monitored = [HouseholdFactory(village=geo.jia1, is_monitored=True) for _ in range(4)]
    ordinary = HouseholdFactory(village=geo.jia1)
    HouseholdFactory(village=geo.jia2, is_monitored=True)  # another village: not the station's
    VisitFactory(member=teams.jia.me, household=monitored[0], visited_on=MONDAY)
    VisitFactory(member=teams.jia.other, household=monitored[0], visited_on=MONDAY)  # the same household twice
    VisitFactory(member=teams.jia.secretary, household=monitored[1], visited_on=START)
    VisitFactory(member=teams.jia.me, household=monitored[2], visited_on=START - datetime.timedelta(days=1))  # before
    VisitFactory(member=teams.jia.me, household=ordinary, visited_on=MONDAY)  # not monitored

    coverage = selectors.visit_coverage(team=teams.jia_team, date_from=START, date_to=END)
    assert (coverage.households, coverage.visited, coverage.pct) == (4, 2, Decimal("50.0"))


def test_visits_by_another_team_do_not_count(teams, geo):
    household = HouseholdFactory(village=geo.jia1, is_monitored=True)
    other_team = WorkTeamFactory(village=geo.jia1, is_demo_village_station=True)
    VisitFactory(member=TeamMemberFactory(team=other_team), household=household, visited_on=MONDAY)
    assert selectors.visit_coverage(team=teams.jia_team, date_from=START, date_to=END).visited == 0


def test_coverage_of_a_station_without_monitored_households_is_undefined(teams):
    coverage = selectors.visit_coverage(team=teams.jia_team, date_from=START, date_to=END)
    assert (coverage.households, coverage.pct) == (0, None)


def test_relocation_site_station_covers_the_households_relocated_there(geo):
    site = RelocationSiteFactory(township=geo.jia, name="甲镇安置点")
    team = WorkTeamFactory(relocation_site=site, is_relocation_site_station=True)
    relocated = HouseholdFactory(village=geo.jia2, is_relocated=True, relocation_site=site, is_monitored=True)
    HouseholdFactory(village=geo.jia2, is_monitored=True)
    assert list(selectors.station_households(team=team)) == [relocated]


def test_visit_to_a_household_outside_the_station_is_refused(teams, geo, users):
    elsewhere = HouseholdFactory(village=geo.jia2)
    with pytest.raises(ValidationError) as exc:
        services.visit_record(user=users.team_user, member=teams.jia.me, household=elsewhere, visited_on=MONDAY,
                              content="走访")
    assert "该农户不在本工作队的派驻地" in str(exc.value)


def test_visit_needs_content(teams, geo, users):
    household = HouseholdFactory(village=geo.jia1)
    with pytest.raises(ValidationError):
        services.visit_record(user=users.team_user, member=teams.jia.me, household=household, visited_on=MONDAY,
                              content="  ")


def test_township_station_covers_every_village_of_the_township(geo):
    team = WorkTeamFactory(township=geo.jia, is_key_township_station=True, is_poverty_village_station=False)
    in_jia1 = HouseholdFactory(village=geo.jia1, is_monitored=True)
    in_jia2 = HouseholdFactory(village=geo.jia2, is_monitored=True)
    HouseholdFactory(village=geo.yi1, is_monitored=True)
    assert set(selectors.station_households(team=team)) == {in_jia1, in_jia2}
    coverage = selectors.visit_coverage(team=team, date_from=START, date_to=END)
    assert coverage.households == 2
