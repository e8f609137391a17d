from django.urls import reverse

from doanvien.core.models import AuditEvent
from doanvien.members.models import Member

from ..factories import make_member


def test_the_list_covers_the_whole_subtree_for_a_base_cadre(client, world):
    client.force_login(world.base_cadre)
    html = client.get(reverse("members:member-list", args=[world.base.pk])).content.decode()
    for m in (world.member, world.member2, world.member_in_branch2):
        assert m.full_name in html
    assert world.outsider_member.full_name not in html


def test_search_ignores_diacritics_and_case(client, world):
    client.force_login(world.secretary)
    url = reverse("members:member-list", args=[world.branch.pk])
    html = client.get(url, {"q": "nguyen van an"}).content.decode()
    assert "Nguyễn Văn An" in html and "Trần Thị Đào" not in html
    html = client.get(url, {"q": "DAO"}).content.decode()
    assert "Trần Thị Đào" in html and "Nguyễn Văn An" not in html


def test_search_results_come_before_the_export_form(client, world):
    """On a phone the page is one column: what was searched for is shown first."""
    client.force_login(world.secretary)
    url = reverse("members:member-list", args=[world.branch.pk])
    html = client.get(url, {"q": "nguyen"}).content.decode()
    assert html.index('id="results"') < html.index('id="export"')
    assert html.index("Nguyễn Văn An") < html.index('id="export"')


def test_search_finds_an_id_number_but_only_inside_the_scope(client, world):
    client.force_login(world.secretary)
    url = reverse("members:member-list", args=[world.branch.pk])
    assert (
        world.member2.full_name in client.get(url, {"q": world.member2.id_number}).content.decode()
    )
    html = client.get(url, {"q": world.outsider_member.id_number}).content.decode()
    assert world.outsider_member.full_name not in html


def test_filters_narrow_the_list(client, world):
    client.force_login(world.base_cadre)
    url = reverse("members:member-list", args=[world.base.pk])
    html = client.get(url, {"sex": "female"}).content.decode()
    assert "Trần Thị Đào" in html and "Nguyễn Văn An" not in html
    html = client.get(url, {"age_band": "16-18"}).content.decode()
    assert "Nguyễn Văn An" not in html  # born 2004: 22 years old


def test_the_list_is_paginated_and_a_missing_page_is_404(client, world):
    for i in range(51):
        make_member(world.branch2, full_name=f"Võ Văn Số {i:02d}")
    client.force_login(world.base_cadre)
    url = reverse("members:member-list", args=[world.branch2.pk])
    first = client.get(url)
    assert first.context["page"].paginator.num_pages == 2
    assert len(first.context["page"].object_list) == 50
    assert client.get(url, {"page": 2}).status_code == 200
    assert client.get(url, {"page": 3}).status_code == 404


def test_an_htmx_search_returns_only_the_results(client, world):
    client.force_login(world.secretary)
    response = client.get(
        reverse("members:member-list", args=[world.branch.pk]),
        {"q": "an"},
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert 'id="results"' in html and "<html" not in html


def test_the_empty_list_says_so(client, world):
    client.force_login(world.secretary)
    response = client.get(reverse("members:member-list", args=[world.branch.pk]), {"q": "zzzz"})
    assert response.context["page"].paginator.count == 0
    assert 'class="empty"' in response.content.decode()


def test_a_secretary_adds_a_member_with_dd_mm_yyyy_dates(client, world):
    client.force_login(world.secretary)
    response = client.post(
        reverse("members:member-create", args=[world.branch.pk]),
        {
            "full_name": "Hồ Thị Mai",
            "date_of_birth": "05/09/2005",
            "sex": "female",
            "id_number": "079305001234",
            "joined_union_on": "26/03/2022",
            "phone": "0901234567",
            "position": "member",
            "category": "main",
        },
    )
    member = Member.objects.get(id_number="079305001234")
    assert response.status_code == 302 and response["Location"].endswith(f"/members/{member.pk}/")
    assert member.branch == world.branch and member.name_folded == "ho thi mai"


def test_a_bad_form_keeps_what_was_typed_and_names_each_problem(client, world):
    client.force_login(world.secretary)
    response = client.post(
        reverse("members:member-create", args=[world.branch.pk]),
        {
            "full_name": "Hồ Thị Mai",
            "date_of_birth": "31/02/2005",
            "sex": "female",
            "id_number": world.member.id_number,
            "joined_union_on": "26/03/2021",
            "phone": "123",
        },
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) >= {"date_of_birth", "phone"}
    assert 'value="Hồ Thị Mai"' in response.content.decode()
    assert not Member.objects.filter(full_name="Hồ Thị Mai").exists()


def test_a_viewer_cannot_add_members(client, world):
    from ..factories import make_user

    viewer = make_user("viewer", role="viewer", unit=world.base)
    client.force_login(viewer)
    assert client.get(reverse("members:member-create", args=[world.branch.pk])).status_code == 403
    assert client.get(reverse("members:member-list", args=[world.branch.pk])).status_code == 200


def test_editing_saves_and_shows_the_change_in_the_history(client, world):
    client.force_login(world.secretary)
    url = reverse("members:member-edit", args=[world.member.pk])
    form = client.get(url).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(
        {"phone": "0977000111", "date_of_birth": "15/03/2004", "joined_union_on": "26/03/2020"}
    )
    data = {k: v for k, v in data.items() if v is not False}
    response = client.post(url, data)
    assert response.status_code == 302
    assert Member.objects.get(pk=world.member.pk).phone == "0977000111"
    detail = client.get(reverse("members:member-detail", args=[world.member.pk])).content.decode()
    assert "0977000111" in detail and world.member.phone in detail  # before and after


def test_the_id_number_is_masked_and_each_full_view_is_recorded(client, world):
    client.force_login(world.secretary)
    detail = client.get(reverse("members:member-detail", args=[world.member.pk])).content.decode()
    assert world.member.id_number not in detail
    assert world.member.id_number[-3:] in detail
    response = client.post(reverse("members:member-id-number", args=[world.member.pk]))
    assert world.member.id_number in response.content.decode()
    assert (
        AuditEvent.objects.filter(
            action="member.id_number_viewed", target_id=world.member.pk, actor=world.secretary
        ).count()
        == 1
    )


def test_a_committee_member_never_sees_the_full_id_number(client, world):
    from ..factories import make_user

    committee = make_user("committee", role="committee", unit=world.branch)
    client.force_login(committee)
    assert (
        client.post(reverse("members:member-id-number", args=[world.member.pk])).status_code == 403
    )
    edit = client.get(reverse("members:member-edit", args=[world.member.pk]))
    assert edit.status_code == 200 and world.member.id_number not in edit.content.decode()
    assert not AuditEvent.objects.filter(action="member.id_number_viewed").exists()


def test_the_list_shows_active_members_unless_asked_for_all(client, world):
    from doanvien.actions.members import member_update

    member_update(actor=None, member=world.member2, data={"status": "removed"})
    client.force_login(world.secretary)
    url = reverse("members:member-list", args=[world.branch.pk])
    default = client.get(url)
    assert default.context["page"].paginator.count == 1
    assert world.member2.full_name not in default.content.decode()
    everyone = client.get(url, {"status": ""})
    assert world.member2.full_name in everyone.content.decode()
    assert everyone.context["page"].paginator.count == 2


def test_the_next_page_is_reached_by_cursor(client, world):
    import re

    for i in range(51):
        make_member(world.branch2, full_name=f"Võ Văn Số {i:02d}")
    client.force_login(world.base_cadre)
    url = reverse("members:member-list", args=[world.branch2.pk])
    first = client.get(url).content.decode()
    (link,) = re.findall(r'href="(\?[^"]*cursor=[^"]*)" rel="next"', first)
    assert "page=" not in link and "Trang 1/2" in first

    second = client.get(url + link.replace("&amp;", "&"))
    assert second.context["page"].number == 2
    assert [m.full_name for m in second.context["page"].object_list] == [
        "Võ Văn Số 50",
        "Lê Minh Châu",
    ]
    assert 'rel="prev"' in second.content.decode() and "Trang 2/2" in second.content.decode()


def test_a_long_list_says_more_than_the_limit(client, world, settings, monkeypatch):
    from doanvien.core import pagination

    settings.PAGE_SIZE = 2
    monkeypatch.setattr(pagination, "COUNT_LIMIT", 2)
    client.force_login(world.base_cadre)
    url = reverse("members:member-list", args=[world.base.pk])
    everyone = client.get(url, {"status": ""})
    assert everyone.context["page"].count is None
    html = everyone.content.decode()
    assert "Hơn 2 đoàn viên" in html and "Trang 1<" in html
    # The unfiltered list of active members has its count kept: exact at no cost.
    assert client.get(url).context["page"].count == 3
