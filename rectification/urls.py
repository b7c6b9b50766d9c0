from django.urls import path

from . import views

app_name = "rectification"

urlpatterns = [
    path("", views.IssueListView.as_view(), name="issue_list"),
    path("issues/<int:pk>/", views.IssueDetailView.as_view(), name="issue_detail"),
    path("issues/<int:pk>/evidence/", views.EvidenceUploadView.as_view(), name="evidence_upload"),
    path("issues/<int:pk>/evidence/<int:evidence_pk>/", views.EvidenceDownloadView.as_view(),
         name="evidence_download"),
    path("issues/<int:pk>/<slug:action>/", views.IssueActionView.as_view(), name="issue_action"),
    path("overdue/", views.OverdueView.as_view(), name="overdue"),
    path("letters/", views.LetterListView.as_view(), name="letter_list"),
    path("letters/<int:pk>/", views.LetterDetailView.as_view(), name="letter_detail"),
    path("handovers/", views.HandOverListView.as_view(), name="handover_list"),
]
