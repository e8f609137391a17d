"""The yearly report drafted from the data, and the good models kept for it."""

from django.urls import path

from . import views

app_name = "yearly_reports"

R = "units/<int:unit_id>/yearly-report/<year:year>/"

urlpatterns = [
    path(R, views.yearly_report, name="yearly-report"),
    path(R + "submit/", views.yearly_report_submit, name="yearly-report-submit"),
    path(R + "reopen/", views.yearly_report_reopen, name="yearly-report-reopen"),
    path(R + "print/", views.yearly_report_print, name="yearly-report-print"),
    path(R + "report.pdf", views.yearly_report_pdf, name="yearly-report-pdf"),
    path(R + "report.docx", views.yearly_report_docx, name="yearly-report-docx"),
    path(R + "pull/<int:good_model_id>/", views.yearly_report_pull, name="yearly-report-pull"),
    path("units/<int:unit_id>/good-models/<year:year>/", views.good_models, name="good-models"),
    path("good-models/<int:good_model_id>/edit/", views.good_model_edit, name="good-model-edit"),
    path(
        "good-models/<int:good_model_id>/delete/",
        views.good_model_delete,
        name="good-model-delete",
    ),
]
