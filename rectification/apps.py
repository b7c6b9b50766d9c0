from django.apps import AppConfig


class RectificationConfig(AppConfig):
    name = "rectification"
    verbose_name = "问题整改"

    # {role: [codename, ...]}: what each role's group may do on this app's models (accounts syncs it).
    role_permissions: dict = {}
