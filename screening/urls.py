from django.urls import path

from . import views

app_name = "screening"

urlpatterns = [
    path("", views.WarningListView.as_view(), name="warning_list"),
    path("warnings/<int:pk>/", views.WarningDetailView.as_view(), name="warning_detail"),
    path("warnings/<int:pk>/<slug:action>/", views.WarningActionView.as_view(), name="warning_action"),
    path("assessments/", views.RoundListView.as_view(), name="round_list"),
    path("assessments/<int:pk>/", views.RoundDetailView.as_view(), name="round_detail"),
    path("assessments/<int:pk>/draw/", views.RoundDrawView.as_view(), name="round_draw"),
]
