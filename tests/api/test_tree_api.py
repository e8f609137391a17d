"""The unit tree through the API: create, edit, move, merge, deactivate, the tree in Excel and
its import, each scoped like the pages (404 outside one's units, 403 without the right)."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from doanvien.core.models import AuditEvent
from doanvien.jobs.models import Job
from doanvien.units import member_counts
from doanvien.units.models import Unit

from ..units.test_tree_import import NEW_DISTRICT, sheet


def test_a_cadre_creates_edits_moves_and_deactivates_units(api_client, world):
    api = api_client(world.province_cadre)
    created = api.post(
        f"/api/v1/units/{world.province.pk}/children",
        {"name": "Huyện đoàn Mới", "code": "tn-moi", "level": "district"},
    )
    assert created.status_code == 201, created.json()
    district = Unit.objects.get(pk=created.json()["id"])
    assert district.code == "TN-MOI" and district.parent().pk == world.province.pk
    assert AuditEvent.objects.filter(action="unit.created", target_id=district.pk).exists()

    edited = api.patch(f"/api/v1/units/{district.pk}", {"name": "Huyện đoàn Mới Lập"})
    assert edited.status_code == 200 and edited.json()["name"] == "Huyện đoàn Mới Lập"
    assert edited.json()["code"] == "TN-MOI"  # what was not sent stays

    moved = api.post(f"/api/v1/units/{world.other_base.pk}/move", {"parent": district.pk})
    assert moved.status_code == 200 and moved.json()["parent"] == district.pk
    assert member_counts.now(Unit.objects.get(pk=district.pk)) == 1

    refused = api.post(f"/api/v1/units/{district.pk}/deactivate")
    assert refused.status_code == 400  # a member is still under it
    assert Unit.objects.get(pk=district.pk).is_active
    empty = api.post(
        f"/api/v1/units/{district.pk}/children",
        {"name": "Đoàn xã Trống", "code": "TN-TRONG", "level": "base", "sector": "residential"},
    ).json()["id"]
    assert api.post(f"/api/v1/units/{empty}/deactivate").json()["is_active"] is False
    again = api.post(f"/api/v1/units/{empty}/deactivate")
    assert again.status_code == 409, again.content  # inactive already: its state, not the data
    assert api.post(f"/api/v1/units/{empty}/reactivate").json()["is_active"] is True
    assert api.post(f"/api/v1/units/{empty}/reactivate").status_code == 409


def test_bad_input_is_refused_with_the_field_named(api_client, world):
    api = api_client(world.province_cadre)
    url = f"/api/v1/units/{world.district.pk}/children"
    above = api.post(url, {"name": "Tỉnh con", "code": "X-1", "level": "province"})
    assert above.status_code == 400 and above.json()["errors"][0]["field"] == "level"
    taken = api.post(url, {"name": "Trùng", "code": "TN-TA-TH", "level": "base"})
    assert taken.status_code == 400 and taken.json()["errors"][0]["field"] == "code"
    inside = api.post(f"/api/v1/units/{world.district.pk}/move", {"parent": world.base.pk})
    assert inside.status_code in (400, 403)
    assert Unit.objects.get(pk=world.district.pk).parent().pk == world.province.pk


def test_merging_two_base_unions_moves_the_branches(api_client, world):
    api = api_client(world.province_cadre)
    merged = api.post(f"/api/v1/units/{world.other_base.pk}/merge", {"into": world.base.pk})
    assert merged.status_code == 200 and merged.json()["id"] == world.base.pk
    assert Unit.objects.get(pk=world.other_branch.pk).parent().pk == world.base.pk
    assert not Unit.objects.get(pk=world.other_base.pk).is_active


@pytest.mark.parametrize(
    "method, path, body",
    [
        ("post", "/api/v1/units/{district}/children", {"name": "X", "code": "X9", "level": "base"}),
        ("patch", "/api/v1/units/{base}", {"name": "Đổi tên"}),
        ("post", "/api/v1/units/{base}/move", {"parent": "{district}"}),
        ("post", "/api/v1/units/{other_base}/merge", {"into": "{base}"}),
        ("post", "/api/v1/units/{base}/deactivate", {}),
    ],
)
def test_who_may_not_change_the_tree_changes_nothing(api_client, world, method, path, body):
    ids = {"base": world.base.pk, "district": world.district.pk, "other_base": world.other_base.pk}
    url = path.format(**ids)
    body = {k: int(v.format(**ids)) if "{" in str(v) else v for k, v in body.items()}
    before = list(Unit.objects.order_by("pk").values_list("pk", "name", "path", "is_active"))
    # The secretary sees her branch only: the base union is not hers (404); the base union's
    # cadre sees it but manages only below it (403).
    assert getattr(api_client(world.secretary), method)(url, body).status_code == 404
    answer = getattr(api_client(world.base_cadre), method)(url, body).status_code
    assert answer in (403, 404)
    assert (
        list(Unit.objects.order_by("pk").values_list("pk", "name", "path", "is_active")) == before
    )


def test_the_tree_in_excel_and_its_import_through_the_api(api_client, world, tmp_path):
    api = api_client(world.province_cadre)
    response = api.get(f"/api/v1/units/{world.province.pk}/tree.xlsx")
    assert response.status_code == 200
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.values)
    assert {r[0] for r in rows[1:]} >= {"TN-TA", "TN-TA-THPT-12A1"}
    assert (
        api_client(world.secretary).get(f"/api/v1/units/{world.district.pk}/tree.xlsx").status_code
        == 404
    )

    path = sheet(tmp_path, NEW_DISTRICT)
    upload = api.client.post(
        f"/api/v1/units/{world.province.pk}/imports",
        {"kind": "units", "file": SimpleUploadedFile(path.name, path.read_bytes())},
        headers=api.headers,
    )
    assert upload.status_code == 202, upload.json()
    assert Job.objects.get(pk=upload.json()["job"]).kind == Job.Kind.UNITS_IMPORT
    branch_api = api_client(world.secretary)
    refused = branch_api.client.post(
        f"/api/v1/units/{world.branch.pk}/imports",
        {"kind": "units", "file": SimpleUploadedFile(path.name, path.read_bytes())},
        headers=branch_api.headers,
    )
    assert refused.status_code == 403
