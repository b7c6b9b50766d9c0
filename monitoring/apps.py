from django.apps import AppConfig

_ENTRY_MODELS = ["household", "member", "employment", "incomerecord", "assistancemeasure", "monitoringrecord"]
_REFERENCE_MODELS = ["risktype", "monitoringthreshold", "dibaostandard", "employmenttarget"]


def _perms(actions, models):
    return [f"{action}_{model}" for model in models for action in actions]


_VIEW_ALL = _perms(["view"], _ENTRY_MODELS + _REFERENCE_MODELS + ["reviewevent"])


class MonitoringConfig(AppConfig):
    name = "monitoring"
    verbose_name = "防止返贫监测"

    # {role: [codename, ...]}: what each role's group may do on this app's models (accounts syncs it).
    # Village officers and township clerks enter data; the township clerk also does 乡镇审核; county
    # reviewers may edit their county and do 县级审定 — only that step: the review runs 村 → 乡镇 → 县, and a
    # county reviewer who could also pass the township step would review a record twice (DESIGN.md's
    # roles give 乡镇审核 to the township clerks alone). Leaders read; the city administrator does everything
    # including the yearly reference data (thresholds, 低保标准, targets, risk types), and separation of
    # duties still keeps one person from passing both steps of one record.
    role_permissions: dict = {
        "village_officer": _VIEW_ALL
        + _perms(["add", "change"], _ENTRY_MODELS)
        + _perms(["delete"], ["member", "employment", "incomerecord", "assistancemeasure"]),
        "township_clerk": _VIEW_ALL
        + _perms(["add", "change"], _ENTRY_MODELS)
        + _perms(["delete"], ["member", "employment", "incomerecord", "assistancemeasure"])
        + ["review_township"],
        "county_reviewer": _VIEW_ALL
        + _perms(["add", "change", "delete"], _ENTRY_MODELS)
        + _perms(["add", "change"], ["employmenttarget"])
        + ["approve_county"],
        "leader": _VIEW_ALL,
        "city_admin": _VIEW_ALL
        + _perms(["add", "change", "delete"], _ENTRY_MODELS + _REFERENCE_MODELS)
        + ["review_township", "approve_county"],
        "team_member": [],
        "unit": [],
    }
