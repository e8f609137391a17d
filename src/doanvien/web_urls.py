"""The web pages. Each view is a thin door to the services, scoped on its first line."""

from django.urls import include, path
from django.views.i18n import set_language

from doanvien.accounts import views as accounts
from doanvien.members import views as members
from doanvien.units import views as units

urlpatterns = [
    path("", accounts.home, name="home"),
    path("login/", accounts.LoginView.as_view(), name="login"),
    path("logout/", accounts.logout_view, name="logout"),
    path("invite/<str:secret>/", accounts.invitation_accept_view, name="invitation-accept"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("units/<int:unit_id>/", units.unit_detail, name="unit-detail"),
    path("units/<int:unit_id>/new/", units.unit_create_view, name="unit-create"),
    path("units/<int:unit_id>/edit/", units.unit_edit, name="unit-edit"),
    path("units/<int:unit_id>/deactivate/", units.unit_deactivate_view, name="unit-deactivate"),
    path("units/<int:unit_id>/reactivate/", units.unit_reactivate_view, name="unit-reactivate"),
    path("units/<int:unit_id>/move/", units.unit_move_view, name="unit-move"),
    path("units/<int:unit_id>/merge/", units.unit_merge_view, name="unit-merge"),
    path("units/<int:unit_id>/roles/", accounts.role_grant_view, name="role-grant"),
    path("units/<int:unit_id>/invite/", accounts.user_invite_view, name="user-invite"),
    path("roles/<int:grant_id>/revoke/", accounts.role_revoke_view, name="role-revoke"),
    path("units/<int:unit_id>/members/", members.member_list, name="member-list"),
    path("units/<int:unit_id>/members/new/", members.member_create_view, name="member-create"),
    path("members/<int:member_id>/", members.member_detail, name="member-detail"),
    path("members/<int:member_id>/edit/", members.member_edit, name="member-edit"),
    path("members/<int:member_id>/id-number/", members.member_id_number, name="member-id-number"),
    # The training programme: the member's own pages, the branch's, the units' above.
    path("", include("doanvien.members.urls_transfers")),
    path("", include("doanvien.members.urls_admissions")),
    path("", include("doanvien.members.urls_lifecycle")),
    path("", include("doanvien.members.urls_imports")),
    path("", include("doanvien.portal.urls")),
    path("", include("doanvien.training.urls_branch")),
    path("", include("doanvien.training.urls_import")),
    path("", include("doanvien.training.urls_export")),
    path("", include("doanvien.training.urls_upper")),
    path("", include("doanvien.reports.urls")),
    path("", include("doanvien.reports.urls_movements")),
    path("", include("doanvien.jobs.urls")),
]
