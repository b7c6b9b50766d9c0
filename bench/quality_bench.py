"""Server time of the data-quality checks at full scale (issue 13: a county ≤ 1 s), in process, on the
database of DATABASE_URL holding the full-scale demo.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/yc_bench .venv/bin/python bench/quality_bench.py 140829 140802

For each county code: the page /monitoring/quality/ as a county reviewer of that county (the demo has one,
pinglu_reviewer; for another county the script uses the first reviewer of it, or says none exists: add
one with accounts.services.user_create), median of BENCH_RUNS; then each check of the county alone, and
the whole city's checks (the background job's work) three times.
"""

import os
import statistics
import sys
import time

import _inprocess  # noqa: E402,F401 — Django set up

from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import Profile  # noqa: E402
from accounts.scoping import area_filter  # noqa: E402
from monitoring.models import Household  # noqa: E402
from monitoring.quality import CHECKS, _summary_row, quality_summary  # noqa: E402

RUNS = int(os.environ.get("BENCH_RUNS", "7"))


def median_ms(fn, runs=RUNS):
    fn()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def main(codes):
    print(f"load average {open('/proc/loadavg').read().split()[:3]}")
    today = timezone.localdate()
    for code in codes:
        profile = Profile.objects.filter(role="county_reviewer", area_code=code).select_related("user").first()
        if profile is None:
            print(f"{code}: no county reviewer in this database")
        else:
            client = Client()
            client.force_login(profile.user)

            def page():
                response = client.get("/monitoring/quality/")
                assert response.status_code == 200 and "quality-progress" not in response.content.decode()

            print(f"{code} page /monitoring/quality/ ({profile.user.username}): median {median_ms(page):.1f} ms")
        households = Household.objects.filter(**area_filter("village_id", code))
        for check in CHECKS:
            print(f"    {check.key:<24} {median_ms(lambda: _summary_row(check, households, 9, today), 3):7.1f} ms")
    seconds = []
    for _ in range(3):
        start = time.perf_counter()
        quality_summary(households=Household.objects.all(), group_len=6)
        seconds.append(time.perf_counter() - start)
    print(f"city, every check: {' / '.join(f'{s:.2f} s' for s in seconds)}")
    print(f"load average {open('/proc/loadavg').read().split()[:3]}")


if __name__ == "__main__":
    main(sys.argv[1:] or ["140829"])
