from django.apps import AppConfig

_MODELS = ["workteam", "teammember", "attendanceweek", "visit", "trainingsession", "inspection", "evaluation"]


def _perms(*actions: str, models: list[str] = _MODELS) -> list[str]:
    return [f"{action}_{model}" for action in actions for model in models]


class ResidentTeamsConfig(AppConfig):
    name = "resident_teams"
    verbose_name = "驻村帮扶"

    # {role: [codename, ...]}: what each role's group may do on this app's models (accounts syncs it).
    # A team member sees only what they own (SCOPE_OWNER_LOOKUPS): their team, their own member record,
    # and records their own attendance and visits.
    role_permissions: dict = {
        "city_admin": _perms("view", "add", "change", "delete"),
        "county_reviewer": _perms("view", "add", "change", "delete"),
        "township_clerk": _perms("view"),
        "village_officer": _perms("view"),
        "leader": _perms("view"),
        "team_member": _perms("view", models=["workteam", "teammember"])
        + _perms("view", "add", "change", models=["attendanceweek", "visit"]),
        "unit": [],
    }
