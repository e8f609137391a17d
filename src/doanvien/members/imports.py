"""Importing members from a spreadsheet into a unit: every row is checked, then everything is
written, or nothing (a chunk at a time, each in a short transaction; a chunk that cannot be
written undoes the ones before it: core/spreadsheets/importing.py, `undo_chunk` below).

`members_import(confirm=False)` is the preview: it reads and checks the whole file and says how
many members it would create and update, and every error (row, column and value as in the
file, and the problem). `members_import(confirm=True)` checks everything again (the database
may have changed since the preview) and writes only if no error is found.

Rows are matched to existing members by ID card number. A member of the unit's subtree whom the
user may edit, and whose full ID number he may see, is updated (only the fields that change; a
blank cell leaves the field as it is); a new ID number creates a member; an ID number already on
a member elsewhere is an error that names his branch (never the person) when the user may see
full ID numbers there, and nothing at all otherwise: that refusal is recorded and counted like
any other (services/duplicates.py). The same ID number, member card number or member identifier
twice in the file is an error on both rows.

The rules of a record are those of `validation.clean_member_data`, the same as for the forms and
the API; what depends on other records (unique ID and card numbers) is checked here for a few
thousand rows at a time (`CHUNK_SIZE`) instead of one query per row. Writes use bulk inserts:
members, membership spans and audit events, one member count adjustment per branch.
"""

import re
import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from doanvien.actions.members import member_move, members_added
from doanvien.core import audit, import_tags
from doanvien.core.bulk import (
    GrowingTable,
    insert_rows,
    record_maker,
    records,
    reserve_ids,
)
from doanvien.core.models import AuditEvent, AuditPersonal
from doanvien.core.spreadsheets.importing import (
    ImportResult,
    Progress,
    SheetImport,
    Written,
    chunk_rows,
    error_messages,
)
from doanvien.core.spreadsheets.reading import SpreadsheetError
from doanvien.core.text import fold, normalize
from doanvien.member_stats import rollup as member_stats
from doanvien.members.access import can_edit_members
from doanvien.units.models import Unit, paths_to
from doanvien.units.services import adjust_member_counts

from .columns import SPECS, field_label
from .models import CARD_DIGITS, DuplicateIdReport, Member, Membership, Status
from .rules import RulesAlong, SubtreeRules
from .services.cards import RangeHolders, check_card_for_branch, imported_card
from .services.duplicates import (
    id_number_taken,
    named_refusal,
    probing_refusal,
    sees_holder,
)
from .services.records import (
    AUDITED_FIELDS,
    masked_changes,
    member_code_candidate,
    require_branch,
    set_derived,
)
from .sheets import MemberSheet, PreparedRow, open_member_sheet
from .validation import EDITABLE_FIELDS, ID_NUMBER_SHAPE, REQUIRED_FIELDS, clean_member_data

# Rows checked (and written) together: one query per kind of lookup for each chunk. Larger
# chunks mean fewer round trips (100,000 rows: 28 s on PostgreSQL with 2,500, 32 s with 1,000);
# much larger ones make SQLite's statements with a placeholder per value slower.
CHUNK_SIZE = 2500

_CODE_IN_BRACKETS = re.compile(r"\(([^()]+)\)\s*$")
# Longest text each field holds.
_MAX_LENGTHS = {f.name: f.max_length for f in Member._meta.fields if f.max_length}

# What identifies a row's member and says where he goes: taken off the row before the rules.
_KEY_FIELDS = {"id_number", "card_number", "member_code", "branch", "branch_path"}
# A branch path: the units from the one imported into (or from higher up) down to the branch,
# by name or code, "Huyện đoàn Tân An / Đoàn trường THPT Tân An / Chi đoàn 12A1".
_PATH_SEPARATORS = re.compile(r"[/>]")
# The preview lists at most this many branches with their counts.
BY_BRANCH_LIMIT = 500


@dataclass
class _Update:
    member: Member
    changes: dict[str, Any]
    move_to: Unit | None


class MemberImport(SheetImport):
    """The member import: the member columns (members/columns.py), and the member rules on
    each row."""

    sheet: MemberSheet
    undo_with = f"{__name__}.undo_chunk"

    def __init__(self, *, actor, unit: Unit, sheet: MemberSheet, result: ImportResult, today):
        super().__init__(actor=actor, sheet=sheet, result=result, today=today)
        self.unit = unit
        self.writing = False
        # First row of each ID number, card number and member identifier met in the file.
        self.ids_seen: dict[str, int] = {}
        self.cards_seen: dict[str, int] = {}
        self.new_member = record_maker(Member)
        self.range_holders: RangeHolders | None = None  # read when a card number is first met
        self.codes_seen: dict[str, int] = {}
        self.branches: dict[str, Unit | str] = {}
        self.paths: dict[str, Unit | str] = {}  # a branch path as written → its branch, or why not
        self.children: dict[tuple[int, str], Unit | str | None] = {}
        self.chain: list[Unit] | None = None  # the unit imported into and those above it
        # Each row's branch and action, for the counts per branch.
        self.row_branch: dict[int, Unit] = {}
        self.editable: dict[int, bool] = {}
        self.restored: Counter[str] = Counter()
        self.first_restored: dict[str, int] = {}
        self.skipped: list[int] = []
        self.other_branch_rows = 0
        # Required fields of a new member: those of the file are checked on every new row; a
        # missing column is reported once.
        required = [n for n in REQUIRED_FIELDS if n != "id_number"]
        self.required = dict.fromkeys((n for n in required if n in self.columns), "")
        self.missing = [n for n in required if n not in self.columns]
        # Columns whose values the rules do not take (besides the ID number, card number,
        # identifier and branch, which are taken off each row first).
        self.not_for_rules = set(self.columns) - set(EDITABLE_FIELDS) - _KEY_FIELDS
        # Longest text of each column's field, for the columns whose field has one.
        self.limits = [(n, _MAX_LENGTHS[n]) for n in self.columns if n in _MAX_LENGTHS]
        self.reported: set[str] = set()
        self.blank = Member()
        self.created = self.updated = 0
        self.subtree_rules: SubtreeRules | None = None  # the age rules, read at the first row
        # Why the user's new ID numbers are not checked now (services/duplicates.py), if so.
        self.probing: str | None = None

    def rules_of(self, branch: Unit | None) -> RulesAlong:
        """The age rules of the branch (of the unit imported into, for a row without one)."""
        if self.subtree_rules is None:
            self.subtree_rules = SubtreeRules(self.unit)
        return self.subtree_rules.along((branch or self.unit).path)

    # --- errors -------------------------------------------------------------------------

    def label(self, name: str) -> str:
        return field_label(name)

    def changed_message(self) -> str:
        return _(
            "The members changed while the file was being written. Nothing was written: "
            "import the file again."
        )

    def _seen_twice(self, seen: dict[str, int], key: str, row: PreparedRow, name: str) -> bool:
        """Whether `key` was already met in the file; if so both rows get an error."""
        first = seen.setdefault(key, row.number)
        if first == row.number:
            return False
        message = _("%(field)s %(value)s is also in row %(row)s of the file.")
        label = field_label(name)
        self.error(row, name, message % {"field": label, "value": key, "row": first})
        if self.outcome.get(first) != "error":
            self.record(
                first,
                name,
                key,
                message % {"field": label, "value": key, "row": row.number},
            )
        return True

    # --- the columns ----------------------------------------------------------------------

    def check_columns(self) -> bool:
        super().check_columns()
        if "id_number" not in self.columns:
            self.result.file_error(
                _("The file has no “%(column)s” column: members are matched by it.")
                % {"column": SPECS["id_number"].header}
            )
            return False
        return True

    def once(self, message: str) -> None:
        """An error of the file as a whole, met on a row: reported the first time only."""
        if message not in self.reported:
            self.reported.add(message)
            self.result.file_error(message)

    # --- branches and access --------------------------------------------------------------

    def can_edit(self, branch: Unit) -> bool:
        if branch.pk not in self.editable:
            self.editable[branch.pk] = can_edit_members(self.actor, branch)
        return self.editable[branch.pk]

    def _find_branch(self, value: str) -> Unit | str:
        """The branch of the unit's subtree that `value` names (by code or by name, also
        "name (code)"), or the reason there is none."""
        candidates = [value]
        if m := _CODE_IN_BRACKETS.search(value):
            candidates += [m[1], value[: m.start()]]
        if " - " in value:
            candidates.append(value.split(" - ", 1)[0])
        candidates = [c.strip() for c in candidates if c.strip()]
        branches = Unit.objects.filter(path__startswith=self.unit.path, kind=Unit.Kind.BRANCH)
        found = None
        for text in candidates:
            found = branches.filter(code=normalize(text).upper()).first()
            if found:
                break
        if found is None:
            for text in candidates:
                named = list(branches.filter(name_folded=fold(text))[:2])
                if len(named) > 1:
                    return _(
                        "Several branches of %(unit)s are named “%(value)s”: write the branch "
                        "code instead."
                    ) % {"unit": self.unit.name, "value": value}
                if named:
                    found = named[0]
                    break
        if found is None:
            if _PATH_SEPARATORS.search(value):
                # A path of units in the branch column (as national exports may write it).
                return self._find_by_path(value)
            # Nothing is created for it: the tree comes first, from its own import.
            return self._missing(value)
        return self._usable(found)

    def _missing(self, value: str) -> str:
        """A branch the file names that the tree does not have: nothing is created for it,
        the tree comes first, from its own import (linked from the result)."""
        if not self.result.links:
            self.result.links.append(
                {
                    "url": reverse("units:unit-tree-import", args=[self.unit.pk]),
                    "label": _("Import the units from Excel"),
                }
            )
        return _("%(unit)s has no branch “%(value)s”: import the units first.") % {
            "unit": self.unit.name,
            "value": value,
        }

    def _outside(self, value: str) -> str:
        return _(
            "The path “%(value)s” leads outside %(unit)s: the members of a file go to the "
            "branches under the unit it is imported into."
        ) % {"value": value, "unit": self.unit.name}

    def _child(self, parent: Unit, text: str) -> Unit | str | None:
        """The unit right under `parent` that `text` names (its code, its name, or "name
        (code)"), None when there is none, or why the name is not enough."""
        key = (parent.pk, text)
        if key not in self.children:
            self.children[key] = self._look_up_child(parent, text)
        return self.children[key]

    def _look_up_child(self, parent: Unit, text: str) -> Unit | str | None:
        candidates = [text]
        if m := _CODE_IN_BRACKETS.search(text):
            candidates = [m[1], text[: m.start()], text]
        below = Unit.objects.filter(path__startswith=parent.path, depth=parent.depth + 1)
        for candidate in (c.strip() for c in candidates if c.strip()):
            found = below.filter(code=normalize(candidate).upper()).first()
            if found:
                return found
            named = list(below.filter(name_folded=fold(candidate))[:2])
            if len(named) > 1:
                return _(
                    "Several units under %(parent)s are named “%(value)s”: write its code "
                    "instead (“%(value)s (code)”)."
                ) % {"parent": parent.name, "value": candidate}
            if named:
                return named[0]
        return None

    @staticmethod
    def _names(unit: Unit, text: str) -> bool:
        """Whether `text` names `unit`: its code, its name, or "name (code)"."""
        text = text.strip()
        if (m := _CODE_IN_BRACKETS.search(text)) and normalize(m[1]).upper() == unit.code:
            return True
        return normalize(text).upper() == unit.code or fold(text) == unit.name_folded

    def _find_by_path(self, value: str) -> Unit | str:
        """The branch a path of units leads to, from the unit imported into (the path may start
        higher up, with the units above it, as a national export writes it), or why there is
        none: a unit of the path that the tree lacks (import the units first), a path that
        leaves the unit's subtree, a name two units share, or a path that ends above a branch."""
        segments = [s.strip() for s in _PATH_SEPARATORS.split(value) if s.strip()]
        if self.chain is None:
            self.chain = list(Unit.objects.filter(path__in=paths_to(self.unit.path)))
            self.chain.sort(key=lambda u: u.depth)
        above = self.chain[:-1]
        through = next((i for i, s in enumerate(segments) if self._names(self.unit, s)), None)
        if through is not None:
            # Its first segments name the units above, in order, down to the unit itself.
            leading = segments[:through]
            if len(leading) > len(above) or not all(
                self._names(u, s)
                for u, s in zip(above[len(above) - len(leading) :], leading, strict=True)
            ):
                return self._outside(value)
            segments = segments[through + 1 :]
        elif segments and any(self._names(u, segments[0]) for u in above):
            return self._outside(value)
        parent = self.unit
        for segment in segments:
            found = self._child(parent, segment)
            if isinstance(found, str):
                return found
            if found is None:
                if parent.pk == self.unit.pk and self._code_elsewhere(segment):
                    return self._outside(value)
                return self._missing(value)
            parent = found
        if not parent.is_branch:
            return _(
                "The path “%(value)s” ends with %(unit)s, which is not a branch: write the path "
                "down to the member's branch."
            ) % {"value": value, "unit": parent.name}
        return self._usable(parent)

    def _code_elsewhere(self, text: str) -> bool:
        """Whether `text` is the code of a unit outside the subtree imported into."""
        code = normalize(text).upper()
        return Unit.objects.filter(code=code).exclude(path__startswith=self.unit.path).exists()

    def _usable(self, branch: Unit) -> Unit | str:
        """The branch, or why its members cannot be written (closed, or not the user's)."""
        try:
            require_branch(branch)
        except ValidationError as e:
            return " ".join(m for ms in error_messages(e).values() for m in ms)
        if not self.can_edit(branch):
            return _("You may not change the members of %(branch)s.") % {"branch": branch.name}
        return branch

    def branch_for(
        self, row: PreparedRow, value: str, member: Member | None, path: str = ""
    ) -> Unit | None:
        if self.unit.is_branch:
            named = value or (_PATH_SEPARATORS.split(path)[-1].strip() if path else "")
            if named and fold(named) not in (fold(self.unit.name), fold(self.unit.code)):
                self.other_branch_rows += 1
            if not self.can_edit(self.unit):
                self.error(
                    row,
                    "branch",
                    _("You may not change the members of %(branch)s.") % {"branch": self.unit.name},
                )
                return None
            return self.unit
        if path:
            if path not in self.paths:
                self.paths[path] = self._find_by_path(path)
            found = self.paths[path]
            if isinstance(found, str):
                self.error(row, "branch_path", found)
                return None
            if value and not self._names(found, value):
                self.error(
                    row,
                    "branch",
                    _("“%(value)s” is not the branch the path leads to (%(branch)s).")
                    % {"value": value, "branch": found.name},
                )
                return None
            return found
        if not value:
            if member is not None:
                return member.branch
            if "branch" not in self.columns and "branch_path" not in self.columns:
                self.once(
                    _(
                        "The file has no “%(column)s” column: write each new member's branch, "
                        "or import the file into a branch."
                    )
                    % {"column": SPECS["branch"].header}
                )
            else:
                self.error(row, "branch", _("Write the member's branch (its name or its code)."))
            return None
        if value not in self.branches:
            self.branches[value] = self._find_branch(value)
        found = self.branches[value]
        if isinstance(found, str):
            self.error(row, "branch", found)
            return None
        return found

    # --- rows -----------------------------------------------------------------------------

    def lengths_ok(
        self, row: PreparedRow, clean: dict[str, Any], limits: list[tuple[str, int]] | None = None
    ) -> bool:
        """Whether each text of `clean` fits its field (those of `limits`, by default every
        field of `clean` that has a longest text)."""
        ok = True
        if limits is None:
            limits = [(n, _MAX_LENGTHS[n]) for n in clean if n in _MAX_LENGTHS]
        for name, limit in limits:
            value = clean.get(name)
            if value.__class__ is str and len(value) > limit:
                self.error(
                    row,
                    name,
                    _("%(field)s: at most %(max)s characters (this one has %(length)s).")
                    % {"field": field_label(name), "max": limit, "length": len(value)},
                )
                ok = False
        return ok

    def check_id_number(self, row: PreparedRow, id_number: str) -> bool:
        """The shape the rules require is checked here first, so that the rules (which also
        look the number up, one query per call) only run on numbers that fail it, to word the
        error; uniqueness is checked in bulk."""
        if ID_NUMBER_SHAPE.fullmatch(id_number):
            return not self._seen_twice(self.ids_seen, id_number, row, "id_number")
        try:
            clean_member_data({"id_number": id_number}, instance=self.blank, today=self.today)
        except ValidationError as e:
            self.rule_errors(row, e)
        return False

    def check_held_elsewhere(
        self, row: PreparedRow, id_number: str, holder: Member | None, branch, data
    ) -> None:
        """A number that is not on a member this import may update: held by `holder` (out of
        the import's reach), or new. A holder whose full number the user may see is named; any
        other is not, and the hit is recorded and counted (services/duplicates.py). Once the
        user has met too many, every number that is not his to see gets the same refusal, held
        or not: the file tells nothing more."""
        if holder is not None and sees_holder(self.actor, holder.unit_path):
            message = named_refusal(id_number, holder=holder)
        elif self.probing:
            message = self.probing
        elif holder is not None:
            message = id_number_taken(
                actor=self.actor,
                id_number=id_number,
                holder=holder,
                entered_unit=branch or self.unit,
                name=data.get("full_name") or "",
                source=DuplicateIdReport.Source.IMPORT,
            )
            self.probing = probing_refusal(self.actor)
        else:
            return
        self.error(row, "id_number", message)

    def check_card(self, row, given, card, owner_of: dict[str, str], id_number: str, branch):
        """`given` as in the file, `card` as it is kept (imported_card())."""
        if not given:
            return True
        if not self.lengths_ok(row, {"card_number": card}):
            return False
        if card.isdigit() and (len(card) > CARD_DIGITS or not int(card)):
            self.error(
                row,
                "card_number",
                _("A member card number has at most %(digits)s digits (not all zeros).")
                % {"digits": CARD_DIGITS},
            )
            return False
        if self._seen_twice(self.cards_seen, card, row, "card_number"):
            return False
        owner = owner_of.get(card)
        if owner is not None and owner != id_number:
            self.error(
                row,
                "card_number",
                _("The member card number %(number)s is already assigned.") % {"number": card},
            )
            return False
        if branch is not None and card.isdigit():
            if self.range_holders is None:
                self.range_holders = RangeHolders()
            try:
                check_card_for_branch(int(card), branch, self.range_holders)
            except ValidationError as e:
                self.rule_errors(row, e)
                return False
        return True

    def check_code(self, row: PreparedRow, code: str, taken: set[str]) -> bool:
        if not code:
            return True
        if not self.lengths_ok(row, {"member_code": code}):
            return False
        if self._seen_twice(self.codes_seen, code, row, "member_code"):
            return False
        if code in taken:
            self.error(
                row,
                "member_code",
                _("The member identifier %(code)s is already in use.") % {"code": code},
            )
            return False
        return True

    def create_row(
        self, row, data, id_number, card, code, branch, fresh_code: str
    ) -> SimpleNamespace | None:
        """The new member of a row, or None when it has an error; `fresh_code` is his member
        identifier when the file gives none (checked again when written)."""
        if self.missing:
            self.once(
                _("To add new members the file needs these columns too: %(columns)s.")
                % {"columns": ", ".join(f"“{SPECS[name].header}”" for name in self.missing)}
            )
        if self.not_for_rules:
            data = {k: v for k, v in data.items() if k not in self.not_for_rules}
        # A cell that could not be read has its error already: not "required" as well.
        required = self.required
        if row.problems:
            unread = {name for name, _message in row.problems}
            required = {k: v for k, v in required.items() if k not in unread}
        clean_input = {**required, **data}
        # The rules check the fields they are given against an unsaved record: every required
        # field of the file is given (blank when its cell is); the ID number is not, as it is
        # checked here (its shape above, its uniqueness in bulk).
        try:
            clean = clean_member_data(
                clean_input, instance=self.blank, today=self.today, rules=self.rules_of(branch)
            )
        except ValidationError as e:
            self.rule_errors(row, e)
            return None
        if not self.lengths_ok(row, clean, self.limits) or self.outcome.get(row.number) == "error":
            return None
        if branch is None:
            return None
        # A stand-in for the new Member (core/bulk.py): the write inserts it with insert_rows.
        member = self.new_member(
            {
                **clean,
                "id_number": id_number,
                "card_number": card,
                "member_code": code or fresh_code,
                "code_made": not code,
                "branch_id": branch.pk,
                "unit_path": branch.path,
            }
        )
        set_derived(member)
        self.set_outcome(row.number, "create")
        self.row_branch[row.number] = branch
        self.sample(row.number, "create", member.full_name, branch.name, [])
        return member

    def update_row(self, row, data, member: Member, card, branch) -> _Update | None:
        given = {k: v for k, v in data.items() if k in EDITABLE_FIELDS}
        candidates = {k: v for k, v in given.items() if getattr(member, k) != v}
        if card and card != member.card_number:
            candidates["card_number"] = card
        move_to = branch if branch is not None and branch.pk != member.branch_id else None
        changes: dict[str, Any] = {}
        if candidates:
            rules_input = {k: v for k, v in candidates.items() if k != "card_number"}
            try:
                clean = clean_member_data(
                    rules_input,
                    instance=member,
                    today=self.today,
                    rules=self.rules_of(branch or member.branch),
                )
            except ValidationError as e:
                self.rule_errors(row, e)
                return None
            if "card_number" in candidates:
                clean["card_number"] = candidates["card_number"]
            if not self.lengths_ok(row, clean):
                return None
            changes = {k: v for k, v in clean.items() if getattr(member, k) != v}
        if self.outcome.get(row.number) == "error" or branch is None:
            return None
        if not changes and move_to is None:
            self.set_outcome(row.number, "unchanged")
            return None
        self.set_outcome(row.number, "update")
        self.row_branch[row.number] = move_to or member.branch
        labels = [field_label(k) for k in changes] + ([field_label("branch")] if move_to else [])
        self.sample(row.number, "update", member.full_name, (move_to or member.branch).name, labels)
        return _Update(member=member, changes=changes, move_to=move_to)

    def chunk(self, rows: list[PreparedRow]) -> None:
        """Check a chunk of rows against the database; when writing, check them again and
        write them in one short transaction (nothing of it if one has an error)."""
        if not self.writing:
            self.check_chunk(rows, None)
            return
        with self.chunk_transaction() as undo:
            self.check_chunk(rows, undo)

    def check_chunk(self, rows: list[PreparedRow], undo: dict | None) -> None:
        """The rows checked, and written when `undo` is given (what undoes them goes there)."""
        members: list[PreparedRow] = []
        for row in rows:
            if not row.data.get("full_name") and not row.data.get("id_number"):
                self.skipped.append(row.number)
                continue
            members.append(row)
            self.result.rows += 1
            for name in row.restored:
                self.restored[name] += 1
                self.first_restored.setdefault(name, row.number)
        ids = [
            r.data["id_number"]
            for r in members
            if ID_NUMBER_SHAPE.fullmatch(r.data.get("id_number", ""))
        ]
        cards = [imported_card(r.data["card_number"]) for r in members if r.data.get("card_number")]
        codes = [r.data["member_code"] for r in members if r.data.get("member_code")]
        existing_qs = Member.objects.filter(id_number__any_of=ids).select_related("branch")
        if self.writing:
            existing_qs = existing_qs.select_for_update(of=("self",))
        existing = {m.id_number: m for m in existing_qs}
        card_owner = dict(
            Member.objects.filter(card_number__any_of=cards).values_list("card_number", "id_number")
        )
        # A new identifier for each row, for the rows that create a member without one: looked
        # up with the file's identifiers, in the same query.
        fresh = [member_code_candidate() for _row in members]
        codes_taken = set(
            Member.objects.filter(member_code__any_of=codes + fresh).values_list(
                "member_code", flat=True
            )
        )

        creates: list[SimpleNamespace] = []  # stand-ins for new members
        updates: list[_Update] = []
        for row, fresh_code in zip(members, fresh, strict=True):
            data = row.data  # the keys taken off below: what is left goes to the rules
            unreadable = set()
            for name, message in row.problems:
                self.error(row, name, message)
                unreadable.add(name)
            id_number = data.pop("id_number", "")
            given_card = data.pop("card_number", None) or None
            card = imported_card(given_card) if given_card else None
            code = data.pop("member_code", "")
            branch_value = data.pop("branch", "")
            path_value = data.pop("branch_path", "")
            id_ok = "id_number" not in unreadable and self.check_id_number(row, id_number)
            member = existing.get(id_number) if id_ok else None
            elsewhere = None  # the record holding the number, out of this import's reach
            if member is not None and not (
                member.unit_path.startswith(self.unit.path)
                and self.can_edit(member.branch)
                # Matching a row to him would confirm a number the user sees masked.
                and sees_holder(self.actor, member.unit_path)
            ):
                elsewhere, member = member, None
            branch = self.branch_for(row, branch_value, member, path_value)
            if id_ok and member is None:
                self.check_held_elsewhere(row, id_number, elsewhere, branch, data)
            self.check_card(row, given_card, card, card_owner, id_number, branch)
            if member is None:
                self.check_code(row, code, codes_taken)
                new = self.create_row(row, data, id_number, card, code, branch, fresh_code)
                if new is not None:
                    creates.append(new)
            else:
                update = self.update_row(row, data, member, card, branch)
                if update is not None:
                    updates.append(update)
            if self.outcome.get(row.number) is None:
                self.set_outcome(row.number, "error")
        if undo is not None and self.result.error_count == 0:
            self.write(creates, updates, taken=codes_taken, undo=undo)

    # --- writing --------------------------------------------------------------------------

    def _give_codes(self, members: list[SimpleNamespace], taken: set[str]) -> None:
        """Another identifier for each new member whose identifier was made for him (not
        given in the file) and is taken (one of `taken`) or met twice; each new one is
        checked against the database."""
        counts = Counter(m.member_code for m in members)
        needing = [
            m
            for m in members
            if m.code_made and (m.member_code in taken or counts[m.member_code] > 1)
        ]
        while needing:
            for m in needing:
                m.member_code = member_code_candidate()
            counts = Counter(m.member_code for m in members)
            taken = set(
                Member.objects.filter(
                    member_code__any_of=[m.member_code for m in needing]
                ).values_list("member_code", flat=True)
            )
            needing = [m for m in needing if m.member_code in taken or counts[m.member_code] > 1]

    def _event(self, action: str, member: Member, changes: dict) -> AuditEvent:
        """The event `audit.record` would write for this member."""
        return AuditEvent(
            actor=self.actor if getattr(self.actor, "pk", None) else None,
            action=action,
            target_type=Member._meta.model_name,
            target_id=member.pk,
            unit_id=member.branch_id,
            unit_path=member.unit_path,
            summary=audit.PERSON,
            changes=audit.fields_only(changes),
            person_type="member",
            person_id=member.pk,
            import_id=import_tags.current(),
        )

    def _insert_new(self, creates: list[SimpleNamespace]) -> None:
        """Insert new members, a membership span and an event each.

        COPY, or one prepared INSERT sent with executemany (see core/bulk.py): bulk_create's
        compiling per batch cost more than the database's work. The ids are taken from the
        sequence first where there is one, else read back by the member identifiers, which
        are unique."""
        reserved = reserve_ids(Member, len(creates))
        if reserved is not None:
            for m, pk in zip(creates, reserved, strict=True):
                m.id = m.pk = pk
        insert_rows(Member, creates)
        if reserved is None:
            ids = dict(
                Member.objects.filter(member_code__any_of=[m.member_code for m in creates])
                .order_by()
                .values_list("member_code", "pk")
            )
            for m in creates:
                m.pk = ids[m.member_code]
        self.members_table.grew(len(creates))
        reason = _("Record created by import")
        spans = (
            {
                "member_id": m.pk,
                "branch_id": m.branch_id,
                "started_on": m.joined_union_on or self.today,
                "reason": reason,
            }
            for m in creates
        )
        insert_rows(Membership, records(Membership, spans))
        # One event per member, to head his history; the values are the record's own.
        actor_id = self.actor.pk if getattr(self.actor, "pk", None) else None
        import_id = import_tags.current()
        events = (
            {
                "actor_id": actor_id,
                "action": "member.created",
                "target_type": Member._meta.model_name,
                "target_id": m.pk,
                "unit_id": m.branch_id,
                "unit_path": m.unit_path,
                "summary": audit.PERSON,
                "changes": {},
                "person_type": "member",
                "person_id": m.pk,
                "import_id": import_id,
            }
            for m in creates
        )
        insert_rows(AuditEvent, records(AuditEvent, events))

    def write(
        self,
        creates: list[SimpleNamespace],
        updates: list[_Update],
        *,
        taken: set[str],
        undo: dict[str, Any],
    ) -> None:
        """Write the chunk's new members and its changes, with the counts they move (member
        counts, statistics, training roll-ups), in the chunk's transaction; `taken`: member
        identifiers already in use, among those of the chunk. `undo` gets what undoes it
        (undo_chunk): the new members' ids, each change's values before and after, each
        move's branch and spans before."""
        added: Counter[str] = Counter()  # branch path → members created
        recount: set[int] = set()
        days: list[date] = []
        undo["today"] = self.today
        if creates:
            self._give_codes(creates, taken)
            self._insert_new(creates)
            member_stats.changed_many((None, member_stats.vector(m)) for m in creates)
            for m in creates:
                added[m.unit_path] += 1
                recount.add(m.branch_id)
                days.append(m.joined_union_on or self.today)
            self.created += len(creates)
            undo["created"] = [m.pk for m in creates]
        if updates:
            events, values, names = [], [], {"name_folded", "sort_key", "updated_at"}
            counted, restore = [], []
            now = timezone.now()
            for u in updates:
                if not u.changes:
                    continue
                before = audit.snapshot(u.member, AUDITED_FIELDS)
                counted_before = member_stats.vector(u.member)
                if "joined_union_on" in u.changes:
                    recount.add(u.member.branch_id)
                    days += [u.member.joined_union_on, u.changes["joined_union_on"]]
                restore.append(
                    {
                        "id": u.member.pk,
                        "before": {k: getattr(u.member, k) for k in u.changes},
                        "after": dict(u.changes),
                    }
                )
                for name, value in u.changes.items():
                    setattr(u.member, name, value)
                set_derived(u.member)
                counted.append((counted_before, member_stats.vector(u.member)))
                u.member.updated_at = now
                names |= set(u.changes)
                changes = masked_changes(
                    audit.diff(before, audit.snapshot(u.member, AUDITED_FIELDS))
                )
                events.append(self._event("member.updated", u.member, changes))
                values.append(changes)
            changed = [u.member for u in updates if u.changes]
            if changed:
                Member.objects.bulk_update(changed, sorted(names), batch_size=500)
                AuditEvent.objects.bulk_create(events, batch_size=1000)
                AuditPersonal.objects.bulk_create(
                    audit.personal_rows(events, values), batch_size=1000
                )
                member_stats.changed_many(counted)
                undo["updated"] = restore
            reason = _("Moved by import")
            moved = []
            for u in updates:
                if u.move_to is not None:
                    spans = Membership.objects.filter(member_id=u.member.pk)
                    open_span = spans.filter(ended_on=None).values_list("pk", flat=True)
                    moved.append(
                        {
                            "id": u.member.pk,
                            "from": u.member.branch_id,
                            "spans": sorted(spans.values_list("pk", flat=True)),
                            "open": open_span.first(),
                        }
                    )
                    member_move(
                        actor=self.actor,
                        member=u.member,
                        branch=u.move_to,
                        on=self.today,
                        reason=reason,
                    )
            if moved:
                undo["moved"] = moved
            self.updated += len(updates)
        adjust_member_counts(added)
        if days:
            members_added(sorted(recount), since=min(days))

    def finish(self) -> None:
        """After the last chunk, in the transaction that ends the import: the summary."""
        audit.record(
            actor=self.actor,
            action="members.imported",
            target=self.unit,
            unit_path=self.unit.path,
            summary=self.result.filename,
            changes={"created": [None, self.created], "updated": [None, self.updated]},
        )

    # --- the whole file -------------------------------------------------------------------

    def run(self, *, write: bool, progress: Progress | None) -> None:
        """Check every row, a chunk at a time; when writing, each chunk is checked again and
        written in a short transaction of its own (chunk_rows() rows), and the writing stops
        at the first chunk with an error (the chunks before it are then undone)."""
        self.writing = write
        self.probing = probing_refusal(self.actor)
        size = CHUNK_SIZE
        if write:
            self.members_table = GrowingTable(Member)
            size = chunk_rows()
        total, header = self.sheet.total, self.sheet.header_row
        batch: list[PreparedRow] = []
        for row in self.sheet.prepared():
            batch.append(row)
            if len(batch) == size:
                self.chunk(batch)
                batch = []
                if progress:
                    progress(min(row.number - header, total), total)
        if batch:
            self.chunk(batch)
        self.after_rows()
        if progress:
            progress(total, total)

    def after_rows(self) -> None:
        result = self.result
        if result.rows == 0:
            result.file_error(_("The file has a header row but no member rows below it."))
        for name, count in self.restored.items():
            result.warnings.append(
                _(
                    "%(field)s: leading zeros put back in %(count)s cells that Excel had turned "
                    "into numbers (the first in row %(row)s)."
                )
                % {"field": field_label(name), "count": count, "row": self.first_restored[name]}
            )
        if self.skipped:
            shown = ", ".join(str(n) for n in self.skipped[:10])
            result.warnings.append(
                _(
                    "%(count)s rows with neither a name nor an ID card number were skipped: "
                    "%(rows)s."
                )
                % {
                    "count": len(self.skipped),
                    "rows": shown + ("…" if len(self.skipped) > 10 else ""),
                }
            )
        if self.other_branch_rows:
            result.warnings.append(
                _(
                    "Every member goes to %(branch)s; %(count)s rows named another unit in the "
                    "“%(column)s” column."
                )
                % {
                    "branch": self.unit.name,
                    "count": self.other_branch_rows,
                    "column": self.columns["branch"].header,
                }
            )
        self.count_by_branch()
        self.order_errors_and_sample()

    def count_by_branch(self) -> None:
        """The members to create and update in each branch, each named by its path below the
        unit imported into (for an import into a union)."""
        if self.unit.is_branch:
            return
        counts: dict[int, Counter[str]] = {}
        branches: dict[int, Unit] = {}
        for number, branch in self.row_branch.items():
            action = self.outcome.get(number)
            if action in ("create", "update"):
                counts.setdefault(branch.pk, Counter())[action] += 1
                branches[branch.pk] = branch
        chosen = sorted(branches.values(), key=lambda b: b.path)[:BY_BRANCH_LIMIT]
        start = len(self.unit.path)
        between = {p for b in chosen for p in paths_to(b.path) if start < len(p) < len(b.path)}
        names = dict(Unit.objects.filter(path__in=between).values_list("path", "name"))
        self.result.by_branch = [
            {
                "branch": b.name,
                "code": b.code,
                "path": " / ".join([names[p] for p in paths_to(b.path) if p in names] + [b.name]),
                "to_create": counts[b.pk]["create"],
                "to_update": counts[b.pk]["update"],
            }
            for b in chosen
        ]
        self.result.by_branch_total = len(branches)


def members_import(
    *,
    actor,
    unit: Unit,
    path: str | Path,
    filename: str,
    confirm: bool,
    progress: Progress | None = None,
    today: date | None = None,
    on_written: Written | None = None,
    import_id: uuid.UUID | None = None,
) -> ImportResult:
    """Check the file (confirm=False) or check it again and write it (confirm=True): all or
    nothing. `unit` is the unit imported into (a branch, or a union whose branches the file
    names); `filename` is the name the user gave the file (the file itself is at `path`).
    `progress(done, total)` is called before the first row, every chunk of rows checked (and,
    when confirming, written) and at the end, always outside any transaction;
    `on_written(result)` in the transaction that ends the import, once every chunk is written;
    `import_id` names the run (a job's id: SheetImport.check_and_write). Messages are in the
    active language.
    The result says what was (or would be) created and updated, and lists the errors
    (`RowError`: row, column and value as in the file, message) and warnings; with
    confirm=True, `written` is true when the members were written."""
    result = ImportResult(filename=filename)
    try:
        sheet = open_member_sheet(path)
    except SpreadsheetError as e:
        result.file_error(e.message)
        return result
    today = today or timezone.localdate()
    work = MemberImport(actor=actor, unit=unit, sheet=sheet, result=result, today=today)
    if not work.check_columns():
        return result
    if progress:
        progress(0, sheet.total)  # before any transaction: the page shows the size at once
    if confirm:
        # The whole file checked again first, outside any transaction, as the preview did: a
        # file that has an error now (the records changed since) never takes the write lock,
        # which every other write waits for (one writer at a time on SQLite). One without is
        # checked once more as it is written: all or nothing.
        check = MemberImport(
            actor=actor, unit=unit, sheet=sheet, result=ImportResult(filename=filename), today=today
        )
        check.check_columns()
        check.run(write=False, progress=None)  # the bar counts the rows written
        if check.result.error_count:
            return check.result
    work.check_and_write(
        confirm=confirm, progress=progress, on_written=on_written, import_id=import_id
    )
    return result


# --- undoing a chunk ------------------------------------------------------------------------


def undo_chunk(data: dict[str, Any]) -> None:
    """Undo one chunk of a member import that could not be finished (MemberImport.write wrote
    `data`; core/spreadsheets/importing.py: undo_import calls this, in a transaction of its
    own, maybe in another worker): the moves go back, the fields changed take their values
    before (those someone changed since keep his), the new members go, and every count they
    moved moves back: member counts, statistics, training roll-ups. Their audit events and
    movements carry the import's id and are deleted after."""
    today = date.fromisoformat(data["today"])
    for moved in reversed(data.get("moved", [])):
        _move_back(moved, today)
    if data.get("updated"):
        _restore(data["updated"])
    if data.get("created"):
        _remove(data["created"])


def _move_back(moved: dict[str, Any], today: date) -> None:
    """A member the import moved goes back to his branch (the same action as a move), and his
    spans are as before: the two spans the moves made go, the one they ended is open again."""
    member = Member.objects.filter(pk=moved["id"]).first()
    branch = Unit.objects.filter(pk=moved["from"]).first()
    if member is None or branch is None:
        return
    moved_to = member.branch_id
    if moved_to != branch.pk:
        member_move(actor=None, member=member, branch=branch, on=today, reason=_("Import undone"))
    spans = Membership.objects.filter(member_id=member.pk)
    spans.exclude(pk__in=moved["spans"]).delete()
    if moved["open"] is not None:
        spans.filter(pk=moved["open"]).update(ended_on=None)
    members_added(sorted({branch.pk, moved_to}), since=today)


def _restore(updates: list[dict[str, Any]]) -> None:
    """The fields an import changed take back their values before, unless someone changed
    them since (his value stays); the statistics and roll-ups follow."""
    fields = {f.name: f for f in Member._meta.concrete_fields}
    members = Member.objects.select_for_update().in_bulk([u["id"] for u in updates])
    changed, counted, names = [], [], {"name_folded", "sort_key", "updated_at"}
    recount: set[int] = set()
    days: list[date] = []
    now = timezone.now()
    for u in updates:
        member = members.get(u["id"])
        if member is None:
            continue
        counted_before = member_stats.vector(member)
        restored = []
        for name, after in u["after"].items():
            field = fields[name]
            if getattr(member, name) != field.to_python(after):
                continue
            setattr(member, name, field.to_python(u["before"][name]))
            restored.append(name)
        if not restored:
            continue
        if "joined_union_on" in restored:
            recount.add(member.branch_id)
            days += [
                fields["joined_union_on"].to_python(u[k]["joined_union_on"])
                for k in ("before", "after")
            ]
        set_derived(member)
        member.updated_at = now
        names |= set(restored)
        changed.append(member)
        counted.append((counted_before, member_stats.vector(member)))
    if changed:
        Member.objects.bulk_update(changed, sorted(names), batch_size=500)
        member_stats.changed_many(counted)
    if days:
        members_added(sorted(recount), since=min(d for d in days if d))


def _remove(ids: list[int]) -> None:
    """The members an import created are deleted, and what counted them counts again."""
    members = list(Member.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
    if not members:
        return
    spans = Membership.objects.filter(member_id__in=ids)
    branches = set(spans.values_list("branch_id", flat=True)) | {m.branch_id for m in members}
    since = min(spans.values_list("started_on", flat=True), default=None)
    on_roll = Counter(m.unit_path for m in members if m.status == Status.ACTIVE)
    member_stats.changed_many((member_stats.vector(m), None) for m in members)
    spans.delete()
    Member.objects.filter(pk__in=ids).delete()
    adjust_member_counts({path: -count for path, count in on_roll.items()})
    if since is not None:
        members_added(sorted(branches), since=since)
