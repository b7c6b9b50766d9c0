"""Admin for users and roles, and the mixin that scopes every admin page by area."""

import time

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import flatten_fieldsets
from django.contrib.admin.widgets import AutocompleteMixin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import EmptyResultSet, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import IntegrityError
from django.forms.models import InlineForeignKeyField, ModelChoiceIterator, construct_instance
from django.utils.choices import BaseChoiceIterator
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.translation import gettext
from django.http import HttpResponseRedirect

from yuncheng.idcard import mask_id_number
from yuncheng.personal_numbers import ID_NUMBER, full_id_viewed

from .middleware import INTEGRITY_MESSAGE
from .models import Profile
from .roles import Role, may_see_full_id, role_of
from .scoping import ADD, CHANGE, DELETE, VIEW, instance_in_scope, referable, require_writable, scope, writable_areas
from .versioning import version_check


ID_FIELD = "id_number"  # 身份证号, wherever a model carries one
MASKED_ID_FIELD = "id_number_masked"


class AreaChoiceField(forms.ChoiceField):
    """An area picked from the areas inside the writer's scope — never a typed code."""


def area_choices(user) -> list[tuple[str, str]]:
    """The city (for the city administrator), then the counties, townships and villages the user may
    write for, each labelled with its code."""
    from villages.models import County, Township, Village

    profile = user.profile if role_of(user) == Role.CITY_ADMIN else None
    choices = [(profile.area_code, f"{profile.area_name}（{profile.area_code}）")] if profile else []
    for model in (County, Township, Village):
        choices += [(code, f"{name}（{code}）") for code, name in
                    writable_areas(model.objects.order_by("code"), user).values_list("code", "name")]
    return choices


class ScopedRelatedFieldListFilter(admin.RelatedFieldListFilter):
    """A sidebar filter on a related object that lists only the objects inside the user's area."""

    def field_choices(self, field, request, model_admin):
        queryset = referable(field.related_model._default_manager.all(), request.user)
        return [(obj.pk, str(obj)) for obj in queryset]


class LargeCountPaginator(Paginator):
    """The changelists' paginator: the count of a large list is kept a minute.

    A changelist counts its rows (the user's area, the filters chosen) on every page, for its page links and
    "N 农户": over the city's 130,000 households a scan of 30–80 ms on every page, over its 370,000 members
    more, and a province is ten times the city. A count of more than ``LARGE`` rows is kept for ``SECONDS``
    in the web process, by its query (so by area and filters): such a list's "N" may lag a minute behind a
    household added or removed meanwhile; a smaller count is exact on every page."""

    LARGE = 20_000
    SECONDS = 60
    _counts: dict[str, tuple[float, int]] = {}

    @cached_property
    def count(self):
        query = getattr(self.object_list, "query", None)
        try:
            key = str(query) if query is not None else None
        except EmptyResultSet:
            key = None
        if key is None:
            return super().count
        now = time.monotonic()
        kept = self._counts.get(key)
        if kept is not None and now - kept[0] < self.SECONDS:
            return kept[1]
        counted = super().count
        if counted > self.LARGE:
            if len(self._counts) > 1000:
                self._counts.clear()
            self._counts[key] = (now, counted)
        return counted


_media_once_classes: dict[type, type] = {}


def _media_once(inline_admin_formset_class):
    """``InlineAdminFormSet`` whose scripts and styles are its formset's, read once.

    Django walks every row of an inline (and its empty row), wrapping each for the template, to add up
    the rows' media — the same form's, row after row (a fieldset adds none): a tenth of a household's
    page. ``formset.media`` is that form's media already, as Django's formset itself reasons."""
    if inline_admin_formset_class not in _media_once_classes:

        class MediaOnce(inline_admin_formset_class):
            @property
            def media(self):
                return self.opts.media + self.formset.media

        MediaOnce.__name__ = inline_admin_formset_class.__name__
        _media_once_classes[inline_admin_formset_class] = MediaOnce
    return _media_once_classes[inline_admin_formset_class]


_linked_once_changelists: dict[type, type] = {}


def _linked_once_changelist(changelist_class):
    """``changelist_class`` whose row links carry the list's filters without resolving each link's URL.

    Django adds the list's filters (``?_changelist_filters=…``) to each row's link by resolving that
    link to see whether it is the changelist itself — never, for a row's change page — a URL resolve per
    row: a tenth of a 100-row page. The link here gets the same query string directly."""
    if changelist_class not in _linked_once_changelists:

        class LinkedOnceChangeList(changelist_class):
            row_link_filters = ""

            # What Django's row links read (and resolve each link to use): kept here, added directly below.
            # Set by Django and by whoever replaces the filters later (the personal-number search's token).
            @property
            def preserved_filters(self):
                return ""

            @preserved_filters.setter
            def preserved_filters(self, value):
                self.row_link_filters = value

            def url_for_result(self, result):
                url = super().url_for_result(result)
                return f"{url}?{self.row_link_filters}" if self.row_link_filters else url

        LinkedOnceChangeList.__name__ = changelist_class.__name__
        _linked_once_changelists[changelist_class] = LinkedOnceChangeList
    return _linked_once_changelists[changelist_class]


class ScopedAdminMixin:
    """Makes an admin (or inline) a face of the services: scoped pages, scoped choices, guarded saves.

    Mix into every ModelAdmin and inline of the domain apps: ``class HouseholdAdmin(ScopedAdminMixin,
    admin.ModelAdmin)``. Objects outside the user's area are absent from the changelist, 404 on their
    change page (Django answers "不存在" for an object ``get_queryset`` does not return), and refused on
    save even if a crafted POST names them. Every foreign key and many-to-many field offers (and so
    accepts) only :func:`~accounts.scoping.referable` objects, an ``area_code`` field is a choice of the
    writer's areas, sidebar filters list the user's own area, and history is read-only (a revert would
    write old workflow fields without a transition). Saves go through :meth:`service_save`, which an
    admin overrides to call its app's service; the default validates the whole object and checks the
    area before and after the change.
    """

    # Workflow fields: shown, never posted (an admin makes them move through service actions).
    workflow_fields: tuple[str, ...] = ()
    paginator = LargeCountPaginator

    def get_queryset(self, request):
        return scope(super().get_queryset(request), request.user, VIEW)

    @property
    def media(self):
        # The changelist's search box sends an ID number by POST (yuncheng/personal_numbers.py).
        return super().media + forms.Media(js=["js/personal-search.js"])

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and (obj is None or _in_scope(request, obj, VIEW))

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (obj is None or _in_scope(request, obj, CHANGE))

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (obj is None or _in_scope(request, obj, DELETE))

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if self._carries_id_number() and not may_see_full_id(request.user):
            readonly.append(MASKED_ID_FIELD)
        return readonly + [f for f in self.workflow_fields if f not in readonly]

    # --- full ID numbers: masked for the roles that may not read them, each sight logged for the others ---
    # The same rule as the pages (yuncheng.templatetags.yc.id_number): a change form, an inline row, a
    # version in the history and a change listed in the history show the full number only to
    # accounts.roles.FULL_ID_ROLES, and yuncheng.personal_numbers.full_id_viewed logs each sight by the
    # audited roles among them.

    def _carries_id_number(self) -> bool:
        return any(field.name == ID_FIELD for field in self.model._meta.concrete_fields)

    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))
        if self._carries_id_number() and not may_see_full_id(request.user):
            return [MASKED_ID_FIELD if name == ID_FIELD else name for name in fields]
        return fields

    @admin.display(description="身份证号")
    def id_number_masked(self, obj):
        return mask_id_number(getattr(obj, ID_FIELD, "") or "")

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if may_see_full_id(request.user):
            where = f"admin {self.opts.app_label}.{self.opts.model_name} change form"
            for number in self._shown_id_numbers(context, obj):
                full_id_viewed(request, number=number, where=where)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _shown_id_numbers(self, context, obj) -> list[str]:
        """The stored ID numbers a change form shows: the record's own and its inline rows'. (What the
        writer typed into an add form that came back with an error is nobody's record yet.)"""
        numbers = [getattr(obj, ID_FIELD)] if obj is not None and obj.pk and self._carries_id_number() else []
        for inline_formset in context.get("inline_admin_formsets", []):
            formset = inline_formset.formset
            if any(field.name == ID_FIELD for field in formset.model._meta.concrete_fields):
                numbers += [getattr(form.instance, ID_FIELD) for form in formset.initial_forms]
        return [number for number in numbers if number]

    def set_history_delta_changes(self, request, historical_records, *args, **kwargs):
        super().set_history_delta_changes(request, historical_records, *args, **kwargs)
        full = may_see_full_id(request.user)
        where = f"admin {self.opts.app_label}.{self.opts.model_name} history"
        for record in historical_records:
            for change in getattr(record, "history_delta_changes", None) or []:
                for side in ("old", "new"):
                    value = str(change[side])
                    if not full:
                        change[side] = ID_NUMBER.sub(lambda m: mask_id_number(m.group(0)), value)
                        continue
                    for match in ID_NUMBER.finditer(value):
                        full_id_viewed(request, number=match.group(0), where=where)

    def get_inline_formsets(self, request, formsets, inline_instances, obj=None):
        inline_admin_formsets = super().get_inline_formsets(request, formsets, inline_instances, obj)
        for inline_admin_formset in inline_admin_formsets:
            inline_admin_formset.__class__ = _media_once(type(inline_admin_formset))
        return inline_admin_formsets

    def get_changelist(self, request, **kwargs):
        return _linked_once_changelist(super().get_changelist(request, **kwargs))

    def action_checkbox(self, obj):
        # Django's checkbox of the changelist's actions, written out as its widget renders it: the widget's
        # two templates per row were a tenth of a 100-row page's time.
        label = format_html(gettext("Select this object for an action - {}"), str(obj))
        return format_html('<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
                           helpers.ACTION_CHECKBOX_NAME, str(obj.pk), label)

    # --- versions (no lost updates) -------------------------------------------------------------

    def get_form(self, request, obj=None, change=False, **kwargs):
        if _is_versioned(self.model):
            kwargs.setdefault("form", versioned_form(self.form))
        return super().get_form(request, obj, change, **kwargs)

    def get_formset(self, request, obj=None, **kwargs):
        form = kwargs.get("form", self.form)
        kwargs["form"] = stored_rows_form(versioned_form(form) if _is_versioned(self.model) else form)
        kwargs["formset"] = rows_read_once_formset(kwargs.get("formset", self.formset))
        return super().get_formset(request, obj, **kwargs)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if not _is_versioned(self.model) or any(
            LOADED_VERSION in flatten_fieldsets([fieldset]) for fieldset in fieldsets
        ):
            return fieldsets
        *head, (name, options) = fieldsets
        return [*head, (name, {**options, "fields": [*options["fields"], LOADED_VERSION]})]

    # --- choices -------------------------------------------------------------------------------

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if field is not None:
            field.queryset = referable(field.queryset, request.user)
        return field

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if field is not None:
            field.queryset = referable(field.queryset, request.user)
        return field

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "area_code" and db_field.editable:
            return AreaChoiceField(
                label=db_field.verbose_name, help_text=db_field.help_text, required=not db_field.blank,
                choices=[("", "---------"), *area_choices(request.user)],
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_list_filter(self, request):
        filters = []
        for entry in super().get_list_filter(request):
            if isinstance(entry, str) and _is_relation_path(self.model, entry):
                entry = (entry, ScopedRelatedFieldListFilter)
            filters.append(entry)
        return filters

    # --- saves ---------------------------------------------------------------------------------

    def save_model(self, request, obj, form, change):
        if not instance_in_scope(request.user, obj, CHANGE if change else ADD):
            raise PermissionDenied("该记录不在您的管辖范围内")
        self.service_save(request, obj, form, change)

    def service_save(self, request, obj, form, change):
        """Write one object of this admin (or of this inline, called from the parent's save_formset).
        Override to call the app's service; the default holds the model's rules and the scope, and
        checks every foreign key and area the form posts (so a form whose choices were not limited, or a
        field added later, still cannot point outside the writer's area)."""
        references, area_fields = form_references(form)
        require_writable(request.user, obj, references=references, area_fields=area_fields)
        obj.full_clean()
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        inline = self._inline_for(formset)
        for inline_form in formset.forms:
            obj = inline_form.instance
            if inline_form in formset.deleted_forms:
                if obj.pk is not None and not instance_in_scope(request.user, obj, DELETE):
                    raise PermissionDenied("该记录不在您的管辖范围内")
                continue
            if inline_form.has_changed():
                references, area_fields = form_references(inline_form)
                require_writable(request.user, obj, references=references, area_fields=area_fields)
        if inline is None or type(inline).service_save_inline is ScopedAdminMixin.service_save_inline:
            # Rows of no service of their own: the inline form has validated them (full_clean).
            return super().save_formset(request, form, formset, change)
        # The inline writes each row through its service; the admin's change message reads these.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for inline_form in formset.initial_forms:
            if inline_form in formset.deleted_forms and inline_form.instance.pk is not None:
                formset.deleted_objects.append(inline_form.instance)
                inline.service_delete_inline(request, inline_form.instance)
        for inline_form in formset.forms:
            if inline_form in formset.deleted_forms or not inline_form.has_changed():
                continue
            is_new = inline_form.instance.pk is None
            setattr(inline_form.instance, formset.fk.name, form.instance)  # the parent may be new
            obj = inline.service_save_inline(request, inline_form, form.instance)
            if is_new:
                formset.new_objects.append(obj)
            else:
                formset.changed_objects.append((obj, inline_form.changed_data))

    def delete_model(self, request, obj):
        if not instance_in_scope(request.user, obj, DELETE):
            raise PermissionDenied("该记录不在您的管辖范围内")
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        # Record by record, so that an admin's delete_model (its service) is the one way to delete.
        for obj in queryset:
            self.delete_model(request, obj)

    def service_save_inline(self, request, inline_form, parent):
        """Override on an inline to write one of its rows (``inline_form.instance``, the parent set)
        through the app's service; answer the saved object."""
        obj = inline_form.save()
        return obj

    def service_delete_inline(self, request, obj):
        obj.delete()

    def _inline_for(self, formset):
        for inline_class in self.inlines:
            if inline_class.model is formset.model and issubclass(inline_class, ScopedAdminMixin):
                return inline_class(self.model, self.admin_site)
        return None

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        """A refusal of the service (scope, workflow, rule, a colleague's change) answers with its
        message on the form's page instead of an error page; nothing was written (the view is atomic)."""
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except (PermissionDenied, ValidationError) as exc:
            if request.method != "POST":
                raise
            messages.error(request, error_text(exc))
            return HttpResponseRedirect(request.get_full_path())
        except IntegrityError:
            if request.method != "POST":
                raise
            messages.error(request, INTEGRITY_MESSAGE)
            return HttpResponseRedirect(request.get_full_path())

    def transition_each(self, request, queryset, *, step, name, done: str) -> None:
        """An admin action of the workflow: ``step(obj)`` (a service call) record by record, each
        refusal a message naming the record (``name(obj)``), the others done."""
        count = 0
        for obj in queryset:
            try:
                step(obj)
            except (ValidationError, PermissionDenied) as exc:
                self.message_user(request, f"{name(obj)}：{error_text(exc)}", messages.ERROR)
            else:
                count += 1
        if count:
            self.message_user(request, done.format(count=count), messages.SUCCESS)

    # --- history -------------------------------------------------------------------------------

    def revert_disabled(self, request, obj=None):
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied("历史版本只能查看，不能恢复：请在修改页面修改，或通过审核流程办理")
        response = super().history_form_view(request, object_id, version_id, extra_context)
        if self._carries_id_number() and may_see_full_id(request.user):
            history = getattr(self.model, self.model._meta.simple_history_manager_attribute)
            number = history.filter(history_id=version_id).values_list(ID_FIELD, flat=True).first()
            if number:
                full_id_viewed(request, number=number,
                               where=f"admin {self.opts.app_label}.{self.opts.model_name} history version")
        return response


LOADED_VERSION = "loaded_version"


def model_changes(form) -> dict:
    """The model fields an admin form changed, with their cleaned values: what a service takes."""
    names = {f.name for f in form._meta.model._meta.get_fields()}
    return {name: form.cleaned_data[name] for name in form.changed_data if name in names and name in form.cleaned_data}


def loaded_version(form) -> int | None:
    """The version of the record the form was loaded at (see :func:`versioned_form`)."""
    return form.cleaned_data.get(LOADED_VERSION)


def _is_versioned(model) -> bool:
    return any(field.name == "version" for field in model._meta.concrete_fields)


_versioned_forms: dict[type, type] = {}


def versioned_form(form_class):
    """``form_class`` carrying the version of the record it was loaded at, refused when stale."""
    if form_class not in _versioned_forms:

        class VersionedForm(form_class):
            loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                if self.instance.pk is not None:
                    self.fields[LOADED_VERSION].initial = self.instance.version

            def has_changed(self):
                # The version itself is no change; a stale but untouched inline row is left alone.
                return any(name != LOADED_VERSION for name in self.changed_data)

            def clean(self):
                cleaned = super().clean()
                if self.instance.pk is not None and self.has_changed():
                    loaded = cleaned.get(LOADED_VERSION)
                    if loaded is None:
                        raise ValidationError("表单缺少版本信息，请重新打开页面后再保存")
                    version_check(self.instance, loaded)
                return cleaned

        VersionedForm.__name__ = form_class.__name__
        _versioned_forms[form_class] = VersionedForm
    return _versioned_forms[form_class]




def _in_scope(request, obj, action: str) -> bool:
    """:func:`~accounts.scoping.instance_in_scope`, asked once per request for a record as it stands: a
    change page asks it of the same household some thirty times (each inline asks it of its parent, for
    every permission, at every step of the page), each a query. A record changed in memory since (a
    form's values) is a new question; the writes ask again themselves (``save_model``, the services)."""
    answers = request.__dict__.setdefault("_scope_answers", {})
    asked = request.__dict__.setdefault("_stored_rows_asked", {})
    key = (type(obj), action, tuple(getattr(obj, field.attname) for field in obj._meta.concrete_fields))
    try:
        hash(key)
    except TypeError:  # a record rebuilt from its history (its many-to-many values in a list): asked as it is
        return instance_in_scope(request.user, obj, action, asked=asked)
    if key not in answers:
        answers[key] = instance_in_scope(request.user, obj, action, asked=asked)
    return answers[key]


_stored_rows_forms: dict[type, type] = {}


def stored_rows_form(form_class):
    """``form_class`` (an inline's row form) that spares an unchanged stored row the database's checks.

    Django validates every row of a posted formset as if it were written: the uniqueness of its unique
    fields and its constraints, a query each (and a savepoint per check constraint), whatever the row.
    An unchanged stored row is not written (``save_formset`` skips it) and met those checks when it was
    stored, the database enforcing them; it keeps its field and model rules (``clean``), which cost no
    query. A changed or new row is validated in full, as before."""
    if form_class not in _stored_rows_forms:

        class StoredRowsForm(form_class):
            def _post_clean(self):
                if self.instance.pk is None or self.has_changed():
                    return super()._post_clean()
                # Django's _post_clean without validate_unique() and validate_constraints.
                exclude = self._get_validation_exclusions()
                exclude.update(name for name, field in self.fields.items()
                               if isinstance(field, InlineForeignKeyField))
                try:
                    self.instance = construct_instance(self, self.instance, self._meta.fields, self._meta.exclude)
                except ValidationError as exc:
                    self._update_errors(exc)
                try:
                    self.instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
                except ValidationError as exc:
                    self._update_errors(exc)

        StoredRowsForm.__name__ = form_class.__name__
        _stored_rows_forms[form_class] = StoredRowsForm
    return _stored_rows_forms[form_class]


class _ReadOnce(BaseChoiceIterator):
    """The choices of one select, read from the database once for every row of a formset (and its
    empty row) instead of once per row."""

    def __init__(self, choices):
        self.choices, self._read = choices, None

    def __iter__(self):
        if self._read is None:
            choices = self.choices
            if isinstance(choices, ModelChoiceIterator):
                # ModelChoiceIterator's own reading, in one plain query (it opens a server-side cursor on
                # PostgreSQL — three round trips — and list() would ask for a count first).
                field = choices.field
                self._read = [("", field.empty_label)] if field.empty_label is not None else []
                self._read += [choices.choice(obj) for obj in list(choices.queryset)]
            else:
                self._read = [choice for choice in choices]
        return iter(self._read)

    def __len__(self):
        return sum(1 for _ in self)


class _KnownRowField(forms.ModelChoiceField):
    """The hidden primary key of a posted row, answered from the rows the formset has read already
    (Django looks each one up again: a query per row). A key of no such row is looked up as before."""

    def __init__(self, queryset, *, rows, **kwargs):
        super().__init__(queryset, **kwargs)
        self.rows = rows

    def to_python(self, value):
        if value not in self.empty_values and str(value) in self.rows:
            return self.rows[str(value)]
        return super().to_python(value)


def _shares_choices(field) -> bool:
    widget = getattr(field.widget, "widget", field.widget)  # inside RelatedFieldWidgetWrapper
    # A plain select lists every choice; an autocomplete reads its chosen options from the queryset and a
    # raw-id field lists none: those keep their own.
    return (isinstance(field, forms.ModelChoiceField) and isinstance(widget, forms.Select)
            and not isinstance(widget, AutocompleteMixin))


_read_once_formsets: dict[type, type] = {}


def rows_read_once_formset(formset_class):
    """``formset_class`` whose rows cost no query each: the posted rows' keys are found among the rows
    read once for the formset, and each select's choices are read once for all the rows."""
    if formset_class not in _read_once_formsets:

        class ReadOnceFormSet(formset_class):
            def add_fields(self, form, index):
                super().add_fields(form, index)
                pk_name = self._pk_field.name
                pk_field = form.fields.get(pk_name)
                if form.is_bound and type(pk_field) is forms.ModelChoiceField and hasattr(self, "_object_dict"):
                    if not hasattr(self, "_rows_by_key"):
                        self._rows_by_key = {str(pk): row for pk, row in self._object_dict.items()}
                    form.fields[pk_name] = _KnownRowField(
                        pk_field.queryset, rows=self._rows_by_key, initial=pk_field.initial, required=False,
                        widget=pk_field.widget)
                shared = self.__dict__.setdefault("_shared_choices", {})
                for name, field in form.fields.items():
                    if name != pk_name and _shares_choices(field):
                        try:  # by the query: a form that narrows a row's choices keeps its own
                            key = (name, str(field.queryset.query))
                        except EmptyResultSet:
                            continue
                        if key not in shared:
                            shared[key] = _ReadOnce(field.choices)
                        field.choices = shared[key]

        ReadOnceFormSet.__name__ = formset_class.__name__
        _read_once_formsets[formset_class] = ReadOnceFormSet
    return _read_once_formsets[formset_class]


def form_references(form) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(foreign keys, area codes) of the model that ``form`` posts: what a save must check is referable."""
    opts = form._meta.model._meta
    references, areas = [], []
    for name in form.fields:
        field = next((f for f in opts.concrete_fields if f.name == name), None)
        if field is None:
            continue
        if field.many_to_one or field.one_to_one:
            references.append(name)
        elif name == "area_code":
            areas.append(name)
    return tuple(references), tuple(areas)


def error_text(exc) -> str:
    """The Chinese message(s) of a refusal, for a message on the page."""
    if isinstance(exc, ValidationError):
        return "；".join(exc.messages)
    return str(exc) or "您无权进行此操作"


def _is_relation_path(model, path: str) -> bool:
    from django.contrib.admin.utils import get_fields_from_path
    from django.core.exceptions import FieldDoesNotExist

    try:
        field = get_fields_from_path(model, path)[-1]
    except (FieldDoesNotExist, admin.utils.NotRelationField):
        return False
    return bool(field.is_relation and field.related_model is not None)


class ProfileInline(admin.StackedInline):
    model = Profile
    can_delete = False
    extra = 0
    max_num = 1
    fields = ["role", "area_code", "area_name", "unit_name", "phone"]
    readonly_fields = ["area_name"]


User = get_user_model()
admin.site.unregister(User) if admin.site.is_registered(User) else None


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Only the city administrator manages users (the role groups follow the profile)."""

    inlines = [ProfileInline]
    list_display = ["username", "first_name", "role_display", "area_display", "is_active", "last_login"]
    list_filter = ["is_active", "profile__role"]
    search_fields = ["username", "first_name", "profile__area_name", "profile__area_code"]
    list_select_related = ["profile"]

    @admin.display(description="角色")
    def role_display(self, obj):
        profile = getattr(obj, "profile", None)
        return profile.get_role_display() if profile else "（无角色，不能登录）"

    @admin.display(description="管辖区域")
    def area_display(self, obj):
        profile = getattr(obj, "profile", None)
        return profile.area_name if profile else ""

    def has_module_permission(self, request):
        return role_of(request.user) == Role.CITY_ADMIN and super().has_module_permission(request)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        profile = Profile.objects.filter(user=form.instance).first()
        if profile is not None:
            from .services import user_set_role

            user_set_role(
                user=form.instance,
                role=profile.role,
                area_code=profile.area_code,
                unit_name=profile.unit_name,
                phone=profile.phone,
            )
