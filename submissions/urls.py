from django.urls import path

from . import views

app_name = "submissions"

urlpatterns = [
    path("progress/", views.ProgressView.as_view(), name="progress"),
    path("submissions/", views.SubmissionListView.as_view(), name="list"),
    path("submissions/freeze/", views.SubmissionFreezeView.as_view(), name="freeze"),
    path("submissions/<int:pk>/", views.SubmissionDetailView.as_view(), name="detail"),
    path("submissions/<int:pk>/reports/<int:report_pk>/", views.SubmissionReportDownloadView.as_view(),
         name="report_download"),
    path("competition/", views.ScoreboardView.as_view(), name="scoreboard"),
    path("competition/<int:year>/", views.ScoreboardView.as_view(), name="scoreboard_year"),
    path("competition/<int:year>/export/", views.ScoreboardExportView.as_view(), name="scoreboard_export"),
    path("competition/<int:year>/scores/", views.ScoreEntryView.as_view(), name="score_entry"),
]
