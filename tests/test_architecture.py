"""Rules of the codebase that a test can hold: scoping cannot be forgotten, dependencies point one way."""

import ast
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib import admin

from accounts.admin import ScopedAdminMixin

ROOT = Path(__file__).resolve().parent.parent
OUR_APPS = ["villages", "accounts", "monitoring", "assistance", "resident_teams", "rectification", "screening", "dashboard", "reports"]
DOMAIN_APPS = ["monitoring", "assistance", "resident_teams", "rectification", "screening"]
# Models that no user reaches through a page, list, export or the admin's scoped views.
UNSCOPED_OK = {"accounts.Profile"}


def imported_apps(app: str) -> set[str]:
    found = set()
    for path in (ROOT / app).rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                found.add(node.module.split(".")[0])
            elif isinstance(node, ast.Import):
                found.update(alias.name.split(".")[0] for alias in node.names)
    return found & set(OUR_APPS)


@pytest.mark.parametrize("app", DOMAIN_APPS)
def test_domain_apps_do_not_import_dashboard_or_reports(app):
    assert not imported_apps(app) & {"dashboard", "reports"}


def test_villages_imports_no_domain_app():
    assert not imported_apps("villages") & set(DOMAIN_APPS + ["dashboard", "reports"])


def test_every_model_of_ours_declares_where_its_area_is():
    missing = [
        model._meta.label
        for model in apps.get_models()
        if model._meta.app_label in OUR_APPS
        and not model._meta.label.startswith(tuple(f"{a}.Historical" for a in OUR_APPS))
        and model._meta.label not in UNSCOPED_OK
        and not model.__module__.startswith("tests.")  # models a test defines to check the refusal
        and not hasattr(model, "AREA_LOOKUP")
    ]
    assert missing == []


def test_every_admin_of_our_models_is_scoped():
    unscoped = []
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in OUR_APPS or model._meta.label in UNSCOPED_OK:
            continue
        if not isinstance(model_admin, ScopedAdminMixin):
            unscoped.append(model._meta.label)
        for inline in model_admin.inlines:
            if not issubclass(inline, ScopedAdminMixin) and inline.model._meta.label not in UNSCOPED_OK:
                unscoped.append(f"{model._meta.label} inline {inline.__name__}")
    assert unscoped == []
