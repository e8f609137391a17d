"""Transfer pages (views_transfers.py)."""

from django.urls import path

from . import views_transfers as views

urlpatterns = [
    path("members/<int:member_id>/transfer/", views.member_transfer, name="member-transfer"),
    path("units/<int:unit_id>/transfers/", views.unit_transfers, name="unit-transfers"),
    path("transfers/<int:transfer_id>/", views.transfer_detail, name="transfer-detail"),
    path("transfers/<int:transfer_id>/accept/", views.transfer_accept_view, name="transfer-accept"),
    path("transfers/<int:transfer_id>/reject/", views.transfer_reject_view, name="transfer-reject"),
    path("transfers/<int:transfer_id>/cancel/", views.transfer_cancel_view, name="transfer-cancel"),
    path("transfers/<int:transfer_id>/end/", views.attachment_end_view, name="attachment-end"),
]
