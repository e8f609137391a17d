"""The paged list of the year's registrations of a unit's subtree: the page and the API, their
order and keyset pages, the state filter, scoping, bad input, the Vietnamese page. Every person
is invented."""

from datetime import UTC, datetime

import pytest
from django.conf import settings as django_settings
from django.urls import reverse

from doanvien.core import pagination
from doanvien.members.models import Member
from doanvien.training.models import Registration
from doanvien.training.selectors import _subtree_end, registrations_listed
from doanvien.training.services.assessment import assessment_record
from doanvien.units.models import Unit

from ..api.conftest import ApiClient
from ..factories import make_member, make_unit, make_user
from .conftest import YEAR
from .test_workflow import AREAS, approved

S = Registration.State
SUBMITTED_AT = datetime(2025, 11, 3, 9, 30, tzinfo=UTC)


def register(member, framework, state=S.SUBMITTED, **fields):
    """A registration row of the year in `state` (the list reads rows; the workflow that writes
    them has its own tests)."""
    return Registration.objects.create(
        member=member,
        year=YEAR,
        framework=framework,
        branch=member.branch,
        unit_path=member.unit_path,
        state=state,
        submitted_at=SUBMITTED_AT if state != S.DRAFT else None,
        **fields,
    )


def page_url(unit, year=YEAR):
    return reverse("training:training-registrations", args=[unit.pk, year])


def api_url(unit, year=YEAR):
    return f"/api/v1/units/{unit.pk}/registrations/{year}"


def english(client):
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def listed(world, framework, items):
    """The first member approved and assessed through the services (excellent), the second a
    draft, the member of the second branch waiting for review, and a member of the sibling base
    union waiting for review too."""
    registration = approved(world, items)
    assessment_record(actor=None, registration=registration, areas=AREAS)
    register(world.member2, framework, S.DRAFT)
    register(world.member_in_branch2, framework)
    register(world.outsider_member, framework)
    return Registration.objects.get(member=world.member)


def test_the_api_lists_the_branches_registrations_in_the_order_of_the_tree(world, listed):
    body = ApiClient(world.base_cadre).get(api_url(world.base)).json()
    assert [(i["member"]["full_name"], i["branch"]["name"]) for i in body["items"]] == [
        ("Nguyễn Văn An", "Chi đoàn 12A1"),  # 12A1 first, its members by given name: An, Đào
        ("Trần Thị Đào", "Chi đoàn 12A1"),
        ("Lê Minh Châu", "Chi đoàn 12A2"),
    ]
    first = body["items"][0]
    assert first["id"] == listed.pk
    assert first["member"]["id"] == world.member.pk
    assert first["branch"]["id"] == world.branch.pk
    assert first["state"] == "approved" and first["level"] == "excellent"
    assert first["submitted_at"] is not None
    draft = body["items"][1]
    assert draft["state"] == "draft" and draft["submitted_at"] is None and draft["level"] == ""
    assert body["count"] == 3 and body["more_than"] is None
    assert body["next"] is None and body["previous"] is None
    # The province sees the same three and the sibling base union's, after them in the tree.
    province = ApiClient(world.province_cadre).get(api_url(world.province)).json()
    assert [i["member"]["full_name"] for i in province["items"]] == [
        "Nguyễn Văn An",
        "Trần Thị Đào",
        "Lê Minh Châu",
        "Phạm Đức Dũng",
    ]


def test_the_page_lists_them_with_links_labels_and_dates(client, world, listed):
    english(client)
    client.force_login(world.base_cadre)
    response = client.get(page_url(world.base))
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [r.member.full_name for r in rows] == ["Nguyễn Văn An", "Trần Thị Đào", "Lê Minh Châu"]
    html = response.content.decode()
    assert reverse("members:member-detail", args=[world.member.pk]) in html
    assert "Phạm Đức Dũng" not in html
    assert "03/11/2025" in html  # the date the second branch's member submitted
    assert "Excellent" in html and "Waiting for review" in html and "Draft" in html
    assert "3 registrations." in html
    assert 'class="table-wrap' in html  # the table scrolls sideways on a phone


def test_the_page_speaks_vietnamese(client, world, listed):
    client.force_login(world.base_cadre)
    html = client.get(page_url(world.base)).content.decode()
    assert f"Đăng ký rèn luyện {YEAR}" in html
    for label in ("Đoàn viên", "Chi đoàn", "Trạng thái", "Ngày gửi", "Xếp loại"):
        assert f">{label}</th>" in html
    assert "Xuất sắc" in html and "Chờ thẩm định" in html and "Bản nháp" in html
    assert "3 đăng ký rèn luyện." in html
    empty = client.get(page_url(world.base), {"state": "returned"}).content.decode()
    assert "Đơn vị không có đăng ký rèn luyện nào của năm ở trạng thái này." in empty
    assert "Mọi trạng thái" in empty


def test_the_progress_page_links_to_it(client, world, listed):
    client.force_login(world.base_cadre)
    html = client.get(reverse("training:training-progress", args=[world.base.pk, YEAR]))
    assert page_url(world.base) in html.content.decode()


def test_an_empty_year_says_so(client, world, framework):
    english(client)
    client.force_login(world.base_cadre)
    html = client.get(page_url(world.base)).content.decode()
    assert "No registration of the year under this unit." in html
    body = ApiClient(world.base_cadre).get(api_url(world.base)).json()
    assert body["items"] == [] and body["count"] == 0


@pytest.mark.parametrize("state", S.values)
def test_the_state_filter_keeps_one_state(client, world, listed, state):
    api = ApiClient(world.province_cadre)
    found = api.get(api_url(world.province), {"state": state}).json()
    expected = list(
        Registration.objects.filter(year=YEAR, state=state).values_list("member_id", flat=True)
    )
    assert sorted(i["member"]["id"] for i in found["items"]) == sorted(expected)
    assert {i["state"] for i in found["items"]} <= {state}
    client.force_login(world.province_cadre)
    rows = client.get(page_url(world.province), {"state": state}).context["rows"]
    assert sorted(r.member_id for r in rows) == sorted(expected)


def test_the_state_filter_on_the_two_branches(world, listed):
    api = ApiClient(world.base_cadre)
    waiting = api.get(api_url(world.base), {"state": "submitted"}).json()
    assert [i["member"]["full_name"] for i in waiting["items"]] == ["Lê Minh Châu"]
    assert waiting["items"][0]["state_label"] == "Chờ thẩm định"
    assert waiting["count"] == 1


def test_a_long_list_pages_by_cursor_every_row_once_in_order(client, world, framework, settings):
    settings.PAGE_SIZE = 4
    extra = make_unit(world.base, name="Chi đoàn 12A3", code="TN-TA-THPT-12A3")
    names = ["Võ Thị Yến", "Đặng Văn Bình", "Hồ Thị Ánh", "Bùi Văn Bình", "Mai Thị Chi"]
    for branch in (world.branch, world.branch2, extra):
        for name in names:
            register(make_member(branch, full_name=name), framework)
    for member in (world.member, world.member2, world.member_in_branch2):
        register(member, framework)
    rows = Registration.objects.filter(unit_path__startswith=world.base.path, year=YEAR)
    expected = [
        r.pk
        for r in sorted(
            rows.select_related("member"), key=lambda r: (r.unit_path, r.member.sort_key, r.pk)
        )
    ]
    assert len(expected) == 18  # five pages of four, the last of two

    api = ApiClient(world.base_cadre)
    seen, params, pages = [], {}, []
    while True:
        body = api.get(api_url(world.base), params).json()
        pages.append(body)
        seen += [i["id"] for i in body["items"]]
        assert body["count"] == 18 and body["pages"] == 5
        if not body["next"]:
            break
        params = {"cursor": body["next"]}
    assert seen == expected  # every row once, in the list's order
    assert [p["page"] for p in pages] == [1, 2, 3, 4, 5]
    # Back from the last page by its `previous`: the fourth page again.
    back = api.get(api_url(world.base), {"cursor": pages[-1]["previous"]}).json()
    assert [i["id"] for i in back["items"]] == expected[12:16]
    # Pages by number reach the same rows.
    assert [i["id"] for i in api.get(api_url(world.base), {"page": 2}).json()["items"]] == (
        expected[4:8]
    )

    client.force_login(world.base_cadre)
    first = client.get(page_url(world.base))
    second = client.get(page_url(world.base), {"cursor": first.context["page"].next_cursor})
    shown = [r.pk for r in first.context["rows"] + second.context["rows"]]
    assert shown == expected[:8]
    assert 'rel="prev"' in second.content.decode()


def test_the_count_stops_past_the_limit(world, framework, settings, monkeypatch):
    """Counted up to COUNT_LIMIT (1,000; 2 here), then "more than" that."""
    monkeypatch.setattr(pagination, "COUNT_LIMIT", 2)
    settings.PAGE_SIZE = 2
    for member in (world.member, world.member2, world.member_in_branch2):
        register(member, framework)
    body = ApiClient(world.base_cadre).get(api_url(world.base)).json()
    assert body["count"] is None and body["more_than"] == 2 and body["pages"] is None
    assert len(body["items"]) == 2 and body["next"]


def test_it_is_scoped_to_the_units_a_person_sees(client, world, listed):
    sibling = make_user("sibling", role="cadre", unit=world.other_base)
    for person, unit in ((sibling, world.base), (world.secretary, world.base)):
        assert ApiClient(person).get(api_url(unit)).status_code == 404
        client.force_login(person)
        assert client.get(page_url(unit)).status_code == 404
    # The secretary lists her own branch; the sibling cadre his own base union.
    mine = ApiClient(world.secretary).get(api_url(world.branch)).json()
    assert [i["member"]["full_name"] for i in mine["items"]] == ["Nguyễn Văn An", "Trần Thị Đào"]
    theirs = ApiClient(sibling).get(api_url(world.other_base)).json()
    assert [i["member"]["full_name"] for i in theirs["items"]] == ["Phạm Đức Dũng"]
    assert ApiClient(world.member_user).get(api_url(world.base)).status_code == 404
    assert ApiClient().get(api_url(world.base)).status_code == 401


def test_a_member_out_of_sight_is_left_out(world, listed):
    """A registration run by a branch the user sees, of a member whose record lies outside his
    scope (moved since), is not listed, as in the Excel export."""
    Registration.objects.filter(member=world.member_in_branch2).update(unit_path=world.branch2.path)
    Member.objects.filter(pk=world.member_in_branch2.pk).update(unit_path=world.other_branch.path)
    listed_now = registrations_listed(user=world.base_cadre, unit=world.base, year=YEAR)
    names = [r.member.full_name for r in listed_now]
    assert "Lê Minh Châu" not in names and len(names) == 2


def test_bad_input_answers_422_or_404(client, world, listed):
    api = ApiClient(world.base_cadre)
    assert api.get(api_url(world.base), {"cursor": "not-one"}).status_code == 422
    assert api.get(api_url(world.base), {"state": "lost"}).status_code == 422
    assert api.get(api_url(world.base), {"page": 2}).status_code == 404
    assert api.get(f"/api/v1/units/999999/registrations/{YEAR}").status_code == 404
    client.force_login(world.base_cadre)
    assert client.get(page_url(world.base), {"cursor": "not-one"}).status_code == 404
    assert client.get(page_url(world.base), {"page": 2}).status_code == 404
    # An unknown state on the page lists every state, as the other filters of the site do.
    assert len(client.get(page_url(world.base), {"state": "lost"}).context["rows"]) == 3


@pytest.mark.parametrize(
    ("path", "end"),
    [
        ("0001", "0002"),
        ("00010009", "0001000A"),
        ("0001000Z", "00010010"),
        ("0001ZZZZ", "00020000"),
    ],
)
def test_a_subtree_is_a_range_of_paths(path, end):
    assert _subtree_end(path) == end
    assert path < path + "ZZZZ" < end  # its deepest paths lie before the end


def test_no_range_after_the_last_path():
    assert _subtree_end("Z" * Unit.steplen) is None
