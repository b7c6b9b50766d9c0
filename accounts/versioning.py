"""No lost updates: a record edited in a form carries the version it was loaded at.

A model takes part by having an integer ``version`` field (``editable=False``) and simple_history's
``history``. The services save such a record with :func:`versioned_save`, which locks the row, refuses
the change when the row has moved on since the form was loaded — naming the fields changed meanwhile
and who changed them, from the history — and counts the version up. Nothing is overwritten silently:
the writer reopens the record, sees the colleague's change and enters theirs again.
"""

from django.core.exceptions import ValidationError
from django.db.models import Model
from django.utils import timezone

STALE_CODE = "stale"


def _changes_since(obj: Model, loaded_version: int) -> tuple[list[str], list[str]]:
    """Labels of the fields changed after ``loaded_version`` and the people who changed them."""
    history = getattr(type(obj), "history", None)
    if history is None:
        return [], []
    rows = history.filter(**{type(obj)._meta.pk.attname: obj.pk}).select_related("history_user")
    # What the form showed: the last saved state at or before its version (a derived update such as a
    # household's size counts the version up without a history row of its own).
    base = rows.filter(version__lte=loaded_version).order_by("-history_date", "-history_id").first()
    later = list(rows.filter(version__gt=loaded_version).order_by("history_date", "history_id"))
    fields, people = [], []
    for older, newer in zip([base, *later], later):
        if older is None:
            continue
        for change in newer.diff_against(older, excluded_fields=["version", "updated_at"]).changes:
            label = str(type(obj)._meta.get_field(change.field).verbose_name)
            if label not in fields:
                fields.append(label)
    for newer in later:
        user = newer.history_user
        who = (user.get_full_name() or user.get_username()) if user else "系统"
        stamp = timezone.localtime(newer.history_date).strftime("%Y-%m-%d %H:%M")
        entry = f"{who}（{stamp}）"
        if entry not in people:
            people.append(entry)
    return fields, people


def stale_message(obj: Model, loaded_version: int) -> str:
    fields, people = _changes_since(obj, loaded_version)
    what = "、".join(fields) if fields else "该记录"
    who = "、".join(people) if people else "其他用户"
    return (f"保存失败：您打开此页面后，{who}修改了 {what}。为避免覆盖他人的修改，本次未保存；"
            f"请重新打开页面，核对后再填写")


def version_check(obj: Model, loaded_version: int | None) -> None:
    """Refuse a change made on a form loaded at ``loaded_version`` if the stored row is newer.
    ``None`` means the change does not come from a form (a workflow step, a service call)."""
    if obj.pk is None or loaded_version is None:
        return
    current = type(obj)._default_manager.filter(pk=obj.pk).values_list("version", flat=True).first()
    if current is not None and current != loaded_version:
        raise ValidationError(stale_message(obj, loaded_version), code=STALE_CODE)


def versioned_save(obj: Model, *, loaded_version: int | None = None, **save_kwargs) -> Model:
    """Save ``obj`` one version up, under a row lock, after :func:`version_check`. Call it inside the
    service's transaction."""
    if obj.pk is not None:
        # One query locks the row and reads the version it is at (version_check's rule, under the lock).
        current = type(obj)._default_manager.select_for_update().filter(pk=obj.pk).values_list(
            "version", flat=True).first()
        if loaded_version is not None and current is not None and current != loaded_version:
            raise ValidationError(stale_message(obj, loaded_version), code=STALE_CODE)
        obj.version = (current or 0) + 1
    else:
        obj.version = 1
    obj.save(**save_kwargs)
    return obj


def versions_up(rows) -> None:
    """Count the version up on rows about to be written in bulk (an import): the same rule as
    :func:`versioned_save`, so a form opened before the bulk write is refused instead of undoing it."""
    for row in rows:
        row.version += 1
