"""After PostgreSQL restarts, the next request reconnects by itself (connection health checks); the
request that was running at that moment failed whole, so nothing half-written remains."""

import pytest
from django.contrib.auth import get_user_model
from django.db import OperationalError, connection, transaction

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
