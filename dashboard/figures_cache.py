"""The figures' cache: what the catalogue's sources computed for an area, a period and a grouping, kept in
Django's cache (the database cache table, shared by every web process) until a table it was read from is
written.

Why: under the load run (bench/load_bench.py, docs/performance.md) the dashboards — the page and its
chart JSON — took most of the server's time, and between two writes they compute the same figures again
and again for every person looking at the same area.

How it stays right (a figure is never stale):

- *Dependencies are seen, not declared*: while the sources compute, every table their SQL reads
  (``FROM`` / ``JOIN``) is noted; the entry keeps the version of each. A new source or a new table in an
  old one needs no list to be kept up to date.
- *Every write is seen the same way*: an execute wrapper on each database connection notes the tables an
  ``INSERT`` / ``UPDATE`` / ``DELETE`` touches, and once the transaction has committed their versions
  change (a new random token per table in the cache). Bulk writes, ``update()`` and the deletes of
  village summaries (``dashboard.signals``, ``summaries_invalidate``) are seen alike: whatever
  invalidates a village summary changes the version of the summaries' table, hence every figure read
  from it. ``COPY`` (the seed) is no statement of this kind: ``summaries_invalidate()`` of every village,
  which the seed and the importers call after their bulk writes, changes every version.
- The versions are read *before* computing: a write committed during the computation leaves the new entry
  already out of date (recomputed at the next read), never a stale entry that looks current. A version
  missing from the cache (culled, expired) never matches an entry: a miss, never a stale hit.
- *One reading of the versions per request*: the first figure a request reads fetches every version with
  its entry; the request's later figures (a dashboard's cards, table and charts) use the same reading and
  fetch only their entry. A page's figures are thus of one moment, and the versions are still read before
  anything is computed. A write seen in this thread drops the reading (:func:`versions_bump`); outside a
  request (a job, a command, a test calling the catalogue) every figure reads the versions afresh.
- The key holds the area, the period, the grouping, the sources, the scope of the user asking (checked
  against the area before the cache is read) and today's date (overdue issues and the attendance weeks
  depend on the day).

Off with ``DASHBOARD_CACHE=0`` (the test suite runs without it, so that a test's writes inside a
transaction that never commits are seen by the next read; tests/dashboard/test_figures_cache.py turns it
on).
"""

import hashlib
import re
import threading
import uuid
from collections.abc import Callable
from contextlib import contextmanager

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

PREFIX = "figures:"
TIMEOUT = 6 * 3600  # an entry nobody reads leaves the cache table after a working day's part
WATCHED_APPS = ("villages", "accounts", "monitoring", "assistance", "resident_teams", "rectification",
                "screening", "submissions", "dashboard")
_WRITE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"(\w+)"', re.IGNORECASE)
_READ = re.compile(r'\b(?:FROM|JOIN)\s+"(\w+)"', re.IGNORECASE)
_watched: frozenset[str] | None = None
_request = threading.local()  # .versions: this request's reading of the versions (None: read each time)


def watched_tables() -> frozenset[str]:
    """The tables of the data the figures may be read from (the domain apps' models and their many-to-many
    tables; not their history tables, which no figure reads)."""
    global _watched
    if _watched is None:
        _watched = frozenset(
            model._meta.db_table
            for label in WATCHED_APPS
            for model in apps.get_app_config(label).get_models(include_auto_created=True)
            if not model.__name__.startswith("Historical")
        )
    return _watched


def enabled() -> bool:
    return getattr(settings, "DASHBOARD_CACHE", False)


def _version_key(table: str) -> str:
    return f"{PREFIX}v:{table}"


def _version_keys() -> list[str]:
    global _keys
    if _keys is None:
        _keys = [_version_key(table) for table in sorted(watched_tables())]
    return _keys


_keys: list[str] | None = None


# ---------------------------------------------------------------- writes


class _Bump:
    """The tables one transaction wrote, whose versions change when it commits."""

    def __init__(self):
        self.tables: set[str] = set()

    def __call__(self):
        versions_bump(self.tables)


def versions_bump(tables) -> None:
    """New versions for these tables: every entry read from one of them is out of date."""
    if not (tables and enabled()):
        return
    _forget_reading()
    try:
        cache.set_many({_version_key(table): uuid.uuid4().hex for table in tables}, None)
    except DatabaseError:
        # The first ``migrate`` of a new database runs before ``createcachetable``: with no cache table
        # nothing is cached, so nothing can be out of date. Any other failure is the caller's.
        if getattr(cache, "_table", None) in connection.introspection.table_names():
            raise


def everything_changed() -> None:
    """After a write no statement shows (COPY): every figure is out of date."""
    versions_bump(watched_tables())


def watch_writes(execute, sql, params, many, context):
    """Execute wrapper of every connection: note the watched table a write statement touches."""
    conn = context["connection"]
    flush_autocommit_writes(conn)
    result = execute(sql, params, many, context)
    match = _WRITE.match(sql) if enabled() and not getattr(conn, "_figures_quiet", False) else None
    if match and match.group(1) in watched_tables():
        _note_write(conn, match.group(1))
    return result


@contextmanager
def writes_that_change_no_figure():
    """Writes that change no figure — a build of the village summaries stores what the registry already
    implies (the write that made them missing has changed the versions): they leave the cache as it is."""
    before = getattr(connection, "_figures_quiet", False)
    connection._figures_quiet = True
    try:
        yield
    finally:
        connection._figures_quiet = before


def flush_autocommit_writes(conn=None, **kwargs) -> None:
    """SQLite: bump the tables written outside a transaction (each statement committed by itself). Not
    from inside the wrapper right after the write: sqlite3 runs the statement as the caller fetches its
    answer, and another statement in between breaks it. Done before the connection's next statement,
    before figures are read, and when the request ends (``request_finished``). SQLite serves one
    machine (development, a small deployment); PostgreSQL bumps at once."""
    conn = conn or connection
    tables = getattr(conn, "_figures_autocommit", None)
    if tables and not getattr(conn, "_figures_flushing", False):
        conn._figures_autocommit, conn._figures_flushing = set(), True
        try:
            versions_bump(tables)
        finally:
            conn._figures_flushing = False


def _note_write(conn, table: str) -> None:
    if not conn.in_atomic_block:
        if conn.vendor == "postgresql":
            # Committed already, and psycopg has read the statement's answer: bump now.
            versions_bump({table})
            return
        if not hasattr(conn, "_figures_autocommit"):
            conn._figures_autocommit = set()
        conn._figures_autocommit.add(table)
        return
    pending = getattr(conn, "_figures_bump", None)
    # A rolled-back transaction (or savepoint) drops its on-commit callbacks: start a new one then.
    if pending is None or not any(entry[1] is pending for entry in conn.run_on_commit):
        pending = conn._figures_bump = _Bump()
        transaction.on_commit(pending, using=conn.alias)
    pending.tables.add(table)


def install_write_watch(sender, connection, **kwargs) -> None:
    """``connection_created`` receiver: put :func:`watch_writes` on the new connection (once)."""
    if watch_writes not in connection.execute_wrappers:
        connection.execute_wrappers.append(watch_writes)


# ---------------------------------------------------------------- reads


def request_started(**kwargs) -> None:
    """``request_started`` receiver: this request reads the versions once, at its first figure."""
    _request.versions = {}


def request_finished(**kwargs) -> None:
    """``request_finished`` receiver: back to reading the versions at every figure."""
    _request.versions = None


def _forget_reading() -> None:
    if getattr(_request, "versions", None):
        _request.versions = {}


def _versions_and_entry(key: str, version_keys: list[str]) -> tuple[dict, object]:
    """{version key: version} of every watched table and the entry under ``key`` (None if none): one
    query; within a request, the versions from its first reading."""
    reading = getattr(_request, "versions", None)
    if reading:
        return reading, cache.get(key)
    found = cache.get_many([key, *version_keys])
    entry = found.pop(key, None)
    missing = {k: uuid.uuid4().hex for k in version_keys if k not in found}
    if missing:
        # A table never written since the cache was emptied gets a version now (before computing).
        cache.set_many(missing, None)
        found.update(missing)
    if reading is not None:
        _request.versions = found
    return found, entry


class _Reads:
    def __init__(self):
        self.tables: set[str] = set()

    def __call__(self, execute, sql, params, many, context):
        self.tables.update(_READ.findall(sql))
        return execute(sql, params, many, context)


def figures_cached(*, parts: tuple, compute: Callable[[], dict]) -> dict:
    """``compute()``, or the value an earlier call with the same ``parts`` of the key stored, if none of
    the tables it read has been written since."""
    if not enabled():
        return compute()
    flush_autocommit_writes()
    key = PREFIX + "p:" + hashlib.sha1(repr((*parts, timezone.localdate().isoformat())).encode()).hexdigest()
    found, entry = _versions_and_entry(key, _version_keys())
    if entry is not None and all(found.get(_version_key(t)) == v for t, v in entry["versions"].items()):
        return entry["value"]
    reads = _Reads()
    connection.ensure_connection()  # the wrapper list must not change while ours is on it
    with connection.execute_wrapper(reads):
        value = compute()
    if reads.tables <= watched_tables() | {"django_session"}:
        versions = {t: found[_version_key(t)] for t in reads.tables if t in watched_tables()}
        cache.set(key, {"value": value, "versions": versions}, TIMEOUT)
    # else: read from a table whose writes are not watched: not kept.
    return value
