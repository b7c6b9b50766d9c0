"""Admin for users and roles, and the mixin that scopes every admin page by area."""

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied

from .models import Profile
from .roles import Role, role_of
from .scoping import ADD, CHANGE, DELETE, VIEW, instance_in_scope, scope


class ScopedAdminMixin:
    """Scopes an admin's changelist, object pages, foreign-key choices and saves by area.

    Mix into every ModelAdmin and inline of the domain apps: ``class HouseholdAdmin(ScopedAdminMixin,
    admin.ModelAdmin)``. Objects outside the user's area are absent from the changelist, 404 on their
    change page (Django answers "不存在" for an object ``get_queryset`` does not return), and refused on
    save even if a crafted POST names them.
    """

    def get_queryset(self, request):
        return scope(super().get_queryset(request), request.user, VIEW)

    @property
    def media(self):
        # The changelist's search box sends an ID number by POST (yuncheng/personal_numbers.py).
        return super().media + forms.Media(js=["js/personal-search.js"])

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and (obj is None or instance_in_scope(request.user, obj, VIEW))

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (
            obj is None or instance_in_scope(request.user, obj, CHANGE)
        )

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (
            obj is None or instance_in_scope(request.user, obj, DELETE)
        )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        related = db_field.related_model
        if field is not None and hasattr(related, "AREA_LOOKUP") and related.AREA_LOOKUP is not None:
            field.queryset = scope(field.queryset, request.user, VIEW)
        return field

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        related = db_field.related_model
        if field is not None and hasattr(related, "AREA_LOOKUP") and related.AREA_LOOKUP is not None:
            field.queryset = scope(field.queryset, request.user, VIEW)
        return field

    def save_model(self, request, obj, form, change):
        if not instance_in_scope(request.user, obj, CHANGE if change else ADD):
            raise PermissionDenied("该记录不在您的管辖范围内")
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        for inline_form in formset.forms:
            obj = inline_form.instance
            if inline_form.has_changed() and not instance_in_scope(request.user, obj, CHANGE if obj.pk else ADD):
                raise PermissionDenied("该记录不在您的管辖范围内")
        super().save_formset(request, form, formset, change)


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
