from django.urls import path

from yuncheng.placeholder import PlaceholderView

app_name = "resident_teams"

urlpatterns = [
    path("", PlaceholderView.as_view(title="驻村工作队"), name="team_list"),
]
