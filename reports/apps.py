from django.apps import AppConfig

_JOBS = ["view_exportjob", "add_exportjob"]
_IMPORTS = ["view_importjob", "add_importjob"]  # roles that import (those that see full ID numbers)


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "报表"

    # {role: [codename, ...]}: what each role's group may do on this app's models (accounts syncs it).
    # Every area role exports reports of its area; a user sees only their own export jobs.
    role_permissions: dict = {
        "city_admin": _JOBS + _IMPORTS + ["change_exportjob", "delete_exportjob"],
        "county_reviewer": _JOBS + _IMPORTS,
        "township_clerk": _JOBS + _IMPORTS,
        "village_officer": _JOBS + _IMPORTS,
        "leader": _JOBS,
    }
