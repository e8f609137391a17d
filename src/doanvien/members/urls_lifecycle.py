from django.urls import path

from . import views_lifecycle as views

urlpatterns = [
    path("members/<int:member_id>/leave/", views.member_leave, name="member-leave"),
    path(
        "members/<int:member_id>/reinstate/", views.member_reinstate_view, name="member-reinstate"
    ),
    path("members/<int:member_id>/honorary/", views.member_honorary, name="member-honorary"),
    path("units/<int:unit_id>/maturing/", views.unit_maturing, name="unit-maturing"),
]
