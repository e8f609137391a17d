"""Draft directives: kept unsent (no receipt, nobody told), seen only by the issuing unit's
cadres, changed and deleted while drafts, then published with every check of a direct
publication; the pages and the API."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import Http404
from django.test import Client
from django.urls import reverse

from doanvien.accounts.services import api_token_issue
from doanvien.core.models import AuditEvent
from doanvien.directives import services
from doanvien.directives.access import get_directive_for
from doanvien.directives.models import Directive, Receipt, State
from doanvien.notifications.models import Notification

from . import files


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def draft(world, actor=None, files_=(), **data):
    data = {"title": "Kế hoạch Tháng Thanh niên", **data}
    return services.directive_draft_save(
        actor=actor or world.base_cadre, unit=world.base, data=data, files=list(files_)
    )


def api(user):
    return Client(headers={"Authorization": f"Bearer {api_token_issue(user=user)}"})


# --- Services ---------------------------------------------------------------------------------


def test_a_draft_sends_nothing_and_needs_only_its_title(world):
    kept = draft(world, audience="units", units=[world.branch2.pk], files_=[files.pdf()])
    assert kept.state == State.DRAFT and kept.number == "" and kept.published_at is None
    assert kept.chosen_units == [world.branch2.pk] and kept.files.count() == 1
    assert not Receipt.objects.exists() and not Notification.objects.exists()
    assert AuditEvent.objects.filter(action="directive.drafted").count() == 1
    with pytest.raises(ValidationError) as e:
        draft(world, title="")
    assert e.value.message_dict["title"] == ["Hãy nhập trích yếu."]
    # What is given is checked: a unit outside the subtree, a due date before the date.
    with pytest.raises(ValidationError) as e:
        draft(world, audience="units", units=[world.other_branch.pk])
    assert "units" in e.value.message_dict
    with pytest.raises(ValidationError) as e:
        draft(world, issued_on="2026-03-10", due_on="2026-03-01")
    assert "due_on" in e.value.message_dict
    assert Directive.objects.count() == 1


def test_only_the_issuing_units_cadres_and_its_author_see_a_draft(world):
    kept = draft(world)
    assert get_directive_for(world.base_cadre, kept.pk) == kept
    assert get_directive_for(world.superuser, kept.pk) == kept
    # The receiving branch, the province above, an outsider, a member: none of them.
    for who in (world.secretary, world.province_cadre, world.outsider, world.member_user):
        with pytest.raises(Http404):
            get_directive_for(who, kept.pk)
    # A province cadre who writes a draft for the base union sees his own.
    own = services.directive_draft_save(
        actor=world.province_cadre, unit=world.base, data={"title": "Dự thảo của tỉnh"}
    )
    assert get_directive_for(world.province_cadre, own.pk) == own
    assert get_directive_for(world.base_cadre, own.pk) == own


def test_a_draft_is_changed_with_its_files(world, django_capture_on_commit_callbacks):
    kept = draft(world, files_=[files.pdf()])
    old_file = kept.files.get()
    with django_capture_on_commit_callbacks(execute=True):
        changed = services.directive_draft_update(
            actor=world.base_cadre,
            directive=kept,
            data={"number": "9-KH/ĐTN", "audience": "units", "units": [world.branch.pk]},
            files=[files.docx()],
            remove=[old_file.pk],
        )
    assert changed.number == "9-KH/ĐTN" and changed.title == "Kế hoạch Tháng Thanh niên"
    assert changed.chosen_units == [world.branch.pk]
    assert [f.name for f in changed.files.all()] == ["ke-hoach.docx"]
    assert not default_storage.exists(old_file.file.name)
    event = AuditEvent.objects.get(action="directive.draft_changed")
    assert event.changes["number"] == ["", "9-KH/ĐTN"]
    # The file limit counts the files it keeps.
    with pytest.raises(ValidationError) as e:
        services.directive_draft_update(
            actor=world.base_cadre,
            directive=changed,
            data={},
            files=[files.pdf(f"{i}.pdf") for i in range(10)],
        )
    assert "11" in " ".join(e.value.message_dict["files"])


def test_publishing_a_draft_checks_everything_then_sends_it(world):
    kept = draft(world, audience="units", units=[world.branch.pk], files_=[files.pdf()])
    with pytest.raises(ValidationError) as e:
        services.directive_draft_publish(actor=world.base_cadre, directive=kept)
    assert e.value.message_dict["number"] == ["Hãy nhập số hiệu văn bản."]
    assert Directive.objects.get(pk=kept.pk).state == State.DRAFT
    services.directive_draft_update(
        actor=world.base_cadre, directive=kept, data={"number": "3-CV/ĐTN"}
    )
    sent = services.directive_draft_publish(actor=world.base_cadre, directive=kept)
    assert sent.state == State.PUBLISHED and sent.published_at is not None
    assert sent.recipients == 1
    assert list(Receipt.objects.values_list("unit_id", flat=True)) == [world.branch.pk]
    assert Notification.objects.filter(user=world.secretary).exists()
    assert AuditEvent.objects.filter(action="directive.published", target_id=sent.pk).exists()
    # Now it is published: never changed, deleted or published again.
    for move in (
        lambda: services.directive_draft_publish(actor=world.base_cadre, directive=sent),
        lambda: services.directive_draft_update(
            actor=world.base_cadre, directive=sent, data={"title": "Khác"}
        ),
        lambda: services.directive_draft_delete(actor=world.base_cadre, directive=sent),
    ):
        with pytest.raises(ValidationError) as e:
            move()
        assert e.value.code == "illegal_transition"
    assert get_directive_for(world.secretary, sent.pk) == sent


def test_a_draft_supersedes_only_when_published(world):
    old = services.directive_publish(
        actor=world.base_cadre,
        unit=world.base,
        data={"title": "Kế hoạch cũ", "number": "1-KH", "audience": "children"},
    )
    kept = draft(world, number="2-KH", supersedes=old.pk)
    assert Directive.objects.get(pk=old.pk).state == State.PUBLISHED
    with pytest.raises(ValidationError) as e:
        draft(world, number="3-KH", supersedes=old.pk)
    assert "supersedes" in e.value.message_dict
    services.directive_draft_publish(actor=world.base_cadre, directive=kept)
    assert Directive.objects.get(pk=old.pk).state == State.SUPERSEDED


def test_deleting_a_draft_removes_it_and_its_files(world, django_capture_on_commit_callbacks):
    kept = draft(world, files_=[files.pdf()])
    name = kept.files.get().file.name
    with django_capture_on_commit_callbacks(execute=True):
        services.directive_draft_delete(actor=world.base_cadre, directive=kept)
    assert not Directive.objects.exists() and not default_storage.exists(name)
    assert AuditEvent.objects.filter(action="directive.draft_deleted").exists()


# --- Pages ------------------------------------------------------------------------------------


def test_the_form_saves_a_draft_then_its_page_publishes_it(client, world):
    client.force_login(world.base_cadre)
    url = reverse("directives:directive-publish", args=[world.base.pk])
    response = client.post(
        url,
        {
            "title": "Dự thảo kế hoạch",
            "issued_on": "2026-03-01",
            "audience": "children",
            "draft": "1",
        },
    )
    kept = Directive.objects.get()
    assert response.status_code == 302 and kept.state == State.DRAFT and kept.number == ""
    page = client.get(reverse("directives:directive-detail", args=[kept.pk])).content.decode()
    assert 'id="draft-note"' in page and 'id="publish-draft"' in page
    listed = client.get(reverse("directives:unit-directives", args=[world.base.pk]) + "?box=drafts")
    assert "Dự thảo kế hoạch" in listed.content.decode()
    sent_box = client.get(reverse("directives:unit-directives", args=[world.base.pk]) + "?box=sent")
    assert "Dự thảo kế hoạch" not in sent_box.content.decode()
    # Publishing it without a number: refused, in Vietnamese, still a draft.
    refused = client.post(
        reverse("directives:directive-draft-publish", args=[kept.pk]),
        HTTP_ACCEPT_LANGUAGE="vi",
        follow=True,
    )
    assert "Hãy nhập số hiệu văn bản." in refused.content.decode()
    assert Directive.objects.get().state == State.DRAFT
    # The edit form keeps what the draft holds; "Publish" there saves and sends it.
    edit = reverse("directives:directive-edit", args=[kept.pk])
    assert "Dự thảo kế hoạch" in client.get(edit).content.decode()
    response = client.post(
        edit,
        {
            "number": "4-KH/ĐTN",
            "title": "Kế hoạch tháng 4",
            "issued_on": "2026-04-01",
            "audience": "children",
            "publish": "1",
        },
    )
    kept.refresh_from_db()
    assert response.status_code == 302 and kept.state == State.PUBLISHED
    assert kept.recipients == 2 and kept.title == "Kế hoạch tháng 4"
    assert client.get(edit).status_code == 403


def test_the_draft_pages_are_for_the_issuing_units_cadres(client, world):
    kept = draft(world)
    urls = [
        reverse("directives:directive-detail", args=[kept.pk]),
        reverse("directives:directive-edit", args=[kept.pk]),
    ]
    posts = [
        reverse("directives:directive-draft-publish", args=[kept.pk]),
        reverse("directives:directive-delete", args=[kept.pk]),
    ]
    for who in (world.secretary, world.province_cadre, world.outsider, world.member_user):
        client.force_login(who)
        for url in urls:
            assert client.get(url).status_code == 404, (who, url)
        for url in posts:
            assert client.post(url).status_code == 404, (who, url)
    assert Directive.objects.get().state == State.DRAFT
    client.force_login(world.base_cadre)
    assert client.post(posts[1]).status_code == 302
    assert not Directive.objects.exists()


# --- API --------------------------------------------------------------------------------------


def test_the_api_keeps_changes_publishes_and_deletes_drafts(world):
    cadre = api(world.base_cadre)
    made = cadre.post(
        f"/api/v1/units/{world.base.pk}/directives",
        {"title": "Dự thảo", "draft": "true", "files": [files.pdf()]},
    )
    assert made.status_code == 201, made.content
    assert made.json()["state"] == "draft" and made.json()["recipients"] == 0
    pk = made.json()["id"]
    listed = cadre.get(f"/api/v1/units/{world.base.pk}/directive-drafts").json()
    assert [(d["id"], d["files"]) for d in listed["items"]] == [(pk, 1)]
    assert (
        api(world.province_cadre)
        .get(f"/api/v1/units/{world.base.pk}/directive-drafts")
        .json()["items"]
        == []
    )
    for who in (world.secretary, world.province_cadre, world.outsider):
        assert api(who).get(f"/api/v1/directives/{pk}").status_code == 404
        assert api(who).post(f"/api/v1/directives/{pk}/publish").status_code == 404
        assert api(who).delete(f"/api/v1/directives/{pk}").status_code == 404
    # Publishing without a number: 422 naming it, in Vietnamese.
    refused = cadre.post(f"/api/v1/directives/{pk}/publish", HTTP_ACCEPT_LANGUAGE="vi")
    assert refused.status_code == 422
    assert refused.json()["errors"] == [{"field": "number", "message": "Hãy nhập số hiệu văn bản."}]
    bad = cadre.post(f"/api/v1/directives/{pk}/edit", {"due_on": "hôm qua"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "due_on"
    edited = cadre.post(
        f"/api/v1/directives/{pk}/edit",
        {"number": "8-CV", "audience": "units", "units": [str(world.branch.pk)]},
    )
    assert edited.status_code == 200, edited.content
    assert edited.json()["units"] == [world.branch.pk] and edited.json()["title"] == "Dự thảo"
    sent = cadre.post(f"/api/v1/directives/{pk}/publish")
    assert sent.status_code == 200 and sent.json()["state"] == "published"
    assert sent.json()["recipients"] == 1
    assert cadre.post(f"/api/v1/directives/{pk}/publish").status_code == 409
    assert cadre.delete(f"/api/v1/directives/{pk}").status_code == 409
    assert cadre.post(f"/api/v1/directives/{pk}/edit", {"title": "X"}).status_code == 409
    # The receiving branch sees it now, and cannot delete it.
    assert api(world.secretary).get(f"/api/v1/directives/{pk}").status_code == 200
    assert api(world.secretary).delete(f"/api/v1/directives/{pk}").status_code == 403
    other = cadre.post(
        f"/api/v1/units/{world.base.pk}/directives", {"title": "Bỏ", "draft": "true"}
    ).json()["id"]
    assert cadre.delete(f"/api/v1/directives/{other}").status_code == 204
    assert not Directive.objects.filter(pk=other).exists()
    assert date.today() >= Directive.objects.get(pk=pk).issued_on
