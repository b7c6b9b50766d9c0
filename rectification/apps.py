from django.apps import AppConfig

_REFERENCE_VIEW = ["view_aspect", "view_category", "view_responsibleunit"]


class RectificationConfig(AppConfig):
    name = "rectification"
    verbose_name = "问题整改"

    # {role: [codename, ...]}: what each role's group may do on this app's models (accounts syncs it).
    # Status changes go through rectification.services, which check the role again per transition.
    role_permissions: dict = {
        "city_admin": [
            f"{action}_{model}"
            for model in ("aspect", "category", "responsibleunit", "issue", "issuetransition", "issueevidence",
                          "supervisionletter", "handover", "handoveritem")
            for action in ("view", "add", "change", "delete")
        ],
        "county_reviewer": [
            *_REFERENCE_VIEW,
            "view_issue", "add_issue", "change_issue",
            "view_issuetransition",
            "view_issueevidence", "add_issueevidence",
            "view_supervisionletter", "change_supervisionletter",
            "view_handover", "add_handover", "change_handover",
            "view_handoveritem", "add_handoveritem", "change_handoveritem", "delete_handoveritem",
        ],
        "leader": [
            *_REFERENCE_VIEW,
            "view_issue", "view_issuetransition", "view_issueevidence", "view_supervisionletter",
            "view_handover", "view_handoveritem",
        ],
        "unit": [
            *_REFERENCE_VIEW,
            "view_issue", "change_issue",
            "view_issuetransition",
            "view_issueevidence", "add_issueevidence",
            "view_supervisionletter", "change_supervisionletter",
        ],
    }
