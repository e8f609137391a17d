"""The branch's training pages: progress, review, bulk registration, notes, the assessment
screen and its rows, the submission of the results, and who sees the box-ticking signs."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from doanvien.training.models import BranchResult, ProgressNote, Registration
from doanvien.training.services.assessment import self_assessment_record
from doanvien.training.services.registrations import registration_save

from ...factories import make_member
from ..conftest import YEAR, complete_items
from .helpers import AREAS, approved, assessed, form_data, page, submitted


def branch_page(name, world, **extra):
    return reverse(f"training:{name}", kwargs={"unit_id": world.branch.pk, "year": YEAR, **extra})


def row_url(world, member):
    return branch_page("branch-assessment-row", world, member_id=member.pk)


def row_data(areas=None, comment="Hoàn thành tốt"):
    return {**{f"area_{k}": v for k, v in (areas or AREAS).items()}, "comment": comment}


HTMX = {"HX-Request": "true"}


# --- Progress ---------------------------------------------------------------------------------


def test_the_progress_page_says_who_has_not_done_what(client, world, framework):
    submitted(world.member)
    registration_save(
        actor=None, member=world.member2, year=YEAR, items=complete_items(world.member2)[:3]
    )
    client.force_login(world.secretary)
    response = client.get(branch_page("branch-training", world))
    assert response.status_code == 200
    progress = response.context["progress"]
    assert [m for m, _r in progress.waiting_review] == [world.member]
    assert [m for m, _r in progress.drafts] == [world.member2]
    html = response.content.decode()
    assert page(world.member) in html and page(world.member2) in html
    assert reverse("training:branch-training-bulk", args=[world.branch.pk, YEAR]) in html


def test_the_progress_page_shows_the_days_left_to_each_deadline(client, world, framework):
    from doanvien.training.models import Deadline

    Deadline.objects.create(unit=world.base, year=YEAR, kind="evaluation", due_on=date(2099, 5, 15))
    client.force_login(world.secretary)
    response = client.get(branch_page("branch-training", world))
    (deadline,) = response.context["progress"].deadlines
    assert deadline.days_left > 0 and "15/05/2099" in response.content.decode()


def test_the_box_ticking_signs_are_for_the_base_union_not_the_branch(client, world, framework):
    for member in [world.member, world.member2, make_member(world.branch)]:
        assessed(member)  # the same total and no comment… three times
    Registration.objects.update(branch_comment="")
    client.force_login(world.base_cadre)
    response = client.get(branch_page("branch-training", world))
    assert response.context["flags"] and 'id="flags"' in response.content.decode()
    client.force_login(world.secretary)
    response = client.get(branch_page("branch-training", world))
    assert response.context["flags"] is None and 'id="flags"' not in response.content.decode()


# --- Review -----------------------------------------------------------------------------------


def test_the_committee_approves_a_registration(client, world, framework):
    submitted(world.member)
    client.force_login(world.secretary)
    assert client.get(page(world.member)).context["can_review"]
    response = client.post(reverse("training:registration-approve", args=[world.member.pk, YEAR]))
    assert response.status_code == 302
    assert response["Location"].startswith(branch_page("branch-training", world))
    assert Registration.objects.get(member=world.member).state == "approved"


def test_a_return_needs_a_comment_shown_next_to_the_field(client, world, framework):
    submitted(world.member)
    client.force_login(world.secretary)
    url = reverse("training:registration-return", args=[world.member.pk, YEAR])
    response = client.post(url, {"comment": " "})
    assert response.status_code == 200
    assert "comment" in response.context["return_form"].errors
    assert Registration.objects.get(member=world.member).state == "submitted"
    assert client.post(url, {"comment": "Bổ sung giải pháp."}).status_code == 302
    returned = Registration.objects.get(member=world.member)
    assert returned.state == "returned" and returned.review_comment == "Bổ sung giải pháp."


def test_approving_twice_says_why_it_cannot(client, world, framework):
    approved(world.member)
    client.force_login(world.secretary)
    response = client.post(
        reverse("training:registration-approve", args=[world.member.pk, YEAR]), follow=True
    )
    assert any(m.level_tag == "error" for m in response.context["messages"])


# --- Bulk registration ------------------------------------------------------------------------


def test_the_committee_registers_several_members_with_a_default_set(client, world, items):
    submitted(world.member2)  # already submitted: left alone
    client.force_login(world.secretary)
    url = branch_page("branch-training-bulk", world)
    response = client.get(url)
    assert [m for m, _s, _c in response.context["candidates"]] == [world.member]
    extra = make_member(world.branch, full_name="Đỗ Văn Mới")
    data = form_data(items)
    data["member"] = [str(world.member.pk), str(extra.pk)]
    response = client.post(url, data)
    assert response.status_code == 302
    for member in (world.member, extra):
        registration = Registration.objects.get(member=member, year=YEAR)
        assert registration.state == "draft" and registration.entered_by_secretary
        assert registration.items.count() == len(items)
    assert Registration.objects.get(member=world.member2).state == "submitted"


def test_a_bulk_registration_names_what_is_missing_and_registers_nobody(client, world, items):
    client.force_login(world.secretary)
    url = branch_page("branch-training-bulk", world)
    data = form_data(items)
    data[f"target-{items[0]['criterion']}"] = "2030-13-01"
    data["member"] = [str(world.member.pk)]
    response = client.post(url, data)
    assert response.status_code == 200
    form = response.context["form"]
    assert next(r for r in form.rows if r.pk == items[0]["criterion"]).target_errors
    response = client.post(url, form_data(items))  # no member chosen
    assert response.status_code == 200 and response.context["form"].errors
    assert not Registration.objects.exists()


def test_only_the_committee_registers_in_bulk(client, world, framework):
    client.force_login(world.base_cadre)
    assert client.get(branch_page("branch-training-bulk", world)).status_code == 403


# --- Interim notes ----------------------------------------------------------------------------


def test_the_branch_keeps_dated_notes_of_its_six_monthly_reviews(client, world, framework):
    client.force_login(world.secretary)
    url = branch_page("branch-training-note", world)
    response = client.post(url, {"text": "Sơ kết 6 tháng: 80% đoàn viên đúng tiến độ.", "on": ""})
    assert response.status_code == 302
    note = ProgressNote.objects.get()
    assert note.registration is None and note.branch == world.branch and note.year == YEAR
    assert note.on == timezone.localdate()
    response = client.post(url, {"text": "", "on": "32/13/2026"})
    assert response.status_code == 200
    assert set(response.context["note_form"].errors) == {"on"}
    page_html = client.get(branch_page("branch-training", world)).content.decode()
    assert "Sơ kết 6 tháng" in page_html
    client.force_login(world.base_cadre)
    assert client.post(url, {"text": "x"}).status_code == 403


# --- The assessment screen --------------------------------------------------------------------


def test_the_screen_lists_every_approved_registration_with_the_self_scores(
    client, world, framework
):
    registration = approved(world.member)
    self_assessment_record(actor=None, registration=registration, areas=AREAS)
    submitted(world.member2)
    client.force_login(world.secretary)
    response = client.get(branch_page("branch-assessment", world))
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [r.member for r in rows] == [world.member] and response.context["not_here"] == 1
    assert [c["self"] for c in rows[0].cells] == ["18", "18", "17", "19", "18"]
    html = response.content.decode()
    assert html.count('inputmode="decimal"') == 5 and 'name="comment"' in html
    assert reverse("training:branch-results-submit", args=[world.branch.pk, YEAR]) in html


def test_a_row_is_saved_and_answers_its_total_and_level(client, world, framework):
    approved(world.member)
    client.force_login(world.secretary)
    response = client.post(row_url(world, world.member), {**row_data(), "auto": "1"}, headers=HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith(f'<tr id="row-{world.member.pk}"') and "<html" not in html
    assert "90,0" in html and 'class="saved"' in html
    assert 'id="assessed-count" hx-swap-oob="true"' in html  # the count on top follows
    registration = Registration.objects.get(member=world.member)
    assert registration.total == 90 and registration.level == "excellent"
    assert (
        registration.branch_comment == "Hoàn thành tốt"
        and registration.assessed_by == world.secretary
    )


def test_bad_points_are_refused_with_the_error_in_the_row(client, world, framework):
    approved(world.member)
    client.force_login(world.secretary)
    response = client.post(
        row_url(world, world.member), row_data({**AREAS, "3": "21", "4": "abc"}), headers=HTMX
    )
    assert response.status_code == 200
    row = response.context["row"]
    assert set(row.errors) == {"area_3", "area_4"}
    html = response.content.decode()
    assert html.count('class="pts has-error"') == 2 and 'class="has-error"' in html
    assert Registration.objects.get(member=world.member).assessed_at is None


def test_a_row_saved_while_typing_waits_for_every_area_without_errors(client, world, framework):
    approved(world.member)
    client.force_login(world.secretary)
    partial = {"area_1": "18", "area_2": "", "area_3": "25", "comment": ""}
    response = client.post(row_url(world, world.member), {**partial, "auto": "1"}, headers=HTMX)
    row = response.context["row"]
    assert row.pending and set(row.errors) == {"area_3"}  # not the areas still empty
    response = client.post(
        row_url(world, world.member), {"area_1": "18", "auto": "1"}, headers=HTMX
    )
    assert response.context["row"].pending and not response.context["row"].errors
    assert Registration.objects.get(member=world.member).assessed_at is None


def test_a_member_too_recently_admitted_is_assessed_but_not_classified(client, world, framework):
    newcomer = make_member(world.branch, joined_union_on=date(2026, 3, 1))  # school year ends 31/05
    approved(newcomer)
    client.force_login(world.secretary)
    response = client.get(branch_page("branch-assessment", world))
    assert not next(r for r in response.context["rows"] if r.member == newcomer).eligible
    response = client.post(row_url(world, newcomer), row_data(), headers=HTMX)
    assert Registration.objects.get(member=newcomer).level == "not_classified"
    assert response.context["row"].registration.level == "not_classified"


def test_a_row_posted_without_htmx_comes_back_to_the_screen(client, world, framework):
    approved(world.member)
    client.force_login(world.secretary)
    response = client.post(row_url(world, world.member), row_data())
    assert response.status_code == 302
    assert response["Location"].endswith(f"#row-{world.member.pk}")
    response = client.post(row_url(world, world.member), row_data({**AREAS, "1": "-1"}))
    assert response.status_code == 200 and "<html" in response.content.decode()
    assert "area_1" in response.context["rows"][0].errors


def test_the_results_go_to_the_base_union_once_everyone_is_assessed(client, world, framework):
    approved(world.member)
    approved(world.member2)
    client.force_login(world.secretary)
    url = branch_page("branch-results-submit", world)
    response = client.post(url, follow=True)
    errors = [str(m) for m in response.context["messages"] if m.level_tag == "error"]
    assert len(errors) == 1
    assert world.member.full_name in errors[0] and world.member2.full_name in errors[0]
    assert not BranchResult.objects.filter(state="submitted").exists()
    for member in (world.member, world.member2):
        client.post(row_url(world, member), row_data(), headers=HTMX)
    response = client.post(url)
    assert response.status_code == 302
    assert BranchResult.objects.get(branch=world.branch, year=YEAR).state == "submitted"
    response = client.get(branch_page("branch-assessment", world))
    assert not response.context["can_assess"] and 'inputmode="decimal"' not in (
        response.content.decode()
    )
    response = client.post(row_url(world, world.member), row_data(), headers=HTMX)
    # Locked: the service refuses, and the screen comes back with the reason as a message.
    assert response["HX-Redirect"] == branch_page("branch-assessment", world)
    response = client.get(response["HX-Redirect"])
    (error,) = [str(m) for m in response.context["messages"] if m.level_tag == "error"]
    assert world.branch.name in error and world.base.name in error


def test_cadres_above_read_the_screen_and_cannot_assess(client, world, framework):
    approved(world.member)
    client.force_login(world.base_cadre)
    response = client.get(branch_page("branch-assessment", world))
    assert response.status_code == 200 and not response.context["can_assess"]
    assert 'inputmode="decimal"' not in response.content.decode()
    assert client.post(row_url(world, world.member), row_data()).status_code == 403
    assert client.post(branch_page("branch-results-submit", world)).status_code == 403


# --- Who may see what -------------------------------------------------------------------------


def test_outsiders_get_a_404_and_members_too(client, world, framework):
    for user in (world.outsider, world.member_user):
        client.force_login(user)
        for name in ("branch-training", "branch-assessment", "branch-training-bulk"):
            assert client.get(branch_page(name, world)).status_code == 404
        assert client.post(row_url(world, world.member), row_data()).status_code == 404


def test_a_base_union_is_not_a_branch(client, world, framework):
    client.force_login(world.base_cadre)
    url = reverse("training:branch-training", args=[world.base.pk, YEAR])
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("who", ["secretary", "base_cadre", "province_cadre", "superuser"])
def test_the_branch_pages_render_for_everyone_who_may_see_them(client, world, framework, who):
    assessed(world.member)
    submitted(world.member2)
    client.force_login(getattr(world, who))
    urls = [
        branch_page("branch-training", world),
        reverse("training:branch-training-current", args=[world.branch.pk]),
        branch_page("branch-assessment", world),
    ]
    if who in ("secretary", "superuser"):
        urls.append(branch_page("branch-training-bulk", world))
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert world.branch.name in response.content.decode()
