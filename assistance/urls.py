from django.urls import path

from . import views

app_name = "assistance"

urlpatterns = [
    path("", views.IndexView.as_view(), name="index"),
    path("workshops/", views.WorkshopListView.as_view(), name="workshop_list"),
    path("pv-stations/", views.PVStationListView.as_view(), name="pv_station_list"),
    path("projects/", views.AssistanceProjectListView.as_view(), name="project_list"),
    path("consumption/", views.ConsumptionSaleListView.as_view(), name="consumption_sale_list"),
    path("collective-economy/", views.CollectiveEconomyListView.as_view(), name="collective_economy_list"),
]
