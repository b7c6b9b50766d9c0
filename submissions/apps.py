from django.apps import AppConfig

_VIEW = ["view_submission", "view_submissionfigures", "view_submissionrecordset", "view_submissionreport"]
_BOARD = ["view_competitionround", "view_participant", "view_scoringitem", "view_enteredscore"]


class SubmissionsConfig(AppConfig):
    name = "submissions"
    verbose_name = "省级报送与大比拼"

    # {role: [codename, ...]}: the city administrator freezes any area and keeps the competition; a county
    # reviewer freezes the county's own figures; leaders read. Entering a score also needs being the
    # item's evaluator (services.score_enter), whatever the role.
    role_permissions: dict = {
        "city_admin": _VIEW + ["add_submission"] + _BOARD + [
            "add_competitionround", "change_competitionround", "add_participant", "change_participant",
            "delete_participant", "add_scoringitem", "change_scoringitem", "delete_scoringitem",
            "add_enteredscore", "change_enteredscore"],
        "county_reviewer": _VIEW + ["add_submission"],
        "leader": _VIEW + _BOARD + ["add_enteredscore", "change_enteredscore"],
        "unit": _BOARD + ["add_enteredscore", "change_enteredscore"],
    }
