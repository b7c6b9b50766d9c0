"""Benchmark: importing a 50,000-member 住户信息 workbook, ours against django-import-export.

    DEBUG=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/yc_bench_reports \\
        .venv/bin/python bench/import_bench.py [--members 50000]

1. Writes a workbook of new households (户信息, ~3.3 members each in 家庭成员) in villages of the seeded
   city, with valid ID numbers not yet in the database.
2. ``ours`` (fresh subprocess): ``run_import`` as the city administrator — read, validate every row,
   write in one transaction. Time and peak memory (ru_maxrss).
3. The imported rows are deleted again.
4. ``die`` (fresh subprocess): django-import-export 4.4.3 imports the same two sheets into the same
   models (Household by 户编号, Member by 身份证号 with ``clean_model_instances``, so the model's own
   validation runs per row, as ours validates every row), then its rows are deleted as well.

Budget (issue 7): ours ≤ 60 s and < 500 MB, and at least 3 × faster than django-import-export.
"""

import argparse
import datetime
import json
import os
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PREFIX = "BENCH"


def _setup():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yuncheng.settings")
    import django

    django.setup()


def _admin():
    from django.contrib.auth import get_user_model

    from accounts.roles import Role

    return (get_user_model().objects.select_related("profile")
            .filter(is_active=True, profile__role=Role.CITY_ADMIN).order_by("id").first())


def make_workbook(path: Path, members: int):
    _setup()
    from openpyxl import Workbook

    from django.db.models import Max

    from monitoring.models import Household, Member
    from reports.imports.households import HOUSEHOLD_SHEET, MEMBER_SHEET
    from villages.models import Village
    from yuncheng.idcard import make_id_number

    rng = random.Random(7)
    villages = list(Village.objects.values_list("code", flat=True))
    # 户编号 = village code + the village's next free 4-digit sequence numbers (Household.clean's rule).
    last = {v: int(m[12:]) for v, m in Household.objects.filter(code__regex=r"^[0-9]{16}$").values_list("village_id")
            .annotate(m=Max("code")).values_list("village_id", "m")}
    taken = set()
    rows_h, rows_m = [], []
    n, h = 0, 0
    candidates = []
    while len(candidates) < members * 1.2:
        born = datetime.date(1940 + rng.randrange(70), 1 + rng.randrange(12), 1 + rng.randrange(28))
        candidates.append(make_id_number(rng.choice(villages)[:6], born, rng.randrange(1000), rng.random() < 0.5))
    candidates = list(dict.fromkeys(candidates))
    for start in range(0, len(candidates), 5000):
        taken.update(Member.objects.filter(id_number__in=candidates[start:start + 5000])
                     .values_list("id_number", flat=True))
    ids = iter(c for c in candidates if c not in taken)
    relations = ["配偶", "子", "女", "父母", "孙子女"]
    while n < members:
        h += 1
        village = rng.choice(villages)
        last[village] = last.get(village, 0) + 1
        code = f"{village}{last[village]:04d}"
        size = min(members - n, rng.choice([1, 2, 3, 3, 4, 4, 5, 6]))
        head_id = next(ids)
        monitored = rng.random() < 0.1
        rows_h.append([
            code, village, f"{PREFIX}{h}", head_id, "13800000000",
            "脱贫户、监测户" if monitored else "脱贫户",
            "脱贫不稳定户" if monitored else None, "基层干部排查" if monitored else None,
            "2023-03" if monitored else None, "因病" if monitored else None, "否" if monitored else None,
            None, None, "否", None, "否", "否", "否",
        ])
        for i in range(size):
            number = head_id if i == 0 else next(ids)
            rows_m.append([code, f"{PREFIX}{h}" if i == 0 else f"{PREFIX}{h}-{i}", number, "户主" if i == 0 else rng.choice(relations), "初中", "非在校生",
                           "健康", "普通劳动力", "省外" if i == 1 else None, 8 if i == 1 else None,
                           "自主就业" if i == 1 else None, "是", 2023 if i == 1 else None])
        n += size
    book = Workbook(write_only=True)
    for sheet, rows in ((HOUSEHOLD_SHEET, rows_h), (MEMBER_SHEET, rows_m)):
        ws = book.create_sheet(sheet.name)
        ws.append([c.header for c in sheet.columns])
        for row in rows:
            ws.append(row)
    book.save(path)
    return len(rows_h), len(rows_m)


def cleanup():
    """Delete the imported rows and their history with plain DELETEs (a model delete would write a history
    row per deleted member: minutes for 200,000)."""
    from django.db import transaction

    from dashboard.village_summaries import summaries_invalidate
    from monitoring.models import Employment, Household, IncomeRecord, Member, MonitoringRecord, ReviewEvent

    def raw_delete(queryset):
        queryset._raw_delete(queryset.db)

    with transaction.atomic():
        households = Household.objects.filter(head_name__startswith=PREFIX)
        villages = set(households.values_list("village_id", flat=True))
        ids = households.values("pk")
        raw_delete(Employment.history.filter(member_id__in=Member.objects.filter(household__in=ids).values("pk")))
        raw_delete(Member.history.filter(household_id__in=ids))
        raw_delete(MonitoringRecord.history.filter(household_id__in=ids))
        raw_delete(Household.history.filter(id__in=ids))
        raw_delete(ReviewEvent.objects.filter(record__household__in=ids))
        raw_delete(MonitoringRecord.risk_types.through.objects.filter(monitoringrecord__household__in=ids))
        raw_delete(MonitoringRecord.objects.filter(household__in=ids))
        raw_delete(Employment.objects.filter(member__household__in=ids))
        raw_delete(IncomeRecord.objects.filter(household__in=ids))
        raw_delete(Member.objects.filter(household__in=ids))
        raw_delete(households)
        summaries_invalidate(village_codes=villages)


def phase_ours(path: Path):
    _setup()
    from django.conf import settings

    settings.DEBUG = False  # as in the job worker: DEBUG keeps every SQL statement (the bulk INSERTs) in memory
    from monitoring.models import Household, Member
    from reports.imports import HouseholdImporter, run_import

    start = time.perf_counter()
    result = run_import(HouseholdImporter, path, _admin(), commit=True)
    seconds = time.perf_counter() - start
    if not result.ok:
        raise SystemExit("\n".join(str(e) for e in result.errors[:20]))
    out = {"seconds": round(seconds, 2), "households": Household.objects.filter(head_name__startswith=PREFIX).count(),
           "members": Member.objects.filter(household__head_name__startswith=PREFIX).count()}
    out["peak_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    cleanup()
    return out


def phase_die(path: Path):
    _setup()
    import tablib
    from import_export import fields, resources, widgets
    from openpyxl import load_workbook

    from monitoring.models import Household, Member, Relation
    from villages.models import Village

    relation = {label: value for value, label in Relation.choices}

    class HouseholdResource(resources.ModelResource):
        code = fields.Field(attribute="code", column_name="户编号")
        village = fields.Field(attribute="village", column_name="行政村代码", widget=widgets.ForeignKeyWidget(Village, "code"))
        head_name = fields.Field(attribute="head_name", column_name="户主姓名")
        phone = fields.Field(attribute="phone", column_name="联系电话")

        class Meta:
            model = Household
            import_id_fields = ("code",)
            fields = ("code", "village", "head_name", "phone")
            clean_model_instances = True
            skip_unchanged = True

    class MemberResource(resources.ModelResource):
        household = fields.Field(attribute="household", column_name="户编号",
                                 widget=widgets.ForeignKeyWidget(Household, "code"))
        name = fields.Field(attribute="name", column_name="姓名")
        id_number = fields.Field(attribute="id_number", column_name="身份证号")
        relation = fields.Field(attribute="relation", column_name="与户主关系")

        class Meta:
            model = Member
            import_id_fields = ("id_number",)
            fields = ("household", "name", "id_number", "relation")
            clean_model_instances = True
            skip_unchanged = True

        def before_import_row(self, row, **kwargs):
            row["与户主关系"] = relation.get(row["与户主关系"], "other")

    start = time.perf_counter()
    datasets = {}
    book = load_workbook(path, read_only=True)
    for name in ("户信息", "家庭成员"):
        rows = list(book[name].iter_rows(values_only=True))
        datasets[name] = tablib.Dataset(*rows[1:], headers=list(rows[0]))
    book.close()
    for name, resource_class in (("户信息", HouseholdResource), ("家庭成员", MemberResource)):
        result = resource_class().import_data(datasets[name], dry_run=False, raise_errors=True,
                                              use_transactions=True)
        if result.has_errors() or result.has_validation_errors():
            raise SystemExit(f"django-import-export reported errors on {name}")
    seconds = time.perf_counter() - start
    out = {"seconds": round(seconds, 2), "households": Household.objects.filter(head_name__startswith=PREFIX).count(),
           "members": Member.objects.filter(household__head_name__startswith=PREFIX).count(),
           "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}
    cleanup()
    return out


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=50_000)
    parser.add_argument("--phase", choices=["ours", "die"])
    parser.add_argument("--file", default=str(ROOT / "data" / "bench_import.xlsx"))
    parser.add_argument("--skip-die", action="store_true")
    args = parser.parse_args()
    path = Path(args.file)
    if args.phase:
        _setup()
        print(json.dumps(phase_ours(path) if args.phase == "ours" else phase_die(path)))
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    households, members = make_workbook(path, args.members)
    print(f"workbook: {households:,} households, {members:,} members, {path.stat().st_size / 1e6:.1f} MB")
    results = {}
    for name in ("ours",) + (() if args.skip_die else ("die",)):
        out = subprocess.run([sys.executable, __file__, "--phase", name, "--file", str(path)], check=True,
                             capture_output=True, text=True, cwd=ROOT).stdout.strip().splitlines()[-1]
        results[name] = json.loads(out)
        r = results[name]
        print(f"{name:4} {r['seconds']:.1f} s, peak {r['peak_mb']:.0f} MB, wrote {r['households']:,} households "
              f"/ {r['members']:,} members")
    if "die" in results:
        print(f"\nours {results['ours']['seconds']:.1f} s (budget ≤ 60 s, < 500 MB); django-import-export "
              f"{results['die']['seconds']:.1f} s; ours is {results['die']['seconds'] / results['ours']['seconds']:.1f}× "
              "faster (budget ≥ 3×)")


if __name__ == "__main__":
    main()
