from django.contrib import admin
from django.urls import include, path

from submissions.views import MetricsApiView

urlpatterns = [
    # Before the dashboard's own route: answers ?submitted=1 from the frozen submissions, else as before.
    path("api/metrics/", MetricsApiView.as_view()),
    path("", include("dashboard.urls")),
    path("accounts/", include("accounts.urls")),
    path("areas/", include("villages.urls")),
    path("monitoring/", include("monitoring.urls")),
    path("assistance/", include("assistance.urls")),
    path("teams/", include("resident_teams.urls")),
    path("rectification/", include("rectification.urls")),
    path("reports/", include("reports.urls")),
    path("review/", include("submissions.urls")),
    path("admin/", admin.site.urls),
]

# MEDIA_ROOT (evidence, exports, uploaded imports) is never served as a directory, whatever DEBUG says:
# every file leaves through a view that checks the user's scope (evidence download, export download).
