"""A return's document: its number, place and signer entered when it is submitted (or later),
kept with it, and printed in its PDF with the yearly report's header and signature block; the
page and the API, validated."""

import io
from datetime import datetime

import pypdf
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from doanvien.accounts.services import api_token_issue
from doanvien.core.models import AuditEvent
from doanvien.returns import services
from doanvien.returns.campaigns import campaign_for
from doanvien.returns.models import Return

from ..factories import make_user

YEAR = 2026
DOCUMENT = {
    "doc_number": "12-BC/ĐTN",
    "doc_place": "Tân An",
    "signer_role": "PHÓ BÍ THƯ",
    "signer_name": "Nguyễn Thị Mai",
}


@pytest.fixture
def campaign(world):
    return campaign_for(world.base, YEAR, "h1")


def in_time():
    return timezone.make_aware(datetime(YEAR, 6, 20, 9, 0))


def pdf_text(content: bytes) -> str:
    return " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(content)).pages)


def test_the_number_and_signer_are_kept_with_the_submitted_return(world, campaign):
    ret = services.return_submit(
        actor=world.base_cadre, unit=world.base, campaign=campaign, now=in_time(), document=DOCUMENT
    )
    ret.refresh_from_db()
    assert (ret.doc_number, ret.doc_place, ret.signer_role, ret.signer_name) == (
        "12-BC/ĐTN",
        "Tân An",
        "PHÓ BÍ THƯ",
        "Nguyễn Thị Mai",
    )
    frozen = ret.snapshot
    # Corrected later (the office numbers it when it is sent): the figures stay frozen.
    services.return_document_set(
        actor=world.base_cadre, unit=world.base, campaign=campaign, document={"doc_number": "13"}
    )
    ret.refresh_from_db()
    assert ret.doc_number == "13" and ret.signer_name == "Nguyễn Thị Mai"
    assert ret.snapshot == frozen and ret.state == "submitted"
    event = AuditEvent.objects.get(action="return.document_set")
    assert event.changes == {"doc_number": ["12-BC/ĐTN", "13"]}


def test_a_bad_field_refuses_the_submission(world, campaign):
    with pytest.raises(ValidationError) as e:
        services.return_submit(
            actor=None,
            unit=world.base,
            campaign=campaign,
            now=in_time(),
            document={"doc_number": "1" * 61, "signer_name": "An\u202eB"},
        )
    assert e.value.message_dict["doc_number"] == ["Tối đa 60 ký tự."]
    assert "signer_name" in e.value.message_dict
    assert not Return.objects.exists()


def test_the_pdf_prints_the_number_the_signer_and_the_recipients(client, world, campaign):
    client.force_login(world.base_cadre)
    pdf = reverse("returns:return-pdf", args=[world.base.pk, YEAR, "h1"])
    blank = pdf_text(client.get(pdf).content)
    assert "Số: ……" in blank or "Số: …" in blank
    assert "T/M BAN THƯỜNG VỤ" in blank and "BÍ THƯ" in blank
    services.return_submit(
        actor=world.base_cadre, unit=world.base, campaign=campaign, now=in_time(), document=DOCUMENT
    )
    text = pdf_text(client.get(pdf).content)
    assert "Số: 12-BC/ĐTN" in text
    assert "PHÓ BÍ THƯ" in text and "Nguyễn Thị Mai" in text
    assert "Tân An, ngày 20 tháng 6 năm 2026" in text  # the day it was submitted
    assert "Nơi nhận:" in text and "Huyện đoàn Tân An (để báo cáo);" in text
    xlsx = client.get(reverse("returns:return-xlsx", args=[world.base.pk, YEAR, "h1"]))
    sheet = load_workbook(io.BytesIO(xlsx.content)).worksheets[0]
    assert sheet.cell(5, 1).value == "Số: 12-BC/ĐTN"


def test_the_page_takes_them_at_submission_and_later(client, world, campaign):
    client.force_login(world.base_cadre)
    page = reverse("returns:return-detail", args=[world.base.pk, YEAR, "h1"])
    assert 'id="submit-form"' in client.get(page).content.decode()
    submit = reverse("returns:return-submit", args=[world.base.pk, YEAR, "h1"])
    refused = client.post(submit, {**DOCUMENT, "doc_number": "9" * 70}, follow=True)
    assert "Số văn bản: Tối đa 60 ký tự." in refused.content.decode()
    assert not Return.objects.filter(state="submitted").exists()
    client.post(submit, DOCUMENT)
    ret = Return.objects.get()
    assert ret.state == "submitted" and ret.signer_name == "Nguyễn Thị Mai"
    html = client.get(page).content.decode()
    assert 'id="document"' in html and 'value="12-BC/ĐTN"' in html
    document = reverse("returns:return-document", args=[world.base.pk, YEAR, "h1"])
    client.post(document, {**DOCUMENT, "signer_name": "Trần Văn Bình"})
    assert Return.objects.get().signer_name == "Trần Văn Bình"
    # Those above read the return but do not sign for it; outsiders do not see it.
    for who, status in ((world.province_cadre, 403), (world.outsider, 404), (world.secretary, 404)):
        client.force_login(who)
        assert client.post(document, {"doc_number": "X"}).status_code == status
    assert Return.objects.get().doc_number == "12-BC/ĐTN"


def test_the_api_takes_them_at_submission_and_later(client, world):
    district = make_user("district", role="cadre", unit=world.district)
    headers = {"Authorization": f"Bearer {api_token_issue(user=district)}"}
    url = f"/api/v1/units/{world.district.pk}/returns/{YEAR}/h1"
    bad = client.post(
        f"{url}/submit",
        {"signer_name": "x" * 101},
        content_type="application/json",
        headers=headers,
    )
    assert bad.status_code == 422
    assert bad.json()["errors"] == [{"field": "signer_name", "message": "Tối đa 100 ký tự."}]
    done = client.post(f"{url}/submit", DOCUMENT, content_type="application/json", headers=headers)
    assert done.status_code == 200, done.content
    assert done.json()["document"]["doc_number"] == "12-BC/ĐTN"
    changed = client.put(
        f"{url}/document", {"doc_number": "14-BC"}, content_type="application/json", headers=headers
    )
    assert changed.status_code == 200
    assert changed.json()["document"] == {**DOCUMENT, "doc_number": "14-BC", "signer_on_behalf": ""}
    province = {"Authorization": f"Bearer {api_token_issue(user=world.province_cadre)}"}
    assert (
        client.put(
            f"{url}/document",
            {"doc_number": "X"},
            content_type="application/json",
            headers=province,
        ).status_code
        == 403
    )
