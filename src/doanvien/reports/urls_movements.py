from django.urls import path

from . import views_movements as views

urlpatterns = [
    path("units/<int:unit_id>/movements/", views.unit_movements, name="unit-movements"),
    path(
        "units/<int:unit_id>/movements/export.xlsx",
        views.unit_movements_xlsx,
        name="unit-movements-xlsx",
    ),
    path(
        "units/<int:unit_id>/movements/<slug:kind>/",
        views.unit_movement_list,
        name="unit-movement-list",
    ),
]
