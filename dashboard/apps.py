from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "dashboard"
    verbose_name = "数据看板"

    # {role: [codename, ...]}: what each role's group may do on this app's models (accounts syncs it).
    # The summaries are read through the catalogue only; no role edits them.
    role_permissions: dict = {
        role: ["view_villagesummary"]
        for role in ("city_admin", "county_reviewer", "township_clerk", "village_officer", "leader")
    }

    def ready(self):
        from django.core.signals import request_finished, request_started
        from django.db.backends.signals import connection_created

        from . import figures_cache, signals

        signals.connect()
        connection_created.connect(figures_cache.install_write_watch, dispatch_uid="dashboard.figures_cache")
        request_started.connect(figures_cache.request_started, dispatch_uid="dashboard.figures_cache")
        request_finished.connect(figures_cache.request_finished, dispatch_uid="dashboard.figures_cache")
