"""The awards and discipline pages (views.py)."""

from django.urls import path

from . import views

app_name = "honours"

urlpatterns = [
    path("members/<int:member_id>/awards/new/", views.award_create, name="award-create"),
    path(
        "members/<int:member_id>/discipline/new/",
        views.discipline_create,
        name="discipline-create",
    ),
    path("units/<int:unit_id>/honours/", views.unit_honours, name="unit-honours"),
]
