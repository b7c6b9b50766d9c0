"""The demo's 大比拼: a round for the latest year and the year before, the 13 counties and four city
departments, computed items on catalogue figures and the four entered items with their evaluators'
scores (drawn from ``ctx.rng``). Idempotent: an existing round is left as it is."""

from decimal import Decimal

from django.contrib.auth import get_user_model

from dashboard.periods import period_default
from rectification.models import ResponsibleUnit
from villages.models import County

from .models import CompetitionRound, EnteredScore, ItemKind, Participant, ParticipantKind, ScoringItem

DEPARTMENTS = ["市人社局", "市农业农村局", "市住建局", "市卫健委"]
# (name, weight, metric key, value scoring 0, value scoring 100)
COMPUTED = [
    ("外出务工目标完成率", 20, "employment.migrant_completion_pct", 60, 100),
    ("问题整改完成率", 20, "issues.rectified_pct", 50, 100),
    ("逾期未整改问题", 10, "issues.overdue", 10, 0),
    ("五天四夜达标率", 10, "teams.attendance_pct", 60, 100),
]
ENTERED = [("展示", 10), ("实地核查", 15), ("日常监督", 15)]


def seed(ctx):
    latest = period_default()
    users = get_user_model().objects
    evaluator = users.filter(username="city_leader").first() or users.filter(username="city_admin").first()
    if evaluator is None:
        return
    rng = ctx.rng("competition")
    for year in (latest.year - 1, latest.year):
        if CompetitionRound.objects.filter(year=year).exists():
            continue
        competition = CompetitionRound.objects.create(year=year, name=f"{year}年度巩固衔接大比拼",
                                                      quarter=latest.quarter if year == latest.year else 4)
        counties = [Participant(round=competition, kind=ParticipantKind.COUNTY, county=county)
                    for county in County.objects.order_by("code")]
        departments = [Participant(round=competition, kind=ParticipantKind.DEPARTMENT, unit=unit)
                       for unit in ResponsibleUnit.objects.filter(name__in=DEPARTMENTS).order_by("name")]
        Participant.objects.bulk_create(counties + departments)
        order = 0
        for name, weight, key, zero, full in COMPUTED:
            order += 1
            ScoringItem.objects.create(round=competition, name=name, kind=ItemKind.COMPUTED, weight=weight,
                                       metric_key=key, zero_value=zero, full_value=full, sort_order=order)
        scores = []
        for name, weight, applies, participants in [*((n, w, ParticipantKind.COUNTY, counties) for n, w in ENTERED),
                                                    ("部门评价", 100, ParticipantKind.DEPARTMENT, departments)]:
            order += 1
            item = ScoringItem.objects.create(round=competition, name=name, kind=ItemKind.ENTERED, weight=weight,
                                              applies_to=applies, sort_order=order)
            item.evaluators.add(evaluator)
            scores += [EnteredScore(item=item, participant=p, entered_by=evaluator,
                                    score=Decimal(rng.randint(700, 1000)) / 10) for p in participants]
        EnteredScore.objects.bulk_create(scores)
    ctx.log(f"  大比拼：{CompetitionRound.objects.count()} 轮")
