"""The yearly report (views/report.py) and the member movement report (views/movements.py)."""

from django.urls import path

from .views import movements, report

app_name = "reports"

R = "units/<int:unit_id>/reports/<year:year>/"

urlpatterns = [
    path(R, report.unit_report, name="unit-report"),
    path(R + "print/", report.unit_report_print, name="unit-report-print"),
    path(R + "report.xlsx", report.unit_report_xlsx, name="unit-report-xlsx"),
    path(R + "report.pdf", report.unit_report_pdf, name="unit-report-pdf"),
    path(R + "subtree/", report.unit_report_subtree, name="unit-report-subtree"),
    path("units/<int:unit_id>/movements/", movements.unit_movements, name="unit-movements"),
    path(
        "units/<int:unit_id>/movements/export.xlsx",
        movements.unit_movements_xlsx,
        name="unit-movements-xlsx",
    ),
    path(
        "units/<int:unit_id>/movements/<slug:kind>/",
        movements.unit_movement_list,
        name="unit-movement-list",
    ),
]
