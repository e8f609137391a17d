"""Roles on units and invitations (views.py). Log-in, log-out and the home page are the site's
own (web_urls.py)."""

from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("invite/<str:secret>/", views.invitation_accept_view, name="invitation-accept"),
    path("units/<int:unit_id>/roles/", views.role_grant_view, name="role-grant"),
    path("units/<int:unit_id>/invite/", views.user_invite_view, name="user-invite"),
    path("roles/<int:grant_id>/revoke/", views.role_revoke_view, name="role-revoke"),
]
