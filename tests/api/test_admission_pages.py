"""Admission lists (the unit's page and GET /api/v1/units/{id}/admissions) page by keyset,
newest first (members.selectors.ADMISSION_ORDER), count up to COUNT_LIMIT and say "more than"
past it; on PostgreSQL a page is read from the index admission_newest."""

from datetime import date, timedelta

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from doanvien.core import pagination
from doanvien.members.models import AdmissionRequest
from doanvien.members.selectors import unit_admissions

NOW = timezone.now()


def proposals(world, n: int, *, same_time: int = 0) -> list[AdmissionRequest]:
    """n proposals in the two branches of the base union, a minute apart, newest last; the
    last `same_time` of them proposed at the same moment."""
    rows = [
        AdmissionRequest(
            branch=world.branch if i % 2 else world.branch2,
            full_name=f"Thanh Niên {i:04d}",
            date_of_birth=date(2008, 1, 1),
            id_number=f"{79_308_000_000 + i:012d}",
            introducer_name="Nguyễn Văn An",
            course_name="Lớp cảm tình Đoàn",
            course_date=date(2026, 1, 5),
            proposed_at=NOW - timedelta(minutes=max(n - i, same_time)),
        )
        for i in range(n)
    ]
    return AdmissionRequest.objects.bulk_create(rows)


def newest_first(rows):
    return [a.pk for a in sorted(rows, key=lambda a: (a.proposed_at, a.pk), reverse=True)]


def api_path(unit) -> str:
    return f"/api/v1/units/{unit.pk}/admissions"


def test_following_next_gives_every_proposal_once_newest_first(api_client, world, settings):
    settings.PAGE_SIZE = 3
    made = proposals(world, 11, same_time=4)  # ties on the time are ordered by id
    client = api_client(world.province_cadre)

    body = client.get(api_path(world.district)).json()
    seen, pages = [a["id"] for a in body["results"]], [body]
    while body["next"]:
        body = client.get(api_path(world.district), {"cursor": body["next"]}).json()
        seen += [a["id"] for a in body["results"]]
        pages.append(body)

    assert seen == newest_first(made)
    assert [p["page"] for p in pages] == [1, 2, 3, 4]
    assert pages[0]["count"] == 11 and pages[0]["pages"] == 4 and pages[0]["previous"] is None
    back = client.get(api_path(world.district), {"cursor": pages[2]["previous"]}).json()
    assert [a["id"] for a in back["results"]] == [a["id"] for a in pages[1]["results"]]
    assert back["page"] == 2


def test_a_page_by_number_matches_the_page_reached_by_cursor(api_client, world, settings):
    settings.PAGE_SIZE = 4
    proposals(world, 10)
    client = api_client(world.province_cadre)

    first = client.get(api_path(world.base)).json()
    by_cursor = client.get(api_path(world.base), {"cursor": first["next"]}).json()
    by_number = client.get(api_path(world.base), {"page": 2}).json()

    assert by_number["results"] == by_cursor["results"]


def test_the_state_filter_holds_across_pages(api_client, world, settings):
    settings.PAGE_SIZE = 2
    made = proposals(world, 7)
    rejected = {made[1].pk, made[4].pk}
    AdmissionRequest.objects.filter(pk__in=rejected).update(state="rejected")
    client = api_client(world.province_cadre)

    body = client.get(api_path(world.district), {"state": "proposed"}).json()
    seen = [a["id"] for a in body["results"]]
    while body["next"]:
        body = client.get(
            api_path(world.district), {"state": "proposed", "cursor": body["next"]}
        ).json()
        seen += [a["id"] for a in body["results"]]

    assert seen == [pk for pk in newest_first(made) if pk not in rejected]


def test_past_the_count_limit_the_api_says_more_than(api_client, world, settings, monkeypatch):
    settings.PAGE_SIZE = 2
    monkeypatch.setattr(pagination, "COUNT_LIMIT", 4)
    proposals(world, 6)

    body = api_client(world.province_cadre).get(api_path(world.district)).json()

    assert body["count"] is None and body["pages"] is None
    assert body["more_than"] == 4 and body["next"]


def test_a_cursor_the_api_did_not_give_is_refused(api_client, world):
    response = api_client(world.province_cadre).get(api_path(world.district), {"cursor": "xyz"})

    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["cursor"]


def test_the_page_follows_its_cursors_and_says_more_than(client, world, settings, monkeypatch):
    settings.PAGE_SIZE = 2
    monkeypatch.setattr(pagination, "COUNT_LIMIT", 4)
    made = proposals(world, 5)
    client.force_login(world.base_cadre)
    url = reverse("members:unit-admissions", args=[world.base.pk])

    first = client.get(url, {"state": ""})
    page = first.context["page"]
    second = client.get(url, {"state": "", "cursor": page.next_cursor})

    assert "Hơn 4 đề nghị" in first.content.decode()
    assert f"cursor={page.next_cursor}" in first.content.decode()
    seen = [a.pk for a in page.object_list] + [a.pk for a in second.context["page"].object_list]
    assert seen == newest_first(made)[:4]
    assert client.get(url, {"cursor": "not-ours"}).status_code == 404


def test_outsiders_get_404_and_see_no_page(client, world):
    proposals(world, 3)
    client.force_login(world.outsider)

    assert client.get(reverse("members:unit-admissions", args=[world.base.pk])).status_code == 404


@pytest.mark.skipif(
    not django_settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
    reason="query plans of PostgreSQL",
)
def test_a_page_deep_in_a_large_list_reads_the_newest_index(world):
    """A few thousand proposals, analysed, sequential scans off (the test database is small):
    the page after a cursor is read from admission_newest, not sorted."""
    made = proposals(world, 3000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE members_admissionrequest")
        cursor.execute("ANALYZE units_unit")
        cursor.execute("SET LOCAL enable_seqscan = off")
    rows = unit_admissions(world.province_cadre, world.district)
    middle = sorted(made, key=lambda a: (a.proposed_at, a.pk))[1500]
    cursor_value = pagination._encode(30, False, [middle.proposed_at.isoformat(), middle.pk])

    with CaptureQueriesContext(connection) as captured:
        page = pagination.keyset_page(
            rows, keys=("-proposed_at", "-id"), cursor=cursor_value, count=3000
        )
    sql = captured.captured_queries[0]["sql"]
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {sql}")
        plan = "\n".join(r[0] for r in cursor.fetchall())

    assert [a.pk for a in page.object_list][0] == newest_first(made)[1500]
    assert "admission_newest" in plan, plan
    assert "Sort" not in plan.split("admission_newest")[0], plan
