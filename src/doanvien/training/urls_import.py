"""Importing a branch's registrations from Excel (views_import.py)."""

from django.urls import path

from . import views_import as views

urlpatterns = [
    path(
        "units/<int:unit_id>/training/<int:year>/import/",
        views.branch_training_import,
        name="branch-training-import",
    ),
    path(
        "units/<int:unit_id>/training/<int:year>/import/template.xlsx",
        views.branch_training_import_template,
        name="branch-training-import-template",
    ),
]
