"""A branch's registrations for a programme year from a spreadsheet: the template to fill in, and
the import (upload → preview → confirm, all or nothing), as for the member import.

The file has one sheet with one row per member and criterion: the member code, the criterion
code, the plan and the target date (the member's name and the criterion's text are there to help
the reader and are not imported). A member's rows become the items of his registration, in the
order of the file, which is then saved and submitted by the same services as in the app
(`registration_save`, `registration_submit`): every rule (all five areas, the minimum number of
criteria, the mandatory ones, target dates inside the programme year, the deadline) is checked as
it is there. The preview checks them without writing (`registration_check`), outside any
transaction; the confirmation checks them so again, then saves and submits, the services
checking everything once more against the database as it is then: everything or nothing, a
chunk of members at a time in short transactions, a chunk that cannot be written undoing the
ones before it (core/spreadsheets/importing.py, `undo_chunk` below).

Errors name the row and the column of the file: an error of the i-th item of a member is on the
i-th row of that member, in the column of the field; an error of the registration as a whole
(an area missing, too few criteria, a mandatory criterion left out) is on the member's first row,
in the criterion code column; one about the member (unknown code, registration already submitted,
deadline) is on his first row, in the member code column.
"""

import re
import uuid
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from types import SimpleNamespace
from typing import IO, Any

import xlsxwriter
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from doanvien.core import audit
from doanvien.core.spreadsheets.importing import (
    ImportResult,
    Progress,
    SheetImport,
    Written,
    chunk_rows,
    error_messages,
)
from doanvien.core.spreadsheets.reading import (
    HeaderSheet,
    SpreadsheetError,
    cell_date,
    cell_text,
    is_blank,
    max_rows,
    open_sheet,
)
from doanvien.core.spreadsheets.writing import CellFormats
from doanvien.core.text import fold, text_fault
from doanvien.members.models import Member, Status
from doanvien.units.models import Unit

from .access import can_import_registrations
from .columns import COLUMNS, DATE_HEADER, REQUIRED, SPECS
from .models import CRITERION_AUDIENCES, Criterion, Framework, Registration
from .rules import programme_year_span
from .selectors import criteria_for, framework_for
from .services.common import lock_message
from .services.registrations import (
    registration_before,
    registration_check,
    registration_put_back,
    registration_save,
    registration_submit,
)

State = Registration.State

# The headers of the list of criteria (sheet 2): on purpose not the import's own headers, so
# that the list is never taken for the data.
CRITERIA_HEADERS = ("Mã tiêu chí", "Nội dung rèn luyện", "Nội dung tiêu chí", "Bắt buộc", "Ghi chú")
# Member codes looked up in one query.
LOOKUP_SIZE = 1000
# Rows of the template below the prefilled ones that fill in the name and the criterion's text.
EXTRA_ROWS_MIN, EXTRA_ROWS_MAX = 200, 5000

_ITEM_KEY = re.compile(r"items\[(\d+)\]\.(\w+)")
_INTEGER = re.compile(r"\d{1,9}")


# --- reading the file ----------------------------------------------------------------------------


@dataclass
class _Row:
    number: int  # as in the file, counted from 1
    values: list  # the raw cells
    code: str  # the member code as read (or carried down from the row above)
    name: str
    criterion: int | None  # the criterion's id, when the cell holds one
    criterion_cell: str  # the criterion code cell as text
    criterion_text: str
    plan: str
    target: date | str | None


@dataclass
class _Group:
    """The rows of one member code, in the order of the file."""

    code: str
    rows: list[_Row] = field(default_factory=list)


def _criterion_id(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() and value > 0 else None
    text = cell_text(value).rstrip(".")
    return int(text) if _INTEGER.fullmatch(text) else None


class RegistrationImport(SheetImport):
    """The registration import: the registration columns (training/columns.py), and the
    services' rules on each member's rows."""

    # The services' rules, checked without writing (registration_check) before anything is
    # written: the preview, and the confirmation's first pass, run outside any transaction.
    check_first = True
    undo_with = f"{__name__}.undo_chunk"

    def __init__(self, *, actor, branch: Unit, year: int, sheet: HeaderSheet, result, today):
        super().__init__(actor=actor, sheet=sheet, result=result, today=today)
        self.branch, self.year = branch, year
        self.unit = branch  # what the audit trail names if the import is undone
        self.groups: dict[str, _Group] = {}
        self.skipped: list[int] = []
        self.name_differs: list[int] = []
        self.text_differs: list[int] = []
        self.carried: list[int] = []
        self.late = 0
        self.criteria: dict[int, list[Criterion]] = {}  # framework id → criteria

    def label(self, name: str) -> str:
        return SPECS[name].header

    def missing_header(self, name: str) -> str:
        return SPECS[name].header

    def changed_message(self) -> str:
        return _(
            "The registrations changed while the file was being written. Nothing was "
            "written: import the file again."
        )

    # --- the columns and the rows ---------------------------------------------------------

    def check_columns(self) -> bool:
        super().check_columns()
        missing = [SPECS[name].header for name in REQUIRED if name not in self.columns]
        if missing:
            self.result.file_error(
                _("The file needs these columns too: %(columns)s.")
                % {"columns": ", ".join(f"“{h}”" for h in missing)}
            )
            return False
        return True

    def _cell(self, values: list, name: str) -> Any:
        column = self.columns.get(name)
        if column is None or column.index >= len(values):
            return None
        value = values[column.index]
        return None if is_blank(value) else value

    def refused(self, number: int, values: list) -> bool:
        """Whether a cell of the row holds text the text rule refuses (core/text.py): each such
        cell is an error, and the row is not read."""
        faults = [
            (name, fault)
            for name, column in self.columns.items()
            if column.index < len(values)
            and values[column.index].__class__ is str
            and (fault := text_fault(values[column.index]))
        ]
        if not faults:
            return False
        self.result.rows += 1
        row = SimpleNamespace(number=number, values=values)
        for name, fault in faults:
            self.error(
                row,
                name,
                _("%(field)s: %(problem)s") % {"field": self.label(name), "problem": fault},
            )
        return True

    def read(self) -> None:
        """Every row below the header, grouped by member code. A row with no criterion code,
        plan or date is skipped (a heading, a note); a row with neither member code nor name
        is the member's of the rows above (a member code merged over his rows, or written
        once on a heading row)."""
        above: _Row | None = None
        for number, values in self.sheet.rows():
            if self.refused(number, values):
                continue
            cell = self._cell
            criterion_raw = cell(values, "criterion")
            target_raw = cell(values, "target_date")
            row = _Row(
                number=number,
                values=values,
                code="".join(cell_text(cell(values, "member_code")).split()),
                name=cell_text(cell(values, "full_name")),
                criterion=_criterion_id(criterion_raw) if criterion_raw is not None else None,
                criterion_cell=cell_text(criterion_raw),
                criterion_text=cell_text(cell(values, "criterion_text")),
                plan=cell_text(cell(values, "plan")),
                target=cell_date(target_raw) if target_raw is not None else None,
            )
            if row.code or row.name:
                above = row
            elif above is not None and above.code:
                row.code, row.name = above.code, above.name
                if row.criterion_cell or row.plan or row.target:
                    self.carried.append(number)
            if not (row.criterion_cell or row.plan or row.target):
                self.skipped.append(number)
                continue
            self.result.rows += 1
            if not row.code:
                self.error(row, "member_code", _("Write the member code."))
                continue
            self.groups.setdefault(row.code.upper(), _Group(code=row.code)).rows.append(row)

    # --- members --------------------------------------------------------------------------

    def members(self) -> dict[str, Member]:
        """Member code (upper case) → the member, for the codes of the file."""
        codes = sorted({g.code for g in self.groups.values()} | set(self.groups))
        found: dict[str, Member] = {}
        for start in range(0, len(codes), LOOKUP_SIZE):
            chunk = codes[start : start + LOOKUP_SIZE]
            for member in Member.objects.filter(member_code__in=chunk):
                key = member.member_code.upper()
                # A code typed exactly as stored wins over one that differs only in case.
                if key not in found or member.member_code == self.groups[key].code:
                    found[key] = member
        return found

    def criteria_of(self, framework: Framework) -> list[Criterion]:
        if framework.pk not in self.criteria:
            branch = self.branch
            self.criteria[framework.pk] = list(
                criteria_for(
                    framework=framework, branch=branch, year=self.year, sector=branch.sector
                )
            )
        return self.criteria[framework.pk]

    def items(self, group: _Group, framework: Framework) -> list[dict[str, Any]]:
        """The rows as the services' items. A criterion given only by its text is found by it;
        a text that does not match the code's criterion is noted (the code is what counts)."""
        criteria = self.criteria_of(framework)
        by_id = {c.pk: c for c in criteria}
        by_text: dict[str, int | None] = {}
        for c in criteria:
            key = fold(c.text)
            by_text[key] = None if key in by_text else c.pk  # the same text twice: ambiguous
        items = []
        for row in group.rows:
            criterion = row.criterion
            if criterion is None and not row.criterion_cell and row.criterion_text:
                criterion = by_text.get(fold(row.criterion_text))
            elif criterion in by_id and row.criterion_text:
                known = fold(by_id[criterion].text)
                if not known.startswith(fold(row.criterion_text).rstrip(".… ")):
                    self.text_differs.append(row.number)
            items.append({"criterion": criterion, "plan": row.plan, "target_date": row.target})
        return items

    def check_member(self, group: _Group, member: Member | None, existing) -> bool:
        first = group.rows[0]
        if member is None or member.branch_id != self.branch.pk or member.status != Status.ACTIVE:
            message = _("%(code)s is not the member code of an active member of %(branch)s.") % {
                "code": group.code,
                "branch": self.branch.name,
            }
            for row in group.rows:
                self.error(row, "member_code", message)
            return False
        for row in group.rows:
            if row.name and fold(row.name) != member.name_folded:
                self.name_differs.append(row.number)
        if existing is None:
            return True
        if existing.branch_id != self.branch.pk:
            self.error(
                first,
                "member_code",
                _("The registration of %(name)s for %(year)s is kept by another branch.")
                % {"name": member.full_name, "year": self.year},
            )
            return False
        if existing.state not in (State.DRAFT, State.RETURNED):
            self.error(
                first,
                "member_code",
                _(
                    "The registration of %(name)s for %(year)s is already “%(state)s”: return "
                    "it for changes first, then import the file again."
                )
                % {
                    "name": member.full_name,
                    "year": self.year,
                    "state": existing.get_state_display(),
                },
            )
            return False
        return True

    def service_errors(self, group: _Group, error: ValidationError) -> None:
        """The services' errors on the rows and columns they are about."""
        rows = group.rows
        for key, messages in error_messages(error).items():
            match = _ITEM_KEY.fullmatch(key)
            if match and int(match[1]) < len(rows):
                row, name = rows[int(match[1])], match[2]
                if name not in SPECS:
                    name = "criterion"
            elif key == "items":
                row, name = rows[0], "criterion"
            else:
                row, name = rows[0], "member_code"
            for message in messages:
                if name == "criterion" and row.criterion is None and row.criterion_cell:
                    message = _(
                        "“%(value)s” is not a criterion code: choose a code from the list of "
                        "criteria."
                    ) % {"value": row.criterion_cell}
                self.error(row, name, message)

    def run(self, *, write: bool, progress: Progress | None) -> None:
        """Check each member's rows (write=False: `registration_check`, which writes nothing
        and runs outside any transaction, so that nobody waits for the check of a file), or
        save and submit each member's registration with the services (write=True: run once the
        check found no error; the services check everything again against the database as it
        is then). The writes go by chunks of members of about chunk_rows() rows, each chunk in
        a short transaction of its own (chunk_transaction), stopping at the first chunk with
        an error (the chunks before it are then undone)."""
        members = self.members()
        existing = {
            r.member_id: r
            for r in Registration.objects.filter(
                member__branch=self.branch, year=self.year
            ).select_related("framework")
        }
        default = framework_for(self.branch, self.year)
        total, done = self.result.rows, 0
        # The check noted the rows whose name or criterion text differ: not twice.
        noted = (list(self.name_differs), list(self.text_differs))
        chunk: list[tuple[_Group, Member, list[dict[str, Any]]]] = []
        rows = 0
        for key, group in self.groups.items():
            done += len(group.rows)
            member = members.get(key)
            before = existing.get(member.pk) if member is not None else None
            if not self.check_member(group, member, before):
                if write:
                    break  # the database changed since the check: nothing is written
                continue
            framework = before.framework if before is not None else default
            items = self.items(group, framework)
            if write:
                chunk.append((group, member, items))
                rows += len(group.rows)
                if rows >= chunk_rows():
                    self.write_chunk(chunk)
                    chunk, rows = [], 0
                    if progress:
                        progress(done, total)
                continue
            if progress:
                progress(done, total)
            try:
                late = registration_check(
                    member=member, year=self.year, items=items, today=self.today
                )
            except ValidationError as e:
                self.service_errors(group, e)
                continue
            action = "update" if before is not None else "create"
            if action == "create":
                self.result.to_create += 1
            else:
                self.result.to_update += 1
            self.late += late
            for row in group.rows:
                self.outcome.setdefault(row.number, action)
            self.sample(
                group.rows[0].number,
                action,
                member.full_name,
                self.branch.name,
                [ngettext("%(n)s criterion", "%(n)s criteria", len(items)) % {"n": len(items)}],
            )
        if write:
            if chunk and not self.result.error_count:
                self.write_chunk(chunk)
            self.name_differs, self.text_differs = noted

    def write_chunk(self, chunk: list[tuple[_Group, Member, list[dict[str, Any]]]]) -> None:
        """Save and submit the registrations of a chunk of members in one short transaction,
        noting for undo_chunk what each registration was before; a member whose write the
        services refuse now (the database changed since the check) leaves nothing of the
        chunk written."""
        with self.chunk_transaction() as undo:
            ids = [member.pk for _group, member, _items in chunk]
            before = {
                r.member_id: r
                for r in Registration.objects.filter(member_id__in=ids, year=self.year)
            }
            written = []
            for group, member, items in chunk:
                was = before.get(member.pk)
                try:
                    registration = self.write(member, items)
                except ValidationError as e:
                    self.service_errors(group, e)
                    return
                written.append([registration.pk, registration_before(was)])
            undo["registrations"] = written

    def write(self, member: Member, items: list[dict[str, Any]]) -> Registration:
        """Save and submit one member's registration."""
        registration = registration_save(
            actor=self.actor, member=member, year=self.year, items=items, by_branch=True
        )
        return registration_submit(actor=self.actor, registration=registration, today=self.today)

    def finish(self) -> None:
        audit.record(
            actor=self.actor,
            action="registrations.imported",
            target=self.branch,
            unit_path=self.branch.path,
            summary=self.result.filename,
            changes={
                "year": [None, self.year],
                "created": [None, self.result.to_create],
                "updated": [None, self.result.to_update],
            },
        )

    def after(self) -> None:
        result = self.result
        if result.rows == 0 and not result.errors:
            result.file_error(_("The file has a header row but no registration rows below it."))
        shown = ", ".join(str(n) for n in self.skipped[:10])
        if self.skipped:
            result.warnings.append(
                _(
                    "%(count)s rows with no criterion code, plan or target date were skipped: "
                    "%(rows)s."
                )
                % {
                    "count": len(self.skipped),
                    "rows": shown + ("…" if len(self.skipped) > 10 else ""),
                }
            )
        if self.carried:
            result.warnings.append(
                _(
                    "%(count)s rows have no member code and were counted for the member of the "
                    "rows above them (the first in row %(row)s)."
                )
                % {"count": len(self.carried), "row": self.carried[0]}
            )
        if self.name_differs:
            result.warnings.append(
                _(
                    "%(count)s rows have a name that is not the name of the member with their "
                    "code (the first in row %(row)s); members are found by their code."
                )
                % {"count": len(self.name_differs), "row": self.name_differs[0]}
            )
        if self.text_differs:
            result.warnings.append(
                _(
                    "%(count)s rows have a criterion text that is not the text of the criterion "
                    "with their code (the first in row %(row)s); criteria are found by their "
                    "code."
                )
                % {"count": len(self.text_differs), "row": self.text_differs[0]}
            )
        if self.late:
            result.warnings.append(
                ngettext(
                    "%(n)s registration is submitted after the deadline and recorded as late.",
                    "%(n)s registrations are submitted after the deadline and recorded as late.",
                    self.late,
                )
                % {"n": self.late}
            )
        codes = Member.objects.filter(branch=self.branch, status=Status.ACTIVE).values_list(
            "member_code", flat=True
        )
        left_out = sum(1 for code in codes.iterator() if code.upper() not in self.groups)
        if left_out and result.rows:
            result.warnings.append(
                ngettext(
                    "%(n)s active member of the branch is not in the file: left as he is.",
                    "%(n)s active members of the branch are not in the file: left as they are.",
                    left_out,
                )
                % {"n": left_out}
            )
        self.order_errors_and_sample()


def registrations_import(
    *,
    actor,
    branch: Unit,
    year: int,
    path: str | Path,
    filename: str,
    confirm: bool,
    progress: Progress | None = None,
    today: date | None = None,
    on_written: Written | None = None,
    import_id: uuid.UUID | None = None,
) -> ImportResult:
    """Check the file (confirm=False: nothing is written) or check it again and write it
    (confirm=True): all or nothing. The registrations are saved and submitted for the
    branch's review. `result.to_create` counts new registrations, `to_update` drafts and returned
    ones replaced; `on_written(result)` is called in the transaction that ends the import, once
    every chunk is written; `import_id` names the run (a job's id: SheetImport.check_and_write).
    Messages are in the active language."""
    result = ImportResult(filename=filename)
    if not branch.is_branch:
        result.file_error(_("Registrations are imported into a branch."))
    elif not can_import_registrations(actor, branch):
        result.file_error(
            _("You may not register the members of %(branch)s.") % {"branch": branch.name}
        )
    elif framework_for(branch, year) is None:
        result.file_error(_("No training framework applies to %(year)s.") % {"year": year})
    elif locked := lock_message(branch, year):
        result.file_error(locked)  # the services refuse every row of a locked year
    if not result.ok:
        return result
    try:
        sheet = open_sheet(path, COLUMNS, min_matches=2)
    except SpreadsheetError as e:
        result.file_error(e.message)
        return result
    work = RegistrationImport(
        actor=actor,
        branch=branch,
        year=year,
        sheet=sheet,
        result=result,
        today=today or timezone.localdate(),
    )
    if not work.check_columns():
        return result
    work.read()
    finished = []

    def written(result: ImportResult) -> None:
        # The warnings go with what a job records in the transaction.
        work.after()
        finished.append(True)
        if on_written is not None:
            on_written(result)

    work.check_and_write(
        confirm=confirm, progress=progress, on_written=written, import_id=import_id
    )
    if not finished:
        work.after()
    if progress:
        progress(sheet.total, sheet.total)
    return result


def undo_chunk(data: dict[str, Any]) -> None:
    """Undo one chunk of a registration import that could not be finished (write_chunk wrote
    `data`; core/spreadsheets/importing.py: undo_import calls this in a transaction of its
    own): each registration it saved and submitted is deleted, or given back as it was, by
    registration_put_back, the last first; their audit events carry the import's id and are
    deleted after."""
    for registration_id, before in reversed(data.get("registrations", [])):
        registration_put_back(registration_id=registration_id, before=before)


# --- the template --------------------------------------------------------------------------------

# The data sheet: title rows, then the header on this row (0-based), then the rows.
_HEADER_ROW = 4
_WIDTHS = (16, 26, 11, 60, 45, 16)


def registrations_template_xlsx(*, branch: Unit, year: int, out: str | Path | IO[bytes]) -> None:
    """The import template of a branch for a programme year: the data sheet prefilled with one
    row per active member and mandatory criterion (a draft already saved gives its own rows;
    members whose registration is already submitted are left out), drop-down lists of member
    codes and criterion codes, the list of criteria, and the instructions."""
    with translation.override("vi"):
        _template(branch, year, out)


def _template(branch: Unit, year: int, out) -> None:
    first, last = programme_year_span(year, branch.sector)
    default = framework_for(branch, year)
    members = list(
        Member.objects.filter(branch=branch, status=Status.ACTIVE).order_by("sort_key", "pk")
    )
    registrations = {
        r.member_id: r
        for r in Registration.objects.filter(
            member__branch=branch, member__status=Status.ACTIVE, year=year
        )
        .select_related("framework")
        .prefetch_related("items")
    }
    frameworks: dict[int, tuple[Framework, list[Criterion]]] = {}

    def criteria(framework: Framework) -> list[Criterion]:
        if framework.pk not in frameworks:
            found = criteria_for(
                framework=framework, branch=branch, year=year, sector=branch.sector
            ).select_related("unit")
            frameworks[framework.pk] = (framework, list(found))
        return frameworks[framework.pk][1]

    if default is not None:
        criteria(default)
    # (member, criterion id or None, plan, target date) for each prefilled row.
    rows: list[tuple[Member, int | None, str, date | None]] = []
    left_out = 0
    for member in members:
        registration = registrations.get(member.pk)
        if registration is not None and (
            registration.state not in (State.DRAFT, State.RETURNED)
            or registration.branch_id != branch.pk
        ):
            left_out += 1
            continue
        framework = registration.framework if registration is not None else default
        if framework is None:
            rows.append((member, None, "", None))
            continue
        chosen = list(registration.items.all()) if registration is not None else []
        taken = {i.criterion_id for i in chosen}
        mine = [(member, i.criterion_id, i.plan, i.target_date) for i in chosen]
        mine += [
            (member, c.pk, "", None)
            for c in criteria(framework)
            if c.mandatory and c.pk not in taken and c.audience in ("", member.audience)
        ]
        rows += mine or [(member, None, "", None)]

    # Every criterion that may be chosen, with the name of its area.
    listed: dict[int, Criterion] = {}
    area_of: dict[int, str] = {}
    for framework, found in frameworks.values():
        names = {a.code: str(a) for a in framework.area_list}
        for c in found:
            listed.setdefault(c.pk, c)
            area_of.setdefault(c.pk, names.get(c.area_code, c.area_code))

    workbook = xlsxwriter.Workbook(out)
    fmt = CellFormats(workbook)
    wrap = fmt.add({"text_wrap": True, "valign": "top"})
    top = fmt.add({"valign": "top"})
    text_top = fmt.add({"num_format": "@", "valign": "top"})
    date_top = fmt.add({"num_format": "dd/mm/yyyy", "valign": "top"})
    note = fmt.add({"italic": True})
    data_name = _("Registrations")[:31]
    criteria_name = _("Criteria")[:31]
    lists_name = _("Lists")[:31]
    data = workbook.add_worksheet(data_name)
    sheet2 = workbook.add_worksheet(criteria_name)
    guide = workbook.add_worksheet(_("Instructions")[:31])
    lists = workbook.add_worksheet(lists_name)

    # Sheet 2: the criteria, with their codes.
    for col, (title, width) in enumerate(zip(CRITERIA_HEADERS, (11, 40, 80, 10, 30), strict=True)):
        sheet2.write_string(0, col, title, fmt.header)
        sheet2.set_column(col, col, width, wrap if col in (1, 2, 4) else top)
    for i, c in enumerate(listed.values(), start=1):
        sheet2.write_number(i, 0, c.pk, top)
        fmt.write_text(sheet2, i, 1, area_of[c.pk], wrap)
        fmt.write_text(sheet2, i, 2, c.text, wrap)
        if c.mandatory:
            sheet2.write_string(i, 3, _("Yes"), top)
        remarks = []
        if c.audience:
            remarks.append(_("Only for: %(group)s") % {"group": c.get_audience_display()})
        if c.unit_id:
            remarks.append(_("Added by %(unit)s") % {"unit": c.unit.name})
        if remarks:
            fmt.write_text(sheet2, i, 4, "; ".join(remarks), wrap)
    sheet2.freeze_panes(1, 1)
    if listed:
        sheet2.autofilter(0, 0, len(listed), len(CRITERIA_HEADERS) - 1)

    # The hidden list of the branch's members, for the member code drop-down and the names.
    # (Headers that are not the import's own, like the list of criteria.)
    lists.write_string(0, 0, "Mã số", fmt.header)
    lists.write_string(0, 1, "Đoàn viên", fmt.header)
    lists.write_string(0, 2, "Nhóm", fmt.header)
    for i, member in enumerate(members, start=1):
        fmt.write_text(lists, i, 0, member.member_code)
        fmt.write_text(lists, i, 1, member.full_name)
        fmt.write_text(lists, i, 2, member.get_audience_display())
    lists.hide()

    # Sheet 1: titles, the header, the prefilled rows, then rows that fill themselves in.
    span = len(COLUMNS) - 1
    data.merge_range(
        0,
        0,
        0,
        span,
        _("Member training programme registrations, %(year)s") % {"year": year},
        fmt.title,
    )
    fmt.merge_text(data, 1, 0, 1, span, f"{branch.name} ({branch.code})", note)
    data.merge_range(
        2,
        0,
        2,
        span,
        _("Programme year %(year)s: from %(first)s to %(last)s.")
        % {"year": year, "first": first.strftime("%d/%m/%Y"), "last": last.strftime("%d/%m/%Y")},
        note,
    )
    headers = [SPECS[s.field].header for s in COLUMNS]
    headers[-1] = DATE_HEADER
    for col, title in enumerate(headers):
        required = COLUMNS[col].field in REQUIRED
        data.write_string(_HEADER_ROW, col, title, fmt.required if required else fmt.header)
    formats = (text_top, wrap, top, wrap, wrap, date_top)
    for col, (width, cell_format) in enumerate(zip(_WIDTHS, formats, strict=True)):
        data.set_column(col, col, width, cell_format)
    data.freeze_panes(_HEADER_ROW + 1, 2)

    member_range = f"'{lists_name}'!$A$2:$B${max(len(members), 1) + 1}"
    criteria_range = f"'{criteria_name}'!$A$2:$C${max(len(listed), 1) + 1}"

    def name_formula(r: int) -> str:
        return f'=IF(A{r}="","",IFERROR(VLOOKUP(A{r},{member_range},2,FALSE),""))'

    def text_formula(r: int) -> str:
        return f'=IF(C{r}="","",IFERROR(VLOOKUP(C{r},{criteria_range},3,FALSE),""))'

    row = _HEADER_ROW
    for member, criterion_id, plan, target in rows:
        row += 1
        r = row + 1  # as Excel names it
        fmt.write_text(data, row, 0, member.member_code, text_top)
        data.write_formula(row, 1, name_formula(r), wrap, member.full_name)
        if criterion_id is not None:
            data.write_number(row, 2, criterion_id, top)
            text = listed[criterion_id].text if criterion_id in listed else ""
            data.write_formula(row, 3, text_formula(r), wrap, text)
        else:
            data.write_formula(row, 3, text_formula(r), wrap, "")
        if plan:
            fmt.write_text(data, row, 4, plan, wrap)
        if target:
            data.write_datetime(row, 5, target, date_top)
    extra = min(max(EXTRA_ROWS_MIN, 10 * len(members)), EXTRA_ROWS_MAX)
    for blank in range(row + 1, row + 1 + extra):
        data.write_formula(blank, 1, name_formula(blank + 1), wrap, "")
        data.write_formula(blank, 3, text_formula(blank + 1), wrap, "")

    end = _HEADER_ROW + max_rows()
    if members:
        data.data_validation(
            _HEADER_ROW + 1,
            0,
            end,
            0,
            {
                "validate": "list",
                "source": f"='{lists_name}'!$A$2:$A${len(members) + 1}",
                "error_title": SPECS["member_code"].header[:32],
                "error_message": _("Choose a member code from the list.")[:255],
                "error_type": "warning",
            },
        )
    if listed:
        data.data_validation(
            _HEADER_ROW + 1,
            2,
            end,
            2,
            {
                "validate": "list",
                "source": f"='{criteria_name}'!$A$2:$A${len(listed) + 1}",
                "error_title": SPECS["criterion"].header[:32],
                "error_message": (
                    _("Choose a criterion code from the list (sheet “%(sheet)s”).")
                    % {"sheet": criteria_name}
                )[:255],
            },
        )
    data.data_validation(
        _HEADER_ROW + 1,
        4,
        end,
        4,
        {
            "validate": "any",
            "input_title": SPECS["plan"].header[:32],
            "input_message": _("How the member will do it, in a few concrete words.")[:255],
        },
    )
    data.data_validation(
        _HEADER_ROW + 1,
        5,
        end,
        5,
        {
            "validate": "any",
            "input_title": SPECS["target_date"].header[:32],
            "input_message": (
                _("A date in the form dd/mm/yyyy, between %(first)s and %(last)s.")
                % {"first": first.strftime("%d/%m/%Y"), "last": last.strftime("%d/%m/%Y")}
            )[:255],
        },
    )

    # Sheet 3: the instructions.
    min_criteria = default.min_criteria if default is not None else 10
    lines = [
        _("How to fill in this template"),
        _(
            "1. One row per member and criterion on the first sheet, from row %(row)s down. Do "
            "not change the headers."
        )
        % {"row": _HEADER_ROW + 2},
        _(
            "2. The rows already there are each member's mandatory criteria (or the criteria of "
            "a draft already saved). Write the plan and the target date on each, then add a row "
            "for each criterion the member chooses: his member code, and the criterion code "
            "from the drop-down list."
        ),
        _(
            "3. Each member registers criteria in all five content areas, at least %(n)s "
            "criteria in all, with every mandatory criterion. The criteria and their codes are "
            "on the sheet “%(sheet)s”."
        )
        % {"n": min_criteria, "sheet": criteria_name},
        _(
            "4. Write target dates as dd/mm/yyyy, between %(first)s and %(last)s (programme "
            "year %(year)s)."
        )
        % {"first": first.strftime("%d/%m/%Y"), "last": last.strftime("%d/%m/%Y"), "year": year},
        _(
            "5. The name and the criterion's text are there to help you read: members are found "
            "by their member code, criteria by their code."
        ),
        _(
            "6. A criterion noted “only for” a member group (pupils and students, teachers, Union "
            "cadres) may be chosen only by the members of that group: each member's group is "
            "on his record."
        ),
        _(
            "7. Nothing is written until the whole file is correct: the check lists every "
            "problem with its row and column. The registrations are then submitted for the "
            "branch committee's review."
        ),
    ]
    if default is not None:
        own = default.min_criteria_by_audience or {}
        groups = [
            _("%(group)s: at least %(n)s criteria") % {"group": label, "n": own[code]}
            for code, label in CRITERION_AUDIENCES
            if own.get(code)
        ]
        if groups:
            lines.append(
                _("Minimum number of criteria of the member groups that have their own: %(list)s.")
                % {"list": "; ".join(groups)}
            )
    if left_out:
        lines.append(
            ngettext(
                "%(n)s member whose registration is already submitted is not in the template: "
                "return it for changes first to import it again.",
                "%(n)s members whose registration is already submitted are not in the "
                "template: return them for changes first to import them again.",
                left_out,
            )
            % {"n": left_out}
        )
    if default is None:
        lines.append(_("No training framework applies to %(year)s.") % {"year": year})
    guide.set_column(0, 0, 110)
    for i, line in enumerate(lines):
        guide.write_string(i, 0, line, fmt.title if i == 0 else fmt.wrap)
    data.activate()
    workbook.close()
