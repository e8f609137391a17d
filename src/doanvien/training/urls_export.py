"""Exporting the registrations of a unit's subtree (views_export.py)."""

from django.urls import path

from . import views_export as views

urlpatterns = [
    path(
        "units/<int:unit_id>/training/<int:year>/export/",
        views.registrations_export,
        name="training-registrations-export",
    ),
]
