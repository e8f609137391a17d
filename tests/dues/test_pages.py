"""The dues pages: the branch's collection screen (all or nothing), the ledger page with its
children and remittances, send and confirm, cancellation, exemption; scoped."""

from datetime import date

from django.urls import reverse
from django.utils import timezone

from doanvien.dues import services
from doanvien.dues.models import Exemption, Payment, Remittance

YEAR = timezone.localdate().year


def test_the_branch_screen_prefills_each_members_rate_and_records_the_ticked(client, world):
    client.force_login(world.secretary)
    url = reverse("dues:branch-dues", args=[world.branch.pk, YEAR])
    page = client.get(url).content.decode()
    assert world.member.full_name in page and world.member2.full_name in page
    assert f'name="amount-{world.member.pk}" value="2000"' in page
    month = f"{YEAR}-{timezone.localdate().month:02d}"
    data = {
        "member": [world.member.pk, world.member2.pk],
        f"month-{world.member.pk}": month,
        f"count-{world.member.pk}": "1",
        f"amount-{world.member.pk}": "2000",
        f"month-{world.member2.pk}": month,
        f"count-{world.member2.pk}": "1",
        f"amount-{world.member2.pk}": "3000",
    }
    refused = client.post(url, data)
    assert refused.status_code == 200
    body = refused.content.decode()
    assert "Quy tắc “mức đoàn phí × số tháng”" in body
    assert not Payment.objects.exists()  # all or nothing
    data[f"amount-{world.member2.pk}"] = "2000"
    assert client.post(url, data).status_code == 302
    assert Payment.objects.filter(unit=world.branch).count() == 2


def test_the_ledger_page_shows_children_and_the_base_union_confirms(client, world):
    on = date(YEAR, 1, 10)
    services.payment_record(
        actor=None,
        branch=world.branch,
        member=world.member,
        months=[f"{YEAR}-01"],
        amount=2000,
        received_on=on,
    )
    client.force_login(world.secretary)
    page = client.get(reverse("dues:unit-ledger", args=[world.branch.pk, YEAR])).content.decode()
    assert "2.000 đ" in page and "666 đ" in page
    client.post(
        reverse("dues:remittance-send", args=[world.branch.pk, YEAR]),
        {"period": f"{YEAR}-01", "amount": "666"},
    )
    remittance = Remittance.objects.get()
    assert remittance.state == "sent"
    decide = reverse("dues:remittance-decide", args=[remittance.pk])
    assert client.post(decide, {"action": "confirm"}).status_code == 403
    client.force_login(world.base_cadre)
    base = client.get(reverse("dues:unit-ledger", args=[world.base.pk, YEAR])).content.decode()
    assert world.branch.name in base and "Xác nhận đã nhận" in base
    client.post(decide, {"action": "confirm"})
    remittance.refresh_from_db()
    assert remittance.state == "confirmed"


def test_a_payment_is_cancelled_with_a_reason_on_its_page(client, world):
    payment = services.payment_record(
        actor=None, branch=world.branch, member=world.member, months=[f"{YEAR}-01"], amount=2000
    )
    client.force_login(world.secretary)
    url = reverse("dues:payment-cancel", args=[payment.pk])
    assert "Hãy ghi lý do hủy." in client.post(url, {"reason": ""}).content.decode()
    assert client.post(url, {"reason": "Thu nhầm"}).status_code == 302
    payment.refresh_from_db()
    assert payment.state == "cancelled"


def test_the_base_union_exempts_on_the_members_page_and_the_branch_may_not(client, world):
    url = reverse("dues:exemption", args=[world.member.pk])
    client.force_login(world.secretary)
    assert client.get(url).status_code == 403
    client.force_login(world.base_cadre)
    bad = client.post(url, {"first_month": f"{YEAR}-01", "months": "9", "reason": "x"})
    assert "Thời gian miễn từ 1 đến 6 tháng." in bad.content.decode()
    ok = client.post(url, {"first_month": f"{YEAR}-01", "months": "3", "reason": "Ốm"})
    assert ok.status_code == 302 and Exemption.objects.get().months == 3


def test_outsiders_see_no_dues_page(client, world):
    client.force_login(world.outsider)
    assert client.get(reverse("dues:branch-dues", args=[world.branch.pk, YEAR])).status_code == 404
    assert client.get(reverse("dues:unit-ledger", args=[world.base.pk, YEAR])).status_code == 404


def test_from_a_meeting_the_members_present_who_owe_come_ticked(client, world):
    from doanvien.meetings import services as meetings

    today = timezone.localdate()
    meeting = meetings.meeting_create(
        actor=None, unit=world.branch, data={"date": today, "kind": "regular"}
    )
    client.force_login(world.secretary)
    detail = reverse("meetings:meeting-detail", args=[meeting.pk])
    assert "dues-of-present" not in client.get(detail).content.decode()  # no attendance yet
    meetings.attendance_set(actor=None, meeting=meeting, present=[world.member.pk], excused=[])
    link = f"{reverse('dues:branch-dues', args=[world.branch.pk, today.year])}?meeting={meeting.pk}"
    assert link in client.get(detail).content.decode()

    def ticked(url):
        page = client.get(url).content.decode()
        return {
            pk
            for pk in (world.member.pk, world.member2.pk)
            if f'name="member" value="{pk}" checked' in page
        }

    assert ticked(link) == {world.member.pk}  # present; member2 was absent
    assert "Đã đánh dấu sẵn 1 đoàn viên có mặt" in client.get(link).content.decode()
    plain = reverse("dues:branch-dues", args=[world.branch.pk, today.year])
    assert ticked(plain) == set()
    other = meetings.meeting_create(
        actor=None, unit=world.branch2, data={"date": today, "kind": "regular"}
    )
    meetings.attendance_set(actor=None, meeting=other, present=[], excused=[])
    assert ticked(f"{plain}?meeting={other.pk}") == set()  # another branch's meeting
    assert ticked(f"{plain}?meeting=x") == set()
    for month in range(1, today.month + 1):
        services.payment_record(
            actor=None,
            branch=world.branch,
            member=world.member,
            months=[f"{today.year}-{month:02d}"],
            amount=2000,
            received_on=today,
        )
    assert ticked(link) == set()  # present, but owes nothing now
