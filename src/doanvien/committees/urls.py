"""The committee pages (views.py)."""

from django.urls import path

from . import views

app_name = "committees"

urlpatterns = [
    path("units/<int:unit_id>/committees/", views.unit_committees, name="unit-committees"),
    path(
        "units/<int:unit_id>/committees/new/",
        views.committee_create_view,
        name="committee-create",
    ),
    path("committees/<int:committee_id>/", views.committee_detail, name="committee-detail"),
    path(
        "committees/<int:committee_id>/<str:decision>/",
        views.committee_decide,
        name="committee-decide",
    ),
    path(
        "committee-changes/<int:change_id>/<str:decision>/",
        views.change_decide,
        name="change-decide",
    ),
    path("posts/<int:post_id>/grant/", views.post_grant_view, name="post-grant"),
    path("posts/<int:post_id>/end/", views.post_end_view, name="post-end"),
    path("posts/<int:post_id>/replace/", views.post_replace_view, name="post-replace"),
    path("posts/<int:post_id>/courses/", views.course_add_view, name="course-add"),
]
