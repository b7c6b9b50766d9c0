"""Server time of the dashboards, in process (Django's test Client), on the database of DATABASE_URL
(SQLite under DATA_DIR when unset) holding the full-scale demo (migrate + seed_demo).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/yc_bench_dashboard .venv/bin/python bench/dashboard_bench.py
    DATA_DIR=/tmp/h6_data .venv/bin/python bench/dashboard_bench.py

Prints the median and p95 of many runs for: the city dashboard (its HTML brings its charts' data: one
request is what one page view costs the server); each chart's JSON view (the API); /api/metrics/; a section dashboard; a
county leader's dashboard; and, once, the cost of rebuilding every village summary after a bulk write.

On the simulated province (`PLATFORM_AREA=140000`, `seed_demo --province`) it also measures the province
dashboard (province_leader: 山西省, the 11 cities as rows) and a city dashboard inside the province (the 运城
city administrator, and taiyuan's city01_admin), each as one page view (the HTML with its 8 charts' data):

    PLATFORM_AREA=140000 DATABASE_URL=postgres://postgres@127.0.0.1:5432/i21_province \
        .venv/bin/python bench/dashboard_bench.py
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yuncheng.settings")
os.environ.setdefault("SECRET_KEY", "bench-only")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("SESSION_COOKIE_SECURE", "false")
os.environ.setdefault("CSRF_COOKIE_SECURE", "false")
os.environ.setdefault("STATIC_STORAGE", "simple")
os.environ.setdefault("LOG_LEVEL", "WARNING")
os.environ.setdefault("DEMO_ACCOUNTS_ALLOWED", "true")  # the demo logins, without the first-login password change

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from dashboard.pages import HOME  # noqa: E402
from dashboard.periods import Period  # noqa: E402
from dashboard.village_summaries import refresh_summaries, summaries_ensure, summaries_invalidate  # noqa: E402
from villages.selectors import province_platform  # noqa: E402

RUNS = int(os.environ.get("BENCH_RUNS", "30"))
YEAR, QUARTER = 2023, 3
Q = {"year": YEAR, "quarter": QUARTER}


def client_for(username):
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


def timed(fn, runs=RUNS):
    fn()  # warm
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[min(len(samples) - 1, int(len(samples) * 0.95))]


def get(client, path, params=Q, status=200):
    response = client.get(path, params)
    assert response.status_code == status, (path, response.status_code)
    return response


def queries(fn):
    with CaptureQueriesContext(connection) as captured:
        fn()
    return len(captured)


def line(label, fn, runs=RUNS):
    median, p95 = timed(fn, runs)
    print(f"  {label:<44} median {median:7.1f} ms   p95 {p95:7.1f} ms   queries {queries(fn):>3}")
    return median


def main():
    vendor = connection.vendor
    print(f"数据库: {vendor} {connection.settings_dict['NAME']}   runs: {RUNS}")
    from monitoring.models import Household, Member

    print(f"  households {Household.objects.count():,}   persons {Member.objects.count():,}")

    if os.environ.get("BENCH_SKIP_REBUILD"):  # the summaries the seed built are kept
        return after_rebuild()
    # A bulk write (the seed, an import) forgets every summary: the first read rebuilds what it needs.
    summaries_invalidate()
    start = time.perf_counter()
    refresh_summaries(periods=[Period(YEAR, QUARTER), Period(YEAR - 1, QUARTER), Period(YEAR - 2, QUARTER)])
    print(f"  rebuild of every village summary, 3 periods (once, after a bulk write): "
          f"{time.perf_counter() - start:.2f} s")
    after_rebuild()


def after_rebuild():
    leader = client_for("city_leader")
    get(leader, "/api/metrics/")
    one = "140829100200"
    samples = []
    for _ in range(5):
        summaries_invalidate(village_codes=[one])  # what a write to one household does
        start = time.perf_counter()
        summaries_ensure(prefix="1408", periods=[Period(YEAR, QUARTER), Period(YEAR - 1, QUARTER)])
        samples.append((time.perf_counter() - start) * 1000)
    print(f"  next read after a write to one village: stale check + recompute of that village, 2 periods: "
          f"median {statistics.median(samples):.1f} ms")

    line("baseline: 区县 list (13 rows, no figures)", lambda: get(leader, "/areas/"))
    home = line("首页 (city): one page view, its 8 charts' data on the page", lambda: get(leader, "/"))
    chart_total = 0.0
    for name in HOME.charts:  # the charts' JSON views (the API; the page no longer asks for them)
        chart_total += line(f"chart JSON {name}", lambda name=name: get(leader, f"/dashboard/charts/{name}/"))
    line("/api/metrics/ (city, every key)", lambda: get(leader, "/api/metrics/"))
    line("/api/metrics/ (平陆县)", lambda: get(leader, "/api/metrics/", {**Q, "area": "140829"}))
    line("监测帮扶 section HTML (city)", lambda: get(leader, "/dashboard/monitoring/"))
    line("收入就业 section HTML (city)", lambda: get(leader, "/dashboard/income/"))
    county = client_for("pinglu_leader")
    line("首页 HTML (pinglu_leader, 平陆县)", lambda: get(county, "/"))
    line("drill-down monitoring.persons (city, page 1)",
         lambda: get(leader, "/dashboard/records/monitoring.persons/"))
    print(f"  首页 page view {home:.1f} ms; the 8 chart JSON views apart: {chart_total:.1f} ms")
    if province_platform():
        province()
    reset_queries()


def page_view_of(client, params=None):
    """One page view: the HTML, which brings its charts' data (dashboard.js draws them from the page)."""
    def view():
        get(client, "/", {**Q, **(params or {})})
    return view


def province():
    """The province's dashboard (11 cities as rows) and city dashboards inside the province."""
    print("  province (PLATFORM_AREA=140000):")
    leader = client_for("province_leader")
    line("province 首页 with its 8 charts (one page view)", page_view_of(leader), runs=max(10, RUNS // 3))
    line("/api/metrics/ (province, every key)", lambda: get(leader, "/api/metrics/"))
    line("city 首页 with its 8 charts, province_leader at 运城", page_view_of(leader, {"area": "140800"}),
         runs=max(10, RUNS // 3))
    line("city 首页 with its 8 charts (运城 city_admin)", page_view_of(client_for("city_admin")),
         runs=max(10, RUNS // 3))
    line("city 首页 with its 8 charts (太原 city01_admin)", page_view_of(client_for("city01_admin")),
         runs=max(10, RUNS // 3))


if __name__ == "__main__":
    main()
