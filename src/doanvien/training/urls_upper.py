"""The training pages of the units above the branches: progress and recognition, and the
configuration a unit publishes for its subtree. Object ids other than the unit travel in the
query string or the form (the permission matrix fills only unit_id, member_id and year)."""

from django.urls import path

from . import views_upper as views

P = "units/<int:unit_id>/training/<int:year>/"

urlpatterns = [
    path(P + "progress/", views.training_progress, name="training-progress"),
    path(P + "recognise/", views.results_recognise_view, name="training-recognise"),
    path(P + "return/", views.results_return_view, name="training-return"),
    path(P + "reopen/", views.results_reopen_view, name="training-reopen"),
    path(P + "framework/", views.training_framework, name="training-framework"),
    path(P + "framework/publish/", views.framework_publish_view, name="training-framework-publish"),
    path(P + "framework/save/", views.framework_save_view, name="training-framework-save"),
    path(P + "criteria/save/", views.criterion_save_view, name="training-criterion-save"),
    path(P + "criteria/remove/", views.criterion_remove_view, name="training-criterion-remove"),
    path(P + "deadlines/", views.training_deadlines, name="training-deadlines"),
    path(P + "deadlines/save/", views.deadline_save_view, name="training-deadline-save"),
]
