"""Admission and member-card pages (views_admissions.py)."""

from django.urls import path

from . import views_admissions as views

urlpatterns = [
    path("units/<int:unit_id>/admissions/", views.unit_admissions, name="unit-admissions"),
    path("units/<int:unit_id>/admissions/new/", views.admission_create, name="admission-create"),
    path("admissions/<int:admission_id>/", views.admission_detail, name="admission-detail"),
    path(
        "admissions/<int:admission_id>/approve/",
        views.admission_approve_view,
        name="admission-approve",
    ),
    path(
        "admissions/<int:admission_id>/reject/",
        views.admission_reject_view,
        name="admission-reject",
    ),
    path(
        "admissions/<int:admission_id>/withdraw/",
        views.admission_withdraw_view,
        name="admission-withdraw",
    ),
    path(
        "admissions/<int:admission_id>/annul/", views.admission_annul_view, name="admission-annul"
    ),
    path("units/<int:unit_id>/card-ranges/", views.unit_card_ranges, name="unit-card-ranges"),
    path(
        "card-ranges/<int:range_id>/release/",
        views.card_range_release_view,
        name="card-range-release",
    ),
    path("members/<int:member_id>/card/", views.member_card, name="member-card"),
]
