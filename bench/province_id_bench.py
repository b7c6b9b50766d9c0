"""What the province copy's ID-number rewrite costs (yuncheng.province._id_number_sql), read-only, on the
database of DATABASE_URL holding the 运城 demo (e.g. yc_bench):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/yc_bench .venv/bin/python bench/province_id_bench.py

Times ``SELECT count(DISTINCT <expression>) FROM monitoring_member WHERE id < 10⁸`` (运城's members) for the
plain column and the rewrite to 太原 (140100), best of three; the distinct count shows the moved numbers stay
unique. Writes nothing.
"""

import time

import _inprocess  # noqa: F401 — Django set up

from django.db import connection  # noqa: E402

from yuncheng import province  # noqa: E402


def best_of_three(cursor, expression: str) -> tuple[int, float]:
    best, count = float("inf"), 0
    for _ in range(3):
        start = time.perf_counter()
        cursor.execute(f"SELECT count(DISTINCT {expression}) FROM monitoring_member WHERE id < {province.ID_STEP}")
        count = cursor.fetchone()[0]
        best = min(best, time.perf_counter() - start)
    return count, best


def main() -> None:
    rewrite = province._id_number_sql('"id_number"', province.City("140100"), province.predecessor_counties())
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM monitoring_member WHERE id < {province.ID_STEP}")
        print(f"运城's members: {cursor.fetchone()[0]:,}")
        for label, expression in (("plain column", '"id_number"'), ("moved to 太原", rewrite)):
            count, seconds = best_of_three(cursor, expression)
            print(f"{label}: {count:,} distinct, {seconds:.2f} s")


if __name__ == "__main__":
    main()
