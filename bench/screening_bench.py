"""Cost of the screening writes on the database of DATABASE_URL holding the demo (migrate + seed_demo),
inside a transaction that is rolled back (the database is left as it was).

    DEBUG=1 DATABASE_URL=sqlite:////tmp/yc.sqlite3 .venv/bin/python bench/screening_bench.py [ROWS]

Prints: a department list of ROWS persons (default 5,000; 5 % not in the registry, 5 % reported twice)
checked and written (department_events_plan / _apply); a mock assessment drawn for every county at 330
households per county; and the answers of every sampled household (8 indicators, 3 % failed) recorded,
each failure raising its rectification issue.
"""

import datetime
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yuncheng.settings")
os.environ.setdefault("SECRET_KEY", "bench-only")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import transaction  # noqa: E402

from monitoring.models import Member  # noqa: E402
from screening import services  # noqa: E402
from screening.models import EventType, Indicator  # noqa: E402
from villages.models import County  # noqa: E402
from yuncheng.idcard import make_id_number  # noqa: E402


class Rollback(Exception):
    pass


def timed(label, fn):
    start = time.perf_counter()
    result = fn()
    print(f"{label}: {time.perf_counter() - start:.2f} s")
    return result


def main(rows: int):
    rng = random.Random(1)
    admin = get_user_model().objects.get(username="city_admin")
    ids = list(Member.objects.order_by("id").values_list("id_number", "name")[: rows])
    events = []
    for n, (id_number, name) in enumerate(ids):
        if n % 20 == 0:
            id_number = make_id_number("140829", datetime.date(1991, 1 + n % 12, 1 + n % 28), 700 + n % 200, True)
        event_type = rng.choice(list(EventType))
        events.append(services.EventInput(
            row=n + 2, id_number=id_number, name=name, event_type=event_type,
            event_date=datetime.date(2023, 1, 1) + datetime.timedelta(days=rng.randrange(300)),
            amount=rng.randrange(1000, 50000) if event_type == EventType.MEDICAL else None, description="",
            department="市民政局"))
        if n % 20 == 1:
            events.append(services.EventInput(**{**events[-1].__dict__, "department": "市残联"}))
    print(f"department list: {len(events)} rows")
    try:
        with transaction.atomic():
            plan = timed("  plan (check, match, rules)", lambda: services.department_events_plan(user=admin, events=events))
            counts = timed("  apply (write events and warnings)",
                           lambda: services.department_events_apply(user=admin, plan=plan))
            print(f"  {counts}")
            assessment = services.round_create(user=admin, name="bench", year=2023, seed=7,
                                               counties=County.objects.all())
            shortfall = timed("mock assessment draw (13 counties × 330)",
                              lambda: services.round_draw(user=admin, assessment=assessment))
            samples = list(assessment.samples.select_related("household"))
            print(f"  {len(samples)} households drawn; short: {sum(sum(v.values()) for v in shortfall.values())}")
            answers = [services.AnswerInput(sheet="s", row=i, household_code=s.household.code,
                                            answers={ind.value: rng.random() > 0.03 for ind in Indicator})
                       for i, s in enumerate(samples)]
            counts = timed("answers recorded", lambda: services.answers_record(user=admin, assessment=assessment,
                                                                               rows=answers))
            print(f"  {counts}")
            raise Rollback
    except Rollback:
        pass


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5000)
