"""Load test of a running server (gunicorn) from a second process on loopback: N simulated people, each
logging in once (all before the clock starts: a person logs in once a day) and then, until the time is
up, opening a page and pausing 3–10 s as a person does.

    Mix: 60 % dashboards (the HTML plus any chart JSON it asks for; the charts' data now comes with
         the page), 30 % lists with filters,
         10 % household edits (the admin change form, read and saved back with one field changed).

Every edit writes a unique marker into 自然村; at the end the script counts the history rows carrying the
markers of this run and compares them with the edits saved (the admin went back to the list; a refusal of
a stale form — someone saved the household after this form was loaded — is counted apart), and prints
the change in the sum of the households' versions and in the household history rows: each write must be
in the database exactly once. Prints requests, errors (with the page a server error showed), throughput,
page-time percentiles per kind and, with --server-pid, the gunicorn workers' CPU per page.

    # the server (PostgreSQL on a copy of the full-scale demo: the run writes)
    createdb -h 127.0.0.1 -U postgres -T yc_bench load_copy
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/load_copy SECRET_KEY=x DEMO_ACCOUNTS_ALLOWED=1 \\
      SECURE_SSL_REDIRECT=0 SESSION_COOKIE_SECURE=0 CSRF_COOKIE_SECURE=0 AXES_FAILURE_LIMIT=1000 \\
      GUNICORN_WORKERS=4 GUNICORN_THREADS=4 GUNICORN_ACCESS_LOG=/tmp/access.log \\
      .venv/bin/gunicorn -c python:yuncheng.gunicorn_conf yuncheng.wsgi
    # the load, from a second shell
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/load_copy \\
      .venv/bin/python bench/load_bench.py --users 100 --seconds 300 --server-pid <gunicorn master>
    # faults: --cut-db-at S (terminate the app's connections) or --restart-db-at S (restart PostgreSQL 15)
    # --figure-edits 1: every edit also flips a column the figures read (the summaries' rebuild after commit)

Bounded: at most --users threads, each with one request in flight; loopback only (refuses another host).
"""

import argparse
import http.cookiejar
import os
import random
import re
import statistics
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections import defaultdict
from html.parser import HTMLParser
from pathlib import Path

LOGINS = ["city_admin", "city_leader", "pinglu_leader", "pinglu_reviewer", "pinglu_clerk", "pinglu_officer"]
EDITORS = ["city_admin", "pinglu_reviewer", "pinglu_clerk", "pinglu_officer"]
PASSWORD = "Yuncheng@2023"
MARKER = "压测"
STALE = "为避免覆盖他人的修改"  # the stale-form refusal's message (accounts.versioning.stale_message)
COUNTIES = ["140802", "140821", "140822", "140823", "140824", "140825", "140826", "140827", "140828", "140829",
            "140830", "140881", "140882"]
LISTS = [
    "/monitoring/?type=monitored", "/monitoring/?type=all&county={county}", "/monitoring/?status=at_risk",
    "/monitoring/?type=monitored&county={county}&category=unstable", "/teams/", "/areas/",
]
# Pages of the county reviewer and the city administrator only.
WORK_LISTS = ["/rectification/?county={county}", "/monitoring/worklist/"]
CITY_USERS = {"city_admin", "city_leader"}
REVIEWERS = {"city_admin", "pinglu_reviewer"}
OWN_COUNTY = "140829"  # the demo's county users all work in 平陆县
DASHBOARDS = ["/?year=2023&quarter=3", "/?year=2023&quarter=3&area={county}", "/dashboard/monitoring/?year=2023&quarter=3",
              "/dashboard/income/?year=2023&quarter=3", "/dashboard/issues/", "/dashboard/teams/"]
CHART = re.compile(r'data-chart-url="([^"]+)"')
ADMIN_LINK = re.compile(r'href="(/admin/monitoring/household/([^/"]+)/change/[^"]*)"')


class FormParser(HTMLParser):
    """The named fields of the form with id ``form_id`` as the browser would submit them."""

    def __init__(self, form_id):
        super().__init__(convert_charrefs=True)
        self.form_id, self.inside, self.fields = form_id, False, []
        self._select, self._textarea, self._options = None, None, []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.inside = a.get("id") == self.form_id
        if not self.inside:
            return
        if tag == "input" and a.get("name"):
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            if kind in ("submit", "button", "file", "image"):
                return
            self.fields.append((a["name"], a.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "select" and a.get("name"):
            self._select, self._options = a["name"], []
        elif tag == "option" and self._select is not None:
            self._options.append((a.get("value", ""), "selected" in a))
        elif tag == "textarea" and a.get("name"):
            self._textarea = [a["name"], ""]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select" and self._select is not None:
            self.fields.extend((self._select, value) for value, chosen in self._options if chosen)
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self.fields.append(tuple(self._textarea))
            self._textarea = None


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.times = defaultdict(list)  # kind → seconds per page (a dashboard: HTML + its charts)
        self.requests = 0
        self.errors = defaultdict(int)
        self.edits_ok = 0
        self.edits_sent = 0  # save requests sent, whatever their answer
        self.edits_refused = 0  # refused as stale: someone saved the household after the form was loaded
        self.markers = []
        self.error_times, self.page_times = [], []
        self.error_pages = defaultdict(int)
        self.refusals: list[str] = []
        self.cut_at = None

    def page(self, kind, seconds, requests):
        with self.lock:
            self.times[kind].append(seconds)
            self.requests += requests
            self.page_times.append(time.monotonic())

    def error(self, what, body=""):
        """An unexpected answer; for a server error, which page the person saw."""
        with self.lock:
            self.errors[what] += 1
            self.error_times.append(time.monotonic())
            if what == "200 household save" and len(self.refusals) < 5:
                # The form came back: what its error lists said, to tell why.
                said = [" ".join(re.sub(r"<[^>]+>", " ", found).split())
                        for found in re.findall(r'<ul class="errorlist[^"]*">(.*?)</ul>', body, re.S)]
                self.refusals.append(" / ".join(said) or "(no error list on the page)")
            if what[:1] == "5":
                seen = ("503 page (数据库暂时不可用)" if "数据库暂时不可用" in body else
                        "500 page (系统错误)" if "系统错误" in body else
                        "a traceback" if "Traceback" in body else "another answer")
                self.error_pages[seen] += 1


class Person(threading.Thread):
    figure_edits = 0.0  # the share of edits that change a column the figures read (--figure-edits)

    def __init__(self, base, username, stats, clock, think, rng):
        super().__init__(daemon=True)
        self.base, self.username, self.stats, self.clock, self.think, self.rng = base, username, stats, clock, think, rng
        jar = http.cookiejar.CookieJar()
        self.jar = jar
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar),
                                                  _NoRedirect())

    def _csrf(self):
        return next((c.value for c in self.jar if c.name == "csrftoken"), "")

    def get(self, path, follow=False):
        """(status, body); ``follow``: a redirect to a page other than the login is followed once (区划 of a
        township clerk or village officer is their own area's page), so that it counts as the page."""
        status, body = self._send(urllib.request.Request(self.base + path))
        if follow and status == 302 and self.location and "/accounts/login/" not in self.location:
            status, body = self._send(urllib.request.Request(urllib.parse.urljoin(self.base + path, self.location)))
        return status, body

    def post(self, path, fields):
        body = urllib.parse.urlencode(fields).encode()
        request = urllib.request.Request(self.base + path, data=body, headers={
            "Content-Type": "application/x-www-form-urlencoded", "Referer": self.base + path,
            "X-CSRFToken": self._csrf()})
        return self._send(request)

    def _send(self, request):
        self.location = None
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as error:
            self.location = error.headers.get("Location")
            return error.code, error.read().decode("utf-8", "replace")
        except OSError as error:
            return 0, str(error)

    def login(self):
        self.get("/accounts/login/")
        status, _ = self.post("/accounts/login/", {"username": self.username, "password": PASSWORD,
                                                   "csrfmiddlewaretoken": self._csrf()})
        return status == 302

    def run(self):
        try:
            if not self.login():
                self.stats.error(f"login {self.username}")
                return
        finally:
            self.clock.logged_in()
        self.clock.start.wait()
        time.sleep(self.rng.uniform(0, self.think[1]))  # people do not all start in the same second
        while time.monotonic() < self.clock.until:
            roll = self.rng.random()
            # Each person asks only for what their role and area allow (a refusal would count as an error).
            county = self.rng.choice(COUNTIES) if self.username in CITY_USERS else OWN_COUNTY
            if roll < 0.6:
                dashboards = DASHBOARDS if self.username in CITY_USERS | {"pinglu_leader", "pinglu_reviewer"} else \
                    [d for d in DASHBOARDS if "{county}" not in d]
                self.dashboard(self.rng.choice(dashboards).format(county=county))
            elif roll < 0.9 or self.username not in EDITORS:
                lists = LISTS + WORK_LISTS if self.username in REVIEWERS else LISTS
                self.list_page(self.rng.choice(lists).format(county=county))
            else:
                self.edit()
            time.sleep(self.rng.uniform(*self.think))

    def dashboard(self, path):
        start = time.perf_counter()
        status, html = self.get(path)
        if status != 200:
            self.stats.error(f"{status} {path.split('?')[0]}", html)
            return
        charts = [c.replace("&amp;", "&") for c in CHART.findall(html)]
        for chart in charts:
            status, body = self.get(chart)
            if status != 200:
                self.stats.error(f"{status} {chart.split('?')[0]}", body)
        self.stats.page("dashboard", time.perf_counter() - start, 1 + len(charts))

    def list_page(self, path):
        start = time.perf_counter()
        status, body = self.get(path, follow=True)
        if status != 200:
            self.stats.error(f"{status} {path.split('?')[0]}", body)
            return
        self.stats.page("list", time.perf_counter() - start, 1)

    def edit(self):
        start = time.perf_counter()
        # The admin counts pages from 1 (p=0 is refused with a redirect); the village officer's village
        # fills two pages of 100.
        status, html = self.get(f"/admin/monitoring/household/?p={self.rng.randint(1, 2)}")
        links = ADMIN_LINK.findall(html) if status == 200 else []
        if not links:
            self.stats.error(f"{status} household changelist", html)
            return
        change_url = self.rng.choice(links)[0].replace("&amp;", "&")
        status, html = self.get(change_url)
        if status != 200:
            self.stats.error(f"{status} household change form", html)
            return
        parser = FormParser("household_form")
        parser.feed(html)
        marker = f"{MARKER}{uuid.uuid4().hex[:12]}"
        fields = [(k, v) for k, v in parser.fields if k != "natural_village"] + [("natural_village", marker), ("_save", "保存")]
        if self.rng.random() < self.figure_edits:
            # Also flip 整户无劳动能力兜底保障户, a column the village summaries read: the save then forgets the
            # village's summaries (and its people's workshops' villages) and rebuilds them after its commit.
            flipped = [(k, v) for k, v in fields if k != "is_no_labour"]
            fields = flipped if len(flipped) < len(fields) else flipped + [("is_no_labour", "on")]
        with self.stats.lock:
            self.stats.edits_sent += 1
        status, body = self.post(change_url, fields)
        # Saved: the admin goes back to the list. Refused (a colleague saved the same household after
        # this form was loaded: the stale-form check): back to the form itself, with the message.
        if status == 302 and "/change/" not in (self.location or ""):
            with self.stats.lock:
                self.stats.edits_ok += 1
                self.stats.markers.append(marker)
        elif status == 302 or (status == 200 and STALE in body):
            # Refused as stale, either way the admin shows it: back to the form by a redirect with the
            # message, or the form itself with the version check's error (accounts.versioning).
            with self.stats.lock:
                self.stats.edits_refused += 1
        else:
            self.stats.error(f"{status} household save", body)
        self.stats.page("edit", time.perf_counter() - start, 3)


class Clock:
    """The start of the timed run (once everyone has logged in) and its end."""

    def __init__(self, people):
        self.waiting, self.lock = people, threading.Lock()
        self.all_logged_in, self.start = threading.Event(), threading.Event()
        self.until = 0.0

    def logged_in(self):
        with self.lock:
            self.waiting -= 1
            if self.waiting == 0:
                self.all_logged_in.set()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def cpu_seconds(pid: int | None) -> float:
    """CPU time (user + system) of a server's worker processes (the children of gunicorn's master ``pid``,
    Linux /proc), or of this process when ``pid`` is None."""
    if pid is None:
        times = os.times()
        return times.user + times.system
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split():
        try:
            fields = Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # a worker that has just been replaced
        total += (int(fields[11]) + int(fields[12])) / tick
    return total


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))] if ordered else float("nan")


def _django():
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yuncheng.settings")
    os.environ.setdefault("SECRET_KEY", "bench-only")
    import django

    django.setup()


def household_counters() -> tuple[int, int] | None:
    """(sum of the households' versions, household history rows), read from DATABASE_URL: each save
    through the services adds one to both."""
    if not os.environ.get("DATABASE_URL"):
        return None
    _django()
    from django.db import connection
    from django.db.models import Sum

    from monitoring.models import Household

    counters = Household.objects.aggregate(versions=Sum("version"))["versions"] or 0, Household.history.count()
    connection.close()
    return counters


def writes_in_database(markers) -> int | None:
    """History rows of this run's edits (each marker once), read from DATABASE_URL."""
    if not os.environ.get("DATABASE_URL") or not markers:
        return None
    _django()
    from monitoring.models import Household

    return Household.history.filter(natural_village__in=markers, history_type="~").count()


def cut_database_connections(stats):
    import psycopg2

    url = urllib.parse.urlparse(os.environ["DATABASE_URL"])
    conn = psycopg2.connect(dbname="postgres", user=url.username, password=url.password, host=url.hostname,
                            port=url.port)
    conn.autocommit = True
    cursor = conn.cursor()
    cursor.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                   [url.path.lstrip("/")])
    with stats.lock:
        stats.cut_at = time.monotonic()
        stats.cut_connections = cursor.rowcount
    conn.close()


def restart_database(stats):
    import subprocess

    with stats.lock:
        stats.cut_at = time.monotonic()
        stats.cut_connections = "all"
    done = subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", "15", "main", "restart"],
                          capture_output=True, text=True)
    with stats.lock:
        stats.restart_took = time.monotonic() - stats.cut_at
        stats.restart_answer = (done.returncode, done.stderr.strip()[-200:])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--seconds", type=int, default=300)
    parser.add_argument("--think", type=float, nargs=2, default=(3.0, 10.0))
    parser.add_argument("--seed", type=int, default=2023)
    parser.add_argument("--server-pid", type=int, default=None,
                        help="gunicorn's master process: report its workers' CPU time during the timed run")
    parser.add_argument("--restart-db-at", type=float, default=None, metavar="SECONDS",
                        help="fault: at this second, restart the local PostgreSQL 15 cluster "
                             "(pg_ctlcluster; every database on it goes down for a moment)")
    parser.add_argument("--cut-db-at", type=float, default=None, metavar="SECONDS",
                        help="fault: at this second, terminate every server connection to DATABASE_URL's database "
                             "(what a PostgreSQL restart does to the app, without restarting a shared server)")
    parser.add_argument("--figure-edits", type=float, default=0.0, metavar="SHARE",
                        help="the share of household edits that also flip 整户无劳动能力兜底保障户, a column the "
                             "dashboards' village summaries read (the others change 自然村 only, which no figure reads)")
    args = parser.parse_args()
    Person.figure_edits = args.figure_edits
    host = urllib.parse.urlparse(args.base).hostname
    if host not in ("127.0.0.1", "localhost", "::1"):
        sys.exit("load_bench drives loopback only")
    stats, rng = Stats(), random.Random(args.seed)
    before = household_counters()
    clock = Clock(args.users)
    people = [Person(args.base, LOGINS[i % len(LOGINS)], stats, clock, args.think, random.Random(rng.random()))
              for i in range(args.users)]
    logins_started = time.monotonic()
    for person in people:
        person.start()
    # The logins come first and are not timed as pages: a person logs in once a day (sessions last 8 h),
    # and a hundred PBKDF2 checks in the same second measure the password hash, not the pages.
    clock.all_logged_in.wait()
    logins_took = time.monotonic() - logins_started
    started = time.monotonic()
    cpu_before = {"server": cpu_seconds(args.server_pid) if args.server_pid else None, "client": cpu_seconds(None)}
    clock.until = started + args.seconds
    clock.start.set()
    if args.cut_db_at is not None:
        threading.Timer(args.cut_db_at, cut_database_connections, args=(stats,)).start()
    if args.restart_db_at is not None:
        threading.Timer(args.restart_db_at, restart_database, args=(stats,)).start()
    for person in people:
        person.join()
    elapsed = time.monotonic() - started
    cpu_after = {"server": cpu_seconds(args.server_pid) if args.server_pid else None, "client": cpu_seconds(None)}
    print(f"{args.users} users × {args.seconds} s, think {args.think[0]:.0f}–{args.think[1]:.0f} s, against {args.base}"
          f" (their logins, before the clock started: {logins_took:.0f} s)")
    print(f"requests {stats.requests:,}  ({stats.requests / elapsed:.1f}/s), pages "
          f"{sum(len(v) for v in stats.times.values()):,}, errors {sum(stats.errors.values())}")
    for what, n in sorted(stats.errors.items()):
        print(f"  error {what}: {n}")
    every = [t for v in stats.times.values() for t in v]
    for kind, values in [*sorted(stats.times.items()), ("all pages", every)]:
        if values:
            print(f"  {kind:<10} n={len(values):>5}  median {statistics.median(values) * 1000:7.0f} ms  "
                  f"p95 {percentile(values, 0.95) * 1000:7.0f} ms  p99 {percentile(values, 0.99) * 1000:7.0f} ms  "
                  f"max {max(values) * 1000:7.0f} ms")
    used = {who: cpu_after[who] - cpu_before[who] for who in cpu_before if cpu_before[who] is not None}
    pages = sum(len(v) for v in stats.times.values())
    print("CPU during the timed run: " + ", ".join(
        f"{who} {seconds:.0f} s ({seconds / elapsed:.2f} cores, {seconds / max(pages, 1) * 1000:.0f} ms a page)"
        for who, seconds in used.items()) + f"; load average now {Path('/proc/loadavg').read_text().split()[0]}")
    for said in stats.refusals:
        print(f"  a save answered with the form again: {said}")
    if stats.error_pages:
        print("server errors seen as: " + ", ".join(f"{what} × {n}" for what, n in sorted(stats.error_pages.items())))
    if stats.cut_at is not None:
        soon = sum(1 for t in stats.error_times if stats.cut_at <= t < stats.cut_at + 10)
        later = sum(1 for t in stats.error_times if t >= stats.cut_at + 10)
        served = sum(1 for t in stats.page_times if t >= stats.cut_at + 10)
        at = args.cut_db_at if args.cut_db_at is not None else args.restart_db_at
        after = [t - stats.cut_at for t in stats.error_times if t >= stats.cut_at]
        first_page = min((t - stats.cut_at for t in stats.page_times if t >= stats.cut_at + (max(after) if after else 0)),
                         default=float("nan"))
        if hasattr(stats, "restart_took"):
            print(f"fault: PostgreSQL restarted at {at:.0f} s (pg_ctlcluster took {stats.restart_took:.1f} s, "
                  f"answer {stats.restart_answer})")
        else:
            print(f"fault: {stats.cut_connections} database connections terminated at {at:.0f} s")
        print(f"  errors within 10 s of it: {soon}, later: {later}; last error {max(after, default=0):.1f} s after it, "
              f"first page completed after that: +{first_page:.1f} s; pages served from 10 s after it: {served}")
    counted = writes_in_database(stats.markers)
    print(f"edits sent {stats.edits_sent}: saved {stats.edits_ok} (in the database: "
          f"{counted if counted is not None else '(set DATABASE_URL)'}), refused as stale {stats.edits_refused}")
    after = household_counters()
    if before and after:
        print(f"households' versions +{after[0] - before[0]}, household history rows +{after[1] - before[1]} "
              f"(edits sent: {stats.edits_sent})")


if __name__ == "__main__":
    main()
