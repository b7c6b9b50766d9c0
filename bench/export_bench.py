"""Benchmark: the city's 监测对象明细表 from PostgreSQL against the bare writer on the same cells.

    DEBUG=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/yc_bench \\
        .venv/bin/python bench/export_bench.py [--year 2023 --quarter 3 --runs 4 --no-analyze]

Each measurement runs in a fresh subprocess so that its peak memory (ru_maxrss) is its own:

* ``ours``: ``report_write`` of the ledger for the whole city — the queries, the formatting and the
  styled, streamed openpyxl sheet (title, merged headers, 合计 row, print setup);
* ``bare``: the same rows, first collected into an in-memory list (not timed), then appended to a bare
  openpyxl write-only sheet at the same path kind (timed) — what the writer library alone needs for the
  same cells: the same empty cells, and the same number formats on the same columns (one shared styled
  cell per formatted column, the cheapest way openpyxl's write-only mode takes a style).

The phases alternate (ours, bare; then bare, ours; ...) so that a change of machine load hits both; the
best run of each is compared. The script runs ANALYZE first (right after ``seed_demo`` the planner has no
statistics and picks a nested-loop plan that takes minutes); ``--no-analyze`` skips it on a database
that is already analysed or must stay read-only. Budget (issue 7): ours ≤ 1.3 × bare, peak memory of
ours < 150 MB.
"""

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _setup():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yuncheng.settings")
    import django

    django.setup()


def _context(year, quarter):
    from django.contrib.auth import get_user_model

    from accounts.roles import CITY_CODE, Role
    from reports.exports import report_context
    from villages.selectors import area_get

    user = (get_user_model().objects.select_related("profile")
            .filter(is_active=True, profile__role=Role.CITY_ADMIN).order_by("id").first())
    if user is None:
        raise SystemExit("no city administrator in this database (run seed_demo first)")
    return report_context(user=user, area=area_get(code=CITY_CODE), year=year, quarter=quarter)


def phase(name, year, quarter):
    _setup()
    from openpyxl import Workbook

    from reports.exports import REPORTS, report_write
    from reports.ledgers import household_ledger_rows

    ctx = _context(year, quarter)
    # The dashboard's per-village summaries are maintained on write in production; make sure they exist
    # (an import benchmark's clean-up forgets them) so that the clock measures the export itself.
    from dashboard.catalogue import metric_values

    metric_values(user=ctx.user, area=ctx.area, year=year, quarter=quarter, keys=["monitoring.households"])
    out = Path(tempfile.mkdtemp()) / f"{name}.xlsx"
    if name == "ours":
        start = time.perf_counter()
        rows = report_write(REPORTS["household_ledger"], ctx, out)
        seconds = time.perf_counter() - start
    else:
        # In memory before the clock starts; empty texts become empty cells, as the report writes them.
        from openpyxl.cell import WriteOnlyCell

        from reports.ledgers import HOUSEHOLD_COLUMNS
        from reports.xlsx import NUMBER_FORMATS

        data = [tuple(None if v == "" else v for v in row) for row in household_ledger_rows(ctx)]
        rows = len(data)
        formatted = [(i, NUMBER_FORMATS[c.kind]) for i, c in enumerate(HOUSEHOLD_COLUMNS) if c.kind in NUMBER_FORMATS]
        start = time.perf_counter()
        book = Workbook(write_only=True)
        ws = book.create_sheet("监测对象明细表")
        cells = {}
        for i, fmt in formatted:
            cells[i] = WriteOnlyCell(ws)
            cells[i].number_format = fmt
        for row in data:
            row = list(row)
            for i, cell in cells.items():
                if row[i] is not None:
                    cell.value = row[i]
                    row[i] = cell
            ws.append(row)
        book.save(out)
        seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"phase": name, "rows": rows, "seconds": round(seconds, 2), "peak_mb": round(peak_mb, 1),
                      "bytes": out.stat().st_size}))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--year", type=int, default=2023)
    parser.add_argument("--quarter", type=int, default=3)
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--phase", choices=["ours", "bare"])
    parser.add_argument("--no-analyze", action="store_true", help="skip ANALYZE (database already analysed)")
    args = parser.parse_args()
    if args.phase:
        return phase(args.phase, args.year, args.quarter)
    # A freshly seeded database has no planner statistics (bulk COPY); production has autovacuum.
    _setup()
    from django.db import connection

    if connection.vendor == "postgresql" and not args.no_analyze:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    results = {"ours": [], "bare": []}
    for run in range(args.runs):
        for name in (("ours", "bare") if run % 2 == 0 else ("bare", "ours")):
            out = subprocess.run(
                [sys.executable, __file__, "--phase", name, "--year", str(args.year), "--quarter", str(args.quarter)],
                check=True, capture_output=True, text=True, cwd=ROOT,
            ).stdout.strip().splitlines()[-1]
            result = json.loads(out)
            results[name].append(result)
            print(f"{name:5} rows={result['rows']:,} time={result['seconds']:.2f} s peak={result['peak_mb']:.0f} MB "
                  f"file={result['bytes'] / 1e6:.1f} MB", flush=True)
    ours = min(r["seconds"] for r in results["ours"])
    bare = min(r["seconds"] for r in results["bare"])
    peak = max(r["peak_mb"] for r in results["ours"])
    print(f"\nbest of {args.runs}: ours {ours:.2f} s, bare openpyxl {bare:.2f} s, ratio {ours / bare:.2f} "
          f"(budget ≤ 1.30); peak memory of ours {peak:.0f} MB (budget < 150 MB)")
    ours_median = statistics.median(r["seconds"] for r in results["ours"])
    bare_median = statistics.median(r["seconds"] for r in results["bare"])
    print(f"median of {args.runs}: ours {ours_median:.2f} s, bare {bare_median:.2f} s, ratio {ours_median / bare_median:.2f}")


if __name__ == "__main__":
    main()
