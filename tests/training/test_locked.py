"""A year whose results the branch has submitted, or the upper unit has recognised, is locked:
every write to one of its registrations or assessments is refused with one error (code
`locked`) that names the real state, on the services and on the pages."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from doanvien.core.models import AuditEvent
from doanvien.training.models import BranchResult, Registration
from doanvien.training.services.assessment import assessment_record, self_assessment_record
from doanvien.training.services.registrations import (
    registration_approve,
    registration_return,
    registration_save,
    registration_submit,
    registrations_apply_default,
)
from doanvien.training.services.results import (
    branch_results_recognise,
    branch_results_reopen,
    branch_results_submit,
)

from .conftest import YEAR, complete_items
from .pages.helpers import AREAS, form_data, page
from .test_registrations_import import book, rows_for, run
from .test_registrations_import import state as import_state
from .test_workflow import approved

SUBMITTED = (
    "Kết quả năm 2026 của Chi đoàn 12A1 đã gửi lên Đoàn trường THPT Tân An; chỉ khi Đoàn "
    "trường THPT Tân An trả lại mới sửa được."
)
RECOGNISED = (
    "Kết quả năm 2026 của Chi đoàn 12A1 đã được công nhận; chỉ khi đơn vị cấp trên mở lại mới "
    "sửa được."
)


def lock(world, items, state):
    """The branch's results submitted (or recognised) with member assessed and member2's
    registration left as a draft (drafts do not hold the submission back)."""
    registration = approved(world, items)
    assessment_record(actor=None, registration=registration, areas=AREAS, today=date(2026, 5, 1))
    registration_save(
        actor=None, member=world.member2, year=YEAR, items=complete_items(world.member2)
    )
    branch_results_submit(actor=None, branch=world.branch, year=YEAR)
    if state == "recognised":
        branch_results_recognise(actor=None, branch=world.branch, year=YEAR)
    return Registration.objects.get(pk=registration.pk)


def in_state(world, state):
    """member2's registration moved to `state` behind the services' back."""
    Registration.objects.filter(member=world.member2, year=YEAR).update(state=state)
    return Registration.objects.get(member=world.member2, year=YEAR)


# (the write, the state member2's registration is put in first: one the workflow allows)
WRITES = {
    "save": (
        lambda w, r: registration_save(
            actor=None, member=w.member2, year=YEAR, items=complete_items(w.member2)
        ),
        "draft",
    ),
    "save a new registration": (
        lambda w, r: registration_save(
            actor=None, member=w.member2, year=YEAR, items=complete_items(w.member2)
        ),
        None,
    ),
    "submit": (
        lambda w, r: registration_submit(actor=None, registration=r, today=date(2025, 11, 1)),
        "returned",
    ),
    "approve": (lambda w, r: registration_approve(actor=None, registration=r), "submitted"),
    "return": (
        lambda w, r: registration_return(actor=None, registration=r, comment="Sửa lại"),
        "submitted",
    ),
    "self-assess": (
        lambda w, r: self_assessment_record(
            actor=None, registration=r, areas=AREAS, today=date(2026, 5, 1)
        ),
        "approved",
    ),
    "assess": (
        lambda w, r: assessment_record(
            actor=None, registration=r, areas=AREAS, today=date(2026, 5, 1)
        ),
        "approved",
    ),
    "register with the default set": (
        lambda w, r: registrations_apply_default(
            actor=None,
            branch=w.branch,
            year=YEAR,
            items=complete_items(w.member2),
            members=[w.member2],
        ),
        "draft",
    ),
}


def snapshot():
    return (
        list(Registration.objects.order_by("pk").values()),
        list(Registration.objects.values_list("items__criterion", flat=True).order_by("pk")),
        AuditEvent.objects.count(),
    )


LOCKS = [("submitted", SUBMITTED), ("recognised", RECOGNISED)]


@pytest.mark.parametrize("locked_by,message", LOCKS)
@pytest.mark.parametrize("write", list(WRITES))
def test_every_write_of_a_locked_year_is_refused_naming_the_state(
    world, items, write, locked_by, message
):
    lock(world, items, locked_by)
    apply, state = WRITES[write]
    if state is None:
        Registration.objects.filter(member=world.member2).delete()
        registration = None
    else:
        registration = in_state(world, state)
    before = snapshot()
    with pytest.raises(ValidationError) as e:
        apply(world, registration)
    assert e.value.code == "locked" and e.value.messages == [message]
    assert snapshot() == before


def test_the_lock_goes_with_a_return_and_a_reopening(world, items):
    registration = lock(world, items, "submitted")
    with pytest.raises(ValidationError):
        assessment_record(actor=None, registration=registration, areas=AREAS)
    BranchResult.objects.filter(branch=world.branch).update(state="recognised")
    branch_results_reopen(
        actor=world.province_cadre, branch=world.branch, year=YEAR, reason="Khiếu nại"
    )
    saved = assessment_record(
        actor=None, registration=registration, areas={**AREAS, "1": 10}, today=date(2026, 5, 1)
    )
    assert saved.level == "good"


def test_other_years_and_branches_are_not_locked(world, items):
    lock(world, items, "recognised")
    registration_save(
        actor=None,
        member=world.member_in_branch2,
        year=YEAR,
        items=complete_items(world.member_in_branch2),
    )
    registration_save(
        actor=None, member=world.member, year=YEAR + 1, items=complete_items(world.member, YEAR + 1)
    )


# --- On the pages: a message, never a field error or a 500 --------------------------------------


def errors_shown(client, response):
    assert response.status_code == 302, response.status_code
    after = client.get(response["Location"])
    assert after.status_code == 200
    return [str(m) for m in after.context["messages"] if m.level_tag == "error"]


@pytest.fixture
def locked(world, items):
    return lock(world, items, "submitted")


def test_the_member_page_neither_saves_nor_submits(client, world, locked):
    client.force_login(world.secretary)
    url = page(world.member2)
    response = client.get(url)
    assert not response.context["editable"]
    html = response.content.decode()
    assert 'id="registration"' not in html and SUBMITTED in html
    before = snapshot()
    for action in ("save", "submit"):
        response = client.post(url, form_data(complete_items(world.member2), action))
        assert errors_shown(client, response) == [SUBMITTED]
    assert snapshot() == before


def test_the_review_buttons_answer_with_the_reason(client, world, locked):
    in_state(world, "submitted")
    client.force_login(world.secretary)
    assert not client.get(page(world.member2)).context["can_review"]
    before = snapshot()
    for name, data in (("registration-approve", {}), ("registration-return", {"comment": "x"})):
        response = client.post(reverse(f"training:{name}", args=[world.member2.pk, YEAR]), data)
        assert errors_shown(client, response) == [SUBMITTED]
    assert snapshot() == before


def test_the_self_assessment_form_is_gone_and_a_post_is_refused(client, world, locked):
    client.force_login(world.member_user)
    response = client.get(page(world.member))
    assert "self_form" not in response.context and SUBMITTED in response.content.decode()
    before = snapshot()
    url = reverse("training:member-training-self-assess", args=[world.member.pk, YEAR])
    data = {f"area_{k}": v for k, v in AREAS.items()}
    assert errors_shown(client, client.post(url, data)) == [SUBMITTED]
    assert snapshot() == before


def test_the_assessment_row_is_refused_with_a_message(client, world, locked):
    client.force_login(world.secretary)
    url = reverse("training:branch-assessment-row", args=[world.branch.pk, YEAR, world.member.pk])
    data = {**{f"area_{k}": v for k, v in AREAS.items()}, "comment": "Tốt"}
    before = snapshot()
    assert errors_shown(client, client.post(url, data)) == [SUBMITTED]
    response = client.post(url, data, headers={"HX-Request": "true"})
    assert response.status_code == 200 and response["HX-Redirect"].endswith("/assessment/")
    assert snapshot() == before


def test_the_bulk_registration_is_refused_with_a_message(client, world, locked):
    client.force_login(world.secretary)
    url = reverse("training:branch-training-bulk", args=[world.branch.pk, YEAR])
    data = {**form_data(complete_items(world.member2)), "member": [str(world.member2.pk)]}
    before = snapshot()
    assert errors_shown(client, client.post(url, data)) == [SUBMITTED]
    assert snapshot() == before


def test_an_import_into_a_locked_year_is_refused_as_a_whole(world, locked, tmp_path):
    path = book(tmp_path, rows_for(world.member2))
    before = import_state()
    result = run(world, path)
    assert [(e.row, e.message) for e in result.errors] == [
        (
            None,
            "The results of Chi đoàn 12A1 for 2026 are submitted to Đoàn trường THPT Tân An: "
            "they change only if Đoàn trường THPT Tân An returns them.",
        )
    ]
    assert import_state() == before
