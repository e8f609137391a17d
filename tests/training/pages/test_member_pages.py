"""The member's own training page: register, submit, read the review, self-assess, take notes."""

import pytest
from django.test import override_settings
from django.urls import reverse

from doanvien.actions.members import member_update
from doanvien.training.models import ProgressNote, Registration
from doanvien.training.services.assessment import assessment_record
from doanvien.training.services.registrations import registration_return

from ..conftest import YEAR, complete_items
from .helpers import approved, form_data, page, submitted


def registration(member):
    return Registration.objects.filter(member=member, year=YEAR).first()


def row(response, criterion_id):
    return next(r for r in response.context["form"].rows if r.pk == criterion_id)


def test_a_new_registration_lists_the_five_areas_with_the_mandatory_criteria_checked(
    client, world, framework
):
    member_update(actor=None, member=world.member, data={"audience": "student"})
    client.force_login(world.member_user)
    response = client.get(page(world.member))
    assert response.status_code == 200
    form = response.context["form"]
    assert [g.area.code for g in form.areas] == ["1", "2", "3", "4", "5"]
    assert all(r.checked == r.criterion.mandatory for r in form.rows)
    assert {r.criterion.sector for r in form.rows} == {"", "school"}  # only my sector's
    assert {r.criterion.audience for r in form.rows} == {"", "student"}  # and my group's
    html = response.content.decode()
    assert 'name="action" value="save"' in html and 'name="action" value="submit"' in html


def test_the_member_saves_a_draft(client, world, items):
    client.force_login(world.member_user)
    response = client.post(page(world.member), form_data(items[:4]))
    assert response.status_code == 302 and response["Location"] == page(world.member)
    saved = registration(world.member)
    assert saved.state == "draft" and not saved.entered_by_secretary
    assert [i.criterion_id for i in saved.items.all()] == [i["criterion"] for i in items[:4]]
    # Back on the page, what was saved is checked with its plan and date.
    again = client.get(page(world.member))
    first = row(again, items[0]["criterion"])
    assert first.checked and first.plan == items[0]["plan"] and first.target == "31/05/2026"


def test_a_submit_with_a_missing_plan_names_the_row_and_keeps_what_was_typed(client, world, items):
    client.force_login(world.member_user)
    items[3]["plan"] = ""
    items[5]["plan"] = "Kế hoạch riêng của tôi, gõ tay"
    response = client.post(page(world.member), form_data(items, "submit"))
    assert response.status_code == 200
    bad = row(response, items[3]["criterion"])
    assert bad.plan_errors and not bad.target_errors
    assert not [r for r in response.context["form"].rows if r.has_errors and r is not bad]
    html = response.content.decode()
    assert f'id="plan-{items[3]["criterion"]}-error"' in html
    assert "Kế hoạch riêng của tôi, gõ tay" in html
    assert registration(world.member).state == "draft"  # saved, not submitted
    assert registration(world.member).items.count() == len(items)


def test_a_bad_target_date_is_named_next_to_its_field_and_nothing_is_saved(client, world, items):
    client.force_login(world.member_user)
    data = form_data(items, "submit")
    data[f"target-{items[1]['criterion']}"] = "31/02/2026"
    response = client.post(page(world.member), data)
    assert response.status_code == 200
    assert row(response, items[1]["criterion"]).target_errors
    assert 'value="31/02/2026"' in response.content.decode()
    assert registration(world.member) is None


def test_a_chosen_criterion_without_a_target_date_is_not_submitted(client, world, items):
    client.force_login(world.member_user)
    data = form_data(items, "submit")
    data[f"target-{items[2]['criterion']}"] = ""
    response = client.post(page(world.member), data)
    assert response.status_code == 200
    assert row(response, items[2]["criterion"]).target_errors
    assert row(response, items[2]["criterion"]).checked
    assert registration(world.member).state == "draft"


def test_rules_of_the_whole_registration_are_shown_on_top(client, world, items):
    client.force_login(world.member_user)
    response = client.post(page(world.member), form_data(items[:3], "submit"))
    assert response.status_code == 200
    assert response.context["form"].errors  # every area, at least ten criteria
    assert 'id="problems"' in response.content.decode()
    assert registration(world.member).state == "draft"


def test_a_complete_registration_is_submitted_and_then_read_only(client, world, items):
    client.force_login(world.member_user)
    response = client.post(page(world.member), form_data(items, "submit"))
    assert response.status_code == 302
    assert registration(world.member).state == "submitted"
    response = client.get(page(world.member))
    assert not response.context["editable"] and response.context["chosen"]
    assert 'id="registration"' not in response.content.decode()
    assert items[0]["plan"] in response.content.decode()
    # No change while it waits for the review.
    assert client.post(page(world.member), form_data(items[:2])).status_code == 403
    assert registration(world.member).items.count() == len(items)


def test_a_returned_registration_shows_the_comment_and_is_submitted_again(client, world, items):
    registration_ = submitted(world.member)
    registration_return(
        actor=world.secretary, registration=registration_, comment="Ghi rõ thời gian cụ thể."
    )
    client.force_login(world.member_user)
    response = client.get(page(world.member))
    html = response.content.decode()
    assert 'class="returned"' in html and "Ghi rõ thời gian cụ thể." in html
    assert response.context["form"] is not None
    items[0]["plan"] = "Tham gia đầy đủ, ghi rõ từng tháng"
    assert client.post(page(world.member), form_data(items, "submit")).status_code == 302
    assert registration(world.member).state == "submitted"
    changed = registration(world.member).items.get(criterion_id=items[0]["criterion"])
    assert changed.plan == "Tham gia đầy đủ, ghi rõ từng tháng"


def test_the_branch_committee_registers_on_a_members_behalf(client, world, items):
    client.force_login(world.secretary)
    response = client.post(page(world.member), form_data(items, "submit"))
    assert response.status_code == 302
    saved = registration(world.member)
    assert saved.state == "submitted" and saved.entered_by_secretary


def test_a_cadre_above_reads_but_does_not_edit(client, world, items):
    submitted(world.member)
    client.force_login(world.base_cadre)
    response = client.get(page(world.member))
    assert response.status_code == 200 and not response.context["editable"]
    assert not response.context["can_review"]
    assert client.post(page(world.member2), form_data(items)).status_code == 403
    assert registration(world.member2) is None


def test_the_member_self_assesses_once_approved(client, world, framework):
    approved(world.member)
    client.force_login(world.member_user)
    url = reverse("training:member-training-self-assess", args=[world.member.pk, YEAR])
    points = {"area_1": "18", "area_2": "17,5", "area_3": "19", "area_4": "16", "area_5": "18"}
    response = client.post(url, {**points, "comment": "Đã cố gắng"})
    assert response.status_code == 302
    saved = registration(world.member)
    assert saved.self_points["2"] == "17.5" and saved.self_comment == "Đã cố gắng"
    response = client.post(url, {**points, "area_3": "25"})
    assert response.status_code == 200
    assert list(response.context["self_form"].errors) == ["area_3"]
    assert registration(world.member).self_points["3"] == "19.0"
    # The refusal is summed up at the top of the page (focused by the page's script), each
    # error linking to its field far below.
    html = response.content.decode()
    summary = html[html.index('id="self-problems"') : html.index('class="card tr-head"')]
    assert "data-focus" in summary and 'href="#id_area_3"' in summary


def test_the_self_assessment_form_shows_the_maximum_per_area(client, world, framework):
    approved(world.member)
    client.force_login(world.member_user)
    response = client.get(page(world.member))
    form = response.context["self_form"]
    assert len(form.areas) == 5
    assert all(form.fields[f"area_{a.code}"].max_points == "20" for a in form.areas)
    assert response.content.decode().count(" / 20</span>") == 5


def test_interim_notes_on_the_registration(client, world, framework):
    approved(world.member)
    client.force_login(world.member_user)
    url = reverse("training:member-training-note", args=[world.member.pk, YEAR])
    response = client.post(url, {"text": "Đã đọc xong hai tài liệu.", "on": "15/01/2026"})
    assert response.status_code == 302
    note = ProgressNote.objects.get()
    assert note.registration == registration(world.member) and note.on.isoformat() == "2026-01-15"
    client.force_login(world.secretary)
    assert client.post(url, {"text": "Cần hỗ trợ thêm."}).status_code == 302
    response = client.post(url, {"text": "  "})
    assert response.status_code == 200 and "text" in response.context["note_form"].errors
    assert "Cần hỗ trợ thêm." in client.get(page(world.member)).content.decode()


def test_results_by_year_with_the_branchs_comment(client, world, framework):
    registration_ = approved(world.member)
    assessment_record(
        actor=world.secretary,
        registration=registration_,
        areas={"1": 18, "2": 18, "3": 18, "4": 18, "5": 19},
        comment="Gương mẫu trong mọi hoạt động",
    )
    client.force_login(world.member_user)
    response = client.get(page(world.member))
    html = response.content.decode()
    assert "Gương mẫu trong mọi hoạt động" in html and "91,0" in html
    assert [h["registration"].level for h in response.context["history"]] == ["excellent"]


def test_the_current_year_needs_no_year_in_the_link(client, world, framework):
    client.force_login(world.member_user)
    response = client.get(reverse("training:member-training-current", args=[world.member.pk]))
    assert response.status_code == 200 and response.context["year"] >= 2026


def test_me_training_sends_the_member_to_his_page(client, world, framework):
    client.force_login(world.member_user)
    response = client.get("/me/training/")
    assert response.status_code == 302
    assert response["Location"].startswith(f"/members/{world.member.pk}/training/")
    client.force_login(world.base_cadre)  # no member record
    assert client.get("/me/training/").status_code == 404


# --- Who may see what -------------------------------------------------------------------------


def test_outsiders_and_other_members_get_a_404(client, world, framework):
    client.force_login(world.outsider)
    assert client.get(page(world.member)).status_code == 404
    client.force_login(world.member_user)
    assert client.get(page(world.member2)).status_code == 404
    assert client.post(page(world.member2), {"action": "save"}).status_code == 404


def test_the_member_cannot_approve_his_own_registration(client, world, framework):
    submitted(world.member)
    client.force_login(world.member_user)
    assert client.get(page(world.member)).context["can_review"] is False
    url = reverse("training:registration-approve", args=[world.member.pk, YEAR])
    assert client.post(url).status_code == 403
    url = reverse("training:registration-return", args=[world.member.pk, YEAR])
    assert client.post(url, {"comment": "x"}).status_code == 403
    assert registration(world.member).state == "submitted"


@pytest.mark.parametrize(
    "who", ["member_user", "secretary", "base_cadre", "province_cadre", "superuser"]
)
def test_the_members_page_renders_for_everyone_who_may_see_it(client, world, framework, who):
    approved(world.member)
    client.force_login(getattr(world, who))
    for url in (
        page(world.member),
        reverse("training:member-training-current", args=[world.member.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert world.member.full_name in response.content.decode()


def test_a_year_far_outside_the_programme_is_404(client, world, framework):
    client.force_login(world.member_user)
    assert client.get(page(world.member, 1800)).status_code == 404


@override_settings(LANGUAGE_CODE="en")
def test_it_renders_with_no_framework_for_the_year(client, world, framework):
    client.force_login(world.member_user)
    response = client.get(page(world.member, 2035))
    assert response.status_code == 200 and response.context.get("no_framework")
    assert complete_items  # the helper is shared with the training tests


def test_the_notes_block_offers_the_form_to_the_committee(client, world, items):
    from doanvien.training.services.registrations import registration_save

    registration_save(actor=None, member=world.member, year=2026, items=items)
    client.force_login(world.secretary)
    html = client.get(page(world.member)).content.decode()
    assert 'id="notes"' in html
    assert reverse("training:member-training-note", args=[world.member.pk, 2026]) in html
