"""Member lists to Excel: the national column set (or chosen columns) and the import template,
with the member columns (members/columns.py). The list is written with XlsxWriter in
constant-memory mode: rows go to disk as they are written, so a list of any length takes the
same memory. Text goes through core.spreadsheets.writing: never a formula.
"""

from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path
from typing import IO, Any

import xlsxwriter
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from doanvien.core.spreadsheets.reading import max_rows
from doanvien.core.spreadsheets.writing import CellFormats, yes_no
from doanvien.core.transactions import streaming
from doanvien.honours.selectors import texts_for as honours_texts
from doanvien.training.models import Registration
from doanvien.training.rules import programme_year_of
from doanvien.units.models import Unit, paths_to

from .columns import EXPORT_COLUMNS, NATIONAL_COLUMNS, SPECS, choice_labels, field_label
from .forms.records import FIELD_ORDER
from .models import Member, mask_id_number
from .validation import BOOL_FIELDS, CHOICE_FIELDS, DATE_FIELDS, REQUIRED_FIELDS

# The export columns as the page offers them, in groups; every column of EXPORT_COLUMNS is in
# exactly one group. A file's columns keep the order of EXPORT_COLUMNS, whatever the groups.
COLUMN_GROUPS = (
    (
        gettext_lazy("Identity"),
        (
            "full_name",
            "member_code",
            "date_of_birth",
            "sex",
            "ethnicity",
            "religion",
            "home_town",
            "permanent_address",
        ),
    ),
    (gettext_lazy("ID card"), ("id_number", "id_issued_on", "id_issued_place")),
    (
        gettext_lazy("Education and qualifications"),
        (
            "education_level",
            "professional_qualification",
            "political_theory_level",
            "it_level",
            "foreign_language_level",
        ),
    ),
    (
        gettext_lazy("Union and Party"),
        (
            "joined_union_on",
            "admission_resolution_no",
            "card_number",
            "joined_party_on",
            "category",
            "position",
            "audience",
            "federation_member",
            "honorary",
            "branch",
            "branch_path",
            "status",
        ),
    ),
    (gettext_lazy("Training programme"), ("training_status", "evaluation_status")),
    (gettext_lazy("Work, awards and discipline"), ("occupation", "awards", "discipline")),
    (gettext_lazy("Contact"), ("email", "phone")),
)
# Kept as text so that Excel keeps their leading zeros.
TEXT_COLUMNS = ("id_number", "phone", "card_number", "member_code", "admission_resolution_no")
# The columns of the import template, in the order of the member form, then the branch.
TEMPLATE_COLUMNS = tuple(FIELD_ORDER)

_WIDTHS = {
    "full_name": 26,
    "permanent_address": 36,
    "home_town": 24,
    "branch": 28,
    "branch_path": 50,
    "email": 26,
    "awards": 30,
    "discipline": 30,
    "id_issued_place": 24,
}

Progress = Callable[[int, int], None]


def _registrations(members: list[Member], year: int | None) -> dict[int, Any]:
    """Each member's registration for the programme year (his branch's, unless `year`)."""
    today = timezone.localdate()
    wanted = {
        m.pk: year or programme_year_of(today, m.branch.sector if m.branch_id else "")
        for m in members
    }
    found = Registration.objects.filter(
        member_id__in=list(wanted), year__in=set(wanted.values())
    ).only("member_id", "year", "state", "level", "assessed_at")
    return {r.member_id: r for r in found if wanted[r.member_id] == r.year}


def _cell(member: Member, name: str, registration, mask: bool, paths=None) -> Any:
    if name == "branch":
        return member.branch.name
    if name == "branch_path":
        return paths.of(member.branch) if paths and member.branch_id else ""
    if name == "training_status":
        return registration.get_state_display() if registration else _("Not registered")
    if name == "evaluation_status":
        if registration is not None and registration.assessed_at and registration.level:
            return registration.get_level_display()
        return _("Not assessed")
    value = getattr(member, name)
    if name == "id_number" and mask:
        return mask_id_number(value)
    if name in CHOICE_FIELDS:
        return getattr(member, f"get_{name}_display")()
    if name in BOOL_FIELDS:
        return yes_no(value)
    return value


def members_xlsx(
    *,
    members_queryset,
    out: str | Path | IO[bytes],
    columns: Iterable[str] | None = None,
    progress: Progress | None = None,
    year: int | None = None,
    mask_id_numbers: bool = False,
    unit: Unit | None = None,
) -> int:
    """Write the members to an .xlsx file (a path or a binary file object): the national
    column set, or the chosen columns (names from EXPORT_COLUMNS), with Vietnamese headers.
    Dates are real dates shown dd/mm/yyyy; ID card, phone and card numbers are text. The
    programme status columns are for `year` (default: each branch's current programme year).
    `mask_id_numbers` hides all but the last digits, for users who may not see them; who may
    see what, and recording who exported full ID numbers, is the caller's part. The branch
    path column is written from `unit` (the unit exported: the path the import reads back).
    Returns the number of members written."""
    names = list(columns or NATIONAL_COLUMNS)
    unknown = [n for n in names if n not in EXPORT_COLUMNS]
    if unknown:
        raise ValueError(f"unknown columns: {', '.join(unknown)}")
    total = members_queryset.count()
    workbook = xlsxwriter.Workbook(out, {"constant_memory": True})
    fmt = CellFormats(workbook)
    sheet = workbook.add_worksheet(_("Members")[:31])
    for col, name in enumerate(names):
        sheet.write_string(0, col, SPECS[name].header, fmt.header)
        sheet.set_column(col, col, _WIDTHS.get(name, 16))
    sheet.freeze_panes(1, 0)
    needs_registrations = bool({"training_status", "evaluation_status"} & set(names))
    needs_honours = bool({"awards", "discipline"} & set(names))
    paths = BranchPaths(unit) if unit is not None and "branch_path" in names else None
    queryset = members_queryset.select_related("branch")
    row = 0

    def flush(batch: list[Member]) -> None:
        nonlocal row
        registrations = _registrations(batch, year) if needs_registrations else {}
        if needs_honours:
            # The awards and discipline columns: the dated decisions, then any text left in
            # the record's own fields.
            texts = honours_texts(m.pk for m in batch)
            for member in batch:
                for name in ("awards", "discipline"):
                    own = getattr(member, name)
                    found = texts[name].get(member.pk, "")
                    setattr(member, name, "\n".join(t for t in (found, own) if t))
        for member in batch:
            row += 1
            registration = registrations.get(member.pk)
            for col, name in enumerate(names):
                value = _cell(member, name, registration, mask_id_numbers, paths)
                if value is None or value == "":
                    continue
                if isinstance(value, date):
                    sheet.write_datetime(row, col, value, fmt.date)
                elif name in TEXT_COLUMNS:
                    fmt.write_text(sheet, row, col, str(value), fmt.text)
                else:
                    fmt.write_text(sheet, row, col, str(value))
        if progress:
            progress(row, total)

    batch: list[Member] = []
    with streaming():
        for member in queryset.iterator(chunk_size=2000):
            batch.append(member)
            if len(batch) == 2000:
                flush(batch)
                batch = []
        flush(batch)
    if row:
        sheet.autofilter(0, 0, row, len(names) - 1)
    workbook.close()
    return row


# --- the import template ---------------------------------------------------------------------


def _list_source(sheet_name: str, col: int, count: int) -> str:
    letter = xlsxwriter.utility.xl_col_to_name(col)
    return f"='{sheet_name}'!${letter}$2:${letter}${count + 1}"


def branch_choice(branch: Unit) -> str:
    """How the template lists a branch: its name and, in brackets, its code (names repeat
    across base unions; the import reads either)."""
    return f"{branch.name} ({branch.code})"


class BranchPaths:
    """A branch's path below `unit` as the import reads it: the names of the units between,
    then the branch's name and code ("Đoàn trường THPT Tân An / Chi đoàn 12A1 (TA-12A1)").
    The names of the units above the branches are read once (a province has a few thousand)."""

    def __init__(self, unit: Unit):
        self.depth = unit.depth
        self.names = dict(
            Unit.objects.filter(path__startswith=unit.path)
            .exclude(kind=Unit.Kind.BRANCH)
            .values_list("path", "name")
        )

    def of(self, branch: Unit) -> str:
        between = [self.names[p] for p in paths_to(branch.path)[self.depth : -1] if p in self.names]
        return " / ".join([*between, branch_choice(branch)])


def branch_paths(unit: Unit, branches: Iterable[Unit]) -> Iterable[str]:
    """Each branch's path below `unit` (BranchPaths)."""
    paths = BranchPaths(unit)
    for branch in branches:
        yield paths.of(branch)


def members_template_xlsx(*, unit: Unit, out: str | Path | IO[bytes]) -> None:
    """The import template for `unit`: Vietnamese headers (required ones in red), date and
    text formats, drop-down lists for sex, category, position, member group, yes/no columns
    and the unit's branches, and a sheet of instructions with an example row."""
    with translation.override("vi"):
        _template(unit, out)


def _template(unit: Unit, out) -> None:
    names = list(TEMPLATE_COLUMNS) + ([] if unit.is_branch else ["branch", "branch_path"])
    workbook = xlsxwriter.Workbook(out)
    fmt = CellFormats(workbook)
    data = workbook.add_worksheet(_("Members")[:31])
    guide = workbook.add_worksheet(_("Instructions")[:31])
    lists_name = _("Lists")[:31]
    lists = workbook.add_worksheet(lists_name)

    # The lists the drop-downs offer.
    choices: dict[str, list[str]] = {
        n: choice_labels(n) for n in ("sex", "category", "position", "audience")
    }
    yes_or_no = [yes_no(True), yes_no(False)]
    for name in BOOL_FIELDS:
        choices[name] = yes_or_no
    if not unit.is_branch:
        branches = Unit.objects.filter(
            path__startswith=unit.path, kind=Unit.Kind.BRANCH, is_active=True
        ).order_by("path")
        chosen = list(branches.iterator())
        choices["branch"] = [branch_choice(b) for b in chosen]
        choices["branch_path"] = list(branch_paths(unit, chosen))
    list_cols: dict[str, int] = {}
    for col, (name, values) in enumerate(choices.items()):
        list_cols[name] = col
        lists.write_string(0, col, field_label(name), fmt.header)
        for i, value in enumerate(values, start=1):
            fmt.write_text(lists, i, col, value)
        lists.set_column(col, col, {"branch": 30, "branch_path": 60}.get(name, 18))
    lists.hide()

    last = max_rows()
    for col, name in enumerate(names):
        header_fmt = fmt.required if name in REQUIRED_FIELDS else fmt.header
        data.write_string(0, col, SPECS[name].header, header_fmt)
        cell_fmt = fmt.date if name in DATE_FIELDS else fmt.text if name in TEXT_COLUMNS else None
        data.set_column(col, col, _WIDTHS.get(name, 16), cell_fmt)
        if name in choices and choices[name]:
            data.data_validation(
                1,
                col,
                last,
                col,
                {
                    "validate": "list",
                    "source": _list_source(lists_name, list_cols[name], len(choices[name])),
                    "error_title": field_label(name)[:32],
                    "error_message": _("Choose a value from the list.")[:255],
                },
            )
        elif name in DATE_FIELDS:
            data.data_validation(
                1,
                col,
                last,
                col,
                {
                    "validate": "any",
                    "input_title": field_label(name)[:32],
                    "input_message": _("A date in the form dd/mm/yyyy, e.g. 15/03/2004.")[:255],
                },
            )
    data.freeze_panes(1, 1)

    example = {
        "full_name": "Nguyễn Thị Thu Hà",
        "date_of_birth": date(2007, 9, 2),
        "sex": choice_labels("sex")[1],
        "id_number": "079307001234",
        "id_issued_on": date(2022, 5, 10),
        "id_issued_place": "Cục Cảnh sát QLHC về TTXH",
        "ethnicity": "Kinh",
        "religion": "Không",
        "home_town": "Xã Tân Hòa, huyện Tân An",
        "permanent_address": "Số 12 đường Lê Lợi, phường 3",
        "phone": "0912345678",
        "email": "thuha.example@example.com",
        "joined_union_on": date(2023, 3, 26),
        "position": choice_labels("position")[0],
        "audience": choice_labels("audience")[1],
        "category": choice_labels("category")[0],
        "federation_member": yes_or_no[0],
        "honorary": yes_or_no[1],
        "occupation": "Học sinh",
        "education_level": "12/12",
    }
    if choices.get("branch"):
        example["branch"] = choices["branch"][0]
        example["branch_path"] = choices["branch_path"][0]
    guide.set_column(0, 0, 100)
    lines = [
        _("How to fill in this template"),
        _(
            "1. Fill in one member per row on the first sheet, from the second row down. Do not "
            "change the headers; columns may be left out or put in another order."
        ),
        _(
            "2. Columns with a red header are required for a new member: full name, date of "
            "birth, sex, ID card number and date joined the Union."
        ),
        _(
            "3. Members are matched by ID card number (12 digits, or 9 for an old ID card). A "
            "number already in your unit updates that member; a blank cell leaves a field as "
            "it is."
        ),
        _("4. Write dates as dd/mm/yyyy, e.g. 15/03/2004."),
        _(
            "5. Choose sex, category, position, member group, yes/no columns and the branch "
            "from the drop-down lists."
        ),
        _(
            "6. The member group decides which training criteria are offered to the member "
            "(those marked for pupils and students, for teachers or for Union cadres). Left "
            "blank for a new member: Union cadre for a member of the branch committee, else "
            "the group his occupation names."
        ),
        _(
            "7. Nothing is written until the whole file is correct: the check lists every "
            "problem with its row and column."
        ),
        *(
            []
            if unit.is_branch
            else [
                _(
                    "8. A file for several branches names each member's branch: in the "
                    "“%(branch)s” column (its name or its code), or in the “%(path)s” column "
                    "with the units above it, names or codes separated by “/”, from the unit "
                    "the file is imported into (or from higher up, as the national software "
                    "writes it). The path tells apart branches of the same name in different "
                    "units. Every unit of the path must already exist: import the units first."
                )
                % {"branch": SPECS["branch"].header, "path": SPECS["branch_path"].header}
            ]
        ),
        "",
        _("Example row:"),
    ]
    for i, line in enumerate(lines):
        guide.write_string(i, 0, line, fmt.title if i == 0 else fmt.wrap)
    header_row = len(lines)
    for col, name in enumerate(names):
        guide.write_string(header_row, col + 1, SPECS[name].header, fmt.header)
        value = example.get(name, "")
        if isinstance(value, date):
            guide.write_datetime(header_row + 1, col + 1, value, fmt.date)
        elif value:
            fmt.write_text(guide, header_row + 1, col + 1, value)
    guide.write_string(header_row, 0, _("Header"), fmt.header)
    guide.write_string(header_row + 1, 0, _("Example"), fmt.wrap)
    workbook.close()
