"""Issuing codes: one per member, the new one replacing the old, audited, by those who hold
the member's record; shown once on a page, a sheet of slips (PDF) and a list (Excel)."""

import io
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from doanvien.core.models import AuditEvent
from doanvien.member_accounts.access import can_issue_codes, can_issue_in_bulk
from doanvien.member_accounts.models import AccountRules, ActivationCode
from doanvien.member_accounts.services import codes_issue

from ..factories import make_member


def test_codes_go_to_the_members_without_an_account(world):
    # world.member has an account (world.member_user); member2 has none.
    issued = codes_issue(actor=world.secretary, branch=world.branch)
    assert [i.member for i in issued] == [world.member2]
    row = ActivationCode.objects.get(member=world.member2)
    assert row.issued_by == world.secretary and not row.for_reset
    assert row.expires_at - row.issued_at == timedelta(days=30)
    assert AuditEvent.objects.filter(
        action="member.code_issued", target_type="member", target_id=world.member2.pk
    ).exists()


def test_the_validity_is_data(world):
    AccountRules.objects.create(code_days=7)
    [issued] = codes_issue(actor=world.secretary, branch=world.branch)
    assert issued.expires_at - timezone.now() < timedelta(days=7, minutes=1)


def test_issuing_again_replaces_the_open_code(world):
    first = codes_issue(actor=world.secretary, branch=world.branch)
    second = codes_issue(actor=world.secretary, branch=world.branch)
    assert first[0].code != second[0].code
    rows = ActivationCode.objects.filter(member=world.member2).order_by("pk")
    assert [r.revoked_at is not None for r in rows] == [True, False]


def test_a_chosen_member_with_an_account_gets_a_code_that_resets_it(world):
    [issued] = codes_issue(actor=world.secretary, branch=world.branch, member_ids=[world.member.pk])
    assert issued.member == world.member
    assert ActivationCode.objects.get(member=world.member).for_reset


def test_only_active_members_of_the_branch_can_be_chosen(world):
    with pytest.raises(ValidationError) as e:
        codes_issue(
            actor=world.secretary,
            branch=world.branch,
            member_ids=[world.member2.pk, world.member_in_branch2.pk],
        )
    assert str(world.member_in_branch2.pk) in str(e.value.message_dict["members"])
    assert not ActivationCode.objects.exists()


def test_who_may_issue(world):
    assert can_issue_codes(world.secretary, world.branch)
    assert not can_issue_codes(world.secretary, world.branch2)
    assert can_issue_codes(world.base_cadre, world.branch2)
    assert can_issue_codes(world.province_cadre, world.branch)
    assert not can_issue_codes(world.outsider, world.branch)
    assert not can_issue_codes(world.member_user, world.branch)
    assert can_issue_in_bulk(world.base_cadre, world.base)
    assert not can_issue_in_bulk(world.secretary, world.base)


def test_the_page_issues_shows_the_codes_once_and_prints_them(client, world):
    make_member(world.branch, full_name="Võ Thị Én")
    client.force_login(world.secretary)
    url = reverse("member_accounts:unit-codes", args=[world.branch.pk])
    listing = client.get(url)
    assert listing.status_code == 200 and world.member2.full_name in listing.content.decode()
    page = client.post(url, {"which": "all"})
    assert page.status_code == 200
    shown = page.context["issued"]
    assert {i.member.full_name for i in shown} == {world.member2.full_name, "Võ Thị Én"}
    codes = [i.code for i in shown]
    for code in codes:
        assert code in page.content.decode()
    pdf = client.post(
        reverse("member_accounts:codes-pdf", args=[world.branch.pk]), {"codes": codes}
    )
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    sheet = client.post(
        reverse("member_accounts:codes-xlsx", args=[world.branch.pk]), {"codes": codes}
    )
    rows = list(load_workbook(io.BytesIO(sheet.content)).active.iter_rows(values_only=True))
    assert {(r[0], r[3]) for r in rows[1:3]} == {(i.member.full_name, i.code) for i in shown}


def test_a_sheet_prints_only_open_codes_of_the_units_members(client, world):
    old = codes_issue(actor=world.secretary, branch=world.branch)[0].code
    new = codes_issue(actor=world.secretary, branch=world.branch)[0].code
    elsewhere = codes_issue(actor=world.base_cadre, branch=world.branch2)[0].code
    client.force_login(world.secretary)
    url = reverse("member_accounts:codes-xlsx", args=[world.branch.pk])
    sheet = client.post(url, {"codes": [old, new, elsewhere, "NOT-A-CODE"]})
    rows = list(load_workbook(io.BytesIO(sheet.content)).active.iter_rows(values_only=True))
    assert [r[3] for r in rows[1:] if r[3]] == [new]
    assert client.post(url, {"codes": [old, elsewhere]}).status_code == 404


def test_the_slips_hold_name_branch_code_address_and_a_qr_code(world, rf):
    from doanvien.member_accounts.exports import slips_html, slips_of

    issued = codes_issue(actor=world.secretary, branch=world.branch)
    html = slips_html(slips_of(issued), activate_url="https://doanvien.example/activate/")
    assert world.member2.full_name in html and world.branch.name in html
    assert issued[0].code in html and "https://doanvien.example/activate/" in html
    # The QR code of the address: an SVG drawn here (segno), in the document itself.
    assert 'src="data:image/svg+xml' in html
