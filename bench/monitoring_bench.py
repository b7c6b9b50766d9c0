"""Server time of the monitoring pages at full scale, in process (Django's test Client), on the database of
DATABASE_URL holding the full-scale demo (migrate + seed_demo, at least villages, accounts, monitoring).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/yc_bench_monitoring .venv/bin/python bench/monitoring_bench.py

Budget (issue 3): the admin household changelist filtered by county at page size 100 and the 监测对象 list
page each ≤ 150 ms median. Also measured: the admin search by 户编号 and by ID number (and the plan of those
two lookups, which must use an index), the household page and the 待审核 worklist.
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

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from accounts.scoping import in_area  # noqa: E402
from monitoring.models import Household, Member  # noqa: E402
from monitoring.selectors import search_households  # noqa: E402

RUNS = int(os.environ.get("BENCH_RUNS", "40"))
BUDGET_MS = 150


def client_for(username):
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


def measure(label, client, url, params=None, budget=None):
    response = client.get(url, params or {})
    assert response.status_code == 200, (label, response.status_code)
    queries = []  # counted with a wrapper: each request resets Django's own query log
    with connection.execute_wrapper(lambda execute, sql, *args: queries.append(sql) or execute(sql, *args)):
        client.get(url, params or {})
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        client.get(url, params or {})
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    median, p95 = statistics.median(times), times[int(len(times) * 0.95) - 1]
    verdict = "" if budget is None else ("  OK" if median <= budget else f"  OVER BUDGET ({budget} ms)")
    print(f"{label:<48} median {median:7.1f} ms  p95 {p95:7.1f} ms  queries {len(queries):3d}{verdict}")
    return median


def plan(label, queryset):
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        prefix = "EXPLAIN" if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN"
        cursor.execute(f"{prefix} {sql}", params)
        lines = [" ".join(str(c) for c in row) for row in cursor.fetchall()]
    uses_index = any("Index" in line or "USING INDEX" in line or "USING COVERING INDEX" in line for line in lines)
    print(f"{label:<48} {'index' if uses_index else 'NO INDEX'}: {lines[0][:90]}")
    return uses_index


def main():
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}; "
          f"households {Household.objects.count():,}, members {Member.objects.count():,}; runs {RUNS}")
    admin = client_for("city_admin")
    reviewer = client_for("pinglu_reviewer")
    clerk = client_for("pinglu_clerk")
    some = in_area(Household.objects.filter(is_monitored=True), "village__code", "140829").order_by("code").first()
    member = some.members.first()

    # The machine's state: a page with no monitoring data at all (13 rows), for comparing runs.
    measure("baseline: 区县 list (13 rows, no monitoring data)", admin, "/areas/")
    results = [
        measure("admin changelist, county 140829, 100/page", admin, "/admin/monitoring/household/",
                {"county": "140829"}, BUDGET_MS),
        measure("admin changelist, county, type=监测户", admin, "/admin/monitoring/household/",
                {"county": "140829", "type": "monitored"}, BUDGET_MS),
        measure("admin changelist, city, no filter", admin, "/admin/monitoring/household/", None, BUDGET_MS),
        measure("监测对象 list (city admin, default 监测户)", admin, "/monitoring/", None, BUDGET_MS),
        measure("监测对象 list (county reviewer)", reviewer, "/monitoring/", None, BUDGET_MS),
        measure("监测对象 list, all 农户 of the city, page 50", admin, "/monitoring/", {"type": "all"}, BUDGET_MS),
        measure("监测对象 list, all 农户 of a county, by risk", admin, "/monitoring/",
                {"county": "140829", "risk": "illness"}, BUDGET_MS),
    ]
    measure("admin search by 户编号", admin, "/admin/monitoring/household/", {"q": some.code})
    measure("admin search by ID number", admin, "/admin/monitoring/household/", {"q": member.id_number})
    measure("household page", reviewer, f"/monitoring/households/{some.code}/")
    measure("待审核 worklist (township clerk)", clerk, "/monitoring/worklist/")
    plan("plan: search by 户编号", search_households(Household.objects.all(), some.code))
    plan("plan: ID number → household", Member.objects.filter(id_number=member.id_number).values("household_id"))
    worst = max(results)
    print(f"\nworst budgeted median: {worst:.1f} ms (budget {BUDGET_MS} ms) — {'OK' if worst <= BUDGET_MS else 'OVER'}")


if __name__ == "__main__":
    main()
