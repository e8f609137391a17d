"""The "1+1" report as an official document: the print view and the A4 PDF with the header
(the unit above, the unit, the number, the Union's name, place and date), the table and the
signature block, in Vietnamese whatever the reader's language."""

import unicodedata
from io import BytesIO

from django.urls import reverse
from django.utils import timezone, translation
from pypdf import PdfReader

from doanvien.training import rollup as training_rollup
from doanvien.youth import services

TODAY = timezone.localdate()


def _pdf_text(content: bytes) -> str:
    reader = PdfReader(BytesIO(content))
    text = " ".join(page.extract_text() for page in reader.pages)
    return " ".join(unicodedata.normalize("NFC", text).split())


def vi(text: str) -> str:
    with translation.override("vi"):
        return translation.gettext(text)


def _one_referral(world):
    referral = services.referral_create(
        actor=None, member=world.member, youth_data={"full_name": "Tạ Quang Vinh"}
    )
    services.referral_progress(actor=None, referral=referral, step="taking_part", on=TODAY)
    training_rollup.fold_all()


def test_the_pdf_has_the_official_header_the_figures_and_the_signature(client, world):
    _one_referral(world)
    client.force_login(world.province_cadre)
    client.post(reverse("set_language"), {"language": "en"})
    url = reverse("youth:referral-report-pdf", args=[world.district.pk, TODAY.year])
    response = client.get(url, {"number": "17", "place": "Tân An"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert f'filename="1+1-TN-TA-{TODAY.year}.pdf"' in response["Content-Disposition"]
    reader = PdfReader(BytesIO(response.content))
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4
    text = _pdf_text(response.content)
    for expected in (
        "TỈNH ĐOÀN THỬ NGHIỆM",
        "HUYỆN ĐOÀN TÂN AN",
        "17-BC/",
        vi("HO CHI MINH COMMUNIST YOUTH UNION"),
        vi("REPORT"),
        "Tân An, ngày",
        "Đoàn trường THPT Tân An",
        "Đoàn xã Tân Hòa",
        vi("ON BEHALF OF THE STANDING COMMITTEE"),
        vi("Youths introduced"),
    ):
        assert expected in text, expected
    assert "Tạ Quang Vinh" not in text  # figures only, never a youth's name


def test_the_print_view_links_the_files_and_is_scoped(client, world):
    _one_referral(world)
    client.force_login(world.secretary)
    url = reverse("youth:referral-report-print", args=[world.branch.pk, TODAY.year])
    html = client.get(url, {"number": "3"}).content.decode()
    assert "CHI ĐOÀN 12A1" in html and "3-BC/" in html
    assert reverse("youth:referral-report-pdf", args=[world.branch.pk, TODAY.year]) in html
    client.force_login(world.outsider)
    assert client.get(url).status_code == 404
    pdf = reverse("youth:referral-report-pdf", args=[world.branch.pk, TODAY.year])
    assert client.get(pdf).status_code == 404
