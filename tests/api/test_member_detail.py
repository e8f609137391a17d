from doanvien.accounts.services import role_grant
from doanvien.core.models import AuditEvent

from ..factories import make_user
from .conftest import fields


def url(member, **query):
    path = f"/api/v1/members/{getattr(member, 'pk', member)}"
    return path + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def viewed(member):
    return AuditEvent.objects.filter(action="member.id_number_viewed", target_id=member.pk)


def test_it_returns_the_record_with_the_number_masked(api_client, world):
    member = world.member
    response = api_client(world.secretary).get(url(member))

    assert response.status_code == 200
    body = response.json()
    assert body["id"] == member.pk
    assert body["full_name"] == "Nguyễn Văn An"
    assert body["member_code"] == member.member_code
    assert body["date_of_birth"] == member.date_of_birth.isoformat()
    assert body["joined_union_on"] == member.joined_union_on.isoformat()
    assert body["branch"] == {
        "id": world.branch.pk,
        "name": "Chi đoàn 12A1",
        "code": "TN-TA-THPT-12A1",
    }
    assert body["id_number_masked"] == member.id_number_masked
    assert body["id_number"] is None
    assert member.id_number not in response.content.decode()
    assert not viewed(member).exists()


def test_it_returns_every_field_of_the_record(api_client, world):
    body = api_client(world.secretary).get(url(world.member)).json()

    expected = {
        f.name
        for f in world.member._meta.fields
        if f.name not in ("name_folded", "sort_key", "unit_path")
    }
    assert expected | {"id_number_masked", "audience_label"} == set(body)
    assert (body["audience"], body["audience_label"]) == (
        "general",
        "Đoàn viên (không thuộc đối tượng riêng)",
    )


def test_it_gives_the_full_number_on_request_and_records_it(api_client, world):
    member = world.member
    response = api_client(world.secretary).get(url(member, include="id_number"))

    assert response.status_code == 200
    assert response.json()["id_number"] == member.id_number
    event = viewed(member).get()
    assert event.actor == world.secretary
    assert event.unit_path == world.branch.path


def test_every_read_of_the_number_is_recorded(api_client, world):
    client = api_client(world.base_cadre)
    client.get(url(world.member, include="id_number"))
    client.get(url(world.member, include="id_number"))
    client.get(url(world.member))

    assert viewed(world.member).count() == 2


def test_the_member_may_see_his_own_number(api_client, world):
    response = api_client(world.member_user).get(url(world.member, include="id_number"))

    assert response.status_code == 200
    assert response.json()["id_number"] == world.member.id_number
    assert viewed(world.member).get().actor == world.member_user


def test_a_viewer_may_not_see_the_number(api_client, world):
    viewer = make_user("viewer")
    role_grant(actor=None, user=viewer, unit=world.base, role="viewer")
    client = api_client(viewer)

    assert client.get(url(world.member)).status_code == 200
    response = client.get(url(world.member, include="id_number"))

    assert response.status_code == 403
    assert fields(response) == []
    assert world.member.id_number not in response.content.decode()
    assert not viewed(world.member).exists()


def test_a_committee_member_may_not_see_the_number(api_client, world):
    committee = make_user("committee")
    role_grant(actor=None, user=committee, unit=world.branch, role="committee")

    response = api_client(committee).get(url(world.member, include="id_number"))

    assert response.status_code == 403


def test_an_unknown_include_gets_422(api_client, world):
    response = api_client(world.secretary).get(url(world.member, include="everything"))

    assert response.status_code == 422
    assert fields(response) == ["include"]
    assert not viewed(world.member).exists()


def test_outsider_gets_404(api_client, world):
    client = api_client(world.outsider)

    response = client.get(url(world.member, include="id_number"))

    assert response.status_code == 404
    assert response.json() == client.get(url(999_999)).json()
    assert not viewed(world.member).exists()


def test_the_member_sees_only_himself(api_client, world):
    client = api_client(world.member_user)

    assert client.get(url(world.member)).status_code == 200
    assert client.get(url(world.member2)).status_code == 404


def test_the_secretary_does_not_see_another_branch(api_client, world):
    response = api_client(world.secretary).get(url(world.member_in_branch2))

    assert response.status_code == 404


def test_the_photo_is_given_as_its_address(api_client, world, tmp_path):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from doanvien.members.services.photos import member_photo_set

    assert api_client(world.secretary).get(url(world.member)).json()["photo"] is None
    picture = io.BytesIO()
    Image.new("RGB", (30, 40)).save(picture, "PNG")
    member_photo_set(
        actor=None, member=world.member, upload=SimpleUploadedFile("a.png", picture.getvalue())
    )
    body = api_client(world.secretary).get(url(world.member)).json()
    assert body["photo"] == f"/members/{world.member.pk}/photo/"
