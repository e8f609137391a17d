from django.urls import reverse

from doanvien.core.models import AuditEvent
from doanvien.training.models import BranchResult
from doanvien.training.services.results import branch_results_recognise

from ..conftest import YEAR
from .conftest import submitted


def post(client, action, unit, **data):
    return client.post(reverse(f"training:training-{action}", args=[unit.pk, YEAR]), data)


def state(world):
    return BranchResult.objects.get(branch=world.branch, year=YEAR).state


def test_the_base_cadre_recognises_her_branch_from_the_list(client, world, items):
    submitted(world, items)
    client.force_login(world.base_cadre)
    page = client.get(reverse("training:training-progress", args=[world.base.pk, YEAR]))
    [waiting] = page.context["waiting"]
    assert waiting.branch == world.branch and waiting.can_recognise
    assert (
        reverse("training:training-recognise", args=[world.branch.pk, YEAR])
        in page.content.decode()
    )
    here = reverse("training:training-progress", args=[world.base.pk, YEAR])
    response = post(client, "recognise", world.branch, next=here)
    assert response.status_code == 302 and response["Location"] == here
    assert state(world) == "recognised"
    page = client.get(here)
    assert "are recognised" in page.content.decode()
    assert [r.branch for r in page.context["recognised"]] == [world.branch]
    assert not page.context["recognised"][0].can_reopen  # the base union does not reopen


def test_the_secretary_cannot_recognise_her_own_results(client, world, items):
    submitted(world, items)
    client.force_login(world.secretary)
    assert post(client, "recognise", world.branch).status_code == 403
    assert post(client, "return", world.branch, comment="x").status_code == 403
    assert state(world) == "submitted"


def test_the_outsider_does_not_know_the_branch_exists(client, world, items):
    submitted(world, items)
    client.force_login(world.outsider)
    assert post(client, "recognise", world.branch).status_code == 404
    assert post(client, "reopen", world.branch, reason="x").status_code == 404


def test_a_viewer_sees_the_list_without_buttons(client, world, items, viewer):
    submitted(world, items)
    client.force_login(viewer)
    page = client.get(reverse("training:training-progress", args=[world.base.pk, YEAR]))
    assert [r.branch for r in page.context["waiting"]] == [world.branch]
    assert (
        reverse("training:training-recognise", args=[world.branch.pk, YEAR])
        not in page.content.decode()
    )
    assert post(client, "recognise", world.branch).status_code == 403


def test_returning_needs_a_comment(client, world, items):
    submitted(world, items)
    client.force_login(world.base_cadre)
    response = post(client, "return", world.branch, comment="  ")
    assert response.status_code == 302 and state(world) == "submitted"
    page = client.get(response["Location"])
    assert "Say what the branch should change." in page.content.decode()
    post(client, "return", world.branch, comment="Điểm chưa khớp biên bản")
    result = BranchResult.objects.get(branch=world.branch, year=YEAR)
    assert result.state == "open" and result.comment == "Điểm chưa khớp biên bản"


def test_an_illegal_transition_is_a_message_not_an_error(client, world, framework):
    client.force_login(world.base_cadre)
    response = post(client, "recognise", world.branch2)
    assert response.status_code == 302
    assert response["Location"] == reverse("training:training-progress", args=[world.base.pk, YEAR])
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "Cannot recognise" in page.content.decode()
    assert not BranchResult.objects.filter(branch=world.branch2, state="recognised").exists()


def test_only_a_unit_above_the_base_union_reopens(client, world, items):
    submitted(world, items)
    branch_results_recognise(actor=world.base_cadre, branch=world.branch, year=YEAR)
    client.force_login(world.base_cadre)
    assert post(client, "reopen", world.branch, reason="Khiếu nại").status_code == 403

    client.force_login(world.province_cadre)
    page = client.get(reverse("training:training-progress", args=[world.district.pk, YEAR]))
    [recognised] = page.context["recognised"]
    assert recognised.can_reopen
    assert (
        reverse("training:training-reopen", args=[world.branch.pk, YEAR]) in page.content.decode()
    )
    post(client, "reopen", world.branch, reason="")
    assert state(world) == "recognised"
    post(client, "reopen", world.branch, reason="Đoàn viên khiếu nại")
    assert state(world) == "open"
    event = AuditEvent.objects.get(action="results.reopen")
    assert event.actor == world.province_cadre and "khiếu nại" in event.summary


def test_it_goes_back_only_to_pages_of_this_site(client, world, items):
    submitted(world, items)
    client.force_login(world.base_cadre)
    response = post(client, "recognise", world.branch, next="https://example.com/")
    assert response["Location"] == reverse("training:training-progress", args=[world.base.pk, YEAR])


def test_the_actions_answer_only_to_post(client, world):
    client.force_login(world.base_cadre)
    for action in ("recognise", "return", "reopen"):
        url = reverse(f"training:training-{action}", args=[world.branch.pk, YEAR])
        assert client.get(url).status_code == 405


def test_a_unit_that_is_not_a_branch_has_no_results(client, world):
    client.force_login(world.province_cadre)
    assert post(client, "recognise", world.base).status_code == 404
