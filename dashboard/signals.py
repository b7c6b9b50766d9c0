"""Forget the summaries a write makes stale (the next read recomputes them; see dashboard.village_summaries).

Domain apps never import the dashboard; the dashboard listens to their models instead. Bulk writes
(``bulk_create``, ``update``) send no signals: the seed and the importers call
``dashboard.village_summaries.summaries_invalidate`` / ``refresh_summaries`` after them."""

from django.db.models.signals import post_delete, post_save, pre_save


def _forget(*codes) -> None:
    from .village_summaries import summaries_invalidate

    codes = {code for code in codes if code}
    if codes:
        summaries_invalidate(village_codes=codes)


def _household_village(household_id) -> str | None:
    from monitoring.models import Household

    return Household.objects.filter(pk=household_id).values_list("village_id", flat=True).first()


def household_pre_save(sender, instance, **kwargs):
    # A household moved to another village leaves its old village's summary stale too.
    instance._dashboard_old_village = (
        sender.objects.filter(pk=instance.pk).values_list("village_id", flat=True).first() if instance.pk else None
    )


def household_changed(sender, instance, **kwargs):
    _forget(instance.village_id, getattr(instance, "_dashboard_old_village", None))


def household_child_changed(sender, instance, **kwargs):
    """A member, income record, measure or monitoring record: its household's village."""
    _forget(_household_village(instance.household_id))


def member_child_changed(sender, instance, **kwargs):
    """An employment row: its member's household's village."""
    from monitoring.models import Member

    _forget(Member.objects.filter(pk=instance.member_id).values_list("household__village_id", flat=True).first())


def everything_changed(sender, **kwargs):
    """Reference data every village's figures depend on (the monitoring threshold)."""
    from .village_summaries import summaries_invalidate

    summaries_invalidate()


def connect() -> None:
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
    pre_save.connect(household_pre_save, sender=Household, dispatch_uid=f"{uid}.household.pre")
    for signal in (post_save, post_delete):
        name = signal is post_save and "save" or "delete"
        signal.connect(household_changed, sender=Household, dispatch_uid=f"{uid}.household.{name}")
        for model in (Member, IncomeRecord, AssistanceMeasure, MonitoringRecord):
            signal.connect(household_child_changed, sender=model, dispatch_uid=f"{uid}.{model.__name__}.{name}")
        signal.connect(member_child_changed, sender=Employment, dispatch_uid=f"{uid}.employment.{name}")
        signal.connect(everything_changed, sender=MonitoringThreshold, dispatch_uid=f"{uid}.threshold.{name}")
