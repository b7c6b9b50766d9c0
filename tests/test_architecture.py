"""Rules of the codebase that a test can hold: scoping cannot be forgotten, dependencies point one way."""

import ast
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib import admin

from accounts.admin import ScopedAdminMixin

ROOT = Path(__file__).resolve().parent.parent
OUR_APPS = ["villages", "accounts", "monitoring", "assistance", "resident_teams", "rectification", "screening",
            "dashboard", "reports", "submissions"]
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
    assert not imported_apps(app) & {"dashboard", "reports", "submissions"}


def test_nothing_below_provincial_review_imports_it():
    # submissions (frozen figures, 大比拼) stands on the catalogue and the reports: nothing stands on it
    # except the root URLconf, which routes the API's ?submitted=1 to it.
    assert [app for app in OUR_APPS if app != "submissions" and "submissions" in imported_apps(app)] == []


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


# ---------------------------------------------------------------- one area filter

# Code that may hold a prefix match: the scoping module (it states why it never does). Elsewhere, a
# ``__startswith`` is allowed only on what is not an area code: the 户编号 and the household head's name
# (search boxes), the 问题编号 (numbering), and the benchmark's own 户编号 prefix.
PREFIX_OK = {
    ("monitoring/selectors.py", "code__startswith"),  # 户编号, typed in the search box
    ("monitoring/selectors.py", "head_name__startswith"),
    ("rectification/services.py", "number__startswith"),  # 问题编号 of a year
    ("bench/import_bench.py", "head_name__startswith"),  # the benchmark's households are named BENCH…
    ("bench/import_bench.py", "household__head_name__startswith"),
}
PREFIX_LOOKUP = re.compile(r"\b(\w+__i?startswith)\b")
LIKE = re.compile(r"\bLIKE\b")


def _our_python_files():
    for folder in [*OUR_APPS, "resident_teams", "yuncheng", "bench", "scripts"]:
        for path in sorted((ROOT / folder).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def test_no_prefix_filter_on_an_area_code_outside_the_scoping_module():
    """Every filter on an area code is ``accounts.scoping.area_filter`` (a range an index answers); a
    ``__startswith`` or a ``LIKE`` elsewhere is a second definition of "inside the area"."""
    found = []
    for path in _our_python_files():
        name = path.relative_to(ROOT).as_posix()
        if name == "accounts/scoping.py":
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            found += [f"{name}:{number} {lookup}" for lookup in PREFIX_LOOKUP.findall(line)
                      if (name, lookup) not in PREFIX_OK]
            if LIKE.search(line):
                found.append(f"{name}:{number} LIKE")
    assert found == []


def test_the_geography_does_not_import_accounts_and_accounts_reads_the_city_from_it():
    """``villages``' models and selectors (the ground floor) know nothing of accounts; the platform's area (the
    city, or the province) and how codes nest (``area_prefix``, ``area_bounds``) live with the geography, and
    accounts imports them from there."""
    for module in ("models", "selectors", "services"):
        tree = ast.parse((ROOT / "villages" / f"{module}.py").read_text(encoding="utf-8"))
        imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
        assert not {name for name in imported if name.startswith("accounts")}, module
    from accounts import scoping
    from villages import models

    assert scoping.platform_area_code is models.platform_area_code and scoping.area_prefix is models.area_prefix
    assert scoping.area_bounds is models.area_bounds


def test_every_list_page_is_the_one_scoped_list_view():
    """One list-view base (``accounts.views.ScopedListView``): no app declares its own FilterView page."""
    own = [
        f"{path.relative_to(ROOT).as_posix()} {node.name}"
        for path in _our_python_files() if path.name == "views.py" and path != ROOT / "accounts" / "views.py"
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.ClassDef) and any(getattr(base, "id", "") == "FilterView" for base in node.bases)
    ]
    assert own == []
