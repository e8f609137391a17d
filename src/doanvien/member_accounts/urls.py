"""Member accounts: the public activation page, the member's first-log-in notice, the branch's
and base union's codes, and the base union's "this was not me" list (views.py)."""

from django.urls import path

from . import views

app_name = "member_accounts"

urlpatterns = [
    path("activate/", views.activate_view, name="activate"),
    path("account/activation/", views.notice_view, name="notice"),
    path("units/<int:unit_id>/activation-codes/", views.unit_codes, name="unit-codes"),
    path("units/<int:unit_id>/activation-codes/slips.pdf", views.codes_pdf, name="codes-pdf"),
    path("units/<int:unit_id>/activation-codes/codes.xlsx", views.codes_sheet, name="codes-xlsx"),
    path("units/<int:unit_id>/activation-codes/bulk/", views.codes_bulk, name="codes-bulk"),
    path("units/<int:unit_id>/not-me-reports/", views.not_me_list, name="not-me-list"),
    path("not-me-reports/<int:not_me_id>/close/", views.not_me_close_view, name="not-me-close"),
]
