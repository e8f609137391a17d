"""The meeting pages (views.py)."""

from django.urls import path

from . import views

app_name = "meetings"

urlpatterns = [
    path("units/<int:unit_id>/meetings/", views.unit_meetings, name="unit-meetings"),
    path("units/<int:unit_id>/meetings/new/", views.meeting_create_view, name="meeting-create"),
    path("units/<int:unit_id>/attendance/", views.unit_attendance, name="unit-attendance"),
    path("units/<int:unit_id>/meeting-themes/", views.theme_publish_view, name="theme-publish"),
    path("meetings/<int:meeting_id>/", views.meeting_detail, name="meeting-detail"),
    path(
        "meetings/<int:meeting_id>/attendance/",
        views.meeting_attendance,
        name="meeting-attendance",
    ),
    path("meetings/<int:meeting_id>/cancel/", views.meeting_cancel_view, name="meeting-cancel"),
    path("meetings/<int:meeting_id>/edit/", views.meeting_edit, name="meeting-edit"),
    path("meetings/<int:meeting_id>/minutes/", views.meeting_minutes_file, name="meeting-minutes"),
]
