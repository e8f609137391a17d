"""The API: a branch's committee issues codes, a member activates and gets a token that works
for his own record only."""

from datetime import timedelta

from doanvien.accounts.models import User
from doanvien.member_accounts import codes

from ..api.conftest import ApiClient

GENERIC = "Mã kích hoạt hoặc ngày sinh không đúng"


def issue_all(world, who=None):
    api = ApiClient(who or world.secretary)
    return api.post(f"/api/v1/units/{world.branch.pk}/activation-codes", {})


def activate(world, code, dob, **extra):
    return ApiClient().post(
        "/api/v1/auth/activate",
        {
            "code": code,
            "date_of_birth": dob.isoformat(),
            "username": "",
            "password": "Mật-khẩu-riêng-2026",
        },
        **extra,
    )


def test_issue_then_activate_then_use_the_token_on_his_own_record_only(world):
    response = issue_all(world)
    assert response.status_code == 201
    [row] = response.json()["codes"]
    assert row["member"] == world.member2.pk and codes.normalize(row["code"])
    assert "expires_at" in row
    answer = activate(world, row["code"], world.member2.date_of_birth)
    assert answer.status_code == 201
    member = ApiClient()
    member.headers["Authorization"] = f"Bearer {answer.json()['token']}"
    assert member.get("/api/v1/me").json()["member_id"] == world.member2.pk
    assert member.get(f"/api/v1/members/{world.member2.pk}").status_code == 200
    assert member.get(f"/api/v1/members/{world.member.pk}").status_code == 404
    assert member.get(f"/api/v1/units/{world.branch.pk}").status_code == 404


def test_chosen_members(world):
    api = ApiClient(world.secretary)
    url = f"/api/v1/units/{world.branch.pk}/activation-codes"
    response = api.post(url, {"members": [world.member.pk]})
    assert [c["member"] for c in response.json()["codes"]] == [world.member.pk]
    bad = api.post(url, {"members": [world.outsider_member.pk, 2**70]})
    assert bad.status_code == 400
    assert bad.json()["errors"][0]["field"] == "members"


def test_a_wrong_code_or_date_answers_400_with_one_message(world):
    [row] = issue_all(world).json()["codes"]
    wrong_date = activate(world, row["code"], world.member2.date_of_birth + timedelta(days=1))
    wrong_code = activate(world, codes.new_code(), world.member2.date_of_birth)
    assert wrong_date.status_code == wrong_code.status_code == 400
    assert wrong_date.json() == wrong_code.json()
    assert GENERIC in wrong_date.json()["detail"] + str(wrong_date.json()["errors"])
    assert not User.objects.filter(member=world.member2).exists()


def test_a_used_code_answers_clearly(world):
    [row] = issue_all(world).json()["codes"]
    assert activate(world, row["code"], world.member2.date_of_birth).status_code == 201
    again = activate(world, row["code"], world.member2.date_of_birth)
    assert again.status_code == 400 and "đã được dùng" in str(again.json())


def test_a_code_waits_after_repeated_wrong_dates(world, settings):
    [row] = issue_all(world).json()["codes"]
    dob = world.member2.date_of_birth
    for n in range(settings.AXES_FAILURE_LIMIT):
        activate(world, row["code"], dob + timedelta(days=n + 1), REMOTE_ADDR=f"192.0.2.{n}")
    locked = activate(world, row["code"], dob, REMOTE_ADDR="192.0.2.99")
    assert locked.status_code == 429 and int(locked["Retry-After"]) > 0


def test_a_union_answers_400_and_outsiders_404(world):
    api = ApiClient(world.base_cadre)
    assert api.post(f"/api/v1/units/{world.base.pk}/activation-codes", {}).status_code == 400
    assert issue_all(world, world.outsider).status_code == 404
    assert issue_all(world, world.member_user).status_code == 404


def _signed_in(token: str) -> ApiClient:
    client = ApiClient()
    client.headers["Authorization"] = f"Bearer {token}"
    return client


def test_the_first_log_in_notice_is_read_and_answered_it_was_me(world):
    [row] = issue_all(world).json()["codes"]
    member = _signed_in(activate(world, row["code"], world.member2.date_of_birth).json()["token"])
    notice = member.get("/api/v1/me/first-login-notice")
    assert notice.status_code == 200, notice.content
    body = notice.json()
    assert body["pending"] is True and body["issued_by"] == world.secretary.full_name
    assert body["used_at"] and body["issued_at"]
    assert member.post("/api/v1/me/first-login-notice", {"answer": "maybe"}).status_code == 422
    answered = member.post("/api/v1/me/first-login-notice", {"answer": "me"})
    assert answered.status_code == 200 and answered.json() == {
        "pending": False,
        "issued_by": None,
        "issued_at": None,
        "used_at": None,
        "locked": False,
    }
    assert member.get("/api/v1/me/first-login-notice").json()["pending"] is False
    # Answered already: nothing waits.
    assert member.post("/api/v1/me/first-login-notice", {"answer": "me"}).status_code == 409
    # An account that is not a member's has no notice.
    assert ApiClient(world.secretary).get("/api/v1/me/first-login-notice").status_code == 404


def test_this_was_not_me_through_the_api_locks_the_account_at_once(world):
    from doanvien.member_accounts.models import NotMeReport

    [row] = issue_all(world).json()["codes"]
    member = _signed_in(activate(world, row["code"], world.member2.date_of_birth).json()["token"])
    answered = member.post("/api/v1/me/first-login-notice", {"answer": "not-me"})
    assert answered.status_code == 200 and answered.json()["locked"] is True
    user = User.objects.get(member=world.member2)
    assert not user.is_active
    report = NotMeReport.objects.get(member=world.member2)
    assert report.unit_id == world.base.pk and report.closed_at is None
    # His token ended with the lock.
    assert member.get("/api/v1/me").status_code == 401
