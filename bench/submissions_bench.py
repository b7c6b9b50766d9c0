"""Cost of provincial review on the database of DATABASE_URL (SQLite under DATA_DIR when unset) holding a
demo (migrate + seed_demo [--scale S]), in process.

    DATABASE_URL=sqlite:////tmp/h16_seed.sqlite3 DEBUG=1 .venv/bin/python bench/submissions_bench.py

Prints: the time of freezing the whole city for the demo's latest quarter (every figure of every area,
every record list's ids, the report workbooks), what it stored, and the server time (median of 5) of the
pages that read a submission: the 录入进度 page, the submission page (frozen vs live vs previous with the
records that changed), the API with ?submitted=1 and the 大比拼 scoreboard. The frozen submission is
deleted again at the end.
"""

import json
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
from django.test import Client  # noqa: E402

from dashboard.periods import period_default  # noqa: E402
from submissions.services import submission_freeze  # noqa: E402
from villages.selectors import CITY  # noqa: E402


def timed(client, url, runs=5):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - start)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(times)


def main():
    admin = get_user_model().objects.get(username="city_admin")
    period = period_default()
    start = time.perf_counter()
    submission = submission_freeze(user=admin, area=CITY, year=period.year, quarter=period.quarter,
                                   confirm_incomplete=True)
    seconds = time.perf_counter() - start
    ids = sum(len(json.dumps(r.records)) for r in submission.record_sets.all())
    print(f"freeze {CITY.name} {period.label}: {seconds:.1f} s — {submission.figures.count()} areas, "
          f"{submission.record_sets.count()} record lists ({ids / 1e6:.2f} MB of ids), "
          f"{submission.reports.count()} reports; {submission.note or ''}")
    client = Client()
    client.force_login(admin)
    query = f"year={period.year}&quarter={period.quarter}"
    for label, url in (
        ("录入进度 (city)", f"/review/progress/?{query}"),
        ("submission page (city)", f"/review/submissions/{submission.pk}/"),
        ("submission page (county 140829)", f"/review/submissions/{submission.pk}/?area=140829"),
        ("API submitted=1 (county 140829)", f"/api/metrics/?{query}&area=140829&submitted=1"),
        ("大比拼 scoreboard", "/review/competition/"),
    ):
        print(f"{label}: median {timed(client, url) * 1000:.0f} ms")
    for report in submission.reports.all():
        report.file.delete(save=False)
    submission.delete()


if __name__ == "__main__":
    main()
