"""The member pages: records, transfers, admissions, card numbers, leaving the roll, Excel
(one module of views/ each)."""

from django.urls import path

from .views import admissions, cards, duplicates, imports, lifecycle, records, transfers

app_name = "members"

urlpatterns = [
    # Records
    path("units/<int:unit_id>/members/", records.member_list, name="member-list"),
    path("units/<int:unit_id>/members/new/", records.member_create_view, name="member-create"),
    path("members/<int:member_id>/", records.member_detail, name="member-detail"),
    path("members/<int:member_id>/edit/", records.member_edit, name="member-edit"),
    path("members/<int:member_id>/id-number/", records.member_id_number, name="member-id-number"),
    # Duplicate ID numbers, for the unit above both records
    path("units/<int:unit_id>/duplicate-ids/", duplicates.unit_duplicates, name="unit-duplicates"),
    path("duplicate-ids/<int:report_id>/", duplicates.duplicate_detail, name="duplicate-detail"),
    # Transfers and attachments
    path("members/<int:member_id>/transfer/", transfers.member_transfer, name="member-transfer"),
    path(
        "members/<int:member_id>/transfer/units/",
        transfers.transfer_units_found,
        name="transfer-units-found",
    ),
    path("units/<int:unit_id>/transfers/", transfers.unit_transfers, name="unit-transfers"),
    path("transfers/<int:transfer_id>/", transfers.transfer_detail, name="transfer-detail"),
    path(
        "transfers/<int:transfer_id>/accept/",
        transfers.transfer_accept_view,
        name="transfer-accept",
    ),
    path(
        "transfers/<int:transfer_id>/reject/",
        transfers.transfer_reject_view,
        name="transfer-reject",
    ),
    path(
        "transfers/<int:transfer_id>/cancel/",
        transfers.transfer_cancel_view,
        name="transfer-cancel",
    ),
    path("transfers/<int:transfer_id>/end/", transfers.attachment_end_view, name="attachment-end"),
    # Admissions
    path("units/<int:unit_id>/admissions/", admissions.admission_list, name="unit-admissions"),
    path(
        "units/<int:unit_id>/admissions/new/", admissions.admission_create, name="admission-create"
    ),
    path("admissions/<int:admission_id>/", admissions.admission_detail, name="admission-detail"),
    path(
        "admissions/<int:admission_id>/approve/",
        admissions.admission_approve_view,
        name="admission-approve",
    ),
    path(
        "admissions/<int:admission_id>/reject/",
        admissions.admission_reject_view,
        name="admission-reject",
    ),
    path(
        "admissions/<int:admission_id>/withdraw/",
        admissions.admission_withdraw_view,
        name="admission-withdraw",
    ),
    path(
        "admissions/<int:admission_id>/annul/",
        admissions.admission_annul_view,
        name="admission-annul",
    ),
    # Card numbers
    path("units/<int:unit_id>/card-ranges/", cards.unit_card_ranges, name="unit-card-ranges"),
    path(
        "card-ranges/<int:range_id>/release/",
        cards.card_range_release_view,
        name="card-range-release",
    ),
    path("members/<int:member_id>/card/", cards.member_card, name="member-card"),
    path("members/<int:member_id>/photo/", cards.member_photo, name="member-photo"),
    # The public page a card's QR code opens (no log-in; the signed token is the key).
    path("verify/<str:token>", cards.card_verify, name="card-verify"),
    # Leaving the roll, coming back, honorary membership, maturing out
    path("members/<int:member_id>/leave/", lifecycle.member_leave, name="member-leave"),
    path(
        "members/<int:member_id>/reinstate/",
        lifecycle.member_reinstate_view,
        name="member-reinstate",
    ),
    path("members/<int:member_id>/honorary/", lifecycle.member_honorary, name="member-honorary"),
    path("units/<int:unit_id>/maturing/", lifecycle.unit_maturing, name="unit-maturing"),
    path("members/<int:member_id>/keep/", lifecycle.member_keep_view, name="member-keep"),
    path(
        "members/<int:member_id>/continues/",
        lifecycle.member_continuation,
        name="member-continuation",
    ),
    # Excel
    path("units/<int:unit_id>/members/import/", imports.member_import, name="member-import"),
    path(
        "units/<int:unit_id>/members/import/template.xlsx",
        imports.member_import_template,
        name="member-import-template",
    ),
    path("units/<int:unit_id>/members/export/", imports.member_export, name="member-export"),
]
