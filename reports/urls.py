from django.urls import path

from . import audit, views

app_name = "reports"

urlpatterns = [
    path("", views.ReportIndexView.as_view(), name="index"),
    path("audit/", audit.AuditView.as_view(), name="audit"),
    path("export/<slug:key>/", views.ReportExportView.as_view(), name="export"),
    path("jobs/<int:pk>/", views.ExportJobView.as_view(), name="job"),
    path("jobs/<int:pk>/status/", views.ExportJobStatusView.as_view(), name="job_status"),
    path("jobs/<int:pk>/download/", views.ExportJobDownloadView.as_view(), name="job_download"),
    path("templates/<slug:key>/", views.TemplateDownloadView.as_view(), name="template"),
    path("data/<slug:key>/", views.DataExportView.as_view(), name="data"),
    path("import/", views.ImportView.as_view(), name="import"),
    path("import/jobs/<int:pk>/", views.ImportJobView.as_view(), name="import_job"),
]
