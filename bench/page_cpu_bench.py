"""CPU time of a few pages, one request at a time in-process (Django's test client against DATABASE_URL),
median of --runs: a dashboard with every chart JSON it asks for, a list, the household admin list. The
figures' cache is as configured (on by default: after the first run these are cache hits).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/<copy of yc_bench> .venv/bin/python bench/page_cpu_bench.py
"""

import argparse
import re
import statistics
import time

import _inprocess  # noqa: F401  (Django set up)
from django.contrib.auth import get_user_model
from django.test import Client

PAGES = {
    "首页 (city) + charts": ("city_admin", "/"),
    "首页 (平陆县) + charts": ("pinglu_leader", "/"),
    "收入就业 + charts": ("city_leader", "/dashboard/income/"),
    "监测对象 list (平陆县)": ("city_admin", "/monitoring/?county=140829"),
    "household admin list": ("pinglu_clerk", "/admin/monitoring/household/?p=1"),
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    users = get_user_model().objects
    for name, (username, url) in PAGES.items():
        client = Client()
        client.force_login(users.get(username=username))
        cpu, wall = [], []
        for _ in range(args.runs):
            started, cpu_started = time.perf_counter(), time.process_time()
            response = client.get(url)
            for chart in re.findall(r'data-chart-url="([^"]+)"', response.content.decode()):
                client.get(chart.replace("&amp;", "&"))
            cpu.append((time.process_time() - cpu_started) * 1000)
            wall.append((time.perf_counter() - started) * 1000)
        print(f"{name:24} {response.status_code}  CPU median {statistics.median(cpu):6.1f} ms  "
              f"wall {statistics.median(wall):6.1f} ms")


if __name__ == "__main__":
    main()
