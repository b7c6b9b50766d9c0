"""History on every record users change, and the city administrator's 操作审计 page over all of it."""

import datetime
import io

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from accounts.audit import AUDITED_APPS, changes_page
from accounts.roles import Role
from accounts.services import user_set_role
from rectification.models import HandOver, ResponsibleUnit, SupervisionLetter
from villages.models import Village

pytestmark = pytest.mark.django_db

# Records that are themselves an append-only trail (a review step, an issue's transition): nobody edits them.
APPEND_ONLY = {"monitoring.ReviewEvent", "rectification.IssueTransition"}


def test_every_model_users_change_keeps_history():
    missing = [
        model._meta.label for model in apps.get_models()
        if model._meta.app_label in AUDITED_APPS
        and not hasattr(model, "instance_type")  # a history model itself
        and not model._meta.auto_created
        and model._meta.label not in APPEND_ONLY
        and not hasattr(model, "history")
    ]
    assert missing == []


def test_users_own_rows_keep_history_without_passwords():
    from django.contrib.auth import get_user_model

    historical = get_user_model().history.model
    assert "password" not in {f.name for f in historical._meta.fields}


def test_supervision_letters_hand_overs_units_and_villages_keep_history(users, geo):
    unit = ResponsibleUnit.objects.create(name="平陆县农业农村局", county=geo.pinglu)
    unit.name = "平陆县农业农村和水利局"
    unit.save()
    geo.jia1.name = "甲一新村"
    geo.jia1.save()
    assert [h.name for h in unit.history.order_by("history_date")] == ["平陆县农业农村局", "平陆县农业农村和水利局"]
    assert [h.name for h in Village.history.filter(code=geo.jia1.code).order_by("history_date")] == ["甲一村", "甲一新村"]
    assert hasattr(SupervisionLetter, "history") and hasattr(HandOver, "history")


def test_a_role_and_area_change_shows_before_and_after_on_the_audit_page(client_for, users):
    user_set_role(user=users.jia1_officer, role=Role.TOWNSHIP_CLERK, area_code="140829100")
    page = client_for(users.city_admin).get(reverse("reports:audit"), {"model": "accounts.Profile"}).content.decode()
    assert "<strong>角色</strong>：村级信息员 → 乡镇录入员" in page
    assert "<strong>管辖区域代码</strong>：140829100200 → 140829100" in page


def test_audit_filters_by_user_area_and_date(users, geo):
    users.jia1_officer.profile.refresh_from_db()
    user_set_role(user=users.xia_reviewer, role=Role.COUNTY_REVIEWER, area_code="140828")
    in_pinglu = changes_page(model_label="accounts.Profile", area="140829")
    assert {c.object_repr.split("（")[0] for c in in_pinglu} >= {"jia1_officer"}
    assert "xia_reviewer" not in {c.object_repr.split("（")[0] for c in in_pinglu}
    tomorrow = datetime.date.today() + datetime.timedelta(days=2)
    assert changes_page(date_from=tomorrow) == []
    assert changes_page(username="nobody") == []


def test_audit_page_reads_a_fixed_number_of_queries_whatever_the_number_of_changes(client_for, users, geo):
    client = client_for(users.city_admin)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("reports:audit"), {"model": "rectification.ResponsibleUnit"})
    unit = ResponsibleUnit.objects.create(name="市直甲单位")
    for i in range(20):
        unit.name = f"市直甲单位{i}"
        unit._history_user = users.city_admin
        unit.save()
    with CaptureQueriesContext(connection) as many:
        page = client.get(reverse("reports:audit"), {"model": "rectification.ResponsibleUnit"}).content.decode()
    assert "市直甲单位18 → 市直甲单位19" in page
    # Reading 21 changes costs the same as reading none, plus the rows, their versions and their users.
    assert len(many.captured_queries) - len(few.captured_queries) == 3


def test_audit_exports_to_excel(client_for, users):
    user_set_role(user=users.jia1_officer, role=Role.TOWNSHIP_CLERK, area_code="140829100")
    response = client_for(users.city_admin).get(reverse("reports:audit"), {"model": "accounts.Profile",
                                                                            "export": "xlsx"})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = [[c for c in row] for row in sheet.iter_rows(values_only=True)]
    assert any(tuple(row[6:9]) == ("角色", "村级信息员", "乡镇录入员") for row in rows)


def test_only_the_city_administrator_opens_the_audit_page(client_for, users):
    assert client_for(users.pinglu_reviewer).get(reverse("reports:audit")).status_code == 403
