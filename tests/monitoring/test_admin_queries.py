"""The household admin change form under load (issue 14): its GET and its POST send a fixed number of
queries whatever the number of members, and never the same statement twice on a GET — with the page
showing, and the save checking, what it did before."""

import datetime
from collections import Counter
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from monitoring import services
from monitoring.models import Household, Member, Relation, RiskType

from ..admin_forms import admin_form_data, inline_prefixes
from .factories import id_number

pytestmark = pytest.mark.django_db

EDITORS = ["city_admin", "pinglu_reviewer", "jia_clerk", "jia1_officer"]


def _url(household):
    return reverse("admin:monitoring_household_change", args=[household.pk])


def _household(officer, village, code, members: int) -> Household:
    """A household of ``members`` people with an income record and a draft identification."""
    household = services.household_create(user=officer, code=code, village=village, head_name="户主")
    for i in range(members):
        services.member_add(user=officer, household=household, name=f"成员{i}",
                            relation=Relation.HEAD if i == 0 else Relation.SON,
                            id_number=id_number(born=datetime.date(1960 + i, 3, 9), male=True))
    services.income_record_save(user=officer, household=household, year=2023, quarter=3,
                                wage_income=Decimal("9000"))
    services.monitoring_create(user=officer, household=household, category="marginal", risk_types=["illness"],
                               channel="cadre", identified_month=datetime.date(2023, 3, 1))
    household.refresh_from_db()
    return household


@pytest.fixture
def small_and_large(users, geo):
    officer = users.jia1_officer
    return (_household(officer, geo.jia1, "1408291002000101", 2),
            _household(officer, geo.jia1, "1408291002000102", 8))


def _get(client, household):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(_url(household))
    assert response.status_code == 200
    return response, [query["sql"] for query in queries.captured_queries]


def _post(client, household, response, value="改"):
    data = admin_form_data(response)
    data["natural_village"] = value
    with CaptureQueriesContext(connection) as queries:
        saved = client.post(_url(household), data)
    assert saved.status_code == 302 and "/change/" not in saved["Location"]
    return [query["sql"] for query in queries.captured_queries]


@pytest.mark.parametrize("username", EDITORS)
def test_the_change_form_reads_the_same_queries_for_two_members_as_for_eight(users, client_for, small_and_large,
                                                                             username):
    small, large = small_and_large
    client = client_for(getattr(users, username))
    client.get(_url(small))  # the caches of a first page (content types, permissions)
    _, for_small = _get(client, small)
    _, for_large = _get(client, large)
    assert len(for_large) == len(for_small)
    # Each inline asked the household's scope again, and each record's form read the risk types again.
    assert [sql for sql, times in Counter(for_large).items() if times > 1] == []


@pytest.mark.parametrize("username", EDITORS)
def test_saving_the_change_form_sends_the_same_queries_for_two_members_as_for_eight(users, client_for,
                                                                                    small_and_large, username):
    small, large = small_and_large
    client = client_for(getattr(users, username))
    _post(client, small, client.get(_url(small)), "一组")  # the caches of a first save
    for_small = _post(client, small, client.get(_url(small)), "二组")
    for_large = _post(client, large, client.get(_url(large)), "二组")
    assert len(for_large) == len(for_small)
    assert Household.objects.get(pk=large.pk).natural_village == "二组"
    assert Household.history.filter(id=large.pk, natural_village="二组").count() == 1


def test_every_row_still_offers_every_risk_type_with_its_own_chosen(users, client_for, small_and_large):
    small, _ = small_and_large
    page = client_for(users.jia_clerk).get(_url(small))
    prefix = inline_prefixes(page)[small.monitoring_records.model]
    html = page.content.decode()
    codes = list(RiskType.objects.values_list("code", flat=True))
    for row in ("0", "__prefix__"):  # the record's row and the empty row of 添加
        select = html.split(f'name="{prefix}-{row}-risk_types"', 1)[1].split("</select>", 1)[0]
        assert [code for code in codes if f'value="{code}"' in select] == codes
        assert ('value="illness" selected' in select) is (row == "0")


def test_a_changed_member_row_is_still_checked_against_the_whole_registry(users, client_for, small_and_large):
    """Unchanged stored rows skip the database's checks; a changed row keeps them all."""
    small, large = small_and_large
    client = client_for(users.jia_clerk)
    page = client.get(_url(small))
    data = admin_form_data(page)
    prefix = inline_prefixes(page)[Member]
    row = next(k[: -len("-id")] for k, v in data.items()
               if k.startswith(prefix) and k.endswith("-id") and v and Member.objects.get(pk=v).relation != "head")
    taken = large.members.first().id_number
    data[f"{row}-id_number"] = taken
    response = client.post(_url(small), data)
    assert response.status_code == 200
    assert "该身份证号已登记在其他户" in response.content.decode()
    assert Member.objects.filter(id_number=taken).get().household_id == large.pk


def test_a_posted_row_key_of_another_household_is_not_taken_as_a_row_of_this_one(users, client_for, small_and_large):
    small, large = small_and_large
    client = client_for(users.jia_clerk)
    page = client.get(_url(small))
    data = admin_form_data(page)
    prefix = inline_prefixes(page)[Member]
    row = next(k[: -len("-id")] for k, v in data.items() if k.startswith(prefix) and k.endswith("-id") and v)
    stranger = large.members.exclude(relation="head").first()
    data[f"{row}-id"] = str(stranger.pk)
    data[f"{row}-name"] = "改名"
    client.post(_url(small), data)
    stranger.refresh_from_db()
    assert (stranger.name, stranger.household_id) != ("改名", small.pk)
    assert stranger.household_id == large.pk and stranger.name != "改名"


# ---------------------------------------------------------------- the changelist


def _changelist(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("admin:monitoring_household_changelist") + "?p=1")
    assert response.status_code == 200
    counts = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT COUNT(*)")
              and 'FROM "monitoring_household"' in q["sql"]]
    return response, counts


def test_the_count_of_a_large_list_is_kept_a_minute_and_a_small_one_is_exact(users, client_for, small_and_large,
                                                                             monkeypatch):
    from accounts.admin import LargeCountPaginator

    monkeypatch.setattr(LargeCountPaginator, "_counts", {})
    client = client_for(users.city_admin)
    response, counts = _changelist(client)
    assert response.context["cl"].result_count == 2 and len(counts) == 1
    services.household_create(user=users.jia1_officer, code="1408291002000103", village=small_and_large[0].village,
                              head_name="新户")
    response, counts = _changelist(client)  # a small list: counted on every page
    assert response.context["cl"].result_count == 3 and len(counts) == 1

    monkeypatch.setattr(LargeCountPaginator, "LARGE", 2)  # as if these three were the city's 130,000
    _changelist(client)
    response, counts = _changelist(client)
    assert response.context["cl"].result_count == 3 and counts == []
    monkeypatch.setattr(LargeCountPaginator, "SECONDS", 0)  # a minute later
    response, counts = _changelist(client)
    assert response.context["cl"].result_count == 3 and len(counts) == 1
    # Kept by area: the county reviewer's list is counted on its own.
    response, counts = _changelist(client_for(users.jia1_officer))
    assert response.context["cl"].result_count == 3 and len(counts) == 1


def test_the_changelist_checkbox_is_the_one_django_renders(users, client_for, small_and_large):
    from django import forms
    from django.contrib.admin import helpers

    small, _ = small_and_large
    html = _changelist(client_for(users.city_admin))[0].content.decode()  # who has an action (delete)
    django_checkbox = forms.CheckboxInput(
        {"class": "action-select", "aria-label": f"选择此对象执行操作 - {small}"}, lambda value: False
    ).render(helpers.ACTION_CHECKBOX_NAME, str(small.pk))
    assert django_checkbox in html


def test_the_row_links_carry_the_lists_filters_as_django_adds_them(users, client_for, small_and_large):
    from urllib.parse import urlencode

    from django.contrib.admin.templatetags.admin_urls import add_preserved_filters

    small, _ = small_and_large
    html = client_for(users.pinglu_reviewer).get(
        reverse("admin:monitoring_household_changelist") + "?type=general&county=140829&p=1").content.decode()
    django_link = add_preserved_filters(
        {"preserved_filters": urlencode({"_changelist_filters": "type=general&county=140829&p=1"}),
         "opts": Household._meta}, _url(small))
    assert "_changelist_filters=" in django_link and f'href="{django_link.replace("&", "&amp;")}"' in html


def test_each_inline_brings_the_scripts_django_would_gather_row_by_row(users, client_for, small_and_large):
    from django.contrib.admin import helpers

    _, large = small_and_large
    page = client_for(users.jia_clerk).get(_url(large))
    for inline_admin_formset in page.context["inline_admin_formsets"]:
        row_by_row = helpers.InlineAdminFormSet.media.fget(inline_admin_formset)
        assert str(inline_admin_formset.media) == str(row_by_row)
    assert "admin/js/inlines.js" in str(page.context["media"])
