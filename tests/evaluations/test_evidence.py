"""Evidence files are downloaded only through the scoped view and API operation, read through
the storage, as attachments; a link, another evaluation's evidence, a file gone from the storage
or a unit out of scope answer 404."""

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from doanvien.accounts.services import api_token_issue
from doanvien.evaluations import services
from doanvien.evaluations.models import Evidence
from doanvien.evaluations.selectors import items_for

from .conftest import YEAR

CONTENT = b"%PDF-1.4 bien ban sinh hoat chi doan (invented)"


@pytest.fixture
def evidence(world):
    evaluation = services.evaluation_register(
        actor=None, unit=world.branch, year=YEAR, scheme_code="strong_branch"
    )
    item = items_for(evaluation.scheme, world.branch)[0]
    services.evidence_add(
        actor=None,
        evaluation=evaluation,
        item_id=item.pk,
        file=SimpleUploadedFile("bien-ban-thang-3.pdf", CONTENT),
        note="Biên bản",
    )
    services.evidence_add(
        actor=None,
        evaluation=evaluation,
        item_id=item.pk,
        link="https://example.invalid/album",
        note="Ảnh hoạt động",
    )
    other = services.evaluation_register(
        actor=None, unit=world.branch2, year=YEAR, scheme_code="strong_branch"
    )
    services.evidence_add(
        actor=None,
        evaluation=other,
        item_id=item.pk,
        file=SimpleUploadedFile("khac.pdf", b"%PDF-1.4 other"),
    )
    return {
        "file": Evidence.objects.get(evaluation=evaluation, link=""),
        "link": Evidence.objects.get(evaluation=evaluation, file=""),
        "other": Evidence.objects.get(evaluation=other),
    }


def url(world, evidence_id, unit=None):
    unit = unit or world.branch
    return reverse(
        "evaluations:evaluation-evidence-file", args=[unit.pk, YEAR, "strong_branch", evidence_id]
    )


def body(response) -> bytes:
    return b"".join(response.streaming_content)


@pytest.mark.parametrize("who", ["secretary", "base_cadre", "province_cadre"])
def test_the_branch_and_the_units_above_download_the_file(client, world, evidence, who):
    client.force_login(getattr(world, who))
    response = client.get(url(world, evidence["file"].pk))
    assert response.status_code == 200
    assert body(response) == CONTENT
    assert response["Content-Disposition"].startswith("attachment;")
    assert "bien-ban-thang-3.pdf" in response["Content-Disposition"]


def test_the_evaluation_page_links_the_file(client, world, evidence):
    client.force_login(world.secretary)
    page = client.get(
        reverse("evaluations:evaluation", args=[world.branch.pk, YEAR, "strong_branch"])
    )
    assert url(world, evidence["file"].pk) in page.content.decode()


def test_nothing_else_is_served(client, world, evidence):
    client.force_login(world.outsider)
    assert client.get(url(world, evidence["file"].pk)).status_code == 404
    client.force_login(world.secretary)
    assert client.get(url(world, evidence["link"].pk)).status_code == 404
    # Another branch's evidence through this branch's evaluation.
    assert client.get(url(world, evidence["other"].pk)).status_code == 404
    # 12A2 is not the secretary's: its own address is out of her scope.
    assert client.get(url(world, evidence["other"].pk, world.branch2)).status_code == 404
    default_storage.delete(evidence["file"].file.name)
    assert client.get(url(world, evidence["file"].pk)).status_code == 404


def test_the_api_serves_the_file_to_the_scope_only(world, evidence):
    path = (
        f"/api/v1/units/{world.branch.pk}/evaluations/{YEAR}/strong_branch/evidence/"
        f"{evidence['file'].pk}"
    )

    def get(user):
        return Client().get(path, headers={"Authorization": f"Bearer {api_token_issue(user=user)}"})

    answer = get(world.base_cadre)
    assert answer.status_code == 200 and body(answer) == CONTENT
    assert get(world.outsider).status_code == 404
