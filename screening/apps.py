from django.apps import AppConfig

_WARNING_VIEW = ["view_warningrule", "view_departmentevent", "view_screeningwarning"]
_ROUND_VIEW = ["view_assessmentround", "view_samplehousehold", "view_assessmentanswer"]


class ScreeningConfig(AppConfig):
    name = "screening"
    verbose_name = "筛查预警与模拟国考"

    # {role: [codename, ...]}: what each role's group may do on this app's models (accounts syncs it).
    # Village officers, township clerks and county reviewers verify the warnings of their area (the
    # services check the role and the area again); the city administrator sets the rules, imports the
    # departments' workbooks and runs the mock national assessment; county reviewers may import their
    # county's workbooks and the answers of their county's samples; leaders read.
    role_permissions: dict = {
        "village_officer": ["view_warningrule", "view_screeningwarning", "change_screeningwarning"],
        "township_clerk": ["view_warningrule", "view_screeningwarning", "change_screeningwarning"],
        "county_reviewer": _WARNING_VIEW + _ROUND_VIEW + [
            "add_departmentevent", "change_departmentevent", "change_screeningwarning",
            "add_assessmentanswer", "change_assessmentanswer",
        ],
        "leader": _WARNING_VIEW + _ROUND_VIEW,
        "city_admin": _WARNING_VIEW + _ROUND_VIEW + [
            "add_warningrule", "change_warningrule", "delete_warningrule",
            "add_departmentevent", "change_departmentevent", "change_screeningwarning",
            "add_assessmentround", "change_assessmentround", "delete_assessmentround",
            "add_samplehousehold", "add_assessmentanswer", "change_assessmentanswer",
        ],
        "team_member": [],
        "unit": [],
    }
