from django.contrib import admin
from django.templatetags.static import static as static_url
from django.urls import include, path
from django.views.generic import RedirectView


class FaviconView(RedirectView):
    """Browsers ask for /favicon.ico on every page (the admin's too): send them to the platform's icon."""

    def get_redirect_url(self, *args, **kwargs):
        return static_url("favicon.svg")


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
    path("screening/", include("screening.urls")),
    path("reports/", include("reports.urls")),
    path("review/", include("submissions.urls")),
    path("admin/", admin.site.urls),
    path("favicon.ico", FaviconView.as_view()),
]

# MEDIA_ROOT (evidence, exports, uploaded imports) is never served as a directory, whatever DEBUG says:
# every file leaves through a view that checks the user's scope (evidence download, export download).

# A request cut by a database restart gets the 503 page (try again), any other failure the 500 page.
handler500 = "yuncheng.errors.server_error"
