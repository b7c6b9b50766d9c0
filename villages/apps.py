from django.apps import AppConfig

_READ = ["view_county", "view_township", "view_village", "view_relocationsite"]


class VillagesConfig(AppConfig):
    name = "villages"
    verbose_name = "区划与村庄"

    role_permissions = {
        "city_admin": _READ + [
            "add_county", "change_county", "add_township", "change_township", "add_village", "change_village",
            "add_relocationsite", "change_relocationsite", "delete_relocationsite",
        ],
        "county_reviewer": _READ + ["change_village", "add_relocationsite", "change_relocationsite"],
        "township_clerk": _READ,
        "village_officer": _READ,
        "leader": _READ,
        "team_member": [],
        "unit": [],
    }
