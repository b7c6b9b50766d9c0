from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "dashboard"
    verbose_name = "数据看板"

    # {role: [codename, ...]}: what each role's group may do on this app's models (accounts syncs it).
    role_permissions: dict = {}
