"""The audit trail: every change users made to the platform's records (django-simple-history), read
across all history tables for the city administrator's 操作审计 page and its Excel export.

A page reads the newest ``PAGE_ROWS`` matching changes: one small query per history table for the
candidates, then the full rows and their previous versions only for the models that made the page.
ID numbers in changed values are masked; the page is about who changed what, not about the person.
"""

import heapq
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.apps import apps
from django.utils import timezone

from yuncheng.idcard import mask_id_number

from .scoping import _filter_path, area_filter

# Apps whose records users change (the history tables read by the audit).
AUDITED_APPS = ("villages", "accounts", "monitoring", "assistance", "resident_teams", "rectification")
# Where the area of a history row lives when the model does not declare AREA_LOOKUP for scoping.
AREA_LOOKUP_OVERRIDES = {"accounts.Profile": "area_code"}
PAGE_ROWS = 200
HISTORY_TYPES = {"+": "新增", "~": "修改", "-": "删除"}
MASKED_FIELDS = {"id_number"}


@dataclass
class Change:
    history_id: int
    when: datetime
    user: str
    model_label: str
    model_name: str
    object_pk: str
    object_repr: str = ""
    kind: str = ""
    changes: list[tuple[str, str, str]] = field(default_factory=list)  # (field label, before, after)


def audited_models() -> list:
    """History models of the audited apps, by their record's Chinese name."""
    found = [
        model for model in apps.get_models()
        if model._meta.app_label in AUDITED_APPS and hasattr(model, "instance_type")
        and "history_date" in {f.name for f in model._meta.fields}  # not a many-to-many's history table
    ]
    return sorted(found, key=lambda m: (m.instance_type._meta.app_label, str(m.instance_type._meta.verbose_name)))


def model_choices() -> list[tuple[str, str]]:
    return [(m.instance_type._meta.label, str(m.instance_type._meta.verbose_name)) for m in audited_models()]


def _area_lookup(history_model) -> str | None:
    original = history_model.instance_type
    if original._meta.label in AREA_LOOKUP_OVERRIDES:
        return AREA_LOOKUP_OVERRIDES[original._meta.label]
    return getattr(original, "AREA_LOOKUP", None)


def _filtered(history_model, *, username: str = "", area: str = "", date_from: date | None = None,
              date_to: date | None = None):
    queryset = history_model.objects.all()
    if username:
        queryset = queryset.filter(history_user__username=username)
    if area:
        lookup = _area_lookup(history_model)
        if lookup is None:
            return None  # reference data of no area has no place under an area filter
        queryset = queryset.filter(**area_filter(_filter_path(history_model, lookup), area))
    tz = timezone.get_current_timezone()
    if date_from:
        queryset = queryset.filter(history_date__gte=datetime.combine(date_from, time.min, tz))
    if date_to:
        queryset = queryset.filter(history_date__lt=datetime.combine(date_to + timedelta(days=1), time.min, tz))
    return queryset


def _selected(model_label: str = "") -> list:
    models = audited_models()
    return [m for m in models if m.instance_type._meta.label == model_label] if model_label else models


def _value(history_model, name: str, value) -> str:
    if value is None or value == "":
        return "—"
    model_field = history_model.instance_type._meta.get_field(name)
    if name in MASKED_FIELDS:
        return mask_id_number(str(value))
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


def _tracked_fields(history_model) -> list:
    names = {f.attname for f in history_model._meta.concrete_fields}
    return [f for f in history_model.instance_type._meta.concrete_fields if f.attname in names]


def _diff(history_model, row, previous) -> list[tuple[str, str, str]]:
    out = []
    for model_field in _tracked_fields(history_model):
        after = getattr(row, model_field.attname)
        before = getattr(previous, model_field.attname) if previous is not None else None
        if previous is None and row.history_type != "+":
            continue
        if row.history_type == "-" or before != after:
            if row.history_type == "+" and after in (None, ""):
                continue
            out.append((str(model_field.verbose_name), _value(history_model, model_field.name, before),
                        _value(history_model, model_field.name, after)))
    return out


def _change(history_model, row, previous, usernames: dict) -> Change:
    original = history_model.instance_type
    pk_name = original._meta.pk.attname
    return Change(
        history_id=row.history_id, when=row.history_date, user=usernames.get(row.history_user_id, "—"),
        model_label=original._meta.label, model_name=str(original._meta.verbose_name),
        object_pk=str(getattr(row, pk_name)), object_repr=_repr(row), kind=HISTORY_TYPES.get(row.history_type, ""),
        changes=_diff(history_model, row, previous),
    )


def _repr(row) -> str:
    try:
        return str(row.instance)
    except Exception:  # a __str__ that follows a relation deleted since
        return ""


def _previous_rows(history_model, rows) -> dict:
    """For each history row, the version of the same object just before it (one query per model)."""
    pk_name = history_model.instance_type._meta.pk.attname
    ids = {getattr(r, pk_name) for r in rows}
    latest = max(r.history_date for r in rows)
    older = history_model.objects.filter(**{f"{pk_name}__in": ids}, history_date__lte=latest).order_by(
        pk_name, "history_date", "history_id")
    by_object: dict = {}
    for version in older:
        by_object.setdefault(getattr(version, pk_name), []).append(version)
    previous = {}
    for r in rows:
        versions = by_object.get(getattr(r, pk_name), [])
        index = next((i for i, v in enumerate(versions) if v.history_id == r.history_id), 0)
        previous[r.history_id] = versions[index - 1] if index > 0 else None
    return previous


def _usernames(user_ids) -> dict:
    from django.contrib.auth import get_user_model

    return dict(get_user_model().objects.filter(pk__in={i for i in user_ids if i}).values_list("pk", "username"))


def changes_page(*, username: str = "", model_label: str = "", area: str = "", date_from: date | None = None,
                 date_to: date | None = None, limit: int = PAGE_ROWS) -> list[Change]:
    """The newest ``limit`` changes matching the filters, newest first, with their before/after."""
    candidates = []
    for history_model in _selected(model_label):
        queryset = _filtered(history_model, username=username, area=area, date_from=date_from, date_to=date_to)
        if queryset is None:
            continue
        for history_id, when in queryset.order_by("-history_date", "-history_id").values_list(
                "history_id", "history_date")[:limit]:
            candidates.append((when, history_id, history_model))
    newest = heapq.nlargest(limit, candidates, key=lambda c: (c[0], c[1]))
    by_model: dict = {}
    for _, history_id, history_model in newest:
        by_model.setdefault(history_model, []).append(history_id)
    changes = []
    loaded = {m: list(m.objects.filter(history_id__in=ids)) for m, ids in by_model.items()}
    usernames = _usernames(r.history_user_id for rows in loaded.values() for r in rows)
    for history_model, rows in loaded.items():
        previous = _previous_rows(history_model, rows)
        changes.extend(_change(history_model, r, previous[r.history_id], usernames) for r in rows)
    return sorted(changes, key=lambda c: (c.when, c.history_id), reverse=True)


def changes_iter(*, username: str = "", model_label: str = "", area: str = "", date_from: date | None = None,
                 date_to: date | None = None, chunk: int = 2000):
    """Every matching change, model by model and object by object (for the Excel export: constant memory)."""
    for history_model in _selected(model_label):
        queryset = _filtered(history_model, username=username, area=area, date_from=date_from, date_to=date_to)
        if queryset is None:
            continue
        pk_name = history_model.instance_type._meta.pk.attname
        batch: list = []
        for row in queryset.order_by(pk_name, "history_date", "history_id").iterator(chunk_size=chunk):
            batch.append(row)
            if len(batch) >= chunk:
                yield from _batch_changes(history_model, batch)
                batch = []
        if batch:
            yield from _batch_changes(history_model, batch)


def _batch_changes(history_model, rows):
    previous = _previous_rows(history_model, rows)
    usernames = _usernames(r.history_user_id for r in rows)
    for r in rows:
        yield _change(history_model, r, previous[r.history_id], usernames)
