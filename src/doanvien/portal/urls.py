"""The member's own training pages (portal/views.py)."""

from django.urls import path

from . import views

urlpatterns = [
    # The signed-in member's own page: no object id (listed as personal in the permission matrix).
    path("me/training/", views.my_training, name="my-training"),
    path(
        "members/<int:member_id>/training/",
        views.member_training_current,
        name="member-training-current",
    ),
    path(
        "members/<int:member_id>/training/<int:year>/",
        views.member_training,
        name="member-training",
    ),
    path(
        "members/<int:member_id>/training/<int:year>/self-assessment/",
        views.member_training_self_assess,
        name="member-training-self-assess",
    ),
    path(
        "members/<int:member_id>/training/<int:year>/notes/",
        views.member_training_note,
        name="member-training-note",
    ),
]
