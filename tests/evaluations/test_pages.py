"""The evaluation pages: the unit's entry, the scheme page with its placeholder notice, the
self-assessment form with an evidence file, the recognising unit's queue and decision."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from doanvien.evaluations.models import Evaluation, Evidence
from doanvien.evaluations.selectors import items_for

from .conftest import YEAR


def url(name, unit, scheme=None):
    kwargs = {"unit_id": unit.pk, "year": YEAR}
    if scheme:
        kwargs["scheme"] = scheme
    return reverse(f"evaluations:{name}", kwargs=kwargs)


def test_the_unit_page_links_to_the_evaluations(client, world):
    client.force_login(world.secretary)
    page = client.get(reverse("units:unit-detail", args=[world.branch.pk]))
    assert f"/units/{world.branch.pk}/evaluations/" in page.content.decode()
    page = client.get(url("unit-evaluations", world.branch))
    assert page.status_code == 200
    assert url("evaluation-register", world.branch, "strong_branch") in page.content.decode()


def test_the_scheme_page_says_its_items_are_placeholders(client, world):
    client.force_login(world.secretary)
    page = client.get(url("scheme", world.branch, "strong_branch")).content.decode()
    assert 'class="note placeholder"' in page
    assert "Vững mạnh về chính trị – tư tưởng" in page
    assert world.base.name in page  # who recognises


def test_a_branch_self_scores_with_evidence_and_the_base_union_recognises(client, world):
    client.force_login(world.secretary)
    client.post(url("evaluation-register", world.branch, "strong_branch"))
    evaluation = Evaluation.objects.get(unit=world.branch)
    items = items_for(evaluation.scheme, world.branch)
    points = {f"self-item_{i.pk}": str(i.max_points - 1) for i in items}
    # A bad figure: the form says which, nothing is saved.
    bad = {**points, f"self-item_{items[0].pk}": "999"}
    response = client.post(url("evaluation-self-assessment", world.branch, "strong_branch"), bad)
    assert response.status_code == 400
    assert Evaluation.objects.get(pk=evaluation.pk).self_points == {}
    response = client.post(
        url("evaluation-self-assessment", world.branch, "strong_branch"),
        {**points, "self-comment": "Chi đoàn tự đánh giá"},
    )
    assert response.status_code == 302
    assert Evaluation.objects.get(pk=evaluation.pk).self_total == 91
    for item in items:
        if item.evidence_required:
            upload = SimpleUploadedFile("bien-ban-sinh-hoat.pdf", b"%PDF-1.4 invented")
            response = client.post(
                url("evaluation-evidence", world.branch, "strong_branch"),
                {"ev-item": item.pk, "ev-file": upload, "ev-note": "Biên bản"},
            )
            assert response.status_code == 302
    assert Evidence.objects.filter(evaluation=evaluation).count() == sum(
        i.evidence_required for i in items
    )
    client.post(url("evaluation-submit", world.branch, "strong_branch"))
    assert Evaluation.objects.get(pk=evaluation.pk).state == "submitted"

    client.force_login(world.base_cadre)
    queue = client.get(url("evaluation-queue", world.base)).content.decode()
    assert world.branch.name in queue
    score = {f"score-item_{i.pk}": str(i.max_points) for i in items}
    assert (
        client.post(url("evaluation-assessment", world.branch, "strong_branch"), score).status_code
        == 302
    )
    client.post(url("evaluation-recognise", world.branch, "strong_branch"))
    assert Evaluation.objects.get(pk=evaluation.pk).state == "recognised"
    assert world.branch.name not in client.get(url("evaluation-queue", world.base)).content.decode()


def test_the_branch_cannot_recognise_itself_and_outsiders_see_nothing(client, world):
    client.force_login(world.secretary)
    client.post(url("evaluation-register", world.branch, "strong_branch"))
    assert (
        client.post(url("evaluation-recognise", world.branch, "strong_branch")).status_code == 403
    )
    client.force_login(world.outsider)
    assert client.get(url("evaluation", world.branch, "strong_branch")).status_code == 404
    assert client.post(url("evaluation-submit", world.branch, "strong_branch")).status_code == 404


def test_a_refused_submit_says_why(client, world):
    client.force_login(world.secretary)
    client.post(url("evaluation-register", world.branch, "strong_branch"))
    page = client.post(url("evaluation-submit", world.branch, "strong_branch"), follow=True)
    assert Evaluation.objects.get(unit=world.branch).state == "registered"
    assert 'class="msg error"' in page.content.decode()
