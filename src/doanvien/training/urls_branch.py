"""The branch's training pages (views_branch.py)."""

from django.urls import path

from . import views_branch as views

urlpatterns = [
    path(
        "units/<int:unit_id>/training/",
        views.branch_training_current,
        name="branch-training-current",
    ),
    path("units/<int:unit_id>/training/<int:year>/", views.branch_training, name="branch-training"),
    path(
        "units/<int:unit_id>/training/<int:year>/notes/",
        views.branch_training_note,
        name="branch-training-note",
    ),
    path(
        "units/<int:unit_id>/training/<int:year>/bulk/",
        views.branch_training_bulk,
        name="branch-training-bulk",
    ),
    path(
        "units/<int:unit_id>/training/<int:year>/assessment/",
        views.branch_assessment,
        name="branch-assessment",
    ),
    path(
        "units/<int:unit_id>/training/<int:year>/assessment/<int:member_id>/",
        views.branch_assessment_row,
        name="branch-assessment-row",
    ),
    path(
        "units/<int:unit_id>/training/<int:year>/results/submit/",
        views.branch_results_submit_view,
        name="branch-results-submit",
    ),
    path(
        "members/<int:member_id>/training/<int:year>/approve/",
        views.registration_approve_view,
        name="registration-approve",
    ),
    path(
        "members/<int:member_id>/training/<int:year>/return/",
        views.registration_return_view,
        name="registration-return",
    ),
]
