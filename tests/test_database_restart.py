"""After PostgreSQL restarts, the next request reconnects by itself (connection health checks); the
request that was running at that moment failed whole, so nothing half-written remains, and its user got
the 503 page (try again), not a traceback.

The end-to-end tests send requests through Django's WSGI handler — the path gunicorn takes, with the
request_started / request_finished signals that close and replace dead connections (the test client
turns those off)."""

import pytest
from django.contrib.auth import get_user_model
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_started
from django.db import OperationalError, connection, transaction
from django.test import RequestFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _terminate_our_backend():
    import psycopg2

    db = connection.settings_dict
    other = psycopg2.connect(dbname=db["NAME"], user=db["USER"] or None, password=db["PASSWORD"] or None,
                             host=db["HOST"] or None, port=db["PORT"] or None)
    other.autocommit = True
    # What a restart does to the application's kept connection, without restarting a server others share.
    other.cursor().execute("SELECT pg_terminate_backend(%s)", [connection.connection.get_backend_pid()])
    other.close()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="set for DATABASE_URL (SQLite keeps no connections)")
def test_connection_health_checks_are_on(settings):
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL server's restart")
def test_next_request_after_a_database_restart_reconnects(users):
    connection.ensure_connection()
    _terminate_our_backend()
    connection.close_if_unusable_or_obsolete()  # what Django does when a request starts
    assert get_user_model().objects.filter(username="city_admin").count() == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL server's restart")
def test_a_write_cut_by_the_restart_leaves_nothing_behind(users):
    User = get_user_model()
    connection.ensure_connection()
    with pytest.raises(OperationalError):
        with transaction.atomic():
            User.objects.create(username="half_written_1")
            _terminate_our_backend()
            User.objects.create(username="half_written_2")
    connection.close()
    assert User.objects.filter(username__startswith="half_written").count() == 0


def _wsgi_get(path, session_id):
    """A GET through the WSGI handler as gunicorn sends it: (status code, body)."""
    environ = RequestFactory().get(path, HTTP_COOKIE=f"sessionid={session_id}").environ
    answer = {}

    def start_response(status, headers, exc_info=None):
        answer["status"], answer["headers"] = int(status.split()[0]), dict(headers)

    body = b"".join(WSGIHandler()(environ, start_response)).decode()
    return answer["status"], answer["headers"], body


@pytest.fixture
def city_leader_session(users, client):
    client.force_login(get_user_model().objects.get(username="city_leader"))
    return client.cookies["sessionid"].value


def _restart_after_the_request_started(sender, **kwargs):
    """The server goes away after the request has begun (its kept connection passed the health check)."""
    connection.ensure_connection()
    connection.health_check_done = True
    _terminate_our_backend()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL server's restart")
def test_a_request_in_flight_gets_the_503_page_and_the_next_one_is_served(city_leader_session, settings):
    assert settings.DATABASES["default"]["CONN_MAX_AGE"] > 0  # connections are kept: the case at hand
    assert _wsgi_get("/areas/", city_leader_session)[0] == 200
    request_started.connect(_restart_after_the_request_started)
    try:
        status, headers, body = _wsgi_get("/areas/", city_leader_session)
    finally:
        request_started.disconnect(_restart_after_the_request_started)
    assert status == 503
    assert headers["Retry-After"] == "5"
    assert "数据库暂时不可用" in body and "没有保存任何内容" in body and "Traceback" not in body
    # The next request replaces the dead connection by itself: no restart of the application.
    assert _wsgi_get("/areas/", city_leader_session)[0] == 200


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL server's restart")
def test_without_health_checks_the_next_request_would_fail_too(city_leader_session, settings):
    """What the health checks buy: the same restart between two requests, with the checks off, fails the
    next request as well (the kept connection is dead) — with them on it is served."""
    assert _wsgi_get("/areas/", city_leader_session)[0] == 200
    _terminate_our_backend()
    connection.health_check_enabled = False  # what CONN_HEALTH_CHECKS=False sets at connecting
    try:
        assert _wsgi_get("/areas/", city_leader_session)[0] == 503
    finally:
        connection.close()  # the connection is reopened with the setting (on) below
    assert _wsgi_get("/areas/", city_leader_session)[0] == 200
    _terminate_our_backend()
    assert _wsgi_get("/areas/", city_leader_session)[0] == 200
