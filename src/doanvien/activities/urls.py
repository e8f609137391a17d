"""The activity pages."""

from django.urls import path

from . import views

app_name = "activities"

urlpatterns = [
    path("units/<int:unit_id>/activities/", views.unit_activities, name="unit-activities"),
    path("activities/<int:activity_id>/", views.activity_detail, name="activity-detail"),
    path("activities/<int:activity_id>/signup/", views.activity_signup, name="activity-signup"),
    path("activities/<int:activity_id>/checkins/", views.activity_checkin, name="activity-checkin"),
    path("activities/<int:activity_id>/cancel/", views.activity_cancel, name="activity-cancel"),
    path("activities/<int:activity_id>/edit/", views.activity_edit, name="activity-edit"),
    path("units/<int:unit_id>/campaigns/", views.unit_campaigns, name="unit-campaigns"),
    path("campaigns/<int:campaign_id>/", views.campaign_detail, name="campaign-detail"),
    path("campaigns/<int:campaign_id>/edit/", views.campaign_edit, name="campaign-edit"),
    path(
        "units/<int:unit_id>/activity-stats/<year:year>/",
        views.activity_stats,
        name="activity-stats",
    ),
    path(
        "members/<int:member_id>/activities/",
        views.member_activities,
        name="member-activities",
    ),
    path(
        "members/<int:member_id>/activities/links/",
        views.member_activity_link,
        name="member-activity-link",
    ),
    # From the registration page (training/member/training.html): one criterion's activities.
    path(
        "members/<int:member_id>/training/<year:year>/activities/",
        views.registration_activities,
        name="registration-activities",
    ),
]
