"""The browser is told to run no inline script and load nothing from another origin, and that the
pages need no camera, microphone or location; no template carries an inline script to break that."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _directives(header: str) -> dict[str, list[str]]:
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


def test_login_page_forbids_inline_and_outside_scripts(client):
    policy = _directives(client.get(reverse("accounts:login"))["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'"]
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]


def test_no_directive_names_an_outside_origin(client):
    header = client.get(reverse("accounts:login"))["Content-Security-Policy"]
    sources = {source for values in _directives(header).values() for source in values}
    assert sources == {"'self'", "'none'", "'unsafe-inline'", "data:"}
    assert "'unsafe-inline'" not in _directives(header)["script-src"]


def test_dashboard_and_admin_carry_the_same_policy(client_for, users):
    client = client_for(users.city_admin)
    for url in (reverse("dashboard:home"), reverse("admin:index")):
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Security-Policy"] == settings.CONTENT_SECURITY_POLICY


def test_pages_ask_for_no_camera_microphone_or_location(client):
    header = client.get(reverse("accounts:login"))["Permissions-Policy"]
    features = dict(item.strip().split("=") for item in header.split(","))
    assert features["camera"] == "()" and features["microphone"] == "()" and features["geolocation"] == "()"


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)
INLINE_HANDLER = re.compile(r"\son[a-z]+\s*=\s*[\"']", re.I)
JS_URL = re.compile(r"href\s*=\s*[\"']\s*javascript:", re.I)


def test_no_template_carries_inline_script_or_handlers():
    offenders = []
    for path in sorted(Path(settings.BASE_DIR, "templates").rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        for pattern in (INLINE_SCRIPT, INLINE_HANDLER, JS_URL):
            if pattern.search(text):
                offenders.append(f"{path.relative_to(settings.BASE_DIR)}: {pattern.search(text).group(0)}")
    assert offenders == []
