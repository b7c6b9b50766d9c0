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
  invalidates a village summary changes the version of the summaries of its areas (next point), hence
  every figure of those areas read from them. ``COPY`` (the seed) is no statement of this kind: ``summaries_invalidate()`` of every village,
  which the seed and the importers call after their bulk writes, changes every version.
- *The village summaries are versioned by area*: their rows belong to one village each, and the code
  that forgets a village's rows (``summaries_invalidate``) says which villages (:func:`writes_of_villages`):
  such a write changes the versions of those villages' areas — village, township, county, city,
  province — not of the whole table. An entry keeps the version of its own area's key, so an edit in
  平陆县 leaves 夏县's figures, and every other city's in a province, cached. A write to these tables that
  names no villages (the seed, forgetting every village) changes the table's version, as for any table.
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

from villages.models import parent_code

PREFIX = "figures:"
# Tables whose rows belong to one village each (``village_id``: its 12-digit code), versioned by area.
AREA_TABLES = frozenset({"dashboard_villagesummary", "dashboard_villagebreakdown"})
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


def _area_key(table: str, area_code: str) -> str:
    return f"{PREFIX}v:{table}@{area_code}"


def _areas_of_village(code: str) -> list[str]:
    """The village and every area above it (township, county, city, province)."""
    codes = []
    while code:
        codes.append(code)
        code = parent_code(code)
    return codes


def _version_keys() -> list[str]:
    global _keys
    if _keys is None:
        _keys = [_version_key(table) for table in sorted(watched_tables())]
    return _keys


_keys: list[str] | None = None


# ---------------------------------------------------------------- writes


class _Bump:
    """The versions (their keys) one transaction's writes change when it commits."""

    def __init__(self):
        self.keys: set[str] = set()

    def __call__(self):
        _bump(self.keys)


def versions_bump(tables) -> None:
    """New versions for these tables: every entry read from one of them is out of date."""
    _bump({_version_key(table) for table in tables})


def _bump(keys: set[str]) -> None:
    if not (keys and enabled()):
        return
    _forget_reading()
    try:
        cache.set_many({key: uuid.uuid4().hex for key in keys}, None)
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
        table = match.group(1)
        villages = getattr(conn, "_figures_villages", None)
        if villages is not None and table in AREA_TABLES:
            _note_write(conn, {_area_key(table, area) for code in villages for area in _areas_of_village(code)})
        else:
            _note_write(conn, {_version_key(table)})
    return result


@contextmanager
def writes_of_villages(codes):
    """Writes to the village summaries' tables (AREA_TABLES) that touch the rows of these villages only:
    they change the versions of these villages' areas, not of the whole tables."""
    before = getattr(connection, "_figures_villages", None)
    connection._figures_villages = frozenset(codes)
    try:
        yield
    finally:
        connection._figures_villages = before


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
    keys = getattr(conn, "_figures_autocommit", None)
    if keys and not getattr(conn, "_figures_flushing", False):
        conn._figures_autocommit, conn._figures_flushing = set(), True
        try:
            _bump(keys)
        finally:
            conn._figures_flushing = False


def _note_write(conn, keys: set[str]) -> None:
    if not conn.in_atomic_block:
        if conn.vendor == "postgresql":
            # Committed already, and psycopg has read the statement's answer: bump now.
            _bump(keys)
            return
        if not hasattr(conn, "_figures_autocommit"):
            conn._figures_autocommit = set()
        conn._figures_autocommit |= keys
        return
    pending = getattr(conn, "_figures_bump", None)
    # A rolled-back transaction (or savepoint) drops its on-commit callbacks: start a new one then.
    if pending is None or not any(entry[1] is pending for entry in conn.run_on_commit):
        pending = conn._figures_bump = _Bump()
        transaction.on_commit(pending, using=conn.alias)
    pending.keys |= keys


def install_write_watch(sender, connection, **kwargs) -> None:
    """``connection_created`` receiver: put :func:`watch_writes` on the new connection (once)."""
    if watch_writes not in connection.execute_wrappers:
        connection.execute_wrappers.append(watch_writes)


# ---------------------------------------------------------------- reads


def request_started(**kwargs) -> None:
    """``request_started`` receiver: this request reads the versions once, at its first figure."""
    _request.versions = {}


def request_finished(**kwargs) -> None:
    """``request_finished`` receiver: the request's autocommit writes bumped (SQLite), then back to
    reading the versions at every figure."""
    flush_autocommit_writes()
    _request.versions = None


def _forget_reading() -> None:
    if getattr(_request, "versions", None):
        _request.versions = {}


def _versions_and_entry(key: str, area_keys: list[str]) -> tuple[dict, object]:
    """{version key: version} of every watched table and of ``area_keys``, and the entry under ``key``
    (None if none): one query; within a request, the tables' versions from its first reading."""
    reading = getattr(_request, "versions", None)
    table_keys = [] if reading else _version_keys()
    found = cache.get_many([key, *area_keys, *table_keys])
    entry = found.pop(key, None)
    missing = {k: uuid.uuid4().hex for k in (*area_keys, *table_keys) if k not in found}
    if missing:
        # A table (an area) never written since the cache was emptied gets a version now (before computing).
        cache.set_many(missing, None)
        found.update(missing)
    if reading:
        return {**reading, **found}, entry
    if reading is not None:
        _request.versions = {k: found[k] for k in table_keys}
    return found, entry


class _Reads:
    """The tables the figures were read from. Not what a build of missing village summaries reads on
    the way (``writes_that_change_no_figure``): the figures are read from the summaries it stores, and a
    later write to those registry rows forgets the summaries it changes — which changes the version of
    the summaries' areas."""

    def __init__(self):
        self.tables: set[str] = set()

    def __call__(self, execute, sql, params, many, context):
        if not getattr(context["connection"], "_figures_quiet", False):
            self.tables.update(_READ.findall(sql))
        return execute(sql, params, many, context)


def figures_cached(*, parts: tuple, area_code: str, compute: Callable[[], dict]) -> dict:
    """``compute()`` of the figures of the area ``area_code`` (what it reads of AREA_TABLES are the rows
    of villages inside that area), or the value an earlier call with the same ``parts`` of the key
    stored, if none of the tables it read — of AREA_TABLES: none of the area's rows — has been written
    since."""
    if not enabled():
        return compute()
    flush_autocommit_writes()
    key = PREFIX + "p:" + hashlib.sha1(repr((*parts, timezone.localdate().isoformat())).encode()).hexdigest()
    found, entry = _versions_and_entry(key, [_area_key(table, area_code) for table in sorted(AREA_TABLES)])
    if entry is not None and all(found.get(k) == v for k, v in entry["versions"].items()):
        return entry["value"]
    reads = _Reads()
    connection.ensure_connection()  # the wrapper list must not change while ours is on it
    with connection.execute_wrapper(reads):
        value = compute()
    if reads.tables <= watched_tables() | {"django_session"}:
        keys = {_version_key(t) for t in reads.tables if t in watched_tables()}
        keys |= {_area_key(t, area_code) for t in reads.tables & AREA_TABLES}
        cache.set(key, {"value": value, "versions": {k: found[k] for k in keys}}, TIMEOUT)
    # else: read from a table whose writes are not watched: not kept.
    return value
