from django.urls import path

from yuncheng.placeholder import PlaceholderView

app_name = "assistance"

urlpatterns = [
    path("", PlaceholderView.as_view(title="帮扶资源"), name="index"),
]
