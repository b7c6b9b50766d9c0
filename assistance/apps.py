from django.apps import AppConfig


def _perms(models: list[str], actions: tuple[str, ...]) -> list[str]:
    return [f"{action}_{model}" for model in models for action in actions]


_ALL = ("view", "add", "change", "delete")
_EDIT = ("view", "add", "change")
_VIEW = ("view",)

# Village-level records that villages and townships enter for themselves.
_VILLAGE_LEVEL = ["workshop", "workshopemployee", "pvstation", "pvincome", "pvemployee"]
# County-level records: projects and funds, consumption sales.
_COUNTY_LEVEL = ["assistanceproject", "consumptionsale"]
_REFERENCE = ["consumptionplatform"]
_COLLECTIVE = ["villagecollectiveeconomy"]


class AssistanceConfig(AppConfig):
    name = "assistance"
    verbose_name = "帮扶资源"

    # {role: {app_label: [codename, ...]}}: what each role's group may do (accounts syncs it after migrate).
    # The village collective economy is a ``villages`` model that this issue added; its permissions are
    # declared here so that the foundation's villages AppConfig stays as it was.
    role_permissions: dict = {
        "city_admin": {
            "assistance": _perms(_VILLAGE_LEVEL + _COUNTY_LEVEL + _REFERENCE, _ALL),
            "villages": _perms(_COLLECTIVE, _ALL),
        },
        "county_reviewer": {
            "assistance": _perms(_VILLAGE_LEVEL + _COUNTY_LEVEL, _ALL) + _perms(_REFERENCE, _VIEW),
            "villages": _perms(_COLLECTIVE, _ALL),
        },
        "township_clerk": {
            "assistance": _perms(_VILLAGE_LEVEL, _EDIT) + _perms(_COUNTY_LEVEL + _REFERENCE, _VIEW),
            "villages": _perms(_COLLECTIVE, _EDIT),
        },
        "village_officer": {
            "assistance": _perms(_VILLAGE_LEVEL, _EDIT) + _perms(_COUNTY_LEVEL + _REFERENCE, _VIEW),
            "villages": _perms(_COLLECTIVE, _EDIT),
        },
        "leader": {
            "assistance": _perms(_VILLAGE_LEVEL + _COUNTY_LEVEL + _REFERENCE, _VIEW),
            "villages": _perms(_COLLECTIVE, _VIEW),
        },
    }
