"""The return pages: who sees and does what on every returns URL (the site-wide matrix walks
them on a branch, which files no return: here they are tried on the base union), saving typed
cells with the cells' messages, the status list, and the Excel and PDF files."""

from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from doanvien.returns import services
from doanvien.returns.campaigns import campaign_for
from doanvien.returns.models import Return

from ..factories import make_user

YEAR = timezone.localdate().year
PAGES = [
    "returns:return-detail",
    "returns:return-status",
    "returns:return-xlsx",
    "returns:return-pdf",
]
ACTS = ["returns:return-submit", "returns:return-accept", "returns:return-send-back"]


def kwargs(unit, name):
    if name == "returns:campaigns":
        return {"unit_id": unit.pk, "year": YEAR}
    found = {"unit_id": unit.pk, "year": YEAR, "period": "h1"}
    if name == "returns:return-form-save":
        found["number"] = 6
    return found


ALL = [*PAGES, *ACTS, "returns:return-form-save", "returns:campaigns"]


@pytest.mark.parametrize("who", ["outsider", "member_user", "secretary"])
def test_outsiders_members_and_branch_secretaries_get_404_everywhere(client, world, who):
    client.force_login(getattr(world, who))
    for name in ALL:
        url = reverse(name, kwargs=kwargs(world.base, name))
        for method in ("get", "post"):
            response = getattr(client, method)(url, {"comment": "x", "c-total:trained": "1"})
            assert response.status_code in (404, 405), f"{who} {method} {name}"
    assert not Return.objects.exists()


def test_anonymous_visitors_log_in_first(client, world):
    for name in ALL:
        response = client.get(reverse(name, kwargs=kwargs(world.base, name)))
        assert response.status_code == 302 and "/login/" in response["Location"]


def test_cadres_above_read_but_do_not_fill_and_the_unit_does_not_decide(client, world):
    client.force_login(world.province_cadre)
    for name in [*PAGES, "returns:campaigns"]:
        assert client.get(reverse(name, kwargs=kwargs(world.base, name))).status_code == 200, name
    for name in ("returns:return-form-save", "returns:return-submit"):
        assert client.post(reverse(name, kwargs=kwargs(world.base, name))).status_code == 403
    client.force_login(world.base_cadre)
    for name in ("returns:return-accept", "returns:return-send-back"):
        assert client.post(reverse(name, kwargs=kwargs(world.base, name))).status_code == 403
    assert not Return.objects.exists()


def test_a_base_union_fills_form_6_and_the_district_accepts(client, world):
    district = make_user("district", role="cadre", unit=world.district)
    client.force_login(world.base_cadre)
    page = client.get(reverse("returns:return-detail", args=[world.base.pk, YEAR, "h1"]))
    text = page.content.decode()
    assert 'name="c-total:trained"' in text and 'name="c-members:total"' not in text
    save = reverse("returns:return-form-save", args=[world.base.pk, YEAR, "h1", 6])
    bad = client.post(save, {"c-total:trained": "-2", "c-union_work:trained": "hai"})
    assert bad.status_code == 400
    assert "âm" in bad.content.decode() or "negative" in bad.content.decode()
    assert not Return.objects.exists()
    client.post(save, {"c-total:trained": "3", "c-union_work:trained": "2"})
    ret = Return.objects.get()
    assert ret.typed == {"6": {"total:trained": 3, "union_work:trained": 2}}
    refused = client.post(
        reverse("returns:return-submit", args=[world.base.pk, YEAR, "h1"]), follow=True
    )
    assert Return.objects.get().state == "draft"
    assert "6" in refused.content.decode()
    client.post(save, {"c-total:trained": "3", "c-union_work:trained": "3"})
    client.post(reverse("returns:return-submit", args=[world.base.pk, YEAR, "h1"]))
    assert Return.objects.get().state == "submitted"

    client.force_login(district)
    status = client.get(reverse("returns:return-status", args=[world.district.pk, YEAR, "h1"]))
    assert 'data-state="submitted"' in status.content.decode()
    client.post(
        reverse("returns:return-accept", args=[world.base.pk, YEAR, "h1"]), {"next": "status"}
    )
    assert Return.objects.get().state == "accepted"
    own = client.get(reverse("returns:return-detail", args=[world.district.pk, YEAR, "h1"]))
    assert 'value="3"' in own.content.decode()


def test_the_files_have_the_forms_layout(client, world):
    campaign = campaign_for(world.base, YEAR, "h1")
    services.typed_save(
        actor=None,
        unit=world.base,
        campaign=campaign,
        number=8,
        cells=[
            {"row": "rotated", "col": "district", "value": 2},
            {"row": "rotated", "col": "total", "value": 2},
        ],
    )
    client.force_login(world.base_cadre)
    xlsx = client.get(reverse("returns:return-xlsx", args=[world.base.pk, YEAR, "h1"]))
    book = load_workbook(BytesIO(xlsx.content))
    assert len(book.sheetnames) == 9
    sheet = book.worksheets[7]
    assert sheet.cell(6, 1).value == "Chỉ tiêu" or sheet.cell(6, 1).value == "Indicator"
    assert [sheet.cell(6, j).value for j in range(2, 6)] == [
        "Cấp tỉnh",
        "Cấp huyện",
        "Cấp cơ sở",
        "Tổng số",
    ]
    assert sheet.cell(7, 1).value == "Cán bộ chuyên trách được luân chuyển"
    assert (sheet.cell(7, 3).value, sheet.cell(7, 5).value) == (2, 2)
    assert book.worksheets[0].cell(7, 2).value == 3  # form 1: the base union's members
    pdf = client.get(reverse("returns:return-pdf", args=[world.base.pk, YEAR, "h1"]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    # A4, with the forms' grids and the official header (its stylesheet read from disk).
    import io

    import pypdf

    document = pypdf.PdfReader(io.BytesIO(pdf.content))
    assert round(float(document.pages[0].mediabox.width)) == 595
    text = " ".join(page.extract_text() for page in document.pages)
    assert "Cán bộ chuyên trách được luân chuyển" in text
    assert "ĐOÀN TNCS HỒ CHÍ MINH" in text and "BÁO CÁO" in text
