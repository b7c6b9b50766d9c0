from django.apps import AppConfig

_JOBS = ["view_exportjob", "add_exportjob"]


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "报表"

    # {role: [codename, ...]}: what each role's group may do on this app's models (accounts syncs it).
    # Every area role exports reports of its area; a user sees only their own export jobs.
    role_permissions: dict = {
        "city_admin": _JOBS + ["change_exportjob", "delete_exportjob"],
        "county_reviewer": _JOBS,
        "township_clerk": _JOBS,
        "village_officer": _JOBS,
        "leader": _JOBS,
    }
