from django.urls import path

from . import views

app_name = "resident_teams"

urlpatterns = [
    path("", views.TeamListView.as_view(), name="team_list"),
    path("<int:pk>/", views.TeamDetailView.as_view(), name="team_detail"),
    path("mine/", views.MyRecordsView.as_view(), name="my_records"),
]
