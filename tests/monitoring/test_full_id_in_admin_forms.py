"""Admin change forms show 身份证号 by the pages' rule: in full to the roles that need it — each sight by the
audited roles (city administrator, county reviewer) logged, as on the pages — and masked to everybody else."""

import logging

import pytest
from django.urls import reverse

from monitoring.models import Member
from yuncheng.idcard import mask_id_number

pytestmark = pytest.mark.django_db
AUDIT = "yuncheng.audit.full_id"


def _audit_lines(caplog):
    return [r.getMessage() for r in caplog.records if r.name == AUDIT]


def test_the_city_administrator_opening_a_member_form_is_logged(client_for, users, family, caplog):
    member = Member.objects.get(household=family, name="王大山")
    with caplog.at_level(logging.INFO, logger=AUDIT):
        page = client_for(users.city_admin).get(reverse("admin:monitoring_member_change", args=[member.pk]))
    assert page.status_code == 200 and member.id_number in page.content.decode()
    lines = _audit_lines(caplog)
    assert len(lines) == 1
    assert "user=city_admin" in lines[0] and "monitoring.member change form" in lines[0]
    assert member.id_number not in lines[0]  # the log line itself masks the number


def test_a_household_form_logs_each_members_number_shown_in_its_rows(client_for, users, family, caplog):
    with caplog.at_level(logging.INFO, logger=AUDIT):
        page = client_for(users.pinglu_reviewer).get(reverse("admin:monitoring_household_change", args=[family.pk]))
    assert page.status_code == 200
    lines = _audit_lines(caplog)
    assert len(lines) == 2 and all("user=pinglu_reviewer" in line for line in lines)


def test_the_village_officer_entering_the_numbers_is_not_logged(client_for, users, family, caplog):
    member = Member.objects.get(household=family, name="王大山")
    with caplog.at_level(logging.INFO, logger=AUDIT):
        page = client_for(users.jia1_officer).get(reverse("admin:monitoring_member_change", args=[member.pk]))
    assert page.status_code == 200 and member.id_number in page.content.decode()
    assert _audit_lines(caplog) == []


def test_a_version_in_the_history_is_logged_too(client_for, users, family, caplog):
    member = Member.objects.get(household=family, name="王大山")
    version = member.history.latest().history_id
    with caplog.at_level(logging.INFO, logger=AUDIT):
        page = client_for(users.city_admin).get(
            reverse("admin:monitoring_member_simple_history", args=[member.pk, version]))
    assert page.status_code == 200
    assert [line for line in _audit_lines(caplog) if "history version" in line]


def test_a_changed_number_in_the_history_list_is_logged(client_for, users, family, caplog):
    from monitoring import services

    from .factories import id_number

    member = Member.objects.get(household=family, name="王大山")
    old = member.id_number
    services.member_update(user=users.jia1_officer, member=member, loaded_version=member.version,
                           id_number=id_number(born=member.birth_date, male=True))
    with caplog.at_level(logging.INFO, logger=AUDIT):
        page = client_for(users.city_admin).get(reverse("admin:monitoring_member_history", args=[member.pk]))
    assert old in page.content.decode()
    assert len([line for line in _audit_lines(caplog) if "history" in line]) == 2  # old and new
