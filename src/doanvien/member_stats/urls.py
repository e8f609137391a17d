"""The member statistics and the yearly indicators."""

from django.urls import path

from . import views

app_name = "member_stats"

urlpatterns = [
    path(
        "units/<int:unit_id>/member-statistics/",
        views.member_statistics,
        name="member-statistics",
    ),
    path(
        "units/<int:unit_id>/member-statistics.xlsx",
        views.member_statistics_xlsx,
        name="member-statistics-xlsx",
    ),
    path(
        "units/<int:unit_id>/indicators/<year:year>/",
        views.unit_indicators,
        name="unit-indicators",
    ),
    path(
        "units/<int:unit_id>/indicators/<year:year>/targets/",
        views.unit_indicator_targets,
        name="unit-indicator-targets",
    ),
]
