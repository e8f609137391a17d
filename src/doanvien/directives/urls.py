"""The directive pages (views.py)."""

from django.urls import path

from . import views

app_name = "directives"

urlpatterns = [
    path("units/<int:unit_id>/directives/", views.unit_directives, name="unit-directives"),
    path(
        "units/<int:unit_id>/directives/new/",
        views.directive_publish_view,
        name="directive-publish",
    ),
    path("directives/<int:directive_id>/", views.directive_detail, name="directive-detail"),
    path("directives/<int:directive_id>/edit/", views.directive_edit_view, name="directive-edit"),
    path(
        "directives/<int:directive_id>/publish/",
        views.directive_draft_publish_view,
        name="directive-draft-publish",
    ),
    path(
        "directives/<int:directive_id>/delete/",
        views.directive_delete_view,
        name="directive-delete",
    ),
    path(
        "directives/<int:directive_id>/reply/", views.directive_reply_view, name="directive-reply"
    ),
    path(
        "directives/<int:directive_id>/remind/",
        views.directive_remind_view,
        name="directive-remind",
    ),
    path(
        "directives/<int:directive_id>/withdraw/",
        views.directive_withdraw_view,
        name="directive-withdraw",
    ),
    path(
        "directives/files/<int:attachment_id>/",
        views.attachment_download,
        name="attachment",
    ),
]
