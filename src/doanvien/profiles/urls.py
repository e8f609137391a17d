"""The member's own side: change requests to his record (and the committee's queue), and the
files that let the site be installed and read offline."""

from django.urls import path

from .views import branch, member, offline

app_name = "profiles"

urlpatterns = [
    path(
        "members/<int:member_id>/change-request/",
        member.member_change_request,
        name="member-change-request",
    ),
    path(
        "units/<int:unit_id>/change-requests/",
        branch.unit_change_requests,
        name="unit-change-requests",
    ),
    path(
        "change-requests/<int:request_id>/photo/",
        member.change_request_photo,
        name="change-request-photo",
    ),
    path(
        "change-requests/<int:request_id>/approve/",
        branch.change_request_approve_view,
        name="change-request-approve",
    ),
    path(
        "change-requests/<int:request_id>/reject/",
        branch.change_request_reject_view,
        name="change-request-reject",
    ),
    path("manifest.webmanifest", offline.manifest, name="manifest"),
    path("sw.js", offline.service_worker, name="service-worker"),
]
