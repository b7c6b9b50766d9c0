from django.urls import path

from yuncheng.placeholder import PlaceholderView

app_name = "dashboard"

urlpatterns = [
    path("", PlaceholderView.as_view(title="首页"), name="home"),
    path("income/", PlaceholderView.as_view(title="收入就业"), name="income"),
]
