from django.urls import path

from yuncheng.placeholder import PlaceholderView

app_name = "monitoring"

urlpatterns = [
    path("", PlaceholderView.as_view(title="监测对象"), name="household_list"),
]
