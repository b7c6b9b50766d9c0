"""CPU time of a few pages, one request at a time in-process (Django's test client against DATABASE_URL),
median of --runs: a dashboard with any chart JSON it asks for (its charts' data now comes with the page),
a list, the household admin list. The
figures' cache is as configured (on by default: after the first run these are cache hits).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/<copy of yc_bench> .venv/bin/python bench/page_cpu_bench.py

``--profile N`` prints, for each page, the N functions with the most CPU of their own (cProfile, over
every run after the first), to see where a page's time goes; ``--only`` picks pages by a part of the name.
"""

import argparse
import cProfile
import io
import pstats
import re
import statistics
import time

import _inprocess  # noqa: F401  (Django set up)
from django.contrib.auth import get_user_model
from django.test import Client

PAGES = {
    "首页 (city)": ("city_admin", "/"),
    "首页 (平陆县)": ("pinglu_leader", "/"),
    "收入就业": ("city_leader", "/dashboard/income/"),
    "监测对象 list (平陆县)": ("city_admin", "/monitoring/?county=140829"),
    "household admin list": ("pinglu_clerk", "/admin/monitoring/household/?p=1"),
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--profile", type=int, default=0, metavar="N")
    parser.add_argument("--only", default="")
    parser.add_argument("--sort", default="tottime", help="cProfile's order: tottime, cumulative …")
    args = parser.parse_args()
    users = get_user_model().objects
    for name, (username, url) in PAGES.items():
        if args.only not in name:
            continue
        client = Client()
        client.force_login(users.get(username=username))
        cpu, html_cpu, wall = [], [], []
        profile = cProfile.Profile() if args.profile else None
        for run in range(args.runs):
            if profile and run == 1:
                profile.enable()
            started, cpu_started = time.perf_counter(), time.process_time()
            response = client.get(url)
            html_cpu.append((time.process_time() - cpu_started) * 1000)
            for chart in re.findall(r'data-chart-url="([^"]+)"', response.content.decode()):
                client.get(chart.replace("&amp;", "&"))
            cpu.append((time.process_time() - cpu_started) * 1000)
            wall.append((time.perf_counter() - started) * 1000)
        print(f"{name:24} {response.status_code}  CPU median {statistics.median(cpu):6.1f} ms "
              f"(HTML {statistics.median(html_cpu):5.1f})  wall {statistics.median(wall):6.1f} ms")
        if profile:
            profile.disable()
            out = io.StringIO()
            pstats.Stats(profile, stream=out).sort_stats(args.sort).print_stats(args.profile)
            print(out.getvalue())


if __name__ == "__main__":
    main()
