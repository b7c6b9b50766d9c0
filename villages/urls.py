from django.urls import path

from . import views

app_name = "villages"

urlpatterns = [
    path("", views.CountyListView.as_view(), name="county_list"),
    path("villages/", views.VillageListView.as_view(), name="village_list"),
    path("relocation-sites/", views.RelocationSiteListView.as_view(), name="relocation_site_list"),
    path("county/<str:code>/", views.CountyDetailView.as_view(), name="county_detail"),
    path("township/<str:code>/", views.TownshipDetailView.as_view(), name="township_detail"),
    path("village/<str:code>/", views.VillageDetailView.as_view(), name="village_detail"),
]
