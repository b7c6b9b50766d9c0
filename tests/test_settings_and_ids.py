import datetime
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured, ValidationError

from yuncheng.idcard import make_id_number, mask_id_number, normalize_id_number, validate_id_number
from yuncheng.settings import env_bool

ROOT = Path(__file__).resolve().parent.parent


def test_a_bad_boolean_is_an_error_not_false(monkeypatch):
    monkeypatch.setenv("SOME_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured):
        env_bool("SOME_FLAG")
    monkeypatch.setenv("SOME_FLAG", "off")
    assert env_bool("SOME_FLAG", True) is False


def _manage(*args, **env):
    # Drop what the test run itself sets (pytest.ini, browser conftest): the command sees production defaults.
    dropped = {"DEBUG", "SECRET_KEY", "STATIC_STORAGE", "SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE",
               "CSRF_COOKIE_SECURE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {k: v for k, v in os.environ.items() if k not in dropped}
    clean.update(env)
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=clean, capture_output=True, text=True)


def test_secret_key_is_required_without_debug():
    result = _manage("check")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_check_deploy_is_clean_for_production_settings():
    result = _manage(
        "check", "--deploy", "--fail-level", "WARNING",
        SECRET_KEY="a-long-random-production-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        ALLOWED_HOSTS="fupin.yuncheng.gov.cn",
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    "value, code",
    [
        ("11010519491231002X", None),
        ("110105194912310021", "id_check_digit"),
        ("110105194902300026", "id_birth_date"),
        ("1101051949123100", "id_length"),
        ("11010519491231002A", "id_chars"),
    ],
)
def test_id_number_validation(value, code):
    if code is None:
        assert validate_id_number(value) == value
    else:
        with pytest.raises(ValidationError) as error:
            validate_id_number(value)
        assert error.value.code == code


def test_full_width_digits_and_spaces_are_normalised():
    assert normalize_id_number(" １１０１０５１９４９１２３１００２ｘ ") == "11010519491231002X"
    assert validate_id_number(" １１０１０５１９４９１２３１００２ｘ ") == "11010519491231002X"


def test_masking_keeps_first_four_and_last_four():
    assert mask_id_number("140829199001011237") == "1408**********1237"


def test_generated_numbers_are_valid():
    for i in range(50):
        number = make_id_number("140829", datetime.date(1960 + i, 1 + i % 12, 1 + i % 28), i, i % 2 == 0)
        assert validate_id_number(number) == number
