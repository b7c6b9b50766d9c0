"""/api/metrics/ alone (the two API lines of bench/dashboard_bench.py, without the rest), median of
BENCH_RUNS, for comparing two checkouts in alternation on one database under the same load:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/yc_bench .venv/bin/python bench/metrics_api_bench.py after
"""

import os
import statistics
import sys
import time

import _inprocess  # noqa: E402,F401 — Django set up

from django.contrib.auth import get_user_model  # noqa: E402
from django.test import Client  # noqa: E402

RUNS = int(os.environ.get("BENCH_RUNS", "15"))


def median_ms(client, params):
    client.get("/api/metrics/", params)
    samples = []
    for _ in range(RUNS):
        start = time.perf_counter()
        response = client.get("/api/metrics/", params)
        samples.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    return statistics.median(samples)


def main(label):
    client = Client()
    client.force_login(get_user_model().objects.get(username="city_leader"))
    city = median_ms(client, {"year": 2023, "quarter": 3})
    county = median_ms(client, {"year": 2023, "quarter": 3, "area": "140829"})
    print(f"{label} city {city:6.1f} ms  平陆县 {county:6.1f} ms  load {open('/proc/loadavg').read().split()[0]}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "")
