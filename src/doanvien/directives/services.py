"""Writes of the directives app: publish (with its receipts written in one statement, its files
kept through the storage API, the receiving cadres told), record as read, reply, remind,
withdraw, supersede. Keyword-only, one transaction each, audited."""

import contextlib
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.db.models import Value
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from doanvien.accounts.models import User
from doanvien.core import audit
from doanvien.core.dates import parse_date
from doanvien.core.text import normalize, text_fault
from doanvien.core.transactions import atomic
from doanvien.notifications.models import Kind as NotificationKind
from doanvien.notifications.services import notify
from doanvien.units.models import Unit

from . import rules
from .access import ACT_ROLES, acting_units
from .models import Attachment, AttachmentRules, Audience, Directive, Receipt, State
from .workflow import next_state

# People told in one batch (their rows written by one statement).
NOTIFY_BATCH = 2000


# --- Files ------------------------------------------------------------------------------------


def limits() -> rules.Limits:
    """The attachment limits: the row of AttachmentRules, else its defaults."""
    row = AttachmentRules.objects.order_by("pk").first() or AttachmentRules()
    return rules.Limits(max_bytes=row.max_bytes, max_files=row.max_files)


def scan(files) -> None:
    """The virus-scan hook (docs/directives.md): settings.UPLOAD_SCANNER names a callable taking
    an uploaded file; it returns None for a clean file and a reason (text) for one to refuse, or
    raises ValidationError. Called on every file before anything is kept."""
    name = getattr(settings, "UPLOAD_SCANNER", "")
    if not name:
        return
    scanner = import_string(name)
    faults = []
    for upload in files:
        upload.seek(0)
        try:
            reason = scanner(upload)
        except ValidationError as e:
            reason = " ".join(e.messages)
        upload.seek(0)
        if reason:
            faults.append(
                _("The file “%(name)s” was refused by the virus check: %(reason)s")
                % {"name": upload.name, "reason": reason}
            )
    if faults:
        raise ValidationError({"files": faults})


def check_files(files) -> list:
    files = [f for f in files or [] if f]
    rules.refuse_files(files, limits())
    scan(files)
    return files


def _keep(*, actor, directive: Directive, receipt: Receipt | None, files, kept: list) -> None:
    """Keep the files through the storage API; `kept` collects their storage names so that the
    caller deletes them if its transaction fails."""
    for upload in files:
        upload.seek(0)
        attachment = Attachment(
            directive=directive,
            receipt=receipt,
            name=(upload.name or "")[:200],
            size=upload.size,
            uploaded_by=actor if getattr(actor, "pk", None) else None,
        )
        attachment.file.save(upload.name, upload, save=False)
        kept.append(attachment.file.name)
        attachment.save()


def _forget(kept: list) -> None:
    for name in kept:
        # Best effort: no row points to it any more.
        with contextlib.suppress(OSError):
            default_storage.delete(name)


# --- Who is told ------------------------------------------------------------------------------


def _tell(units, *, kind: str, title: str, url: str, actor) -> int:
    """Notify the people acting for the units (a queryset of unit ids), in batches."""
    people = (
        User.objects.filter(
            is_active=True, roles__unit_id__in=units, roles__role__in=list(ACT_ROLES)
        )
        .values_list("pk", flat=True)
        .distinct()
        .order_by("pk")
    )
    told, last = 0, 0
    while True:
        ids = list(people.filter(pk__gt=last)[:NOTIFY_BATCH])
        if not ids:
            return told
        told += notify(
            users=User.objects.filter(pk__in=ids), kind=kind, title=title, url=url, exclude=actor
        )
        last = ids[-1]


# --- Publishing -------------------------------------------------------------------------------


def _date(value, field: str) -> date | None:
    if value in (None, ""):
        return None
    try:
        parsed = value if isinstance(value, date) else parse_date(value)
    except (ValueError, TypeError):
        parsed = None
    if parsed is None:
        raise ValidationError({field: _("Enter a date as dd/mm/yyyy or YYYY-MM-DD.")})
    return parsed


def _text(data: dict, name: str, most: int, errors: dict, required: str | None) -> str:
    """The text field `name`, normalised; `required`: the message when it is empty (None: it
    may be)."""
    value = normalize(str(data.get(name) or ""))
    if not value:
        if required:
            errors[name] = required
    elif len(value) > most:
        errors[name] = _("At most %(n)s characters.") % {"n": most}
    elif text_fault(value):
        errors[name] = text_fault(value)
    return value


def _ids(values) -> list[int]:
    if isinstance(values, str):
        values = [v for v in values.replace(";", ",").split(",") if v.strip()]
    try:
        return sorted({int(v) for v in values or []})
    except (TypeError, ValueError):
        raise ValidationError({"units": _("Send a list of unit ids.")}) from None


def _below(unit: Unit):
    return Unit.objects.filter(path__startswith=unit.path, depth__gt=unit.depth, is_active=True)


def chosen_units(unit: Unit, chosen, *, required: bool = True) -> list[int]:
    """The ids of the chosen units, each an active unit under `unit` (refused otherwise, naming
    the ids at fault); none chosen is refused when `required`."""
    ids = _ids(chosen)
    if not ids:
        if required:
            raise ValidationError({"units": _("Choose the units that receive the directive.")})
        return []
    found = set(_below(unit).filter(pk__in=ids).values_list("pk", flat=True))
    missing = [i for i in ids if i not in found]
    if missing:
        raise ValidationError(
            {
                "units": _("These units are not active units under the issuing unit: %(ids)s.")
                % {"ids": ", ".join(map(str, missing))}
            }
        )
    return ids


def audience_units(unit: Unit, audience: str, chosen=()):
    """The active units a directive of `unit` to this audience reaches (a queryset)."""
    below = _below(unit)
    if audience == Audience.CHILDREN:
        return below.filter(depth=unit.depth + 1)
    if audience == Audience.SUBTREE:
        return below
    return below.filter(pk__in=chosen_units(unit, chosen))


def _clean(unit: Unit, data: dict, today: date, *, draft: bool = False) -> dict:
    """The directive's fields, checked. A draft needs its title only; what else it holds is
    checked as far as it is given, and all of it again when it is published."""
    errors: dict = {}
    clean = {
        "title": _text(data, "title", 300, errors, _("Enter the title.")),
        "number": _text(
            data, "number", 50, errors, None if draft else _("Enter the directive's number.")
        ),
        "body": str(data.get("body") or "").strip(),
    }
    if text_fault(clean["body"]):
        errors["body"] = text_fault(clean["body"])
    try:
        clean["issued_on"] = _date(data.get("issued_on"), "issued_on") or today
        clean["due_on"] = _date(data.get("due_on"), "due_on")
    except ValidationError as e:
        errors.update(e.message_dict)
    else:
        if clean["due_on"] and clean["due_on"] < clean["issued_on"]:
            errors["due_on"] = _("The due date cannot be before the directive's date.")
    audience = data.get("audience") or Audience.CHILDREN
    if audience not in Audience.values:
        errors["audience"] = _("Choose “children”, “subtree” or “units”.")
    clean["audience"] = audience
    clean["reply_required"] = data.get("reply_required") in (True, "1", "true", "on", "yes")
    if errors:
        raise ValidationError(errors)
    return clean


def _superseded(unit: Unit, value, *, directive: Directive | None = None) -> Directive | None:
    """The published directive of the unit that `value` names to be superseded; refused when
    another directive (a draft) already names it."""
    if value in (None, ""):
        return None
    old = (
        Directive.objects.select_for_update()
        .filter(pk=value if str(value).isdigit() else None, unit=unit)
        .exclude(state=State.DRAFT)
        .first()
    )
    if old is None:
        raise ValidationError(
            {"supersedes": _("Choose a directive this unit issued to be superseded.")}
        )
    named = Directive.objects.filter(supersedes=old)
    if directive is not None:
        named = named.exclude(pk=directive.pk)
    if named.exists():
        raise ValidationError(
            {"supersedes": _("Another directive already supersedes %(old)s.") % {"old": old}}
        )
    return old


def _insert_receipts(directive: Directive, units) -> int:
    """One INSERT … SELECT for every receiving unit: the receipts of a province's whole subtree
    (tens of thousands of units) are one statement, never a loop in Python."""
    rows = units.order_by().values_list(Value(directive.pk), "pk", "path", Value(""))
    sql, params = rows.query.sql_with_params()
    table = connection.ops.quote_name(Receipt._meta.db_table)
    columns = ", ".join(
        connection.ops.quote_name(c) for c in ("directive_id", "unit_id", "unit_path", "reply")
    )
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} ({columns}) {sql}", params)
        return cursor.rowcount


def _send(*, actor, directive: Directive, units, old: Directive | None, files: int) -> None:
    """Publish `directive` (saved, not yet sent): its receipts, the old directive it
    supersedes ended, the receiving cadres told, the audit."""
    unit = directive.unit
    directive.state = next_state(directive, "publish") if directive.is_draft else State.PUBLISHED
    directive.published_at = timezone.now()
    directive.recipients = _insert_receipts(directive, units)
    if not directive.recipients:
        raise ValidationError({"audience": _("No active unit receives this directive.")})
    directive.save(update_fields=["state", "published_at", "recipients"])
    if old is not None:
        old.state = next_state(old, "supersede")
        old.save(update_fields=["state"])
        audit.record(
            actor=actor,
            action="directive.superseded",
            target=old,
            unit_path=unit.path,
            summary=f"{old} → {directive.number}",
            changes={"state": [State.PUBLISHED, State.SUPERSEDED]},
        )
    _tell(
        Receipt.objects.filter(directive=directive).values("unit_id"),
        kind=NotificationKind.DIRECTIVE_RECEIVED,
        title=_("New directive from %(unit)s: %(title)s") % {"unit": unit.name, "title": directive},
        url=reverse("directives:directive-detail", args=[directive.pk]),
        actor=actor,
    )
    audit.record(
        actor=actor,
        action="directive.published",
        target=directive,
        unit_path=unit.path,
        summary=f"{unit.name} · {directive}",
        changes={
            "audience": [None, directive.audience],
            "recipients": [None, directive.recipients],
            "files": [None, files],
        },
    )


def _issuer(unit: Unit) -> None:
    if unit.is_branch or not unit.is_active:
        raise ValidationError(_("Directives are issued by an active union to the units under it."))


@atomic
def directive_publish(*, actor, unit: Unit, data: dict, files=(), today=None) -> Directive:
    """Publish a directive of `unit` to its audience (data: title, number, body, issued_on,
    audience, units, due_on, reply_required, supersedes). Its files are checked (type, size,
    content, the virus-check hook) before anything is kept; a receipt is written for every
    receiving unit and their cadres are told. Superseding a directive ends it."""
    today = today or timezone.localdate()
    _issuer(unit)
    clean = _clean(unit, data, today)
    units = audience_units(unit, clean["audience"], data.get("units"))
    chosen = chosen_units(unit, data.get("units")) if clean["audience"] == Audience.UNITS else []
    files = check_files(files)
    old = _superseded(unit, data.get("supersedes"))
    if old is not None:
        next_state(old, "supersede")  # refused before anything is written
    kept: list = []
    try:
        directive = Directive.objects.create(
            unit=unit,
            unit_path=unit.path,
            created_by=actor,
            supersedes=old,
            chosen_units=chosen,
            state=State.PUBLISHED,
            **clean,
        )
        _keep(actor=actor, directive=directive, receipt=None, files=files, kept=kept)
        _send(actor=actor, directive=directive, units=units, old=old, files=len(files))
    except BaseException:
        _forget(kept)
        raise
    return directive


# --- Drafts -----------------------------------------------------------------------------------


def _draft_values(directive: Directive) -> dict:
    """A draft's fields as the services take them."""
    return {
        "title": directive.title,
        "number": directive.number,
        "body": directive.body,
        "issued_on": directive.issued_on,
        "audience": directive.audience,
        "units": directive.chosen_units,
        "due_on": directive.due_on,
        "reply_required": directive.reply_required,
        "supersedes": directive.supersedes_id,
    }


def _draft_fields(unit: Unit, data: dict, today: date, directive: Directive | None) -> dict:
    clean = _clean(unit, data, today, draft=True)
    clean["chosen_units"] = chosen_units(unit, data.get("units"), required=False)
    if clean["audience"] != Audience.UNITS:
        clean["chosen_units"] = []
    clean["supersedes"] = _superseded(unit, data.get("supersedes"), directive=directive)
    return clean


def _draft_files(files, already: int) -> list:
    files = check_files(files)
    most = limits().max_files
    if files and already + len(files) > most:
        raise ValidationError(
            {
                "files": _("At most %(n)s files can be attached; the draft would have %(total)s.")
                % {"n": most, "total": already + len(files)}
            }
        )
    return files


@atomic
def directive_draft_save(*, actor, unit: Unit, data: dict, files=(), today=None) -> Directive:
    """Keep a directive of `unit` as a draft (the fields of directive_publish): nothing is sent,
    no receipt is written and nobody is told; only the unit's cadres see it. A draft needs its
    title; the rest is checked as far as it is given, and all of it when it is published."""
    today = today or timezone.localdate()
    _issuer(unit)
    clean = _draft_fields(unit, data, today, None)
    files = _draft_files(files, 0)
    kept: list = []
    try:
        directive = Directive.objects.create(
            unit=unit, unit_path=unit.path, created_by=actor, state=State.DRAFT, **clean
        )
        _keep(actor=actor, directive=directive, receipt=None, files=files, kept=kept)
        audit.record(
            actor=actor,
            action="directive.drafted",
            target=directive,
            unit_path=unit.path,
            summary=f"{unit.name} · {directive}",
            changes={"state": [None, State.DRAFT], "files": [None, len(files)]},
        )
    except BaseException:
        _forget(kept)
        raise
    return directive


def _locked_draft(directive: Directive, action: str) -> Directive:
    directive = Directive.objects.select_for_update().select_related("unit").get(pk=directive.pk)
    next_state(directive, action)
    return directive


@atomic
def directive_draft_update(
    *, actor, directive: Directive, data: dict, files=(), remove=(), today=None, publish=False
) -> Directive:
    """Change a draft: the fields given in `data` replace its own (the others stay), `files`
    are added and the draft's files whose ids are in `remove` are deleted; `publish`: then
    publish it, all or nothing (a refusal to publish keeps none of the changes)."""
    today = today or timezone.localdate()
    directive = _locked_draft(directive, "edit")
    unit = directive.unit
    before = _draft_values(directive)
    clean = _draft_fields(unit, {**before, **data}, today, directive)
    drop = list(directive.files.filter(receipt=None, pk__in=_ids_of(remove)))
    files = _draft_files(files, directive.files.filter(receipt=None).count() - len(drop))
    kept: list = []
    try:
        for name, value in clean.items():
            setattr(directive, name, value)
        directive.save()
        _keep(actor=actor, directive=directive, receipt=None, files=files, kept=kept)
        gone = [f.file.name for f in drop]
        for attachment in drop:
            attachment.delete()
        transaction.on_commit(lambda: _forget(gone))
        after = _draft_values(directive)
        changes = {
            k: [str(before[k]), str(after[k])] for k in after if str(before[k]) != str(after[k])
        }
        if files or drop:
            changes["files"] = [len(drop), len(files)]
        audit.record(
            actor=actor,
            action="directive.draft_changed",
            target=directive,
            unit_path=unit.path,
            summary=str(directive),
            changes=changes,
        )
        if publish:
            directive = directive_draft_publish(actor=actor, directive=directive, today=today)
    except BaseException:
        _forget(kept)
        raise
    return directive


def _ids_of(values) -> list[int]:
    try:
        return [int(v) for v in values or []]
    except (TypeError, ValueError):
        raise ValidationError({"remove": _("Send a list of file ids.")}) from None


@atomic
def directive_draft_delete(*, actor, directive: Directive) -> None:
    """Delete a draft with its files (it was never sent: nothing else refers to it)."""
    directive = _locked_draft(directive, "delete")
    gone = [f.file.name for f in directive.files.all()]
    audit.record(
        actor=actor,
        action="directive.draft_deleted",
        target=directive,
        unit_path=directive.unit_path,
        summary=str(directive),
        changes={"state": [State.DRAFT, None]},
    )
    directive.delete()
    transaction.on_commit(lambda: _forget(gone))


@atomic
def directive_draft_publish(*, actor, directive: Directive, today=None) -> Directive:
    """Publish a draft: every field is checked as directive_publish checks it (its number, its
    audience, its dates), then its receipts are written and the receiving cadres told."""
    today = today or timezone.localdate()
    directive = _locked_draft(directive, "publish")
    unit = directive.unit
    _issuer(unit)
    values = _draft_values(directive)
    clean = _clean(unit, values, today)
    units = audience_units(unit, clean["audience"], values["units"])
    old = _superseded(unit, values["supersedes"], directive=directive)
    if old is not None:
        next_state(old, "supersede")
    _send(
        actor=actor,
        directive=directive,
        units=units,
        old=old,
        files=directive.files.filter(receipt=None).count(),
    )
    return directive


# --- Receiving --------------------------------------------------------------------------------


@atomic
def directive_read(*, actor, directive: Directive) -> int:
    """Record the directive as read by the units the actor acts for (the first reader and the
    time stay). How many receipts were newly marked."""
    directive = Directive.objects.get(pk=directive.pk)
    next_state(directive, "read")
    return Receipt.objects.filter(
        directive=directive, unit_id__in=acting_units(actor), read_at__isnull=True
    ).update(read_at=timezone.now(), read_by=actor)


@atomic
def directive_reply(*, actor, directive: Directive, text: str, files=(), unit_id=None) -> Receipt:
    """The reply of a receiving unit the actor acts for (text and files): once, while the
    directive is published and asks for one; it records the unit as having read it too."""
    directive = Directive.objects.get(pk=directive.pk)
    next_state(directive, "reply")
    if not directive.reply_required:
        raise ValidationError(_("This directive asks for no reply."), code="precondition")
    receipts = Receipt.objects.select_for_update().filter(
        directive=directive, unit_id__in=acting_units(actor)
    )
    if unit_id not in (None, ""):
        receipts = receipts.filter(unit_id=int(unit_id) if str(unit_id).isdigit() else None)
    receipt = receipts.order_by("replied_at", "pk").first()
    if receipt is None:
        raise ValidationError(_("None of your units received this directive."), code="precondition")
    if receipt.replied_at is not None:
        raise ValidationError(
            _("Your unit has already replied to this directive."), code="already_replied"
        )
    text = str(text or "").strip()
    if text_fault(text):
        raise ValidationError({"reply": text_fault(text)})
    files = [f for f in files or [] if f]
    if not text and not files:
        raise ValidationError({"reply": _("Write the reply or attach a file.")})
    files = check_files(files)
    now = timezone.now()
    kept: list = []
    try:
        if receipt.read_at is None:
            receipt.read_at, receipt.read_by = now, actor
        receipt.replied_at, receipt.replied_by, receipt.reply = now, actor, text
        receipt.save(update_fields=["read_at", "read_by", "replied_at", "replied_by", "reply"])
        _keep(actor=actor, directive=directive, receipt=receipt, files=files, kept=kept)
        audit.record(
            actor=actor,
            action="directive.replied",
            target=directive,
            unit_path=receipt.unit_path,
            summary=f"{directive}",
            changes={"files": [None, len(files)]},
        )
        # The sending unit's people are told (they see it in the receipts too).
        _tell(
            [directive.unit_id],
            kind=NotificationKind.DIRECTIVE_REPLIED,
            title=_("%(unit)s replied to %(title)s")
            % {"unit": Unit.objects.get(pk=receipt.unit_id).name, "title": directive},
            url=reverse("directives:directive-detail", args=[directive.pk]),
            actor=actor,
        )
    except BaseException:
        _forget(kept)
        raise
    return receipt


# --- The issuing unit's moves -----------------------------------------------------------------


@atomic
def directive_remind(*, actor, directive: Directive) -> int:
    """Remind the receiving units that have not opened the directive: their cadres are told and
    the time is recorded on their receipts and on the directive. How many units."""
    directive = Directive.objects.select_for_update().get(pk=directive.pk)
    next_state(directive, "remind")
    now = timezone.now()
    unread = Receipt.objects.filter(
        directive=directive, read_at__isnull=True, replied_at__isnull=True
    )
    count = unread.update(reminded_at=now)
    if count:
        _tell(
            Receipt.objects.filter(directive=directive, reminded_at=now).values("unit_id"),
            kind=NotificationKind.DIRECTIVE_REMINDER,
            title=_("Reminder: please read the directive %(title)s") % {"title": directive},
            url=reverse("directives:directive-detail", args=[directive.pk]),
            actor=actor,
        )
    directive.reminded_at = now
    directive.save(update_fields=["reminded_at"])
    audit.record(
        actor=actor,
        action="directive.reminded",
        target=directive,
        unit_path=directive.unit_path,
        summary=f"{directive} · {count}",
        changes={"reminded": [None, count]},
    )
    return count


@atomic
def directive_withdraw(*, actor, directive: Directive, reason: str) -> Directive:
    """Withdraw a published directive, with the reason (recorded; the receipts stay)."""
    directive = Directive.objects.select_for_update().get(pk=directive.pk)
    state = next_state(directive, "withdraw")
    reason = str(reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for withdrawing the directive.")})
    if text_fault(reason):
        raise ValidationError({"reason": text_fault(reason)})
    directive.state, directive.withdrawn_reason = state, reason
    directive.withdrawn_at = timezone.now()
    directive.save(update_fields=["state", "withdrawn_reason", "withdrawn_at"])
    audit.record(
        actor=actor,
        action="directive.withdrawn",
        target=directive,
        unit_path=directive.unit_path,
        summary=str(directive),
        changes={"state": [State.PUBLISHED, state], "reason": [None, reason]},
    )
    return directive
