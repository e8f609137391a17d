"""The first log-in: the member sees who issued his code and when; "this was not me" locks the
account, ends its sign-ins and puts an item on the base union's list."""

from django.urls import reverse

from doanvien.accounts.models import ApiToken, User
from doanvien.accounts.services import api_token_issue
from doanvien.member_accounts.models import NotMeReport

from .conftest import activate_form


def activated(client, world, code2) -> User:
    activate_form(client, code2, world.member2.date_of_birth)
    return User.objects.get(member=world.member2)


def test_it_was_me_leads_to_his_record_and_the_notice_goes(client, world, code2):
    activated(client, world, code2)
    notice = client.get(reverse("member_accounts:notice"))
    assert world.secretary.full_name in notice.content.decode()
    client.post(reverse("member_accounts:notice"), {"answer": "me"})
    home = client.get(reverse("home"))
    assert home["Location"] == reverse("members:member-detail", args=[world.member2.pk])


def test_this_was_not_me_locks_the_account_and_tells_the_base_union(client, world, code2):
    user = activated(client, world, code2)
    api_token_issue(user=user)
    page = client.post(reverse("member_accounts:notice"), {"answer": "not-me"})
    assert page.status_code == 200
    user.refresh_from_db()
    assert not user.is_active
    assert not ApiToken.objects.filter(user=user).exists()
    assert client.get(reverse("home")).status_code == 302  # logged out
    log_in = client.post(
        reverse("login"), {"username": user.username, "password": "Mật-khẩu-riêng-2026"}
    )
    assert log_in.status_code == 200  # the form again: refused
    [report] = NotMeReport.objects.all()
    assert report.unit == world.base and report.member == world.member2
    assert report.code.issued_by == world.secretary

    client.force_login(world.base_cadre)
    url = reverse("member_accounts:not-me-list", args=[world.base.pk])
    listing = client.get(url)
    assert world.member2.full_name in listing.content.decode()
    assert world.secretary.full_name in listing.content.decode()
    client.post(
        reverse("member_accounts:not-me-close", args=[report.pk]), {"note": "Đã cấp mã mới"}
    )
    report.refresh_from_db()
    assert report.closed_by == world.base_cadre and report.note == "Đã cấp mã mới"
    assert world.member2.full_name not in client.get(url).content.decode()


def test_the_list_is_the_base_unions_and_above_not_the_branchs(client, world, code2):
    activated(client, world, code2)
    client.post(reverse("member_accounts:notice"), {"answer": "not-me"})
    for who, unit, status in [
        (world.province_cadre, world.province, 200),
        (world.secretary, world.branch, 403),
        (world.outsider, world.base, 404),
    ]:
        client.force_login(who)
        response = client.get(reverse("member_accounts:not-me-list", args=[unit.pk]))
        assert response.status_code == status, who
    client.force_login(world.outsider)
    report = NotMeReport.objects.get()
    client.post(reverse("member_accounts:not-me-close", args=[report.pk]), {"note": "x"})
    report.refresh_from_db()
    assert report.is_open
