"""The "1+1" pages."""

from django.urls import path

from . import views

app_name = "youth"

urlpatterns = [
    path("units/<int:unit_id>/youths/", views.youth_list, name="youth-list"),
    path("units/<int:unit_id>/youths/import/", views.youth_import, name="youth-import"),
    path(
        "units/<int:unit_id>/youths/template.xlsx",
        views.youth_import_template,
        name="youth-import-template",
    ),
    path("youths/<int:youth_id>/", views.youth_detail, name="youth-detail"),
    path("youths/<int:youth_id>/erase/", views.youth_erase, name="youth-erase"),
    path("units/<int:unit_id>/youth-groups/", views.group_list, name="group-list"),
    path("units/<int:unit_id>/referrals/", views.unit_referrals, name="unit-referrals"),
    path(
        "members/<int:member_id>/referrals/", views.member_referrals_page, name="member-referrals"
    ),
    path("referrals/<int:referral_id>/", views.referral_detail, name="referral-detail"),
    path(
        "units/<int:unit_id>/referrals/<year:year>/report/",
        views.referral_report,
        name="referral-report",
    ),
    path("units/<int:unit_id>/youth-survey/<year:year>/", views.survey, name="survey"),
    path(
        "units/<int:unit_id>/referrals/<year:year>/notes/",
        views.review_note,
        name="referral-review-note",
    ),
    path(
        "units/<int:unit_id>/referrals/<year:year>/send/",
        views.referral_report_send,
        name="referral-report-send",
    ),
    path(
        "units/<int:unit_id>/referrals/<year:year>/extend/",
        views.referral_report_extend,
        name="referral-report-extend",
    ),
    path(
        "units/<int:unit_id>/referrals/<year:year>/print/",
        views.referral_report_print,
        name="referral-report-print",
    ),
    path(
        "units/<int:unit_id>/referrals/<year:year>/report.pdf",
        views.referral_report_pdf,
        name="referral-report-pdf",
    ),
    path(
        "units/<int:unit_id>/referrals/<year:year>/report.xlsx",
        views.referral_report_xlsx,
        name="referral-report-xlsx",
    ),
]
