"""Each data-quality check finds a household planted with its problem, and only that one."""

import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.roles import Role

from monitoring import services
from monitoring.models import Household, Member
from monitoring.quality import check_households

from .factories import id_number

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2023, 12, 1)


def found(key):
    return set(check_households(key=key, households=Household.objects.all(), today=TODAY)
               .values_list("code", flat=True))


@pytest.fixture
def clean(users, geo, approved):
    """The approved family, put in order: a development measure and a year's employment."""
    services.measure_add(user=users.jia1_officer, household=approved.household, measure_type="industry",
                         start_date=datetime.date(2023, 3, 15))
    return approved.household


def test_a_clean_registry_has_no_findings(clean):
    for key in ("bad_id", "duplicate_person", "early_elimination", "no_development_measure", "below_threshold",
                "relocated_jobless", "size_mismatch"):
        assert found(key) == set(), key


def test_bad_id_check_digit_is_found(clean):
    member = clean.members.first()
    Member.objects.filter(pk=member.pk).update(id_number=member.id_number[:17] + ("1" if member.id_number[17] != "1"
                                                                                  else "2"))
    assert found("bad_id") == {clean.code}


def test_a_person_in_two_households_is_found(users, geo, clean):
    other = services.household_create(user=users.jia_clerk, code="1408291002010002", village=geo.jia2,
                                      head_name="赵四")
    number = next(n for n in (id_number() for _ in range(200)) if n.endswith("X"))
    services.member_add(user=users.jia_clerk, household=other, name="赵四", id_number=number)
    # an import that bypassed validation wrote the same person with a lower-case x into the clean household
    Member.objects.filter(pk=clean.members.first().pk).update(id_number=number.lower())
    assert found("duplicate_person") == {clean.code, other.code}


def test_early_elimination_is_found(users, clean):
    record = clean.monitoring_records.get()
    services.elimination_request(user=users.jia1_officer, record=record, mode="natural",
                                 month=datetime.date(2023, 7, 1), notice_start=datetime.date(2023, 7, 3),
                                 notice_end=datetime.date(2023, 7, 9))
    assert found("early_elimination") == {clean.code}


def test_missing_development_measure_is_found(approved):
    assert found("no_development_measure") == {approved.household.code}


def test_income_below_threshold_without_monitoring_is_found(users, geo, clean):
    poor = services.household_create(user=users.jia1_officer, code="1408291002000009", village=geo.jia1,
                                     head_name="钱六", is_poverty_alleviated=True)
    services.member_add(user=users.jia1_officer, household=poor, name="钱六", relation="head", id_number=id_number())
    services.income_record_save(user=users.jia1_officer, household=poor, year=2023, quarter=3,
                                wage_income=Decimal("4000"))  # 4,000 to Q3 → 5,333 a year < 7,100
    assert found("below_threshold") == {poor.code}


def test_relocated_household_with_labour_and_nobody_employed_is_found(users, geo, clean):
    services.employment_save(user=users.jia1_officer, member=clean.members.first(), year=2023, location="county",
                             months=6, channel="workshop")
    moved = services.household_create(user=users.jia1_officer, code="1408291002000010", village=geo.jia1,
                                      head_name="周七", is_poverty_alleviated=True, is_relocated=True)
    services.member_add(user=users.jia1_officer, household=moved, name="周七", relation="head",
                        id_number=id_number(born=datetime.date(1985, 1, 1)), labour_skill="ordinary")
    assert found("relocated_jobless") == {moved.code}


def test_size_mismatch_is_found(clean):
    Household.objects.filter(pk=clean.pk).update(size=5)
    assert found("size_mismatch") == {clean.code}


def test_quality_page_counts_by_area_and_links_to_the_list(client_for, users, approved):
    response = client_for(users.pinglu_reviewer).get(reverse("monitoring:quality"))
    rows = {row["check"].key: row for row in response.context["rows"]}
    assert rows["no_development_measure"]["total"] == 1
    assert rows["no_development_measure"]["areas"] == [("140829100", "甲镇", 1)]
    listed = client_for(users.pinglu_reviewer).get(reverse("monitoring:household_list"),
                                                   {"check": "no_development_measure"})
    assert [h.code for h in listed.context["table"].data] == [approved.household.code]
    assert client_for(users.xia_reviewer).get(reverse("monitoring:quality")).context["rows"][3]["total"] == 0


def test_quality_command_prints_each_check(approved, capsys):
    call_command("monitoring_quality")
    out = capsys.readouterr().out
    assert "识别1个月后未落实开发式帮扶" in out and "1" in out


def test_quality_command_defaults_to_the_users_own_area(approved, users, capsys):
    call_command("monitoring_quality", "--user", "pinglu_reviewer")
    out = capsys.readouterr().out
    assert "识别1个月后未落实开发式帮扶：1（甲镇 1）" in out  # 平陆县's townships, not the city's counties
    call_command("monitoring_quality", "--user", "xia_reviewer")
    assert "识别1个月后未落实开发式帮扶：0" in capsys.readouterr().out


def test_quality_command_refuses_an_area_outside_the_user(approved, users):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="无权查看"):
        call_command("monitoring_quality", "--user", "xia_reviewer", "--area", "140829")


def test_quality_command_of_another_citys_administrator_reads_that_city(approved, users, settings, make_user, capsys):
    settings.PLATFORM_AREA = "140000"
    make_user("taiyuan_admin", Role.CITY_ADMIN, "140100")
    call_command("monitoring_quality", "--user", "taiyuan_admin")
    assert "识别1个月后未落实开发式帮扶：0" in capsys.readouterr().out  # 运城's household is not 太原's


def test_another_citys_administrator_gets_the_city_checks_in_the_background(settings, make_user, geo, client_for,
                                                                            inline_jobs):
    settings.PLATFORM_AREA = "140000"
    page = client_for(make_user("taiyuan_admin", Role.CITY_ADMIN, "140100")).get(reverse("monitoring:quality"))
    assert page.context["in_background"] is True  # by county, like 运城's, not township by township inline


def test_size_mismatch_counts_households_not_members_when_counted_by_area(users, geo, clean):
    """Grouped by area, the member count must stay each household's own (it counted the whole area's)."""
    other = services.household_create(user=users.jia_clerk, code="1408291002010003", village=geo.jia2,
                                      head_name="孙八")
    services.member_add(user=users.jia_clerk, household=other, name="孙八", relation="head", id_number=id_number())
    from monitoring.quality import quality_summary

    households = Household.objects.all()
    rows = {row["check"].key: row for row in quality_summary(households=households, group_len=6, today=TODAY)}
    assert rows["size_mismatch"]["total"] == 0
    Household.objects.filter(pk=other.pk).update(size=3)
    rows = {row["check"].key: row for row in quality_summary(households=households, group_len=9, today=TODAY)}
    assert (rows["size_mismatch"]["total"], rows["size_mismatch"]["by_area"]) == (1, {"140829100": 1})


def test_every_check_counts_what_its_list_shows_by_county_and_in_total(client_for, users, geo, approved, inline_jobs):
    Household.objects.filter(pk=approved.household.pk).update(size=7)
    client = client_for(users.city_admin)
    rows = client.get(reverse("monitoring:quality")).context["rows"]
    for row in rows:
        listed = client.get(reverse("monitoring:household_list"), {"check": row["check"].key})
        assert listed.context["table"].paginator.count == row["total"], row["check"].key
        for code, _, n in row["areas"]:
            by_county = client.get(reverse("monitoring:household_list"), {"check": row["check"].key, "county": code})
            assert by_county.context["table"].paginator.count == n, (row["check"].key, code)


@pytest.fixture
def inline_jobs(settings):
    settings.Q_CLUSTER = {**settings.Q_CLUSTER, "sync": True}
    from django.core.cache import cache

    cache.clear()


def test_city_checks_run_as_a_job_and_the_page_shows_progress_until_done(client_for, users, approved, monkeypatch):
    import django_q.tasks
    from django.core.cache import cache

    from monitoring.quality import quality_job_run

    cache.clear()
    calls = []
    # A worker that has not picked the job up yet.
    monkeypatch.setattr(django_q.tasks, "async_task", lambda *args, **kwargs: calls.append(args))
    client = client_for(users.city_admin)
    waiting = client.get(reverse("monitoring:quality"))
    assert 'data-testid="quality-progress"' in waiting.content.decode()
    assert client.get(reverse("monitoring:quality_status")).json() == {"ready": False, "done": 0, "total": 7}
    client.get(reverse("monitoring:quality"))
    assert len(calls) == 1  # the running job is not started twice
    quality_job_run(*calls[0][1:])
    assert client.get(reverse("monitoring:quality_status")).json() == {"ready": True, "done": 0, "total": 0}
    done = client.get(reverse("monitoring:quality"))
    rows = {row["check"].key: row for row in done.context["rows"]}
    assert rows["no_development_measure"]["total"] == 1
    assert 'data-testid="quality-computed-at"' in done.content.decode()


def test_county_checks_answer_while_the_page_loads(client_for, users, approved, inline_jobs):
    response = client_for(users.pinglu_reviewer).get(reverse("monitoring:quality"))
    assert 'data-testid="quality-progress"' not in response.content.decode()
    assert response.context["rows"][3]["total"] == 1


def _with_check_digit(first17: str) -> str:
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return first17 + "10X98765432"[sum(int(c) * w for c, w in zip(first17, weights)) % 11]


@pytest.mark.parametrize("first17, why", [
    ("14082920240101001", "birth year after this year (TODAY is 2023)"),
    ("14082918990101001", "birth year before 1900"),
    ("14082919901301001", "month 13"),
    ("14082919900132001", "day 32"),
])
def test_bad_id_with_a_right_check_digit_but_an_impossible_birth_date_is_found(clean, first17, why):
    member = clean.members.first()
    Member.objects.filter(pk=member.pk).update(id_number=_with_check_digit(first17))
    assert found("bad_id") == {clean.code}, why


def test_bad_id_of_the_wrong_shape_is_found(clean):
    Member.objects.filter(pk=clean.members.first().pk).update(id_number="14082919900101001?")
    assert found("bad_id") == {clean.code}


@pytest.mark.parametrize("key, index", [("bad_id", "member_malformed_id_idx"),
                                        ("duplicate_person", "member_unnormalised_id_idx")])
def test_id_checks_read_their_partial_index_on_postgresql(clean, key, index):
    """A county's bad-ID check computed the check digit of all its ~35,000 members (0.3–0.4 s) and the
    duplicate check scanned every member of the city; partial indexes hold the few odd members. The planner
    uses one only when the query's condition is the index's: this fails when the two drift apart."""
    from django.db import connection

    from monitoring.quality import malformed_id_number_q, unnormalised_id_number_q

    if connection.vendor != "postgresql":
        pytest.skip("the partial indexes exist on PostgreSQL only")
    condition = {"bad_id": malformed_id_number_q, "duplicate_person": unnormalised_id_number_q}[key]()
    query = Member.objects.filter(condition, household__in=Household.objects.values("pk")).values("household_id")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a tiny table: make the planner show what it could use
        plan = query.explain()
    assert index in plan
