from django.apps import AppConfig


class ResidentTeamsConfig(AppConfig):
    name = "resident_teams"
    verbose_name = "驻村帮扶"

    # {role: [codename, ...]}: what each role's group may do on this app's models (accounts syncs it).
    role_permissions: dict = {}
