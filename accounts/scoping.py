"""The one place that decides what a user may see and change.

Every queryset that reaches a user — list and detail pages, the admin, exports, the JSON API and
imports — passes through :func:`scope`. A model takes part by declaring, as class attributes:

``AREA_LOOKUP``
    the ORM path to the official area code of the record (a county, township or village code),
    e.g. ``"village_id"`` or ``"household__village_id"``; ``None`` for reference data that belongs to
    no area (thresholds, categories). A model without the attribute is refused loudly, so a new model
    cannot leak by being forgotten.
``SCOPE_OWNER_LOOKUPS`` (optional)
    for roles that see what they own rather than an area: ``{role: "path__to__user"}``.
``REFERENCE_AREA_LOOKUP`` (optional)
    for reference data that belongs to an area although nobody's scope is computed from it (a county's
    responsible unit, a city's department): the path to that code. Everybody with the permission sees
    it; it is referable by the writers of that area and of the areas below it (a county's reviewer: the
    county's units and its city's departments); it is changed and deleted only inside the writer's area
    (in a province, a city administrator changes their own city's units, not another city's).

Writes use the same rule twice: :func:`referable` limits what a form may point at (a unit, a user, a
village, a team) to the writer's area, and :func:`instance_in_scope` checks both the stored row and the
changed one, so a record can neither be edited from outside nor moved out of the writer's area. A service
checks a change with :func:`require_writable`: the stored row, what the change points at
(:func:`require_referable`: its foreign keys by :func:`referable`, its area codes by
:func:`writable_areas`) and the changed row — so a crafted POST or a caller that skipped the form's
choices is refused by the same rule that built the choices.

Area codes nest by prefix (village 12 digits ⊃ township 9 ⊃ county 6), so "inside the user's area"
is "the code starts with the area's code", written as a range on the code (:func:`area_filter`) that a
plain index answers.
"""

from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.db.models import Model, Q, QuerySet
from django.http import Http404

from villages.models import area_bounds, area_prefix, city_code_of, platform_area_code

from .roles import AREA_ROLES, Role, role_of

VIEW = "view"
ADD = "add"
CHANGE = "change"
DELETE = "delete"
ACTIONS = (VIEW, ADD, CHANGE, DELETE)


def area_filter(path: str, code: str) -> dict[str, str]:
    """Filter keywords for "the code at ``path`` lies inside the area ``code``", written as a range
    (``>= '140829' AND < '140830'``) rather than ``LIKE '140829%'``: a plain B-tree index answers a range
    on any collation and on SQLite (where Django's ``LIKE … ESCAPE`` never uses an index), and the
    PostgreSQL planner estimates it well under a LIMIT. Codes are digit strings, so the range holds
    exactly the codes that start with the prefix."""
    lowest, upper = area_bounds(code)
    return {f"{path}__gte": lowest, f"{path}__lt": upper}


def in_area(queryset: QuerySet, path: str, code: str | None) -> QuerySet:
    """``queryset`` narrowed to the records whose code at ``path`` lies inside the area ``code``. No code,
    or the platform's whole area (the city, or the province), leaves it as it is: every record of the
    platform lies in it, and a range that holds every row only misleads the planner."""
    if not code or area_prefix(code) == area_prefix(platform_area_code()):
        return queryset
    return queryset.filter(**area_filter(path, code))


def code_in_area(code: str | None, area_code: str) -> bool:
    return bool(code) and code.startswith(area_prefix(area_code))


def user_area_code(user) -> str | None:
    """The code of the area the user's role covers, or None for roles without one."""
    if role_of(user) is None:
        return None
    return user.profile.area_code


def user_covers_area(user, code: str | None) -> bool:
    """Whether an area-role user may read figures of the area with this code (None = the city)."""
    role = role_of(user)
    if role not in AREA_ROLES:
        return False
    return code_in_area(code or platform_area_code(), user.profile.area_code)


def covers_platform(user) -> bool:
    """Whether an area-role user's area is the platform's whole area (the city administrator of a
    one-city platform; in a province, only a user of the province — a city administrator then is one
    city's). Such a user's queries need no area filter."""
    return role_of(user) in AREA_ROLES and area_prefix(user.profile.area_code) == area_prefix(platform_area_code())


def _area_lookup(model: type[Model]) -> str | None:
    try:
        return model.AREA_LOOKUP
    except AttributeError:
        raise ImproperlyConfigured(
            f"{model._meta.label} has no AREA_LOOKUP: declare the path to its area code, or None"
        ) from None


def _filter_path(model: type[Model], lookup: str) -> str:
    """The lookup to filter by: a foreign key named by its column (``village_id``) becomes
    ``village__code``, which Django answers from the local column without a join."""
    parts = lookup.split("__")
    opts = model._meta
    for i, part in enumerate(parts):
        field = next((f for f in opts.get_fields() if f.name == part or getattr(f, "attname", None) == part), None)
        if field is None:
            raise ImproperlyConfigured(f"{model._meta.label}.AREA_LOOKUP {lookup!r}: no field {part!r}")
        if field.is_relation:
            if i == len(parts) - 1:
                return "__".join([*parts[:-1], field.name, field.target_field.name])
            opts = field.related_model._meta
    return lookup


def scope(queryset: QuerySet, user, action: str = VIEW) -> QuerySet:
    """The part of ``queryset`` that ``user`` may ``action`` (view / add / change / delete)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    model = queryset.model
    lookup = _area_lookup(model)
    role = role_of(user)
    if role is None:
        return queryset.none()
    opts = model._meta
    if not user.has_perm(f"{opts.app_label}.{action}_{opts.model_name}"):
        return queryset.none()
    owner_lookup = getattr(model, "SCOPE_OWNER_LOOKUPS", {}).get(role)
    if owner_lookup:
        # A subquery, so that an owner path through a to-many relation (team → members → user) cannot
        # repeat rows the way a join would.
        owned = model._default_manager.filter(**{owner_lookup: user}).values("pk")
        return queryset.filter(pk__in=owned)
    if role not in AREA_ROLES:
        return queryset.none()
    if covers_platform(user):
        return queryset
    if lookup is None and action != VIEW:
        lookup = getattr(model, "REFERENCE_AREA_LOOKUP", None)  # reference data of an area: written inside it
    if lookup is None:
        return queryset
    return queryset.filter(**area_filter(_filter_path(model, lookup), user.profile.area_code))


def instance_area_code(obj: Model) -> str | None:
    """Walk the model's AREA_LOOKUP on an unsaved or saved instance."""
    lookup = _area_lookup(type(obj))
    return None if lookup is None else _walk(obj, lookup)


def _walk(obj: Model, lookup: str) -> str | None:
    value = obj
    for part in lookup.split("__"):
        value = getattr(value, part, None)
        if value is None:
            return None
    return str(value)


def instance_in_scope(user, obj: Model, action: str = CHANGE, *, asked: dict | None = None) -> bool:
    """Whether ``user`` may ``action`` this instance — also for instances not yet saved. A change is
    checked on the stored row *and* on the instance as changed, so that editing the area (or the
    village, team, household the area derives from) cannot move a record out of the writer's area.

    ``asked``: a dict that remembers the stored row's answer for the other actions of the same page (one
    request's): the query is the same for view, change and delete once the permission is there."""
    if obj.pk is not None and action != ADD:
        stored = scope(type(obj)._default_manager.filter(pk=obj.pk), user, action)
        if stored.query.is_empty():
            return False
        if asked is None:
            found = stored.exists()
        else:
            key = str(stored.query)
            found = asked[key] if key in asked else asked.setdefault(key, stored.exists())
        if not found:
            return False
        if action == DELETE:
            return True
    return _new_instance_in_scope(user, obj, action)


def _new_instance_in_scope(user, obj: Model, action: str) -> bool:
    role = role_of(user)
    if role is None:
        return False
    opts = obj._meta
    if not user.has_perm(f"{opts.app_label}.{action}_{opts.model_name}"):
        return False
    if covers_platform(user):
        return True
    owner_lookup = getattr(type(obj), "SCOPE_OWNER_LOOKUPS", {}).get(role)
    if owner_lookup or role not in AREA_ROLES:
        # Owner-scoped roles create through their own services, which set the owner; their changes
        # were checked against the stored row above.
        return bool(owner_lookup) or (obj.pk is not None and action != ADD)
    if _area_lookup(type(obj)) is None:
        reference_lookup = getattr(type(obj), "REFERENCE_AREA_LOOKUP", None)
        if reference_lookup is None or action == VIEW:
            return True
        return code_in_area(_walk(obj, reference_lookup), user.profile.area_code)
    return code_in_area(instance_area_code(obj), user.profile.area_code)


def _ancestor_codes(code: str) -> list[str]:
    """The county and township codes above an area (not the city's: that would be everything)."""
    return [code[:n] for n in (6, 9) if len(code) > n and not (n == 6 and code[:n].endswith("00"))]


def referable(queryset: QuerySet, user) -> QuerySet:
    """What a form of ``user`` may point at: the part of ``queryset`` inside the user's area.

    Unlike :func:`scope` this asks no permission on the referenced model (a village officer picks a
    village without managing villages), and it also allows the areas above the user's own for
    geography and area-bound reference data (a township clerk's county, the county's units). Users
    (``auth.User``) are referable inside the writer's area by their profile's area; reference data of
    no area is referable by everybody."""
    from django.contrib.auth import get_user_model

    model = queryset.model
    role = role_of(user)
    if role is None:
        return queryset.none()
    if model is get_user_model():
        if covers_platform(user):
            return queryset.filter(profile__isnull=False)
        if role not in AREA_ROLES:
            return queryset.none()
        return queryset.filter(**area_filter("profile__area_code", user.profile.area_code))
    reference_lookup = getattr(model, "REFERENCE_AREA_LOOKUP", None)
    lookup = reference_lookup or _area_lookup(model)
    if lookup is None or covers_platform(user):
        return queryset
    owner_lookup = getattr(model, "SCOPE_OWNER_LOOKUPS", {}).get(role)
    if owner_lookup and not reference_lookup:
        return scope(queryset, user, VIEW)
    if role not in AREA_ROLES:
        return queryset.none()
    code = user.profile.area_code
    path = _filter_path(model, lookup)
    condition = Q(**area_filter(path, code))
    if reference_lookup:
        # The areas above: the county's units and the city's departments (not another city's).
        condition |= Q(**{f"{path}__in": [*_ancestor_codes(code), city_code_of(code)]})
    elif lookup == "code":
        condition |= Q(**{f"{path}__in": _ancestor_codes(code)})
    return queryset.filter(condition)


def get_scoped_or_404(queryset: QuerySet, user, action: str = VIEW, **lookup):
    """The one object matching ``lookup`` inside the user's scope; 404 otherwise (existence is not revealed)."""
    try:
        return scope(queryset, user, action).get(**lookup)
    except queryset.model.DoesNotExist:
        raise Http404("记录不存在或不在您的管辖范围内") from None


def writable_areas(queryset: QuerySet, user) -> QuerySet:
    """The areas (``County`` / ``Township`` / ``Village`` rows of ``queryset``) a record of ``user`` may be
    placed in: the referable ones inside the user's area — not the areas above it, which a form may point
    at (a township clerk's county) but no record of the clerk may belong to."""
    areas = referable(queryset, user)
    if covers_platform(user):
        return areas
    return areas.filter(**area_filter("code", user.profile.area_code))


def area_code_writable(user, code: str | None) -> bool:
    """Whether ``code`` names an area (the city or province, a county, a township, a village) that a
    record of ``user`` may be placed in. A code of no area, or of an area outside the user's, is not."""
    from villages.models import County, Township, Village

    if not code:
        return False
    if len(code) == 6 and code.endswith("00"):
        # A city or the province (no row of their own): the city administrator's own area and below.
        return role_of(user) == Role.CITY_ADMIN and code_in_area(code, user.profile.area_code)
    model = {6: County, 9: Township, 12: Village}.get(len(code))
    return model is not None and writable_areas(model.objects.filter(code=code), user).exists()


def require_referable(user, obj: Model, *, references: tuple[str, ...] = (), area_fields: tuple[str, ...] = ()) -> None:
    """Refuse a change of ``obj`` whose foreign keys named in ``references`` point at an object that
    ``user`` may not refer to (:func:`referable`), or whose area codes named in ``area_fields`` are not an
    area the user may write for (:func:`area_code_writable`). One ``ValidationError``, per field, in
    Chinese; an empty reference or area is left to the model's own rules."""
    errors = {}
    for name in references:
        field = obj._meta.get_field(name)
        value = getattr(obj, field.attname)
        if value is None:
            continue
        target = field.related_model._default_manager.filter(**{field.target_field.attname: value})
        if not referable(target, user).exists():
            errors[name] = f"所选{field.verbose_name}不在您的管辖范围内"
    for name in area_fields:
        code = getattr(obj, name)
        if code and not area_code_writable(user, code):
            errors[name] = f"{obj._meta.get_field(name).verbose_name}“{code}”不是您管辖范围内的区域"
    if errors:
        raise ValidationError(errors)


def require_writable(user, obj: Model, *, references: tuple[str, ...] = (), area_fields: tuple[str, ...] = ()) -> None:
    """The scope checks of a service's write, in the order that tells the writer the most and reveals
    nothing: a stored row outside the user's scope is refused first (``PermissionDenied``); then what the
    change points at (:func:`require_referable`, a message per field); then the record as changed
    (:func:`instance_in_scope`: its area, and the permission to add or change)."""
    message = "该记录不在您的管辖范围内，或您无权进行此操作"
    if obj.pk is not None and not scope(type(obj)._default_manager.filter(pk=obj.pk), user, CHANGE).exists():
        raise PermissionDenied(message)
    require_referable(user, obj, references=references, area_fields=area_fields)
    if not instance_in_scope(user, obj, CHANGE if obj.pk is not None else ADD):
        raise PermissionDenied(message)
