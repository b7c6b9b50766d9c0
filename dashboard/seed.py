"""Runs last in SEED_ORDER: the other seeds write in bulk (no signals), so the dashboard's village
summaries are rebuilt here for the demo's latest quarter and the two years before it.

The tables are ANALYZEd first: without statistics SQLite's planner reads every labourer through the
labour-skill index when one village is recomputed (seconds instead of milliseconds)."""

from django.db import connection

from .models import VillageBreakdown, VillageSummary
from .periods import period_default
from .village_summaries import refresh_summaries


def seed(ctx):
    with ctx.timed("ANALYZE"):
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    period = period_default()
    periods = [period, period.previous_year, period.previous_year.previous_year]
    with ctx.timed("看板汇总"):
        built = refresh_summaries(periods=periods)
        with connection.cursor() as cursor:
            for model in (VillageSummary, VillageBreakdown):  # the planner's view of the rows just built
                cursor.execute(f"ANALYZE {model._meta.db_table}")
    ctx.log(f"  看板汇总：{', '.join(p.label for p in periods)}，共 {built} 条")
