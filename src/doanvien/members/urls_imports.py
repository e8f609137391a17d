from django.urls import path

from . import views_imports as views

urlpatterns = [
    path("units/<int:unit_id>/members/import/", views.member_import, name="member-import"),
    path(
        "units/<int:unit_id>/members/import/template.xlsx",
        views.member_import_template,
        name="member-import-template",
    ),
    path("units/<int:unit_id>/members/export/", views.member_export, name="member-export"),
]
