"""Roles on units, invitations, one's own account and the password reset (views.py). Log-in,
log-out and the home page are the site's own (web_urls.py)."""

from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("invite/<str:secret>/", views.invitation_accept_view, name="invitation-accept"),
    path("units/<int:unit_id>/roles/", views.role_grant_view, name="role-grant"),
    path("units/<int:unit_id>/invite/", views.user_invite_view, name="user-invite"),
    path("roles/<int:grant_id>/revoke/", views.role_revoke_view, name="role-revoke"),
    path("account/", views.account_view, name="account"),
    path("account/password/", views.password_change_view, name="password-change"),
    path("account/sessions/<str:session_ref>/end/", views.session_end_view, name="session-end"),
    path("account/tokens/<int:token_id>/revoke/", views.token_revoke_view, name="token-revoke"),
    path(
        "account/sign-out-everywhere/",
        views.sign_out_everywhere_view,
        name="sign-out-everywhere",
    ),
    path("password-reset/", views.PasswordResetView.as_view(), name="password-reset"),
    path("password-reset/sent/", views.PasswordResetSentView.as_view(), name="password-reset-sent"),
    path(
        "password-reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password-reset-confirm",
    ),
]
