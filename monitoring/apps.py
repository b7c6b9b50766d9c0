from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "monitoring"
    verbose_name = "防止返贫监测"

    # {role: [codename, ...]}: what each role's group may do on this app's models (accounts syncs it).
    role_permissions: dict = {}
