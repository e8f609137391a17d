"""A bearer token, its user and the user's scope are read by one query on every call
(accounts/tokens.py): nothing is kept between calls, so a revocation, a withdrawn role, a
deactivated user or unit holds on the very next call."""

from datetime import timedelta

from django.utils import timezone

from doanvien.accounts.models import ApiToken, RoleGrant
from doanvien.accounts.services import (
    api_token_issue,
    api_token_revoke,
    role_grant,
    role_revoke,
    sign_out_everywhere,
)
from doanvien.accounts.tokens import api_token_resolve


def detail(member) -> str:
    return f"/api/v1/members/{member.pk}"


def test_a_call_reads_the_token_user_and_scope_in_one_query_and_the_record_in_another(
    api_client, world, django_assert_num_queries
):
    client = api_client(world.secretary)
    assert client.get(detail(world.member)).status_code == 200  # notes the token's first use

    # The token with its user and scope, the record, then whether he has awards or discipline
    # (he has none: they are not read).
    with django_assert_num_queries(3):
        response = client.get(detail(world.member))

    assert response.status_code == 200
    assert response.json()["full_name"] == "Nguyễn Văn An"


def test_the_resolved_user_carries_every_grant_on_active_units(world):
    role_grant(actor=None, user=world.secretary, unit=world.branch2, role="committee")
    token = api_token_issue(user=world.secretary)

    user, found = api_token_resolve(token)

    assert user == world.secretary and user.username == "secretary"
    assert found.pk == ApiToken.objects.get(user=world.secretary).pk
    assert sorted(user._doanvien_scope.grants) == sorted(
        [(world.branch.path, "secretary"), (world.branch2.path, "committee")]
    )


def test_a_revoked_token_is_refused_on_the_next_call(api_client, world):
    client = api_client(world.secretary)
    assert client.get(detail(world.member)).status_code == 200

    api_token_revoke(user=world.secretary, token_id=ApiToken.objects.get().pk)

    assert client.get(detail(world.member)).status_code == 401


def test_log_out_everywhere_refuses_the_token_on_the_next_call(api_client, world):
    client = api_client(world.secretary)
    assert client.get(detail(world.member)).status_code == 200

    sign_out_everywhere(user=world.secretary)

    assert client.get(detail(world.member)).status_code == 401


def test_a_withdrawn_role_hides_the_record_on_the_next_call(api_client, world):
    client = api_client(world.secretary)
    assert client.get(detail(world.member)).status_code == 200

    role_revoke(actor=None, grant=RoleGrant.objects.get(user=world.secretary))

    assert client.get(detail(world.member)).status_code == 404


def test_a_new_role_opens_the_record_on_the_next_call(api_client, world):
    client = api_client(world.outsider)
    assert client.get(detail(world.member)).status_code == 404

    role_grant(actor=None, user=world.outsider, unit=world.branch, role="committee")

    assert client.get(detail(world.member)).status_code == 200


def test_a_deactivated_unit_no_longer_opens_its_subtree(api_client, world):
    client = api_client(world.base_cadre)
    assert client.get(detail(world.member)).status_code == 200

    type(world.base).objects.filter(pk=world.base.pk).update(is_active=False)

    assert client.get(detail(world.member)).status_code == 404


def test_a_deactivated_user_is_refused_on_the_next_call(api_client, world):
    client = api_client(world.secretary)
    assert client.get(detail(world.member)).status_code == 200

    type(world.secretary).objects.filter(pk=world.secretary.pk).update(is_active=False)

    assert client.get(detail(world.member)).status_code == 401


def test_a_user_without_roles_still_sees_his_own_record(api_client, world):
    client = api_client(world.member_user)

    assert client.get(detail(world.member)).status_code == 200
    assert client.get(detail(world.member2)).status_code == 404


def test_the_superuser_sees_every_record(api_client, world):
    assert api_client(world.superuser).get(detail(world.outsider_member)).status_code == 200


def test_the_use_of_a_token_is_noted_once_every_few_minutes(world):
    token = api_token_issue(user=world.secretary)
    assert ApiToken.objects.get().last_used_at is None

    api_token_resolve(token)
    first = ApiToken.objects.get().last_used_at
    api_token_resolve(token)

    assert first is not None and ApiToken.objects.get().last_used_at == first
    ApiToken.objects.update(last_used_at=timezone.now() - timedelta(minutes=6))
    api_token_resolve(token)
    assert ApiToken.objects.get().last_used_at > timezone.now() - timedelta(minutes=1)


def test_an_unknown_or_expired_token_resolves_to_nothing(world):
    token = api_token_issue(user=world.secretary)
    assert api_token_resolve("not-a-token") is None

    ApiToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

    assert api_token_resolve(token) is None
