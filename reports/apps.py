from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "报表"

    # {role: [codename, ...]}: what each role's group may do on this app's models (accounts syncs it).
    role_permissions: dict = {}
