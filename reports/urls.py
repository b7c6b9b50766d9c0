from django.urls import path

from yuncheng.placeholder import PlaceholderView

app_name = "reports"

urlpatterns = [
    path("", PlaceholderView.as_view(title="报表"), name="index"),
]
