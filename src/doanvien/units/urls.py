"""The tree's pages (views.py)."""

from django.urls import path

from . import views

app_name = "units"

urlpatterns = [
    path("units/<int:unit_id>/", views.unit_detail, name="unit-detail"),
    path("units/<int:unit_id>/new/", views.unit_create_view, name="unit-create"),
    path("units/<int:unit_id>/edit/", views.unit_edit, name="unit-edit"),
    path("units/<int:unit_id>/deactivate/", views.unit_deactivate_view, name="unit-deactivate"),
    path("units/<int:unit_id>/reactivate/", views.unit_reactivate_view, name="unit-reactivate"),
    path("units/<int:unit_id>/move/", views.unit_move_view, name="unit-move"),
    path("units/<int:unit_id>/merge/", views.unit_merge_view, name="unit-merge"),
    path("units/<int:unit_id>/tree/import/", views.unit_tree_import, name="unit-tree-import"),
    path("units/<int:unit_id>/tree/template/", views.unit_tree_template, name="unit-tree-template"),
    path("units/<int:unit_id>/tree.xlsx", views.unit_tree_export, name="unit-tree-export"),
    path("units/<int:unit_id>/audit/", views.unit_audit, name="unit-audit"),
    path("units/<int:unit_id>/choose/", views.unit_choose, name="unit-choose"),
]
