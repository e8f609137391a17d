"""Lateness rolls up: every progress row says how many branches under it are late, and a list
names them anywhere in the subtree (training/lateness.py)."""

from datetime import date, timedelta

from django.urls import reverse
from django.utils import timezone

from doanvien.training import lateness
from doanvien.training.models import Deadline
from doanvien.training.progress import children_progress
from doanvien.training.services.assessment import assessment_record
from doanvien.training.services.configuration import deadline_set
from doanvien.training.services.registrations import registration_approve
from doanvien.training.services.results import (
    branch_results_recognise,
    branch_results_submit,
)

from ..api.conftest import ApiClient
from ..reports.test_rollup import AREAS, YEAR, _register

TODAY = timezone.localdate()


def _deadline(unit, kind, due: date, sector=""):
    return deadline_set(
        actor=None,
        unit=unit,
        year=YEAR,
        kind=kind,
        sector=sector,
        due_on=due.strftime("%d/%m/%Y"),
    )


def _late(unit, **options):
    return [
        (i.name, i.kind, i.days_late)
        for i in lateness.as_items(lateness.late_items(unit, YEAR, **options))
    ]


def test_a_province_sees_the_branches_late_deep_under_it(world, framework):
    # The province's registration deadline passed 52 days ago; the commune's union gave its
    # branches until next month.
    _deadline(world.province, Deadline.Kind.REGISTRATION, TODAY - timedelta(days=52))
    _deadline(world.other_base, Deadline.Kind.REGISTRATION, TODAY + timedelta(days=30))
    _register(world.member)  # 12A1: one of its two members registered
    _register(world.member_in_branch2)  # 12A2: its only member registered
    assert _late(world.province) == [("Chi đoàn 12A1", "registration", 52)]

    rows = {p.unit.pk: p for p in children_progress(world.province, YEAR)}
    assert (rows[world.district.pk].late, rows[world.district.pk].late_units) == (True, 1)
    rows = {p.unit.pk: p for p in children_progress(world.district, YEAR)}
    assert rows[world.base.pk].late_units == 1
    assert rows[world.other_base.pk].late_units == 0

    _register(world.member2)
    assert _late(world.province) == []
    assert children_progress(world.province, YEAR)[0].late_units == 0


def test_evaluation_and_recognition_and_a_finished_branch(world, framework):
    _deadline(world.province, Deadline.Kind.EVALUATION, TODAY - timedelta(days=3))
    _deadline(world.province, Deadline.Kind.RECOGNITION, TODAY - timedelta(days=1))
    # A deadline for schools wins over the one for every sector at the same unit.
    _deadline(world.province, Deadline.Kind.EVALUATION, TODAY + timedelta(days=9), "school")
    assert _late(world.base, kind="evaluation") == []
    assert _late(world.district, kind="evaluation") == [("Chi đoàn Ấp 1", "evaluation", 3)]
    # Every branch is late for recognition; 12A1 then submits and is recognised: finished.
    assert {name for name, *_ in _late(world.province, kind="recognition")} == {
        "Chi đoàn 12A1",
        "Chi đoàn 12A2",
        "Chi đoàn Ấp 1",
    }
    for member in (world.member, world.member2):
        registration = registration_approve(actor=None, registration=_register(member))
        assessment_record(actor=None, registration=registration, areas=dict.fromkeys(AREAS, 18))
    branch_results_submit(actor=None, branch=world.branch, year=YEAR)
    assert ("Chi đoàn 12A1", "recognition", 1) in _late(world.province)
    branch_results_recognise(actor=None, branch=world.branch, year=YEAR)
    assert all(name != "Chi đoàn 12A1" for name, *_ in _late(world.province))
    # Sorted by days late (most first), or by name.
    assert _late(world.district) == [
        ("Chi đoàn Ấp 1", "evaluation", 3),
        ("Chi đoàn 12A2", "recognition", 1),
        ("Chi đoàn Ấp 1", "recognition", 1),
    ]
    assert [n for n, *_ in _late(world.district, order="name")] == [
        "Chi đoàn 12A2",
        "Chi đoàn Ấp 1",
        "Chi đoàn Ấp 1",
    ]


def test_the_page_and_the_api_list_them(client, world, framework):
    _deadline(world.province, Deadline.Kind.REGISTRATION, TODAY - timedelta(days=5))
    client.force_login(world.province_cadre)
    url = reverse("training:training-late", args=[world.province.pk, YEAR])
    html = client.get(url).content.decode()
    assert "Chi đoàn 12A1" in html and "Chi đoàn Ấp 1" in html
    assert "Đơn vị trễ hạn" in html
    html = client.get(url, {"kind": "evaluation"}).content.decode()
    assert "Không có đơn vị trực thuộc nào trễ hạn." in html
    assert client.get(url, {"page": 9}).status_code == 404
    progress = client.get(reverse("training:training-progress", args=[world.province.pk, YEAR]))
    assert "3 trễ hạn" in progress.content.decode()

    api = ApiClient(world.base_cadre)
    found = api.get(f"/api/v1/units/{world.base.pk}/late/{YEAR}").json()
    assert found["count"] == 2 and found["pages"] == 1
    assert found["items"][0] == {
        "unit": {"id": world.branch.pk, "name": "Chi đoàn 12A1", "code": world.branch.code},
        "kind": "registration",
        "due_on": (TODAY - timedelta(days=5)).isoformat(),
        "days_late": 5,
    }
    only = api.get(f"/api/v1/units/{world.base.pk}/late/{YEAR}", {"kind": "recognition"})
    assert only.json()["items"] == []
    assert api.get(f"/api/v1/units/{world.base.pk}/late/{YEAR}", {"page": 2}).status_code == 404
    assert api.get(f"/api/v1/units/{world.base.pk}/late/{YEAR}", {"kind": "x"}).status_code == 422
    outsider = ApiClient(world.outsider).get(f"/api/v1/units/{world.base.pk}/late/{YEAR}")
    assert outsider.status_code == 404


def test_a_long_list_pages_by_cursor_in_either_order(client, world, framework):
    from doanvien.core.pagination import _decode

    from ..factories import make_member, make_unit

    for n in range(30):  # each with a member: a branch with none is late for nothing
        make_member(make_unit(world.district, name=f"Chi đoàn {n % 7} ({n})"))
    _deadline(world.province, Deadline.Kind.EVALUATION, TODAY - timedelta(days=4))
    _deadline(world.province, Deadline.Kind.RECOGNITION, TODAY - timedelta(days=2))
    api = ApiClient(world.province_cadre)
    url = f"/api/v1/units/{world.province.pk}/late/{YEAR}"
    for order in ("late", "name"):
        everything = [
            (r["pk"], r["late_for"]) for r in lateness.late_items(world.province, YEAR, order=order)
        ]
        assert len(everything) > 60  # two kinds for each new branch: more than a page
        seen, params, pages = [], {"order": order}, []
        while True:
            body = api.get(url, params).json()
            pages.append(body)
            seen += [(i["unit"]["id"], i["kind"]) for i in body["items"]]
            assert body["count"] == len(everything) and body["pages"] == 2
            if not body["next"]:
                break
            params = {"order": order, "cursor": body["next"]}
        assert seen == everything  # every row once, in the list's order
        assert [p["page"] for p in pages] == [1, 2]
        # The second page's cursor names the last row of the first, and leads back to it.
        assert _decode(pages[0]["next"], lateness.LATE_ORDERS[order])[2][-1] == seen[49][0]
        back = api.get(url, {"order": order, "cursor": pages[1]["previous"]}).json()
        assert [(i["unit"]["id"], i["kind"]) for i in back["items"]] == everything[:50]
    assert api.get(url, {"cursor": "not-one"}).status_code == 422

    client.force_login(world.province_cadre)
    page_url = reverse("training:training-late", args=[world.province.pk, YEAR])
    first = client.get(page_url, {"order": "name"})
    assert first.context["page"].count == len(everything)
    second = client.get(page_url, {"order": "name", "cursor": first.context["page"].next_cursor})
    shown = [(i.unit_id, i.kind) for i in first.context["items"] + second.context["items"]]
    assert shown == everything
    assert 'rel="prev"' in second.content.decode()
    assert client.get(page_url, {"cursor": "not-one"}).status_code == 404
