from datetime import date

from django.conf import settings

from doanvien.actions.members import member_update

from ..factories import make_member
from .conftest import fields


def url(unit):
    return f"/api/v1/units/{getattr(unit, 'pk', unit)}/members"


def names(response):
    assert response.status_code == 200, response.json()
    return [m["full_name"] for m in response.json()["results"]]


def test_it_lists_the_subtree_in_vietnamese_order(api_client, world):
    response = api_client(world.base_cadre).get(url(world.base))

    assert names(response) == ["Nguyễn Văn An", "Lê Minh Châu", "Trần Thị Đào"]
    body = response.json()
    assert (body["count"], body["page"], body["pages"], body["page_size"]) == (3, 1, 1, 50)


def test_it_summarises_each_member(api_client, world):
    member = world.member
    body = api_client(world.secretary).get(url(world.branch)).json()

    assert body["results"][0] == {
        "id": member.pk,
        "member_code": member.member_code,
        "full_name": "Nguyễn Văn An",
        "date_of_birth": member.date_of_birth.isoformat(),
        "sex": "male",
        "branch": {"id": world.branch.pk, "name": "Chi đoàn 12A1"},
        "position": "member",
        "status": "active",
        "phone": member.phone,
        "id_number_masked": member.id_number_masked,
    }
    assert member.id_number not in str(body)


def test_it_stays_in_the_subtree(api_client, world):
    client = api_client(world.province_cadre)

    assert len(names(client.get(url(world.district)))) == 4
    assert names(client.get(url(world.branch2))) == ["Lê Minh Châu"]
    assert names(client.get(url(world.other_base))) == ["Phạm Đức Dũng"]


def test_the_secretary_sees_her_branch_only(api_client, world):
    client = api_client(world.secretary)

    assert names(client.get(url(world.branch))) == ["Nguyễn Văn An", "Trần Thị Đào"]
    assert client.get(url(world.base)).status_code == 404
    assert client.get(url(world.branch2)).status_code == 404


def test_outsider_gets_404(api_client, world):
    response = api_client(world.outsider).get(url(world.branch))

    assert response.status_code == 404
    assert response.json() == api_client(world.outsider).get(url(999_999)).json()


def test_the_member_gets_404(api_client, world):
    assert api_client(world.member_user).get(url(world.branch)).status_code == 404


def test_search_ignores_accents(api_client, world):
    client = api_client(world.base_cadre)

    assert names(client.get(url(world.base), {"q": "nguyen van an"})) == ["Nguyễn Văn An"]
    assert names(client.get(url(world.base), {"q": "dao"})) == ["Trần Thị Đào"]
    assert names(client.get(url(world.base), {"q": "ĐÀO"})) == ["Trần Thị Đào"]
    assert names(client.get(url(world.base), {"q": "Phạm"})) == []


def test_search_finds_codes_and_numbers(api_client, world):
    client = api_client(world.base_cadre)

    assert names(client.get(url(world.base), {"q": world.member2.member_code})) == ["Trần Thị Đào"]
    assert names(client.get(url(world.base), {"q": world.member2.phone})) == ["Trần Thị Đào"]


def test_empty_filters_are_ignored(api_client, world):
    query = "q=&status=&sector=&position=&sex=&age_band=&page=1"

    response = api_client(world.base_cadre).get(f"{url(world.base)}?{query}")

    assert len(names(response)) == 3


def test_it_filters_by_sex(api_client, world):
    client = api_client(world.base_cadre)

    assert names(client.get(url(world.base), {"sex": "female"})) == ["Trần Thị Đào"]


def test_it_filters_by_status(api_client, world):
    member_update(actor=None, member=world.member2, data={"status": "removed"})
    client = api_client(world.base_cadre)

    assert names(client.get(url(world.base), {"status": "removed"})) == ["Trần Thị Đào"]
    assert names(client.get(url(world.base), {"status": "active"})) == [
        "Nguyễn Văn An",
        "Lê Minh Châu",
    ]


def test_it_filters_by_position(api_client, world):
    member_update(actor=None, member=world.member, data={"position": "secretary"})

    response = api_client(world.base_cadre).get(url(world.base), {"position": "secretary"})

    assert names(response) == ["Nguyễn Văn An"]


def test_it_filters_by_sector(api_client, world):
    client = api_client(world.province_cadre)

    assert names(client.get(url(world.district), {"sector": "residential"})) == ["Phạm Đức Dũng"]
    assert len(names(client.get(url(world.district), {"sector": "school"}))) == 3


def test_it_filters_by_age_band(api_client, world):
    today = date.today()
    young = make_member(
        world.branch,
        full_name="Hồ Văn Trẻ",
        date_of_birth=date(today.year - 17, 1, 1),
        joined_union_on=date(today.year - 1, 1, 2),
    )
    client = api_client(world.secretary)

    assert names(client.get(url(world.branch), {"age_band": "16-18"})) == [young.full_name]
    assert "Hồ Văn Trẻ" not in names(client.get(url(world.branch), {"age_band": "27-30"}))


def test_unknown_filter_values_get_422(api_client, world):
    response = api_client(world.base_cadre).get(
        url(world.base), {"status": "asleep", "sex": "x", "age_band": "99", "sector": "moon"}
    )

    assert response.status_code == 422
    assert sorted(fields(response)) == ["age_band", "sector", "sex", "status"]


def test_it_pages_by_fifty(api_client, world):
    for n in range(settings.PAGE_SIZE):
        make_member(world.branch2, full_name=f"Đặng Văn Số {n:02d}")
    client = api_client(world.base_cadre)

    first = client.get(url(world.base)).json()
    second = client.get(url(world.base), {"page": 2}).json()

    assert (first["count"], first["pages"], first["page"], len(first["results"])) == (53, 2, 1, 50)
    assert (second["page"], len(second["results"])) == (2, 3)
    ids = [m["id"] for m in first["results"] + second["results"]]
    assert len(set(ids)) == 53


def test_a_page_after_the_last_gets_404(api_client, world):
    response = api_client(world.base_cadre).get(url(world.base), {"page": 2})

    assert response.status_code == 404
    assert fields(response) == ["page"]


def test_an_empty_list_has_one_page(api_client, world):
    body = api_client(world.base_cadre).get(url(world.base), {"q": "không có ai"}).json()

    assert (body["count"], body["page"], body["pages"], body["results"]) == (0, 1, 1, [])


def test_invalid_pages_get_422(api_client, world):
    client = api_client(world.base_cadre)

    for page in ("0", "-1", "abc", "1.5"):
        response = client.get(url(world.base), {"page": page})
        assert response.status_code == 422, page
        assert fields(response) == ["page"]


def test_next_leads_through_every_page(api_client, world):
    for n in range(2 * settings.PAGE_SIZE):
        make_member(world.branch2, full_name=f"Đặng Văn Số {n:03d}")
    client = api_client(world.base_cadre)

    body = client.get(url(world.base)).json()
    assert (body["page"], body["previous"], body["count"], body["pages"]) == (1, None, 103, 3)
    ids = [m["id"] for m in body["results"]]
    while body["next"]:
        body = client.get(url(world.base), {"cursor": body["next"]}).json()
        ids += [m["id"] for m in body["results"]]
    assert body["page"] == 3 and len(body["results"]) == 3
    assert len(ids) == len(set(ids)) == 103

    back = client.get(url(world.base), {"cursor": body["previous"]}).json()
    assert back["page"] == 2 and back["results"][0]["id"] == ids[50]


def test_a_long_list_says_more_than_instead_of_counting(api_client, world, monkeypatch, settings):
    from doanvien.core import pagination

    settings.PAGE_SIZE = 2
    monkeypatch.setattr(pagination, "COUNT_LIMIT", 2)
    body = api_client(world.base_cadre).get(url(world.base)).json()

    assert (body["count"], body["more_than"], body["pages"]) == (None, 2, None)
    assert len(body["results"]) == 2 and body["next"]


def test_the_unfiltered_list_of_active_members_gives_the_kept_count(api_client, world, monkeypatch):
    from doanvien.core import pagination

    monkeypatch.setattr(pagination, "COUNT_LIMIT", 2)
    body = api_client(world.province_cadre).get(url(world.province), {"status": "active"}).json()

    assert (body["count"], body["more_than"], body["pages"]) == (4, None, 1)


def test_pages_after_the_twentieth_are_reached_by_cursor(api_client, world):
    response = api_client(world.base_cadre).get(url(world.base), {"page": 21})

    assert response.status_code == 422
    assert fields(response) == ["page"]


def test_a_cursor_the_api_did_not_give_gets_422(api_client, world):
    response = api_client(world.base_cadre).get(url(world.base), {"cursor": "not-a-cursor"})

    assert response.status_code == 422
    assert fields(response) == ["cursor"]


def test_a_cursor_only_says_where_the_page_starts(api_client, world, settings):
    """Another user's cursor, on another list, gives that user's list after the same place."""
    settings.PAGE_SIZE = 2
    body = api_client(world.province_cadre).get(url(world.district)).json()
    assert [m["full_name"] for m in body["results"]] == ["Nguyễn Văn An", "Lê Minh Châu"]

    response = api_client(world.secretary).get(url(world.branch), {"cursor": body["next"]})

    assert names(response) == ["Trần Thị Đào"]
