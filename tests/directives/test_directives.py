"""Directives: the workflow's table, the receipt states (rule and filter agree), publishing to
each audience with its receipts in one statement, the file checks (nothing kept on error),
reading, replies, reminders, withdrawal and supersession, the pages and the to-do list."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from doanvien.actions.todo import DIRECTIVES_TO_REPLY, DIRECTIVES_UNREAD, todo_for
from doanvien.core.models import AuditEvent
from doanvien.directives import rules, selectors, services, workflow
from doanvien.directives.models import (
    Attachment,
    AttachmentRules,
    Directive,
    Receipt,
    ReceiptState,
    State,
)
from doanvien.notifications.models import Kind, Notification

from ..factories import make_unit, make_user
from . import files

TODAY = date(2026, 5, 10)


def publish(world, unit=None, actor=None, files_=(), **data):
    data = {"title": "Triển khai Tháng Thanh niên", "number": "12-CV/TĐTN", **data}
    return services.directive_publish(
        actor=actor or world.province_cadre,
        unit=unit or world.province,
        data=data,
        files=list(files_),
    )


def stored_files() -> list[str]:
    if not default_storage.exists("directives"):
        return []
    found = []
    for folder in default_storage.listdir("directives")[0]:
        found += default_storage.listdir(f"directives/{folder}")[1]
    return found


# --- The workflow -----------------------------------------------------------------------------


@pytest.mark.parametrize("state", State.values)
@pytest.mark.parametrize("action", list(workflow.ACTIONS))
def test_only_the_moves_in_the_table_are_allowed(state, action):
    directive = Directive(state=state)
    if (state, action) in workflow.MOVES:
        assert workflow.next_state(directive, action) == workflow.MOVES[(state, action)]
    else:
        with pytest.raises(ValidationError) as e:
            workflow.next_state(directive, action)
        assert e.value.code == "illegal_transition"


def test_a_published_directive_is_never_edited_only_withdrawn_or_superseded():
    # Only a draft is edited (and deleted); publishing is its only way out.
    assert {s for s, action in workflow.MOVES if action in ("edit", "delete")} == {State.DRAFT}
    assert {to for (frm, _a), to in workflow.MOVES.items() if frm == State.DRAFT} == {
        State.DRAFT,
        State.PUBLISHED,
    }
    ends = {to for (frm, _a), to in workflow.MOVES.items() if frm == State.PUBLISHED}
    assert ends == {State.PUBLISHED, State.WITHDRAWN, State.SUPERSEDED}
    # Nothing leaves a withdrawn or superseded directive.
    assert not [k for k in workflow.MOVES if k[0] in (State.WITHDRAWN, State.SUPERSEDED)]


# --- The receipt's state ----------------------------------------------------------------------

NOW = timezone.now()


@pytest.mark.parametrize(
    ("read", "replied", "due", "required", "expected"),
    [
        (False, False, None, False, "unread"),
        (True, False, None, False, "read"),
        (True, True, None, True, "replied"),
        (False, False, -1, False, "late"),  # not read by the due date
        (True, False, -1, False, "read"),  # read: nothing more was asked
        (True, False, -1, True, "late"),  # read, but the reply is overdue
        (True, True, -1, True, "replied"),
        (False, False, 0, True, "unread"),  # the due date itself is still in time
    ],
)
def test_a_receipts_state(read, replied, due, required, expected):
    assert (
        rules.receipt_state(
            read_at=NOW if read else None,
            replied_at=NOW if replied else None,
            due_on=None if due is None else TODAY + timedelta(days=due),
            reply_required=required,
            today=TODAY,
        )
        == expected
    )


@settings(
    deadline=None, max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    marks=st.lists(st.tuples(st.booleans(), st.booleans()), min_size=6, max_size=6),
    due=st.one_of(st.none(), st.integers(-3, 3)),
    required=st.booleans(),
)
def test_the_counts_by_state_agree_with_the_rule_row_by_row(world, marks, due, required):
    """The page's counts and filters (one aggregate statement) equal the rule applied to each
    receipt."""
    directive = Directive.objects.filter(unit=world.province).first() or publish(
        world, audience="subtree"
    )
    due_on = None if due is None else TODAY + timedelta(days=due)
    Directive.objects.filter(pk=directive.pk).update(due_on=due_on, reply_required=required)
    directive.refresh_from_db()
    receipts = list(Receipt.objects.filter(directive=directive).order_by("pk"))
    assert len(receipts) == 6
    for receipt, (read, replied) in zip(receipts, marks, strict=True):
        Receipt.objects.filter(pk=receipt.pk).update(
            read_at=NOW if read or replied else None, replied_at=NOW if replied else None
        )
    expected = {s: 0 for s in ReceiptState.values}
    for read, replied in marks:
        state = rules.receipt_state(
            read_at=NOW if read or replied else None,
            replied_at=NOW if replied else None,
            due_on=due_on,
            reply_required=required,
            today=TODAY,
        )
        expected[state] += 1
    counts = selectors.receipt_counts(directive, TODAY)
    assert counts == {**expected, "total": 6}
    for state in ReceiptState.values:
        rows = selectors.receipts(directive, TODAY, state)
        assert {selectors.state_of(r, directive, TODAY) for r in rows} <= {state}
        assert rows.count() == expected[state]


# --- Publishing -------------------------------------------------------------------------------


def test_a_directive_reaches_its_audience(world):
    children = publish(world, audience="children")
    assert set(Receipt.objects.filter(directive=children).values_list("unit", flat=True)) == {
        world.district.pk
    }
    subtree = publish(world, audience="subtree")
    assert subtree.recipients == 6
    assert set(Receipt.objects.filter(directive=subtree).values_list("unit_path", flat=True)) == {
        u.path
        for u in (
            world.district,
            world.base,
            world.branch,
            world.branch2,
            world.other_base,
            world.other_branch,
        )
    }
    chosen = publish(world, audience="units", units=[world.branch.pk, world.other_base.pk])
    assert set(Receipt.objects.filter(directive=chosen).values_list("unit", flat=True)) == {
        world.branch.pk,
        world.other_base.pk,
    }


def test_inactive_units_and_units_outside_the_subtree_receive_nothing(world):
    world.branch2.is_active = False
    world.branch2.save()
    directive = publish(world, unit=world.base, actor=world.base_cadre)
    assert list(Receipt.objects.filter(directive=directive).values_list("unit", flat=True)) == [
        world.branch.pk
    ]
    elsewhere = make_unit(name="Tỉnh đoàn Khác", code="TK", level="province")
    with pytest.raises(ValidationError) as e:
        publish(world, unit=world.base, audience="units", units=[world.other_branch.pk])
    assert "units" in e.value.message_dict
    with pytest.raises(ValidationError):
        publish(world, unit=world.base, audience="units", units=[elsewhere.pk])
    with pytest.raises(ValidationError):  # a branch has nobody below it
        publish(world, unit=world.branch, actor=world.secretary)
    assert Directive.objects.count() == 1


def test_the_receipts_are_written_by_one_statement(world):
    for i in range(30):
        make_unit(world.other_base, name=f"Chi đoàn {i}", code=f"TN-TA-TH-{i}")
    with CaptureQueriesContext(connection) as queries:
        directive = publish(world, audience="subtree")
    inserts = [
        q["sql"] for q in queries.captured_queries if 'INSERT INTO "directives_receipt"' in q["sql"]
    ]
    assert len(inserts) == 1
    assert directive.recipients == 36 == Receipt.objects.filter(directive=directive).count()


def test_the_receiving_cadres_are_told_and_the_publication_audited(world):
    directive = publish(world, unit=world.base, actor=world.base_cadre, reply_required=True)
    told = Notification.objects.filter(kind=Kind.DIRECTIVE_RECEIVED)
    assert list(told.values_list("user", flat=True)) == [world.secretary.pk]
    assert told.get().url == reverse("directives:directive-detail", args=[directive.pk])
    event = AuditEvent.objects.get(action="directive.published")
    assert event.target_id == directive.pk and event.changes["recipients"] == [None, 2]


def test_required_fields_and_dates(world):
    with pytest.raises(ValidationError) as e:
        publish(world, title="", number="", due_on="2026-01-01", issued_on="2026-02-01")
    assert {"title", "number", "due_on"} <= set(e.value.message_dict)
    with pytest.raises(ValidationError) as e:
        publish(world, audience="everyone")
    assert "audience" in e.value.message_dict
    assert not Directive.objects.exists()


# --- Files ------------------------------------------------------------------------------------


def test_the_allowed_files_are_kept(world):
    directive = publish(world, files_=[files.pdf(), files.docx(), files.xlsx()])
    names = list(directive.files.values_list("name", flat=True))
    assert names == ["cong-van.pdf", "ke-hoach.docx", "bieu-mau.xlsx"]
    kept = directive.files.first()
    with default_storage.open(kept.file.name, "rb") as handle:
        assert handle.read() == files.PDF


@pytest.mark.parametrize(
    ("upload", "words"),
    [
        (lambda: files.upload("virus.exe", b"MZ..."), "chỉ được đính kèm tệp PDF, DOCX và XLSX"),
        (lambda: files.upload("gia.pdf", files.DOCX), "không phải tệp PDF"),
        (lambda: files.upload("gia.docx", files.PDF), "không phải tệp Word"),
        (lambda: files.upload("bang.docx", files.XLSX), "không phải tệp Word"),
        (lambda: files.upload("van-ban.xlsx", files.DOCX), "không phải tệp Excel"),
        (lambda: files.upload("hong.xlsx", b"PK\x03\x04 broken"), "không phải tệp Excel"),
        (lambda: files.upload("rong.pdf", b""), "trống"),
    ],
)
def test_a_bad_file_is_refused_in_vietnamese_and_nothing_is_kept(world, upload, words):
    with translation.override("vi"), pytest.raises(ValidationError) as e:
        publish(world, files_=[files.pdf(), upload()])
    assert words in " ".join(e.value.message_dict["files"])
    assert not Directive.objects.exists() and not Receipt.objects.exists()
    assert not Attachment.objects.exists() and stored_files() == []


def test_the_size_and_count_limits_are_data(world):
    AttachmentRules.objects.create(max_bytes=50, max_files=2)
    with translation.override("vi"), pytest.raises(ValidationError) as e:
        publish(world, files_=[files.pdf()])
    assert "quá lớn" in e.value.message_dict["files"][0]
    AttachmentRules.objects.update(max_bytes=10_000)
    with pytest.raises(ValidationError):
        publish(world, files_=[files.pdf(), files.docx(), files.xlsx()])
    assert publish(world, files_=[files.pdf(), files.docx()]).files.count() == 2
    assert len(stored_files()) == 2


def test_the_virus_check_hook_refuses_a_file(world, settings):
    settings.UPLOAD_SCANNER = "tests.directives.files.refuse_eicar"
    infected = files.upload("nhiem.pdf", files.PDF + b"EICAR")
    with pytest.raises(ValidationError) as e:
        publish(world, files_=[files.pdf(), infected])
    assert "EICAR test signature" in e.value.message_dict["files"][0]
    assert stored_files() == []
    assert publish(world, files_=[files.pdf()]).files.count() == 1


def test_files_saved_before_a_failure_are_removed(world):
    """A failure after the files were written (here: no unit receives it) leaves none."""
    world.district.is_active = False
    world.district.save()
    with pytest.raises(ValidationError):
        publish(world, audience="children", files_=[files.pdf()])
    assert stored_files() == [] and not Directive.objects.exists()


# --- Receiving --------------------------------------------------------------------------------


def test_opening_the_page_records_the_unit_as_read_by_its_first_reader(client, world):
    directive = publish(world, unit=world.base, actor=world.base_cadre)
    client.force_login(world.secretary)
    page = client.get(reverse("directives:directive-detail", args=[directive.pk]))
    assert page.status_code == 200 and directive.title in page.content.decode()
    receipt = Receipt.objects.get(directive=directive, unit=world.branch)
    assert receipt.read_by == world.secretary and receipt.read_at is not None
    first = receipt.read_at
    deputy = make_user("deputy", role="deputy", unit=world.branch)
    client.force_login(deputy)
    client.get(reverse("directives:directive-detail", args=[directive.pk]))
    receipt.refresh_from_db()
    assert receipt.read_by == world.secretary and receipt.read_at == first
    # The issuing unit's cadre opening it marks nothing; the other branch is still unread.
    client.force_login(world.base_cadre)
    client.get(reverse("directives:directive-detail", args=[directive.pk]))
    assert Receipt.objects.get(directive=directive, unit=world.branch2).read_at is None


def test_a_reply_once_while_published_and_required(world):
    directive = publish(world, unit=world.base, actor=world.base_cadre, reply_required=True)
    with pytest.raises(ValidationError) as e:
        services.directive_reply(actor=world.secretary, directive=directive, text="")
    assert "reply" in e.value.message_dict
    receipt = services.directive_reply(
        actor=world.secretary, directive=directive, text="Đã triển khai", files=[files.docx()]
    )
    assert receipt.unit == world.branch and receipt.read_at and receipt.replied_at
    assert receipt.files.get().name == "ke-hoach.docx"
    # The sending unit's cadre is told, with a link to the directive; the replier is not.
    told = Notification.objects.filter(kind=Kind.DIRECTIVE_REPLIED)
    assert set(told.values_list("user_id", flat=True)) == {world.base_cadre.pk}
    assert world.branch.name in told.get().title
    assert told.get().url == reverse("directives:directive-detail", args=[directive.pk])
    with pytest.raises(ValidationError) as e:
        services.directive_reply(actor=world.secretary, directive=directive, text="Lần hai")
    assert e.value.code == "already_replied"
    plain = publish(world, unit=world.base, actor=world.base_cadre)
    with pytest.raises(ValidationError) as e:
        services.directive_reply(actor=world.secretary, directive=plain, text="Không cần")
    assert e.value.code == "precondition"


def test_late_units_and_reminders(world):
    directive = publish(
        world,
        unit=world.base,
        actor=world.base_cadre,
        issued_on=date.today() - timedelta(days=10),
        due_on=date.today() - timedelta(days=1),
    )
    secretary2 = make_user("secretary2", role="secretary", unit=world.branch2)
    services.directive_read(actor=world.secretary, directive=directive)
    counts = selectors.receipt_counts(directive, date.today())
    assert counts["read"] == 1 and counts["late"] == 1
    reminded = services.directive_remind(actor=world.base_cadre, directive=directive)
    assert reminded == 1
    reminders = Notification.objects.filter(kind=Kind.DIRECTIVE_REMINDER)
    assert list(reminders.values_list("user", flat=True)) == [secretary2.pk]
    assert Receipt.objects.get(directive=directive, unit=world.branch2).reminded_at
    assert Receipt.objects.get(directive=directive, unit=world.branch).reminded_at is None
    directive.refresh_from_db()
    assert directive.reminded_at is not None
    assert AuditEvent.objects.filter(action="directive.reminded", target_id=directive.pk).exists()


def test_withdrawal_is_recorded_with_its_reason_and_ends_the_directive(world):
    directive = publish(world, unit=world.base, actor=world.base_cadre, reply_required=True)
    with pytest.raises(ValidationError) as e:
        services.directive_withdraw(actor=world.base_cadre, directive=directive, reason=" ")
    assert "reason" in e.value.message_dict
    services.directive_withdraw(actor=world.base_cadre, directive=directive, reason="Nhầm số")
    directive.refresh_from_db()
    assert directive.state == State.WITHDRAWN and directive.withdrawn_reason == "Nhầm số"
    event = AuditEvent.objects.get(action="directive.withdrawn")
    assert event.changes["reason"] == [None, "Nhầm số"]
    for move in (
        lambda: services.directive_withdraw(
            actor=world.base_cadre, directive=directive, reason="x"
        ),
        lambda: services.directive_reply(actor=world.secretary, directive=directive, text="x"),
        lambda: services.directive_read(actor=world.secretary, directive=directive),
        lambda: services.directive_remind(actor=world.base_cadre, directive=directive),
    ):
        with pytest.raises(ValidationError) as e:
            move()
        assert e.value.code == "illegal_transition"


def test_a_new_directive_supersedes_an_old_one_once(world):
    old = publish(world, unit=world.base, actor=world.base_cadre)
    new = publish(world, unit=world.base, actor=world.base_cadre, supersedes=old.pk, number="2")
    old.refresh_from_db()
    assert old.state == State.SUPERSEDED and new.supersedes == old
    with pytest.raises(ValidationError):
        publish(world, unit=world.base, actor=world.base_cadre, supersedes=old.pk, number="3")
    other = publish(world)  # the province's: not the base union's to supersede
    with pytest.raises(ValidationError) as e:
        publish(world, unit=world.base, actor=world.base_cadre, supersedes=other.pk)
    assert "supersedes" in e.value.message_dict


def test_the_todo_list_shows_unread_directives_and_replies_due(world):
    directive = publish(world, unit=world.base, actor=world.base_cadre, reply_required=True)
    kinds = {i["kind"]: i for i in todo_for(world.secretary)}
    assert kinds[DIRECTIVES_UNREAD]["count"] == 1 and kinds[DIRECTIVES_TO_REPLY]["count"] == 1
    services.directive_read(actor=world.secretary, directive=directive)
    kinds = {i["kind"] for i in todo_for(world.secretary)}
    assert DIRECTIVES_UNREAD not in kinds and DIRECTIVES_TO_REPLY in kinds
    services.directive_reply(actor=world.secretary, directive=directive, text="Xong")
    assert not {DIRECTIVES_UNREAD, DIRECTIVES_TO_REPLY} & {
        i["kind"] for i in todo_for(world.secretary)
    }
    assert not {DIRECTIVES_UNREAD, DIRECTIVES_TO_REPLY} & {
        i["kind"] for i in todo_for(world.member_user)
    }


# --- Pages ------------------------------------------------------------------------------------


def test_the_publishing_form_publishes_with_files(client, world):
    client.force_login(world.base_cadre)
    url = reverse("directives:directive-publish", args=[world.base.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "number": "05-KH/ĐTN",
            "title": "Kế hoạch tháng 3",
            "issued_on": "2026-03-01",
            "audience": "units",
            "units": [world.branch2.pk],
            "body": "Nội dung",
            "files": [files.pdf(), files.xlsx()],
        },
    )
    directive = Directive.objects.get()
    assert response.status_code == 302
    assert directive.files.count() == 2 and directive.recipients == 1
    bad = client.post(
        url,
        {
            "number": "06",
            "title": "Sai tệp",
            "issued_on": "2026-03-01",
            "audience": "children",
            "files": [files.upload("x.pdf", b"not a pdf")],
        },
        HTTP_ACCEPT_LANGUAGE="vi",
    )
    assert bad.status_code == 200 and "không phải tệp PDF" in bad.content.decode()
    assert Directive.objects.count() == 1


def test_the_sender_sees_receipts_filtered_and_paged(client, world, settings):
    settings.PAGE_SIZE = 2
    directive = publish(world, audience="subtree")
    client.force_login(world.province_cadre)
    url = reverse("directives:directive-detail", args=[directive.pk])
    page = client.get(url)
    body = page.content.decode()
    assert 'id="receipt-table"' in body and body.count("<tr data-unit=") == 2
    assert page.context["counts"]["total"] == 6 and page.context["page"].has_next
    services.directive_read(actor=world.secretary, directive=directive)
    read = client.get(url, {"state": "read"})
    assert [r.unit_id for r, _s, _f in read.context["receipts"]] == [world.branch.pk]
    # A receiving unit sees its own receipt, not the table.
    client.force_login(world.secretary)
    assert 'id="receipt-table"' not in client.get(url).content.decode()


def test_the_units_directives_page_lists_sent_and_received(client, world):
    directive = publish(world, unit=world.base, actor=world.base_cadre)
    client.force_login(world.base_cadre)
    sent = client.get(reverse("directives:unit-directives", args=[world.base.pk]), {"box": "sent"})
    assert directive.title in sent.content.decode()
    client.force_login(world.secretary)
    url = reverse("directives:unit-directives", args=[world.branch.pk])
    assert directive.title in client.get(url, {"unread": "1"}).content.decode()
    services.directive_read(actor=world.secretary, directive=directive)
    assert directive.title not in client.get(url, {"unread": "1"}).content.decode()


def test_files_are_served_only_to_those_in_scope(client, world):
    directive = publish(
        world, unit=world.base, actor=world.base_cadre, files_=[files.pdf()], reply_required=True
    )
    services.directive_reply(
        actor=world.secretary, directive=directive, text="Báo cáo", files=[files.xlsx()]
    )
    own, reply = directive.files.order_by("id")
    # No public URL serves the kept file: only the scoped view does.
    client.force_login(world.base_cadre)
    assert client.get(own.file.url).status_code == 404
    for user, allowed in (
        (world.secretary, {own, reply}),
        (world.base_cadre, {own, reply}),
        (world.province_cadre, {own, reply}),
        (world.outsider, set()),
        (world.member_user, set()),
    ):
        client.force_login(user)
        for attachment in (own, reply):
            response = client.get(reverse("directives:attachment", args=[attachment.pk]))
            assert response.status_code == (200 if attachment in allowed else 404), user
    secretary2 = make_user("secretary2", role="secretary", unit=world.branch2)
    client.force_login(secretary2)
    assert client.get(reverse("directives:attachment", args=[own.pk])).status_code == 200
    assert client.get(reverse("directives:attachment", args=[reply.pk])).status_code == 404
