from django.urls import path

from . import views

urlpatterns = [
    path("units/<int:unit_id>/reports/<int:year>/", views.unit_report, name="unit-report"),
]
