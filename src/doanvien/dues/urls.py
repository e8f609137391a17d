"""The dues pages: a branch's collection screen, a unit's ledger with remittances, a payment's
cancellation and a member's exemption. Object ids travel in the path (the permission matrix
fills them)."""

from django.urls import path

from .views import branch, upper

app_name = "dues"

urlpatterns = [
    path("units/<int:unit_id>/dues/<year:year>/collect/", branch.branch_dues, name="branch-dues"),
    path("units/<int:unit_id>/dues/<year:year>/", upper.unit_ledger, name="unit-ledger"),
    path(
        "units/<int:unit_id>/dues/<year:year>/remit/",
        upper.remittance_send,
        name="remittance-send",
    ),
    path(
        "dues/remittances/<int:remittance_id>/decide/",
        upper.remittance_decide,
        name="remittance-decide",
    ),
    path("dues/payments/<int:payment_id>/cancel/", branch.payment_cancel, name="payment-cancel"),
    path("members/<int:member_id>/dues/exemption/", upper.member_exemption, name="exemption"),
]
