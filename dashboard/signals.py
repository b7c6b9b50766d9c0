"""Forget the summaries a write makes stale (rebuilt once it commits, or by the next read; see
dashboard.village_summaries).

Domain apps never import the dashboard; the dashboard listens to their models instead. Bulk writes
(``bulk_create``, ``update``) send no signals: the seed and the importers call
``dashboard.village_summaries.summaries_invalidate`` / ``refresh_summaries`` after them."""

from django.db.models import Q
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save

from .models import VillageSummary
from .village_summaries import HOUSEHOLD_COLUMNS, summaries_invalidate, workshop_villages_employing


def _forget(*codes, households_changed: bool = True) -> None:
    """Forget these villages' summaries and, when a household or member changed, those of the workshops
    employing their people (whether a person counts among a workshop's 脱贫户 / 监测户 employees)."""
    summaries_invalidate(village_codes={code for code in codes if code}, households_changed=households_changed)


def _household_village(household_id) -> str | None:
    from monitoring.models import Household

    return Household.objects.filter(pk=household_id).values_list("village_id", flat=True).first()


def household_pre_save(sender, instance, **kwargs):
    # What the summaries read of the household before the save: a household moved to another village leaves
    # its old village's summary stale too, and a save that changes none of it leaves every summary as it was.
    instance._dashboard_before = (
        sender.objects.filter(pk=instance.pk).values(*HOUSEHOLD_COLUMNS).first() if instance.pk else None
    )


def household_changed(sender, instance, signal, **kwargs):
    before = getattr(instance, "_dashboard_before", None) or {}
    workshops = True
    if signal is post_save and before:
        changed = {column for column, value in before.items() if getattr(instance, column) != value}
        if not changed:
            return
        # Whether its people count among a workshop's 脱贫户 / 监测户 employees, wherever the workshop is
        # (assistance.models.registry_member_q).
        workshops = bool(changed & {"is_poverty_alleviated", "is_monitored"})
    _forget(instance.village_id, before.get("village_id"), households_changed=workshops)


def member_pre_save(sender, instance, **kwargs):
    # A member moved to another household may leave another village: its summary is stale too.
    before = (sender.objects.filter(pk=instance.pk).values_list("household_id", "household__village_id").first()
              if instance.pk else None)
    instance._dashboard_old_village = before[1] if before and before[0] != instance.household_id else None


def household_child_changed(sender, instance, **kwargs):
    """A member, income record, measure or monitoring record: its household's village, and the village of
    the household it left. Only a member changes who a workshop's employees are (a monitoring record makes
    a 监测户 through the household's save)."""
    from monitoring.models import Member

    _forget(_household_village(instance.household_id), getattr(instance, "_dashboard_old_village", None),
            households_changed=sender is Member)


def risk_types_changed(sender, instance, action, reverse, pk_set, **kwargs):
    """A monitoring record's risk types (按风险类型): the record's household's village. Changed from the risk
    type's side (``risk_type.records.add(…)``, ``.clear()``): the villages of the records concerned, looked up
    before a clear (afterwards they are gone)."""
    from monitoring.models import MonitoringRecord

    if not reverse:
        if action in ("post_add", "post_remove", "post_clear"):
            _forget(_household_village(instance.household_id), households_changed=False)
        return
    if action == "pre_clear":
        records = MonitoringRecord.objects.filter(risk_types=instance.pk)
    elif action in ("post_add", "post_remove"):
        records = MonitoringRecord.objects.filter(pk__in=pk_set or ())
    else:
        return
    _forget(*records.values_list("household__village_id", flat=True).distinct(), households_changed=False)


def member_pre_delete(sender, instance, **kwargs):
    """A deleted member's workshop jobs lose their link to the registry (``SET_NULL``, an update that sends
    no signal): forget the workshops' villages while the link is still there."""
    _forget(*workshop_villages_employing(members_of=Q(member=instance.pk)), households_changed=False)


def member_child_changed(sender, instance, **kwargs):
    """An employment row: its member's household's village."""
    from monitoring.models import Member

    _forget(Member.objects.filter(pk=instance.member_id).values_list("household__village_id", flat=True).first(),
            households_changed=False)


def workshop_pre_save(sender, instance, **kwargs):
    """A workshop moved to another village, or an employee to another workshop, leaves the old village stale."""
    instance._dashboard_old_village = (
        sender.objects.filter(pk=instance.pk).values_list(sender.AREA_LOOKUP, flat=True).first() if instance.pk else None
    )


def workshop_changed(sender, instance, **kwargs):
    """A workshop (its village, its operating dates) or one of its employees: the workshop's village."""
    from assistance.models import Workshop

    if isinstance(instance, Workshop):
        village = instance.village_id
    else:
        village = Workshop.objects.filter(pk=instance.workshop_id).values_list("village_id", flat=True).first()
    _forget(village, getattr(instance, "_dashboard_old_village", None), households_changed=False)


def everything_changed(sender, **kwargs):
    """Reference data every village's figures depend on (the monitoring threshold)."""
    from .village_summaries import summaries_invalidate

    summaries_invalidate()


def connect() -> None:
    from assistance.models import Workshop, WorkshopEmployee
    from monitoring.models import (
        AssistanceMeasure,
        Employment,
        Household,
        IncomeRecord,
        Member,
        MonitoringRecord,
        MonitoringThreshold,
    )

    uid = "dashboard.summary"
    m2m_changed.connect(risk_types_changed, sender=MonitoringRecord.risk_types.through,
                        dispatch_uid=f"{uid}.record.risk_types")
    pre_save.connect(household_pre_save, sender=Household, dispatch_uid=f"{uid}.household.pre")
    pre_delete.connect(member_pre_delete, sender=Member, dispatch_uid=f"{uid}.member.pre_delete")
    # Of a household's records, only a member moves to another household (a person moving house).
    pre_save.connect(member_pre_save, sender=Member, dispatch_uid=f"{uid}.member.pre")
    for model in (Workshop, WorkshopEmployee):
        pre_save.connect(workshop_pre_save, sender=model, dispatch_uid=f"{uid}.{model.__name__}.pre")
    for signal in (post_save, post_delete):
        name = signal is post_save and "save" or "delete"
        signal.connect(household_changed, sender=Household, dispatch_uid=f"{uid}.household.{name}")
        for model in (Member, IncomeRecord, AssistanceMeasure, MonitoringRecord):
            signal.connect(household_child_changed, sender=model, dispatch_uid=f"{uid}.{model.__name__}.{name}")
        signal.connect(member_child_changed, sender=Employment, dispatch_uid=f"{uid}.employment.{name}")
        signal.connect(everything_changed, sender=MonitoringThreshold, dispatch_uid=f"{uid}.threshold.{name}")
        for model in (Workshop, WorkshopEmployee):
            signal.connect(workshop_changed, sender=model, dispatch_uid=f"{uid}.{model.__name__}.{name}")
