from django.urls import path

from yuncheng.placeholder import PlaceholderView

app_name = "rectification"

urlpatterns = [
    path("", PlaceholderView.as_view(title="问题整改台账"), name="issue_list"),
]
