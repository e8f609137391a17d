"""A return's figures are "as of" the campaign's last day: the members counted from the
membership spans covering it once it is past (the member statistics' past-day query), the
movements over its span, and every other figure labelled "at the time of submission" on the
page, in the Excel file, in the PDF and in the API; the snapshot keeps its day."""

import io
from datetime import date, datetime

import pypdf
import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from doanvien.accounts.services import api_token_issue
from doanvien.actions.members import member_move, member_remove
from doanvien.returns import services, sources
from doanvien.returns.campaigns import campaign_for
from doanvien.returns.selectors import as_of, live_forms, return_forms, return_of

from ..factories import make_member

# A year wholly past, so every date of it can be recorded.
YEAR = timezone.localdate().year - 1
LAST_DAY = date(YEAR, 6, 30)
LATER = date(YEAR, 12, 1)


def cell(forms, number, row, col):
    form = next(f for f in forms if f["number"] == number)
    return next(c for c in form["cells"] if c["row"] == row and c["col"] == col)


@pytest.fixture
def changes(world):
    """After 30/6: one member admitted, one removed, one moved in from the other base union's
    branch, one who joined the Party; before it, the world's three members of the base union
    and the removed one."""
    admitted = make_member(
        world.branch, full_name="Võ Thị Lan", sex="female", joined_union_on=date(YEAR, 8, 1)
    )
    removed = make_member(world.branch2, full_name="Đặng Văn Hùng", sex="male")
    member_remove(
        actor=None, member=removed, on=date(YEAR, 9, 1), reason="Bỏ sinh hoạt", today=LATER
    )
    member_move(
        actor=None,
        member=world.outsider_member,
        branch=world.branch,
        on=date(YEAR, 10, 1),
        reason="Chuyển sinh hoạt",
    )
    party = make_member(
        world.branch, full_name="Hà Minh Khoa", sex="male", joined_party_on=date(YEAR, 8, 15)
    )
    return admitted, removed, party


def test_members_are_counted_as_of_the_last_day_once_it_is_past(world, changes):
    campaign = campaign_for(world.base, YEAR, "h1")
    then = live_forms(world.base, campaign, None, today=LATER)
    # On 30/6: An, Đào, Châu, Hùng (removed in September) and Khoa (not yet in the Party).
    assert cell(then, 1, "members", "total")["value"] == 5
    assert cell(then, 1, "members", "female")["value"] == 1  # Đào (Lan came in August)
    assert cell(then, 1, "party", "total")["value"] == 0
    assert cell(then, 2, "party", "count")["value"] == 0
    assert cell(then, 1, "members", "total")["basis"] == sources.AS_OF
    # Counted from the records instead, as on the day itself: An, Đào, Châu, Lan, Dũng, Khoa.
    now = live_forms(world.base, campaign, None, today=LAST_DAY)
    assert cell(now, 1, "members", "total")["value"] == 6
    assert cell(now, 1, "party", "total")["value"] == 1
    assert cell(now, 1, "members", "total")["basis"] == sources.AS_OF
    # Before the day: counted as the data stand, labelled so.
    early = live_forms(world.base, campaign, None, today=date(YEAR, 6, 1))
    assert cell(early, 1, "members", "total")["basis"] == sources.SUBMISSION
    assert cell(early, 1, "removed", "total")["basis"] == sources.SUBMISSION


def test_each_source_says_how_far_it_is_as_of_the_day(world):
    ctx = sources.Context(
        unit=world.base, year=YEAR, starts_on=date(YEAR, 1, 1), ends_on=LAST_DAY, today=LATER
    )
    bases = {name: sources.basis_of(ctx, {"source": name}) for name in sources.SOURCES}
    assert bases.pop("member_count") == bases.pop("members") == sources.AS_OF
    assert bases.pop("movements") == sources.PERIOD
    # The roll-ups of the year, units, cadres, dues: as they stand when counted.
    assert set(bases.values()) == {sources.SUBMISSION}


def test_the_snapshot_keeps_its_day_and_the_labels(world, changes):
    campaign = campaign_for(world.base, YEAR, "h1")
    now = timezone.make_aware(datetime(YEAR, 12, 1, 9, 0))
    ret = services.return_submit(actor=None, unit=world.base, campaign=campaign, now=now)
    assert ret.snapshot["as_of"] == LAST_DAY.isoformat()
    forms = return_forms(world.base, campaign, ret)
    assert cell(forms, 1, "members", "total")["value"] == 5
    assert cell(forms, 1, "referred", "total")["basis"] == sources.SUBMISSION
    when = as_of(campaign, ret, forms)
    assert (when.day, when.counted_on, when.frozen, when.at_submission) == (
        LAST_DAY,
        date(YEAR, 12, 1),
        True,
        True,
    )
    # A snapshot made before the basis was kept: every computed figure at submission.
    ret.snapshot = {"forms": [dict(f, cells=[{k: v for k, v in c.items() if k != "basis"}
                                             for c in f["cells"]]) for f in forms]}  # fmt: skip
    ret.save()
    old = as_of(campaign, ret, return_forms(world.base, campaign, return_of(world.base, campaign)))
    assert old.day == campaign.ends_on and old.at_submission


def test_the_page_the_files_and_the_api_label_the_figures(client, world, changes):
    campaign = campaign_for(world.base, YEAR, "h1")
    services.return_submit(
        actor=None,
        unit=world.base,
        campaign=campaign,
        now=timezone.make_aware(datetime(YEAR, 12, 1, 9, 0)),
    )
    client.force_login(world.base_cadre)
    args = [world.base.pk, YEAR, "h1"]
    page = client.get(reverse("returns:return-detail", args=args)).content.decode()
    assert f'id="as-of">30/06/{YEAR}<' in page
    assert f"Tại thời điểm gửi báo cáo (01/12/{YEAR})" in page
    assert 'class="computed at-submission"' in page  # the "1+1" and dues figures
    xlsx = client.get(reverse("returns:return-xlsx", args=args))
    sheet = load_workbook(io.BytesIO(xlsx.content)).worksheets[0]
    assert f"Số liệu tính đến ngày 30/06/{YEAR}" in sheet.cell(4, 1).value
    notes = [sheet.cell(r, 1).value or "" for r in range(1, sheet.max_row + 1)]
    assert any(n.startswith("* Tại thời điểm gửi báo cáo") for n in notes)
    referred = next(r for r in range(1, sheet.max_row + 1) if "1+1" in str(sheet.cell(r, 1).value))
    assert sheet.cell(referred, 2).font.i and '"*"' in sheet.cell(referred, 2).number_format
    assert not sheet.cell(7, 2).font.i  # the members: as of the day
    pdf = client.get(reverse("returns:return-pdf", args=args)).content
    text = " ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    assert f"Số liệu tính đến ngày 30/06/{YEAR}" in text
    assert "* Tại thời điểm gửi báo cáo" in text
    headers = {"Authorization": f"Bearer {api_token_issue(user=world.base_cadre)}"}
    read = client.get(f"/api/v1/units/{world.base.pk}/returns/{YEAR}/h1", headers=headers).json()
    assert read["as_of"] == LAST_DAY.isoformat()
    form_1 = read["forms"][0]["cells"]
    members = next(c for c in form_1 if c["row"] == "members" and c["col"] == "total")
    assert (members["value"], members["basis"]) == (5, "as_of")
    referred = next(c for c in form_1 if c["row"] == "referred")
    assert referred["basis"] == "submission"
