"""Demo data of the screening app: a year of departments' events (most matched to members, some persons
not in the registry), the warnings they raise under the rules, most verified within the 15 days, and one
mock national assessment round drawn for two counties (without answers, so that the ledger's issue
figures stay the article's). Deterministic (``ctx.rng``), idempotent (skipped when events exist).
"""

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from accounts.roles import Role
from monitoring.models import Member
from villages.models import County
from yuncheng.idcard import make_id_number

from . import selectors, services
from .models import AssessmentRound, DepartmentEvent, EventType, ScreeningWarning, WarningStatus

YEAR = 2023
DEPARTMENTS = {
    EventType.MEDICAL: ["市医保局", "县医保局"],
    EventType.DISABILITY: ["市残联"],
    EventType.DISASTER: ["市应急管理局"],
    EventType.JOBLESS: ["市人社局"],
    EventType.DIBAO_EXIT: ["市民政局"],
    EventType.DEATH: ["市民政局", "市公安局"],
}
WEIGHTS = {EventType.MEDICAL: 5, EventType.DISABILITY: 2, EventType.DISASTER: 1, EventType.JOBLESS: 3,
           EventType.DIBAO_EXIT: 1, EventType.DEATH: 1}
DISMISS_REASONS = ["入户核实：已报销大部分费用，家庭收入稳定", "入户核实：已落实临时救助，无返贫风险",
                   "入户核实：已在本地帮扶车间就业", "入户核实：家庭其他成员务工收入稳定"]


def seed(ctx):
    if DepartmentEvent.objects.exists():
        ctx.log("  部门推送事件已存在，跳过")
        return
    rng = ctx.rng("screening")
    member_ids = list(Member.objects.order_by("id").values_list("id", flat=True))
    chosen = sorted(rng.sample(member_ids, min(len(member_ids), ctx.scaled(1500))))
    members = list(Member.objects.filter(id__in=chosen).select_related("household").order_by("id"))
    rules = selectors.warning_rules()
    incomes = selectors.household_yearly_income(household_ids={m.household_id for m in members}, year=YEAR)
    types, weights = list(WEIGHTS), list(WEIGHTS.values())
    events, verdicts = [], {}
    for member in members:
        event_type = rng.choices(types, weights)[0]
        amount = Decimal(rng.randrange(3000, 60000)) if event_type == EventType.MEDICAL else None
        events.append(DepartmentEvent(
            id_number=member.id_number, name=member.name, event_type=event_type,
            event_date=datetime.date(YEAR, 1, 1) + datetime.timedelta(days=rng.randrange(330)), amount=amount,
            departments=rng.choice(DEPARTMENTS[event_type]), member=member, area_code=member.household.village_id,
        ))
        verdicts[member.id_number] = selectors.event_verdict(
            event_type=event_type, amount=amount, yearly_income=incomes.get(member.household_id),
            rule=rules.get(event_type))
    candidates = [make_id_number("140829", datetime.date(1990 + n % 9, 1 + n % 12, 1 + n % 28), 900 + n % 100,
                                 male=n % 2 == 0) for n in range(ctx.scaled(60))]
    used = {e.id_number for e in events} | set(
        Member.objects.filter(id_number__in=candidates).values_list("id_number", flat=True))
    for n, id_number in enumerate(candidates):
        if id_number in used:
            continue
        used.add(id_number)
        events.append(DepartmentEvent(
            id_number=id_number, name=f"未登记人员{n + 1}", event_type=EventType.JOBLESS,
            event_date=datetime.date(YEAR, 1, 1) + datetime.timedelta(days=rng.randrange(330)),
            departments="市人社局", area_code="140800"))
    DepartmentEvent.objects.bulk_create(events, batch_size=2000)
    stored = {e.id_number: e for e in DepartmentEvent.objects.filter(member__isnull=False).select_related("member")}
    raising = [e for e in stored.values() if verdicts[e.id_number].raises]
    states = selectors.household_states(household_ids={e.member.household_id for e in raising}, year=YEAR)
    today = timezone.localdate()
    warnings = []
    for event in sorted(raising, key=lambda e: e.pk):
        raised = min(event.event_date + datetime.timedelta(days=rng.randrange(3, 25)), today)
        warning = ScreeningWarning(
            event=event, household_id=event.member.household_id, event_type=event.event_type,
            event_date=event.event_date, rule=verdicts[event.id_number].rule[:200],
            household_state=states[event.member.household_id][:300], raised_on=raised,
        )
        if rng.random() < 0.85:
            warning.status = WarningStatus.DISMISSED
            warning.verified_on = min(raised + datetime.timedelta(days=rng.choice([2, 5, 8, 12, 14, 20])), today)
            warning.dismiss_reason = rng.choice(DISMISS_REASONS)
        warnings.append(warning)
    ScreeningWarning.objects.bulk_create(warnings, batch_size=2000)
    ctx.log(f"  部门推送事件 {len(events)}（未匹配 {len(events) - len(stored)}），预警 {len(warnings)}")
    _assessment(ctx)


def _assessment(ctx):
    admin = get_user_model().objects.filter(profile__role=Role.CITY_ADMIN, is_active=True).order_by("id").first()
    counties = list(County.objects.filter(name__in=["平陆县", "垣曲县"]))
    if admin is None or not counties or AssessmentRound.objects.exists():
        return
    assessment = services.round_create(user=admin, name=f"{YEAR}年模拟国考（第一轮）", year=YEAR, counties=counties,
                                       seed=ctx.seed, sample_size=ctx.scaled(330, minimum=20))
    shortfall = services.round_draw(user=admin, assessment=assessment)
    ctx.log(f"  模拟国考样本 {assessment.samples.count()} 户" + ("（部分类别农户不足）" if shortfall else ""))
