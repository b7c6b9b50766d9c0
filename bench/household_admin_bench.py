"""The household edit of bench/load_bench.py, in process and one step at a time: for each editor, the
admin changelist (``?p=1``), a household's change form (GET) and the form posted back with 自然村 changed
(POST), each timed (median of --runs) and its queries counted; and, on the POST, the time spent on the
dashboard summaries (forgetting and, after the commit, rebuilding the village's rows — measured, not changed).

Run it on a copy of the full-scale demo: the POSTs write.

    createdb -h 127.0.0.1 -U postgres -T yc_bench i26_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/i26_bench .venv/bin/python bench/household_admin_bench.py

Household ``i`` of a run is the ``i``-th link of the user's changelist page, so runs before and after a
change edit the same households. Queries are counted with CaptureQueriesContext (which also times each).
"""

import argparse
import cProfile
import pstats
import re
import statistics
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _inprocess  # noqa: E402,F401  (Django set up)

from django.conf import settings  # noqa: E402

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from load_bench import ADMIN_LINK, EDITORS, FormParser  # noqa: E402

SPENT = {"summaries": 0.0}


def _timing(function):
    """``function`` with its time added to SPENT["summaries"]."""

    def timed(*args, **kwargs):
        start = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            SPENT["summaries"] += time.perf_counter() - start

    return timed


def _watch_summaries() -> None:
    """Time what a save spends on the dashboard summaries (forgetting its villages' rows, and rebuilding
    them after the commit, in the writer's request): measured here, not changed."""
    import dashboard.signals
    import dashboard.village_summaries

    dashboard.signals.summaries_invalidate = _timing(dashboard.signals.summaries_invalidate)
    dashboard.village_summaries.summaries_rebuild = _timing(dashboard.village_summaries.summaries_rebuild)


def _timed(times, cpu, counts, step, call):
    """``call()`` timed (wall clock and this process's CPU: the server's share of the page, whatever the
    machine's load) with its queries counted."""
    with CaptureQueriesContext(connection) as queries:
        start, start_cpu = time.perf_counter(), time.process_time()
        response = call()
        times[step].append(time.perf_counter() - start)
        cpu[step].append(time.process_time() - start_cpu)
    counts[step].append(len(queries))
    return response, queries


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=11)
    parser.add_argument("--users", nargs="*", default=EDITORS)
    parser.add_argument("--figure-edits", action="store_true",
                        help="each edit also flips 整户无劳动能力兜底保障户, a column the summaries read (as "
                             "load_bench --figure-edits 1); without it only 自然村 changes, which no figure reads")
    parser.add_argument("--profile", type=int, default=0, metavar="N",
                        help="print the N functions with the most CPU of their own over every step (cProfile)")
    parser.add_argument("--sort", default="tottime", help="cProfile's order: tottime, cumulative …")
    args = parser.parse_args()
    _watch_summaries()
    profile = cProfile.Profile() if args.profile else None
    User = get_user_model()
    print(f"DEBUG={settings.DEBUG}, {args.runs} runs per user, figure edits: {args.figure_edits}")
    print(f"{'user':16} {'step':12} {'median ms':>9} {'min ms':>7} {'CPU ms':>7} {'queries':>9}  members")
    for username in args.users:
        client = Client()
        client.force_login(User.objects.get(username=username))
        client.get("/admin/monitoring/household/?p=1")  # warm-up: URL resolvers, templates
        times = {"changelist": [], "GET form": [], "POST form": [], "summaries": []}
        cpu = {"changelist": [], "GET form": [], "POST form": []}
        counts = {"changelist": [], "GET form": [], "POST form": []}
        members = []
        if profile:
            profile.enable()
        for run in range(args.runs):
            response, _ = _timed(times, cpu, counts, "changelist",
                                 lambda: client.get("/admin/monitoring/household/?p=1"))
            assert response.status_code == 200, response.status_code
            links = ADMIN_LINK.findall(response.content.decode())
            url = links[(run * 7) % len(links)][0].replace("&amp;", "&")
            response, _ = _timed(times, cpu, counts, "GET form", lambda: client.get(url))
            assert response.status_code == 200, response.status_code
            html = response.content.decode()
            members.append(int(re.search(r'name="members-TOTAL_FORMS"[^>]*value="(\d+)"', html).group(1)))
            form = FormParser("household_form")
            form.feed(html)
            fields = [(k, v) for k, v in form.fields if k != "natural_village"]
            fields += [("natural_village", f"压测{uuid.uuid4().hex[:12]}"), ("_save", "保存")]
            if args.figure_edits:
                flipped = [(k, v) for k, v in fields if k != "is_no_labour"]
                fields = flipped if len(flipped) < len(fields) else flipped + [("is_no_labour", "on")]
            data = {}
            for key, value in fields:
                data.setdefault(key, []).append(value)
            SPENT["summaries"] = 0.0
            response, _ = _timed(times, cpu, counts, "POST form", lambda: client.post(url, data))
            times["summaries"].append(SPENT["summaries"])
            saved = response.status_code == 302 and "/change/" not in response.get("Location", "")
            assert saved, (response.status_code, response.get("Location"))
        if profile:
            profile.disable()
        for step, values in times.items():
            n = counts.get(step)
            queries = f"{min(n)}–{max(n)}" if n and min(n) != max(n) else (str(n[0]) if n else "")
            shown = f"{min(members)}–{max(members)}" if step == "GET form" else ""
            spent = f"{statistics.median(cpu[step]) * 1000:7.1f}" if step in cpu else ""
            print(f"{username:16} {step:12} {statistics.median(values) * 1000:9.1f} {min(values) * 1000:7.1f} "
                  f"{spent:>7} {queries:>9}  {shown}")
    if profile:
        pstats.Stats(profile).sort_stats(args.sort).print_stats(args.profile)


if __name__ == "__main__":
    main()
