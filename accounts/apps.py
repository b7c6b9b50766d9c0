from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "用户与权限"

    # Permissions each role gets on this app's and Django's own models (codenames by app label).
    role_permissions = {
        "city_admin": {
            "auth": ["view_user", "add_user", "change_user", "view_group"],
            "accounts": ["view_profile", "add_profile", "change_profile", "delete_profile"],
        },
    }

    def ready(self):
        post_migrate.connect(sync_role_groups, dispatch_uid="accounts.sync_role_groups")
        # Django saves the user on every login to set last_login, which would add a history row per login;
        # an UPDATE of that one column records the time without a "change" in the audit trail.
        from django.contrib.auth.models import update_last_login
        from django.contrib.auth.signals import user_logged_in

        user_logged_in.disconnect(update_last_login, dispatch_uid="update_last_login")
        user_logged_in.connect(record_last_login, dispatch_uid="accounts.record_last_login")


def record_last_login(sender, user, **kwargs):
    from django.utils import timezone

    type(user)._default_manager.filter(pk=user.pk).update(last_login=timezone.now())


def collect_role_permissions() -> dict[str, set[tuple[str, str]]]:
    """Every installed app may declare ``role_permissions = {role: {app_label: [codename, ...]}}``
    on its AppConfig (a bare list means its own label); the union is what each role's group holds."""
    from .roles import Role

    wanted: dict[str, set[tuple[str, str]]] = {role.value: set() for role in Role}
    for config in apps.get_app_configs():
        for role, perms in getattr(config, "role_permissions", {}).items():
            if isinstance(perms, (list, tuple, set)):
                perms = {config.label: perms}
            for app_label, codenames in perms.items():
                wanted[role].update((app_label, codename) for codename in codenames)
    return wanted


def sync_role_groups(sender=None, using="default", **kwargs):
    """Create one group per role and give it exactly the declared permissions.

    Runs after every migrate, so a permission added by a later app or model reaches its roles."""
    from django.contrib.auth.models import Group, Permission

    from .roles import Role

    labels = dict(Role.choices)
    known = {
        (app_label, codename): pk
        for pk, app_label, codename in Permission.objects.using(using).values_list(
            "pk", "content_type__app_label", "codename"
        )
    }
    for role, perms in collect_role_permissions().items():
        group, _ = Group.objects.using(using).get_or_create(name=labels[role])
        group.permissions.set([known[perm] for perm in sorted(perms) if perm in known])
