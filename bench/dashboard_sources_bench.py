"""Where a dashboard's time goes: each source of ``dashboard.sources.SOURCES``, timed alone (median of runs),
for one area, as a whole and by child area, with the figures' cache off (the sources are called directly).

    PLATFORM_AREA=140000 DATABASE_URL=postgres://postgres@127.0.0.1:5432/i24_province \\
        .venv/bin/python bench/dashboard_sources_bench.py 140800 140000

Arguments: area codes (default: the platform's whole area). ``BENCH_RUNS`` (default 9). The summaries are
built (``summaries_ensure``) by a first, untimed call of each source.
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yuncheng.settings")
os.environ.setdefault("SECRET_KEY", "bench-only")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from dashboard.periods import Period  # noqa: E402
from dashboard.sources import SOURCES  # noqa: E402
from villages.models import area_prefix  # noqa: E402
from villages.selectors import area_get  # noqa: E402

RUNS = int(os.environ.get("BENCH_RUNS", "9"))
PERIOD = Period(2023, 3)


def child_len(code: str) -> int:
    """The length of the child areas' codes: province → cities (4), city → counties (6), county → townships …"""
    prefix = area_prefix(code)
    return {2: 4, 4: 6, 6: 9, 9: 12}[len(prefix)]


def main(codes):
    print(f"数据库: {connection.vendor} {connection.settings_dict['NAME']}   runs: {RUNS}   period: {PERIOD.label}")
    for code in codes:
        area = area_get(code=code)
        total = 0.0
        print(f"  {area.name} ({area.code})")
        for name, source in SOURCES.items():
            for group_len in (None, child_len(area.code)):
                def call(source=source, group_len=group_len):
                    return source(area=area, period=PERIOD, group_len=group_len)

                call()  # builds missing summaries
                samples = []
                for _ in range(RUNS):
                    start = time.perf_counter()
                    call()
                    samples.append((time.perf_counter() - start) * 1000)
                with CaptureQueriesContext(connection) as captured:
                    call()
                median = statistics.median(samples)
                total += median
                grouping = "whole" if group_len is None else f"by {group_len}"
                print(f"    {name:<24} {grouping:<8} median {median:7.1f} ms   queries {len(captured):>2}")
        print(f"    sum of medians: {total:.1f} ms")


if __name__ == "__main__":
    main(sys.argv[1:] or [""])
