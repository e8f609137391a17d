"""The rules of directives as functions of their inputs: the state of a unit's receipt (what
the sender sees), the same as a database filter, and what an attached file must be."""

import zipfile
from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from .models import ReceiptState

# --- The receipt's state ----------------------------------------------------------------------


def overdue(due_on: date | None, today: date) -> bool:
    """The due date has passed (the due date itself is still in time)."""
    return due_on is not None and today > due_on


def receipt_state(
    *,
    read_at: datetime | None,
    replied_at: datetime | None,
    due_on: date | None,
    reply_required: bool,
    today: date,
) -> str:
    """replied: the unit replied; late: the due date passed and the unit has not done what was
    asked (replied, when a reply is required; read, otherwise); read: opened by one of its
    cadres; unread: not yet opened."""
    if replied_at is not None:
        return ReceiptState.REPLIED
    done = False if reply_required else read_at is not None
    if overdue(due_on, today) and not done:
        return ReceiptState.LATE
    if read_at is not None:
        return ReceiptState.READ
    return ReceiptState.UNREAD


def state_q(state: str, *, due_on: date | None, reply_required: bool, today: date) -> Q:
    """The receipts of one directive in `state`, as a filter: the same rule as receipt_state."""
    replied = Q(replied_at__isnull=False)
    if overdue(due_on, today):
        late = ~replied if reply_required else Q(read_at__isnull=True, replied_at__isnull=True)
    else:
        late = Q(pk__in=[])
    read = Q(read_at__isnull=False, replied_at__isnull=True)
    unread = Q(read_at__isnull=True, replied_at__isnull=True)
    return {
        ReceiptState.REPLIED: replied,
        ReceiptState.LATE: late,
        ReceiptState.READ: read & ~late,
        ReceiptState.UNREAD: unread & ~late,
    }[state]


# --- Attached files ---------------------------------------------------------------------------

# The types a directive or a reply may carry, by extension: what the content must be.
PDF, DOCX, XLSX = "pdf", "docx", "xlsx"
ALLOWED = (PDF, DOCX, XLSX)
# The part a zip file must hold to be a Word document or an Excel workbook (Office Open XML).
ZIP_PARTS = {DOCX: "word/document.xml", XLSX: "xl/workbook.xml"}
LABELS = {PDF: "PDF", DOCX: "Word (.docx)", XLSX: "Excel (.xlsx)"}


@dataclass(frozen=True)
class Limits:
    max_bytes: int
    max_files: int


def extension(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def content_fault(name: str, handle) -> str | None:
    """Why the file's content does not match its extension, or None. `handle` is a binary file
    positioned anywhere; it is read from the start (a zip only by its directory)."""
    kind = extension(name)
    handle.seek(0)
    head = handle.read(8)
    handle.seek(0)
    if kind == PDF:
        ok = head.startswith(b"%PDF-")
    else:
        ok = head.startswith(b"PK\x03\x04")
        if ok:
            try:
                with zipfile.ZipFile(handle) as archive:
                    ok = ZIP_PARTS[kind] in set(archive.namelist())
            except (zipfile.BadZipFile, OSError, ValueError):
                ok = False
            handle.seek(0)
    if ok:
        return None
    return _("The file “%(name)s” is not a %(type)s file: its content does not match its name.") % {
        "name": name,
        "type": LABELS[kind],
    }


def file_faults(files: list, limits: Limits) -> list[str]:
    """Every reason to refuse these uploaded files (name, size, content), in order; empty when
    they may all be kept."""
    faults = []
    if len(files) > limits.max_files:
        faults.append(
            _("At most %(n)s files can be attached; %(sent)s were sent.")
            % {"n": limits.max_files, "sent": len(files)}
        )
    for upload in files:
        name = upload.name or ""
        if extension(name) not in ALLOWED:
            faults.append(
                _("The file “%(name)s” cannot be attached: only PDF, DOCX and XLSX files are.")
                % {"name": name}
            )
        elif upload.size > limits.max_bytes:
            faults.append(
                _("The file “%(name)s” is too large (%(size)s); the limit is %(limit)s.")
                % {
                    "name": name,
                    "size": filesizeformat(upload.size),
                    "limit": filesizeformat(limits.max_bytes),
                }
            )
        elif upload.size == 0:
            faults.append(_("The file “%(name)s” is empty.") % {"name": name})
        else:
            fault = content_fault(name, upload)
            if fault:
                faults.append(fault)
    return faults


def refuse_files(files: list, limits: Limits) -> None:
    faults = file_faults(files, limits)
    if faults:
        raise ValidationError({"files": faults})
