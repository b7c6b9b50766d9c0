from django.urls import path

from . import views

app_name = "dashboard"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("dashboard/monitoring/", views.SectionView.as_view(section="monitoring"), name="monitoring"),
    path("dashboard/income/", views.SectionView.as_view(section="income"), name="income"),
    path("dashboard/teams/", views.SectionView.as_view(section="teams"), name="teams"),
    path("dashboard/issues/", views.SectionView.as_view(section="issues"), name="issues"),
    path("dashboard/charts/<slug:name>/", views.ChartView.as_view(), name="chart"),
    path("dashboard/records/<str:key>/", views.RecordListView.as_view(), name="records"),
    path("dashboard/records/<str:key>/export/", views.RecordExportView.as_view(), name="records_export"),
    path("api/metrics/", views.MetricsApiView.as_view(), name="api_metrics"),
]
