from django.urls import path

from . import views

app_name = "monitoring"

urlpatterns = [
    path("", views.HouseholdListView.as_view(), name="household_list"),
    path("households/<str:code>/", views.HouseholdDetailView.as_view(), name="household_detail"),
    path("worklist/", views.WorklistView.as_view(), name="worklist"),
    path("quality/", views.QualityView.as_view(), name="quality"),
    path("quality/status/", views.QualityStatusView.as_view(), name="quality_status"),
    path("records/<int:pk>/submit/", views.RecordSubmitView.as_view(), name="record_submit"),
    path("records/<int:pk>/approve/", views.RecordApproveView.as_view(), name="record_approve"),
    path("records/<int:pk>/reject/", views.RecordRejectView.as_view(), name="record_reject"),
    path("records/<int:pk>/eliminate/", views.EliminationRequestView.as_view(), name="elimination_request"),
]
