"""The generated write test: no form lets a writer point a record at another county.

From the admin registry (every ModelAdmin and its inlines, change and add pages) and from the page
forms of the URL conf, every foreign key, many-to-many and area field is posted once with an object
(or a code) of 夏县 by a writer of 平陆县. Each post must be refused on that field and leave the
database as it was. The cases are generated, so a field or an admin added later is tested without
anyone remembering to: the test prints how many (form, field) cases it ran. The same fields are then
posted past the forms' choices (each widened to every object, as if its choices had been forgotten) to
the admin's own save steps, which must refuse them in the services; and every admin sidebar filter is
read for another county's objects.

One small world of two counties is built once for all cases (a class-scoped fixture would need
``django_db_setup`` tricks; building it costs less than a second, the posts are the time).
"""

import datetime
import importlib
from decimal import Decimal

import pytest
from django import forms
from django.apps import apps
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.urls import reverse

from accounts.roles import Role
from accounts.scoping import CHANGE, scope

from .admin_forms import admin_form_data

OUR_APPS = ["villages", "accounts", "monitoring", "assistance", "resident_teams", "rectification", "dashboard",
            "reports"]
FOREIGN = "140828"  # 夏县: outside every writer's area below
WRITERS = ["pinglu_reviewer", "jia_clerk", "jia1_officer", "team_user", "unit_user", "city_leader"]

# Page forms of the URL conf with fields that point at objects or areas, and how each is posted. The
# guard test below fails when a form grows such a field without a case here.
PAGE_CASES = {
    ("rectification.forms", "AssignForm", "unit"),
    ("resident_teams.forms", "VisitForm", "household"),
}
# Fields of page forms that choose what to read, not what to write (the reports' area picker and the
# audit page's filter are checked by the scoped read tests of their apps).
READ_ONLY_PAGE_FIELDS = {("reports.forms", "ReportPeriodForm", "area"), ("accounts.forms", "AuditFilterForm", "area")}

pytestmark = pytest.mark.django_db


# ---------------------------------------------------------------- the world


@pytest.fixture
def world(geo, users, make_user):
    """One of every record the admin edits, in 平陆县 (甲一村 / 甲镇) and in 夏县 (丙一村 / 丙镇)."""
    from assistance.models import (AssistanceProject, ConsumptionPlatform, ConsumptionSale, FundingSource, PVEmployee,
                                   PVIncome, PVStation, Workshop, WorkshopEmployee)
    from monitoring.models import (AssistanceMeasure, Employment, EmploymentTarget, Household, IncomeRecord, Member,
                                   MonitoringRecord, RiskType)
    from rectification.models import (Aspect, Category, HandOver, HandOverItem, Issue, ResponsibleUnit,
                                      SupervisionLetter)
    from resident_teams.models import (AttendanceWeek, Evaluation, Inspection, TeamMember, TrainingSession, Visit,
                                       WorkTeam)
    from resident_teams.services import team_fill_station
    from villages.models import RelocationSite, VillageCollectiveEconomy
    from yuncheng.idcard import make_id_number

    make_user("xia_officer", Role.VILLAGE_OFFICER, geo.bing1.code)
    make_user("xia_team_user", Role.TEAM_MEMBER, geo.bing1.code)
    make_user("xia_unit_user", Role.UNIT, "140800", unit_name="夏县乡村振兴局")
    RiskType.objects.get_or_create(code="illness", defaults={"name": "因病"})
    aspect, _ = Aspect.objects.get_or_create(name="防止返贫动态监测")
    category, _ = Category.objects.get_or_create(aspect=aspect, name="监测对象识别不精准")
    platform, _ = ConsumptionPlatform.objects.get_or_create(name="832平台")
    made = {}
    for key, county, township, village, n in (("pl", geo.pinglu, geo.jia, geo.jia1, 1),
                                              ("xia", geo.xia, geo.bing, geo.bing1, 2)):
        site = RelocationSite.objects.create(name=f"{village.name}安置点", county=county, township=township,
                                             village=village)
        VillageCollectiveEconomy.objects.create(village=village, year=2023, income=Decimal("100000"))
        household = Household.objects.create(code=f"{village.code}0001", village=village, head_name="户主",
                                             is_poverty_alleviated=True)
        member = Member(household=household, name="户主", relation="head",
                        id_number=make_id_number(county.code, datetime.date(1970, 1, n), 10 + n, True))
        member.full_clean()
        member.save()
        IncomeRecord.objects.create(household=household, year=2023, quarter=3, wage_income=Decimal("9000"), persons=1)
        AssistanceMeasure.objects.create(household=household, measure_type="industry",
                                         start_date=datetime.date(2023, 4, 1))
        Employment.objects.create(member=member, year=2023, location="in_county", months=6, channel="self")
        record = MonitoringRecord.objects.create(household=household, category="marginal", channel="cadre",
                                                 identified_month=datetime.date(2023, 3, 1))
        record.risk_types.add("illness")
        EmploymentTarget.objects.create(area_code=county.code, year=2023, migrant_target=1000)
        team = WorkTeam(code=f"ZC-{key}", name=f"{village.name}工作队", village=village, dispatch_unit="县委组织部",
                        is_poverty_village_station=True,
                        dispatch_level="county", arrived_on=datetime.date(2021, 6, 1))
        team_fill_station(team)
        team.save()
        account = get_user_model().objects.get(username="team_user" if key == "pl" else "xia_team_user")
        team_member = TeamMember.objects.create(
            team=team, name="队员", role="member", unit="县委组织部", joined_on=datetime.date(2021, 6, 1), user=account,
            id_number=make_id_number(county.code, datetime.date(1985, 3, n), 20 + n, True))
        AttendanceWeek.objects.create(member=team_member, week_start=datetime.date(2023, 10, 23), days_on_station=5,
                                      nights_on_station=4)
        Visit.objects.create(member=team_member, household=household, visited_on=datetime.date(2023, 10, 24),
                             content="走访")
        TrainingSession.objects.create(title="轮训", kind="central", held_on=datetime.date(2023, 5, 6),
                                       area_code=county.code, organizer="组织部", attendees=10)
        Inspection.objects.create(group="暗访组", inspected_on=datetime.date(2023, 9, 12), area_code=township.code)
        Evaluation.objects.create(team=team, kind="bimonthly", year=2023, bimonth=1, score=Decimal("90"))
        unit = ResponsibleUnit.objects.create(name=f"{county.name}乡村振兴局", county=county)
        unit.users.add(get_user_model().objects.get(username="unit_user" if key == "pl" else "xia_unit_user"))
        issue = Issue.objects.create(number=f"YC-2023-000{n}", source="city", aspect=aspect, category=category,
                                     county=county, village=village, description="问题", responsible_unit=unit,
                                     found_date=datetime.date(2023, 3, 1), deadline=datetime.date(2023, 6, 30))
        handover = HandOver.objects.create(county=county, title="第一批", handed_date=datetime.date(2023, 3, 5))
        HandOverItem.objects.create(handover=handover, issue=issue)
        letter = SupervisionLetter.objects.create(number=f"督〔2023〕{n}号", issued_date=datetime.date(2023, 4, 1),
                                                  reply_deadline=datetime.date(2023, 4, 15), addressee_county=county)
        letter.issues.add(issue)
        workshop = Workshop.objects.create(name=f"{village.name}车间", village=village, operator="合作社",
                                           is_operating=True, operating_since=datetime.date(2021, 3, 1))
        WorkshopEmployee.objects.create(workshop=workshop, name="工人")
        station = PVStation.objects.create(name=f"{village.name}光伏", village=village, capacity_kw=Decimal("300"))
        PVIncome.objects.create(station=station, year=2023, income=Decimal("18000"), posts=2)
        PVEmployee.objects.create(station=station, year=2023, name="光伏岗")
        AssistanceProject.objects.create(name=f"{county.name}项目", county=county, village=village,
                                         funding_source=FundingSource.LINKAGE, amount=Decimal("500000"), year=2023)
        ConsumptionSale.objects.create(platform=platform, county=county, year=2023, quarter=1, amount=Decimal("1000"),
                                       beneficiaries=10)
        made[key] = {"household": household, "issue": issue, "unit": unit, "site": site}
    return made


# ---------------------------------------------------------------- what is outside


def _area_of(obj) -> str | None:
    """The area code of any object, walked independently of the code under test."""
    if isinstance(obj, get_user_model()):
        profile = getattr(obj, "profile", None)
        return profile.area_code if profile else None
    lookup = getattr(type(obj), "REFERENCE_AREA_LOOKUP", None) or getattr(type(obj), "AREA_LOOKUP", None)
    if lookup is None:
        return None
    value = obj
    for part in lookup.split("__"):
        value = getattr(value, part, None)
        if value is None:
            return None
        if hasattr(value, "all"):  # a to-many step: any one will do for a foreign test object
            value = value.first()
    return str(getattr(value, "pk", value))


def _foreign_object(model):
    for obj in model._default_manager.all()[:500]:
        code = _area_of(obj)
        if code and code.startswith(FOREIGN):
            return obj
    return None


def _snapshot(models) -> dict:
    state = {}
    for model in models:
        state[model._meta.label] = list(model._default_manager.order_by("pk").values())
        for field in model._meta.many_to_many:
            through = field.remote_field.through
            state[through._meta.label] = list(through.objects.order_by("pk").values())
    return state


# ---------------------------------------------------------------- the cases


def _admin_pages(writer):
    """(label, url, model admin) of every admin page where ``writer`` may write: the change page of one
    record inside the writer's area, and the add page."""
    pages = []
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in OUR_APPS:
            continue
        info = (model._meta.app_label, model._meta.model_name)
        obj = scope(model._default_manager.all(), writer, CHANGE).order_by("pk").first()
        if obj is not None:
            pages.append((f"{model._meta.label} change", reverse("admin:%s_%s_change" % info, args=[obj.pk]),
                          model_admin))
        if writer.has_perm(f"{info[0]}.add_{info[1]}"):
            pages.append((f"{model._meta.label} add", reverse("admin:%s_%s_add" % info), model_admin))
    return pages


def _pointing_fields(form):
    """The fields of ``form`` that point at an object or an area, with the model they point at."""
    for name, field in form.fields.items():
        if name in ("id", "DELETE") or isinstance(field, forms.models.InlineForeignKeyField):
            continue
        if isinstance(field, forms.ModelChoiceField):  # also ModelMultipleChoiceField
            yield name, field.queryset.model
        elif name == "area_code" or name.endswith("_area_code"):
            yield name, "area"


def _field_errors(response, prefix, name):
    if prefix is None:
        return response.context["adminform"].form.errors.get(name)
    for inline in response.context["inline_admin_formsets"]:
        if inline.formset.prefix == prefix[0]:
            return inline.formset.forms[prefix[1]].errors.get(name)
    return None


def _admin_cases(client, writer, cases, failures):
    for label, url, model_admin in _admin_pages(writer):
        page = client.get(url)
        if page.status_code != 200 or "adminform" not in page.context:
            continue
        forms_on_page = [(None, page.context["adminform"].form, model_admin.model)]
        for inline in page.context["inline_admin_formsets"]:
            formset = inline.formset
            if not formset.forms:
                continue
            forms_on_page.append(((formset.prefix, 0), formset.forms[0], formset.model))
        for prefix, form, model in forms_on_page:
            for name, target in _pointing_fields(form):
                foreign = FOREIGN if target == "area" else _foreign_object(target)
                if foreign is None:
                    continue  # reference data of no area: nothing is outside
                key = name if prefix is None else f"{prefix[0]}-{prefix[1]}-{name}"
                data = admin_form_data(page)
                value = foreign if target == "area" else str(foreign.pk)
                data[key] = [value] if isinstance(form.fields[name], forms.ModelMultipleChoiceField) else value
                before = _snapshot([model_admin.model, model])
                response = client.post(url, data)
                case = f"{writer.username}: {label} {'form' if prefix is None else prefix[0]}.{name}"
                cases.append(case)
                refused = response.status_code == 200 and _field_errors(response, prefix, name)
                if not refused or _snapshot([model_admin.model, model]) != before:
                    failures.append(f"{case} ← {value} (status {response.status_code})")


def test_no_admin_form_or_inline_accepts_an_object_or_area_of_another_county(world, client_for, capsys):
    users = get_user_model().objects.in_bulk(WRITERS, field_name="username")
    cases, failures = [], []
    for username in WRITERS:
        writer = users[username]
        _admin_cases(client_for(writer), writer, cases, failures)
    with capsys.disabled():
        forms_seen = {case.split(": ", 1)[1].rsplit(".", 1)[0] for case in cases}
        print(f"\n生成的写入测试：{len(cases)} 个（表单, 字段）用例，覆盖 {len(forms_seen)} 个表单/内联，"
              f"{len(WRITERS)} 个角色")
    assert failures == []
    assert len(cases) >= 60  # a guard against the generator silently finding nothing


# ---------------------------------------------------------------- page forms of the URL conf


def test_every_pointing_field_of_a_page_form_has_a_generated_case():
    found = set()
    for app in OUR_APPS:
        try:
            module = importlib.import_module(f"{app}.forms")
        except ModuleNotFoundError:
            continue
        for name, form_class in vars(module).items():
            if not (isinstance(form_class, type) and issubclass(form_class, forms.BaseForm)) or \
                    form_class.__module__ != module.__name__:
                continue
            for field_name, field in form_class.base_fields.items():
                if isinstance(field, forms.ModelChoiceField) or field_name.startswith("area"):
                    found.add((module.__name__, name, field_name))
    assert found - READ_ONLY_PAGE_FIELDS == PAGE_CASES


def test_page_forms_refuse_an_object_of_another_county(world, users, client_for, capsys):
    from rectification.models import Issue
    from resident_teams.models import Visit

    issue = world["pl"]["issue"]
    Issue.objects.filter(pk=issue.pk).update(responsible_unit=None)
    before = _snapshot([Issue, Visit])
    client = client_for(users.pinglu_reviewer)
    client.post(reverse("rectification:issue_action", args=[issue.pk, "assign"]),
                {"unit": world["xia"]["unit"].pk, "person": "", "deadline": "2023-06-30"})
    client = client_for(users.team_user)
    response = client.post(reverse("resident_teams:my_records"), {
        "form": "visit", "household": world["xia"]["household"].pk, "visited_on": "2023-10-25", "content": "走访"})
    assert response.status_code == 200 and "household" in response.context["visit_form"].errors
    assert _snapshot([Issue, Visit]) == before
    with capsys.disabled():
        print(f"\n页面表单用例：{len(PAGE_CASES)} 个")


# ---------------------------------------------------------------- admin sidebars (finding 8)


def test_no_admin_sidebar_filter_lists_an_object_of_another_county(world, users, client_for, capsys):
    """Every related-object filter of every changelist, for every writer: the choices are objects inside
    the writer's reach — never 夏县's (a county reviewer's county filter is not 13 counties; a filter left
    with one choice is not shown at all). The city administrator's sidebars, which do list 夏县, show
    that the test sees what it looks for."""
    writers = get_user_model().objects.in_bulk(WRITERS, field_name="username")
    checked, failures = 0, []
    for username in WRITERS:
        for label, field_path, outside in _sidebar_choices(client_for(writers[username])):
            checked += 1
            if outside:
                failures.append(f"{username}: {label} {field_path} lists {outside}")
    city = [outside for _, _, outside in _sidebar_choices(client_for(users.city_admin)) if outside]
    with capsys.disabled():
        print(f"\n侧栏筛选用例：{checked} 个（角色, 列表, 筛选）；市级管理员 {len(city)} 个筛选列出夏县")
    assert failures == []
    assert len(city) >= 10


def _sidebar_choices(client):
    """(changelist, filter path, the 夏县 objects it lists) of every related filter the user is shown."""
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in OUR_APPS:
            continue
        response = client.get(reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist"))
        if response.status_code != 200 or "cl" not in response.context:
            continue
        for spec in response.context["cl"].filter_specs:
            related = getattr(getattr(spec, "field", None), "related_model", None)
            if related is None or not hasattr(spec, "lookup_choices"):
                continue
            shown = related._default_manager.in_bulk([pk for pk, _ in spec.lookup_choices])
            yield (model._meta.label, spec.field_path,
                   [str(obj) for obj in shown.values() if (_area_of(obj) or "").startswith(FOREIGN)])


# ---------------------------------------------------------------- past the choices: the services refuse


def test_no_admin_save_accepts_an_object_or_area_of_another_county_past_the_forms_choices(world, client_for,
                                                                                        capsys):
    """The form's choices are the first guard; the service behind ``save_model`` / ``save_formset`` is the
    door. For every admin change page of every writer, each pointing field of the form and of the first
    row of each inline is widened to every object (or area) — as if its choices had been forgotten — and
    set to 夏县's; the admin's own save steps must refuse it (the form's rules or the service), and the
    database stays unchanged."""
    writers = get_user_model().objects.in_bulk(WRITERS, field_name="username")
    cases, failures = [], []
    for username in WRITERS:
        writer = writers[username]
        client = client_for(writer)
        for label, url, model_admin in _admin_pages(writer):
            if not label.endswith(" change"):
                continue
            page = client.get(url)
            if page.status_code != 200 or "adminform" not in page.context:
                continue
            forms_on_page = [(None, page.context["adminform"].form, model_admin.model)]
            forms_on_page += [(inline.formset.prefix, inline.formset.forms[0], inline.formset.model)
                              for inline in page.context["inline_admin_formsets"] if inline.formset.forms]
            for prefix, shown, model in forms_on_page:
                for name, target in _pointing_fields(shown):
                    foreign = FOREIGN if target == "area" else _foreign_object(target)
                    if foreign is None:
                        continue
                    key = name if prefix is None else f"{prefix}-0-{name}"
                    data = admin_form_data(page)
                    value = foreign if target == "area" else str(foreign.pk)
                    data[key] = [value] if isinstance(shown.fields[name], forms.ModelMultipleChoiceField) else value
                    case = f"{username}: {label} {'form' if prefix is None else prefix}.{name}"
                    cases.append(case)
                    if _saved_past_the_choices(model_admin, writer, url, page.context["original"], data, prefix,
                                               name, target, [model_admin.model, model]):
                        failures.append(f"{case} ← {value}")
    with capsys.disabled():
        print(f"\n越过表单选项的写入用例：{len(cases)} 个（表单, 字段）")
    assert failures == []
    assert len(cases) >= 60


class _Rollback(Exception):
    pass


def _widen(form, name, target):
    field = form.fields[name]
    if target == "area":
        field.choices = [*field.choices, (FOREIGN, FOREIGN)]
    else:
        field.queryset = target._default_manager.all()


def _saved_past_the_choices(model_admin, writer, url, obj, data, prefix, name, target, models) -> bool:
    """Run the admin's own save steps (as ``changeform_view`` does) with the one field widened; answer
    whether anything was written. Everything is rolled back afterwards."""
    from django.contrib.messages.storage.cookie import CookieStorage
    from django.core.exceptions import PermissionDenied, ValidationError
    from django.db import transaction
    from django.forms.formsets import all_valid
    from django.test import RequestFactory

    request = RequestFactory().post(url, data)
    request.user, request._messages = writer, CookieStorage(RequestFactory().get("/"))
    written, before = False, _snapshot(models)
    try:
        with transaction.atomic():
            instance = type(obj)._default_manager.get(pk=obj.pk)
            form = model_admin.get_form(request, instance, change=True)(request.POST, request.FILES,
                                                                         instance=instance)
            if prefix is None:
                _widen(form, name, target)
            valid = form.is_valid()
            new = model_admin.save_form(request, form, change=True) if valid else form.instance
            formsets, _ = model_admin._create_formsets(request, new, change=True)
            for formset in formsets:
                if formset.prefix == prefix:
                    _widen(formset.forms[0], name, target)
            if valid and all_valid(formsets):
                try:
                    with transaction.atomic():
                        model_admin.save_model(request, new, form, change=True)
                        model_admin.save_related(request, form, formsets, change=True)
                        written = _snapshot(models) != before
                except (PermissionDenied, ValidationError):
                    pass
            raise _Rollback
    except _Rollback:
        pass
    return written


def _as_post(data: dict):
    from django.utils.datastructures import MultiValueDict

    return MultiValueDict({key: value if isinstance(value, list) else [value] for key, value in data.items()})
