"""Six-monthly review notes of the "1+1" programme at the base unions and the districts (seed 003
Bước 4), as the training programme's notes are: dated, the half of the year from the date, on the
report page, scoped, the audit trail naming nobody's personal data."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from doanvien.core.models import AuditEvent
from doanvien.youth import services
from doanvien.youth.models import ReviewNote

TODAY = timezone.localdate()
YEAR = TODAY.year - 1


def test_a_base_union_and_a_district_note_their_reviews_by_half_year(world):
    first = services.review_note_add(
        actor=world.base_cadre,
        unit=world.base,
        year=YEAR,
        text="Sơ kết 6 tháng",
        on=date(YEAR, 6, 30),
    )
    second = services.review_note_add(
        actor=world.province_cadre, unit=world.district, year=YEAR, text="Tổng kết năm"
    )
    assert (first.half, second.half, second.on) == (1, 2, date(YEAR, 12, 31))
    assert AuditEvent.objects.filter(action="youth_review.noted").count() == 2


@pytest.mark.parametrize(
    "unit, text, on, field",
    [
        ("branch", "Ghi chú", None, "text"),  # a branch does not hold this review
        ("base", "   ", None, "text"),
        ("base", "Ghi chú", date(YEAR + 1, 1, 1), "on"),
    ],
)
def test_a_wrong_note_is_refused(world, unit, text, on, field):
    with pytest.raises(ValidationError) as e:
        services.review_note_add(actor=None, unit=getattr(world, unit), year=YEAR, text=text, on=on)
    assert field in e.value.message_dict
    assert not ReviewNote.objects.exists()


def test_the_report_page_shows_and_adds_the_notes_in_scope(client, world):
    client.force_login(world.base_cadre)
    url = reverse("youth:referral-review-note", args=[world.base.pk, YEAR])
    answer = client.post(url, {"text": "Chi đoàn 12A1 làm tốt", "on": f"15/03/{YEAR}"})
    assert answer.status_code == 302
    page = client.get(reverse("youth:referral-report", args=[world.base.pk, YEAR]))
    html = page.content.decode()
    assert 'id="notes"' in html and "Chi đoàn 12A1 làm tốt" in html and f"15/03/{YEAR}" in html
    bad = client.post(url, {"text": "", "on": ""})
    assert bad.status_code == 200 and "has-error" in bad.content.decode()
    # The branch's page has no review section; the outsider reaches nothing.
    branch_page = client.get(reverse("youth:referral-report", args=[world.branch.pk, YEAR]))
    assert 'id="notes"' not in branch_page.content.decode()
    client.force_login(world.outsider)
    assert client.post(url, {"text": "x"}).status_code == 404
    assert ReviewNote.objects.count() == 1
