from django.urls import path

from . import views

urlpatterns = [
    path("units/<int:unit_id>/reports/<int:year>/", views.unit_report, name="unit-report"),
    path(
        "units/<int:unit_id>/reports/<int:year>/print/",
        views.unit_report_print,
        name="unit-report-print",
    ),
    path(
        "units/<int:unit_id>/reports/<int:year>/report.xlsx",
        views.unit_report_xlsx,
        name="unit-report-xlsx",
    ),
    path(
        "units/<int:unit_id>/reports/<int:year>/report.pdf",
        views.unit_report_pdf,
        name="unit-report-pdf",
    ),
    path(
        "units/<int:unit_id>/reports/<int:year>/subtree/",
        views.unit_report_subtree,
        name="unit-report-subtree",
    ),
]
