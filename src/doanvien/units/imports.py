"""Importing a unit tree from a spreadsheet into a unit: every row is checked, then everything
is written, or nothing (the toolkit of core/spreadsheets, like the member import: a chunk at a
time in short transactions, a chunk that cannot be written undoing the ones before it;
`undo_chunk` below).

Each row is a unit: its code, name, level, sector and the code of the unit above it (blank: the
unit imported into). A row whose code is a unit of the subtree updates it (a new name or sector,
a move under another unit); any other code creates a unit. The unit above may come later in the
file than its units, or be a unit of the subtree already. The checks name the row: a code twice
in the file (both rows), a unit above that is nowhere (neither in the file nor in the subtree),
a code of a unit outside the subtree, a circle of units above each other (every row of it), a
level that is not below its unit above's (a district under a base union), units under a branch.

Writes at the scale of a national list (350,000 units, bench/tree_import.py): the new units get
their tree paths computed here, parents first, and are written with one COPY a chunk
(core/bulk.py), with their audit events; renames in one UPDATE a chunk; the units above them get
their count of children in one UPDATE a chunk. New units have no members: no count changes. A
moved unit moves with `actions.units.unit_move`, the same as the page's move (its subtree's
paths, every path copy, the member counts and the training roll-ups follow): a few statements
per moved unit, not per unit of its subtree.
"""

import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from doanvien.actions.units import unit_move
from doanvien.core import import_tags
from doanvien.core.bulk import (
    GrowingTable,
    insert_rows,
    record_maker,
    reserve_ids,
    update_from_values,
)
from doanvien.core.models import AuditEvent
from doanvien.core.spreadsheets.importing import (
    ImportResult,
    Progress,
    SheetImport,
    Written,
    chunk_rows,
    sheet_import,
)
from doanvien.core.spreadsheets.reading import cell_text
from doanvien.core.text import fold, text_fault
from doanvien.training.models import YearStats
from doanvien.training.rollup import count_open_years_again, opened_years, year_ended

from .columns import COLUMNS, SPECS, field_label
from .models import Level, Sector, Unit, paths_to
from .services import unit_state_changed

# A national unit list in one file (about 350,000 units; settings.UNIT_IMPORT_MAX_ROWS).
DEFAULT_MAX_ROWS = 400_000
# Codes and paths looked up together (one query each).
CHUNK = 5000
# A unit row writes a few short rows (the unit, its audit event, its meeting figures), a member
# row of the member import a dozen with their checks: a transaction of the tree import takes
# this many times the rows of a member import's (settings.IMPORT_CHUNK_ROWS), for about as
# long a transaction (500 units: some 0.1 s; 5,000: under a second on PostgreSQL).
UNITS_PER_CHUNK_ROW = 10
# treebeard's path column holds 255 characters: 63 levels of 4.
MAX_DEPTH = 255 // Unit.steplen
_MAX_CODE, _MAX_NAME = 40, 200


@dataclass(slots=True)
class _Row:
    number: int
    values: list
    code: str
    name: str
    level: Level | None
    sector: str | None  # None: blank (a new unit has none, an existing one keeps its own)
    parent: str  # the code of the unit above; "" for the unit imported into
    ok: bool = True


@dataclass(slots=True)
class _Known:
    """A unit of the database the file names (by its code) or passes through."""

    pk: int
    code: str
    path: str
    depth: int
    kind: str
    level_id: int
    name: str
    sector: str
    is_active: bool


@dataclass
class _Plan:
    creates: list[_Row] = field(default_factory=list)
    renames: list[tuple[_Row, _Known]] = field(default_factory=list)
    moves: list[tuple[_Row, _Known]] = field(default_factory=list)


def _level_index() -> dict[str, Level]:
    """Level code and name (as written, and folded) → level."""
    index: dict[str, Level] = {}
    for level in Level.objects.all():
        for text in (level.code, level.name):
            index.setdefault(text, level)
            index.setdefault(fold(text), level)
    return index


def _sector_index() -> dict[str, str]:
    """Sector code and label, in Vietnamese and English (folded) → sector."""
    index: dict[str, str] = {}
    for language in ("vi", "en"):
        with translation.override(language):
            for value, label in Sector.choices:
                for text in (value, str(label)):
                    index.setdefault(text, value)
                    index.setdefault(fold(text), value)
    return index


class TreeImport(SheetImport):
    """The tree import: the unit columns (units/columns.py) and the tree's rules on the rows.
    `run(write=True)` checks every row, outside any transaction, and writes only if none has
    an error."""

    undo_with = f"{__name__}.undo_chunk"

    def __init__(self, *, actor, unit: Unit, sheet, result: ImportResult, today):
        super().__init__(actor=actor, sheet=sheet, result=result, today=today)
        self.unit = unit
        self.levels = _level_index()
        self.sectors = _sector_index()
        self.ranks = {level.pk: level.rank for level in self.levels.values()}
        self.kinds: Counter[str] = Counter()

    def label(self, name: str) -> str:
        return field_label(name)

    def missing_header(self, name: str) -> str:
        return SPECS[name].header

    def changed_message(self) -> str:
        return _(
            "The units changed while the file was being written. Nothing was written: "
            "import the file again."
        )

    def check_columns(self) -> bool:
        super().check_columns()
        missing = [n for n in ("code", "name") if n not in self.columns]
        if missing:
            self.result.file_error(
                _("The file has no column %(columns)s: every unit needs its code and name.")
                % {"columns": ", ".join(f"“{SPECS[n].header}”" for n in missing)}
            )
            return False
        return True

    # --- reading the rows -------------------------------------------------------------------

    def _cell(self, values: list, name: str) -> str:
        column = self.columns.get(name)
        if column is None or column.index >= len(values):
            return ""
        return cell_text(values[column.index])

    def _read(self, number: int, values: list) -> _Row:
        row = _Row(number, values, "", "", None, None, "")
        row.code = self._cell(values, "code").upper()
        row.name = self._cell(values, "name")
        row.parent = self._cell(values, "parent_code").upper()
        level, sector = self._cell(values, "level"), self._cell(values, "sector")
        for name, text, limit in (
            ("code", row.code, _MAX_CODE),
            ("parent_code", row.parent, _MAX_CODE),
            ("name", row.name, _MAX_NAME),
        ):
            if fault := text_fault(text):
                self.error(row, name, f"{field_label(name)}: {fault}")
                row.ok = False
            elif len(text) > limit:
                self.error(
                    row,
                    name,
                    _("%(field)s: at most %(max)s characters (this one has %(length)s).")
                    % {"field": field_label(name), "max": limit, "length": len(text)},
                )
                row.ok = False
        if not row.code:
            self.error(row, "code", _("Write the unit's code."))
            row.ok = False
        if level:
            row.level = self.levels.get(level) or self.levels.get(fold(level))
            if row.level is None:
                self.error(row, "level", _("Choose a level from the list."))
                row.ok = False
        if sector:
            row.sector = self.sectors.get(sector) or self.sectors.get(fold(sector))
            if row.sector is None:
                self.error(row, "sector", _("Choose a sector from the list."))
                row.ok = False
        return row

    # --- the checks ---------------------------------------------------------------------------

    def _units_by(self, name: str, values) -> dict[str, _Known]:
        """The units whose `name` (code or path) is one of `values`, by that value."""
        found: dict[str, _Known] = {}
        values = list(values)
        columns = tuple(_Known.__dataclass_fields__)
        for start in range(0, len(values), CHUNK):
            chunk = values[start : start + CHUNK]
            for data in Unit.objects.filter(**{f"{name}__in": chunk}).values_list(*columns):
                known = _Known(**dict(zip(columns, data, strict=True)))
                found[getattr(known, name)] = known
        return found

    def run(self, *, write: bool, progress: Progress | None) -> None:
        total = self.sheet.total
        rows: list[_Row] = []
        by_code: dict[str, _Row] = {}
        for number, values in self.sheet.rows():
            self.result.rows += 1
            row = self._read(number, values)
            rows.append(row)
            if row.code:
                first = by_code.setdefault(row.code, row)
                if first is not row:
                    message = _("The code %(code)s is also in row %(row)s of the file.")
                    self.error(row, "code", message % {"code": row.code, "row": first.number})
                    if first.ok:
                        self.error(first, "code", message % {"code": row.code, "row": row.number})
                    row.ok = first.ok = False
            if progress and self.result.rows % CHUNK == 0:
                progress(self.result.rows // 2, total)
        if not rows:
            self.result.file_error(_("The file has no units below its header row."))
            return
        plan = self._check(rows, by_code)
        if progress:
            progress(total if not write else total // 2, total)
        for row in rows:
            if row.ok and row.number not in self.outcome:
                self.set_outcome(row.number, "unchanged")
        if write and not self.result.error_count:
            self._write(plan, progress, total)
        self.order_errors_and_sample()

    def _check(self, rows: list[_Row], by_code: dict[str, _Row]) -> _Plan:
        top = self.unit
        # Every unit the file names, as a row or as a unit above.
        named = set(by_code) | {r.parent for r in rows if r.parent}
        known = self._units_by("code", named)
        # The units on the way from each of them up to the unit imported into.
        paths = {
            p
            for k in known.values()
            if k.path.startswith(top.path)
            for p in paths_to(k.path)
            if len(p) > len(top.path)
        } - {k.path for k in known.values()}
        by_path = {k.path: k for k in known.values()}
        by_path.update(self._units_by("path", paths))
        known_codes = {k.code: k for k in by_path.values()}
        inside = top.path

        def under_top(k: _Known) -> bool:
            return k.path.startswith(inside) and k.path != inside

        for row in rows:
            if not row.ok:
                continue
            existing = known.get(row.code)
            if row.code == top.code:
                self.error(
                    row,
                    "code",
                    _(
                        "%(code)s is the unit the file is imported into: list only the units "
                        "under it."
                    )
                    % {"code": row.code},
                )
                row.ok = False
            elif existing is not None and not under_top(existing):
                self.error(
                    row,
                    "code",
                    _("The code %(code)s belongs to a unit outside %(unit)s.")
                    % {"code": row.code, "unit": top.name},
                )
                row.ok = False
            elif existing is None and not row.name:
                self.error(row, "name", _("Write the unit's name."))
                row.ok = False
            elif existing is None and row.level is None:
                self.error(row, "level", _("Choose the unit's level from the list."))
                row.ok = False
            elif existing is not None and row.level and row.level.pk != existing.level_id:
                self.error(
                    row,
                    "level",
                    _("%(code)s exists with another level: change a unit's level on its page.")
                    % {"code": row.code},
                )
                row.ok = False
            if row.parent and row.ok and row.parent not in by_code:
                above = known.get(row.parent)
                if row.parent == top.code:
                    pass
                elif above is None:
                    self.error(
                        row,
                        "parent_code",
                        _(
                            "No unit has the code %(code)s: it is neither in the file nor under "
                            "%(unit)s."
                        )
                        % {"code": row.parent, "unit": top.name},
                    )
                    row.ok = False
                elif not under_top(above):
                    self.error(
                        row,
                        "parent_code",
                        _("The unit %(code)s is outside %(unit)s.")
                        % {"code": row.parent, "unit": top.name},
                    )
                    row.ok = False
                elif not above.is_active:
                    self.error(
                        row,
                        "parent_code",
                        _("The unit above, %(name)s, is inactive.") % {"name": above.name},
                    )
                    row.ok = False

        # Where each unit ends up: its depth under the unit imported into, found by walking up
        # the units above (rows of the file first, then the tree as it is).
        def above_of(code: str) -> str | None:
            row = by_code.get(code)
            if row is not None:
                if not row.ok:
                    return None
                return row.parent or top.code
            k = known_codes.get(code)
            if k is None or not under_top(k):
                return None
            parent = by_path.get(k.path[: -Unit.steplen])
            return parent.code if parent is not None else top.code

        depth: dict[str, int] = {top.code: top.depth}
        broken: set[str] = set()
        visiting: set[str] = set()
        for row in rows:
            if not row.ok or row.code in depth:
                continue
            stack: list[str] = []
            code: str | None = row.code
            while code is not None and code not in depth and code not in broken:
                if code in visiting:  # a circle: every row on it says so
                    circle = stack[stack.index(code) :]
                    numbers = sorted(by_code[c].number for c in circle if c in by_code)
                    if len(numbers) == 1:
                        message = _("This unit would be under itself.")
                    else:
                        message = _(
                            "Rows %(rows)s put these units under each other: a unit cannot be "
                            "under itself."
                        ) % {"rows": ", ".join(map(str, numbers))}
                    for c in circle:
                        if c in by_code and by_code[c].ok:
                            self.error(by_code[c], "parent_code", message)
                            by_code[c].ok = False
                        broken.add(c)
                    code = None
                    break
                visiting.add(code)
                stack.append(code)
                code = above_of(code)
            base = depth.get(code) if code is not None else None
            for c in reversed(stack):
                if c in broken or base is None:
                    broken.add(c)
                    base = None
                    continue
                depth[c] = base + 1
                base = depth[c]

        plan = _Plan()
        level_of = {r.code: r.level.pk for r in rows if r.ok and r.level is not None}
        level_of.update({c: k.level_id for c, k in known_codes.items() if c not in level_of})
        level_of[top.code] = top.level_id
        kind_of = {c: k.kind for c, k in known_codes.items()}
        kind_of[top.code] = top.kind
        for row in rows:
            if not row.ok:
                continue
            if row.code in broken:  # under a row with an error: that row says it
                row.ok = False
                continue
            if depth[row.code] > MAX_DEPTH:
                self.error(
                    row,
                    "parent_code",
                    _("The tree is too deep here (at most %(n)s levels).") % {"n": MAX_DEPTH},
                )
                row.ok = False
                continue
            parent = row.parent or top.code
            parent_row = by_code.get(parent)
            parent_kind = (
                (Unit.Kind.BRANCH if parent_row.level.code == "branch" else Unit.Kind.UNION)
                if parent_row is not None and parent_row.level is not None
                else kind_of.get(parent, Unit.Kind.UNION)
            )
            existing = known.get(row.code)
            own_level = level_of[row.code]
            if parent_kind == Unit.Kind.BRANCH:
                self.error(row, "parent_code", _("A branch cannot have units under it."))
                row.ok = False
                continue
            if self.ranks[own_level] <= self.ranks[level_of[parent]]:
                self.error(
                    row,
                    "level",
                    _("A unit of level %(level)s cannot be under one of level %(above)s.")
                    % {
                        "level": self._level_name(own_level),
                        "above": self._level_name(level_of[parent]),
                    },
                )
                row.ok = False
                continue
            above_name = (
                parent_row.name
                if parent_row is not None
                else (top.name if parent == top.code else known_codes[parent].name)
            )
            if existing is None:
                self.set_outcome(row.number, "create")
                self.sample(row.number, "create", f"{row.name} ({row.code})", above_name, [])
                plan.creates.append(row)
                continue
            changes = []
            if row.name and row.name != existing.name:
                changes.append(
                    _("name: %(before)s → %(after)s")
                    % {
                        "before": existing.name,
                        "after": row.name,
                    }
                )
            if row.sector is not None and row.sector != existing.sector:
                changes.append(field_label("sector"))
            if changes:
                plan.renames.append((row, existing))
            old_parent = existing.path[: -Unit.steplen]
            old_parent_code = by_path[old_parent].code if old_parent in by_path else top.code
            if old_parent_code != parent:
                old_name = by_path[old_parent].name if old_parent in by_path else top.name
                changes.append(
                    _("moved from %(before)s to %(after)s")
                    % {"before": old_name, "after": above_name}
                )
                plan.moves.append((row, existing))
            if changes:
                self.set_outcome(row.number, "update")
                self.sample(
                    row.number,
                    "update",
                    f"{row.name or existing.name} ({row.code})",
                    above_name,
                    changes,
                )
        plan.creates.sort(key=lambda r: depth[r.code])
        plan.moves.sort(key=lambda pair: depth[pair[0].code])
        self.depth = depth
        return plan

    def _level_name(self, pk: int) -> str:
        return next(level.name for level in self.levels.values() if level.pk == pk)

    # --- the writes ---------------------------------------------------------------------------

    def _write(self, plan: _Plan, progress: Progress | None, total: int) -> None:
        """The plan written a chunk at a time, each chunk in a short transaction of its own
        with what undoes it (undo_chunk): new units (parents first), renames, then each move
        on its own (parents first: each lands under a unit already in place)."""
        top = self.unit
        size = chunk_rows() * UNITS_PER_CHUNK_ROW
        steps = max(1, len(plan.creates) + len(plan.renames) + len(plan.moves))
        done = 0

        def advanced(count: int) -> None:
            nonlocal done
            done += count
            if progress:
                progress(total // 2 + (total - total // 2) * done // steps, total)

        units_table = GrowingTable(Unit)
        for rows, records in self._new_units(plan.creates, top, size):
            with self.chunk_transaction() as undo:
                undo["created"] = self._create(rows, records)
                units_table.grew(len(rows))
            advanced(len(rows))
        for start in range(0, len(plan.renames), size):
            renames = plan.renames[start : start + size]
            with self.chunk_transaction() as undo:
                undo["renamed"] = _rename(self.actor, [_renaming(r, k) for r, k in renames])
            advanced(len(renames))
        for row, existing in plan.moves:
            with self.chunk_transaction() as undo:
                unit = Unit.objects.get(pk=existing.pk)
                old_parent = Unit.objects.get(path=unit.path[: -Unit.steplen])
                new_parent = Unit.objects.get(code=row.parent or top.code)
                unit_move(actor=self.actor, unit=unit, new_parent=new_parent)
                undo["moved"] = [unit.pk, old_parent.pk]
            advanced(1)

    def finish(self) -> None:
        """After the last chunk, in the transaction that ends the import: the summary."""
        top = self.unit
        AuditEvent.objects.create(
            actor=self.actor if getattr(self.actor, "pk", None) else None,
            action="units.imported",
            target_type=Unit._meta.model_name,
            target_id=top.pk,
            unit_id=top.pk,
            unit_path=top.path,
            summary=_("%(created)s units created, %(updated)s updated from %(file)s.")
            % {
                "created": self.result.to_create,
                "updated": self.result.to_update,
                "file": self.result.filename,
            },
            import_id=import_tags.current(),
        )

    def _new_units(self, creates: list[_Row], top: Unit, size: int):
        """The new units' records (tree paths computed here, parents first), by chunks of
        `size`: (rows, records). Read before any chunk is written: the next free place under
        each unit of the tree that gets new units, after its last unit (one query for each
        such unit, not for each new unit). A unit added meanwhile under one of them takes a
        path a new unit was given: the insert fails on it, and the import is undone."""
        if not creates:
            return
        next_step: dict[str, int] = {}
        path_of: dict[str, str] = {top.code: top.path}
        new = {r.code for r in creates}
        existing_parents = {r.parent for r in creates if r.parent and r.parent not in new}
        if any(not r.parent for r in creates):
            existing_parents.add(top.code)
        for code in existing_parents:
            unit = top if code == top.code else Unit.objects.get(code=code)
            path_of[code] = unit.path
            last = (
                Unit.objects.filter(depth=unit.depth + 1, path__startswith=unit.path)
                .order_by("-path")
                .values_list("path", flat=True)
                .first()
            )
            next_step[code] = Unit._str2int(last[-Unit.steplen :]) + 1 if last else 1
        make = record_maker(Unit)
        records = []
        for row in creates:  # parents first
            parent = row.parent or top.code
            step = next_step.get(parent, 1)
            next_step[parent] = step + 1
            key = Unit._int2str(step)
            path = path_of[parent] + key.rjust(Unit.steplen, Unit.alphabet[0])
            path_of[row.code] = path
            records.append(
                make(
                    dict(
                        path=path,
                        depth=len(path) // Unit.steplen,
                        numchild=0,  # each chunk adds its units to their parents' counts
                        name=row.name,
                        name_folded=fold(row.name),
                        code=row.code,
                        level_id=row.level.pk,
                        kind=Unit.Kind.BRANCH if row.level.code == "branch" else Unit.Kind.UNION,
                        sector=row.sector or "",
                    )
                )
            )
        for start in range(0, len(creates), size):
            yield creates[start : start + size], records[start : start + size]

    def _create(self, rows: list[_Row], records: list) -> list[int]:
        """Insert a chunk of new units (their parents in place already) with their audit
        events; their parents count them. Their ids."""
        top = self.unit
        ids = reserve_ids(Unit, len(records))
        if ids is not None:
            for record, pk in zip(records, ids, strict=True):
                record.id = pk
        insert_rows(Unit, records)
        children = Counter(r.parent or top.code for r in rows)
        update_from_values(
            Unit._meta.db_table, ("code",), ("numchild",), sorted(children.items()), add=True
        )
        if ids is None:
            ids_of = dict(
                Unit.objects.filter(code__in=[r.code for r in rows]).values_list("code", "pk")
            )
        else:
            ids_of = {r.code: ids[i] for i, r in enumerate(rows)}
        for r, record in zip(rows, records, strict=True):
            record.pk = record.id = ids_of[r.code]
        unit_state_changed([u for u in records if u.kind == Unit.Kind.BRANCH], new=True)
        events = record_maker(AuditEvent)
        actor_id = getattr(self.actor, "pk", None)
        import_id = import_tags.current()
        insert_rows(
            AuditEvent,
            (
                events(
                    dict(
                        actor_id=actor_id,
                        action="unit.created",
                        target_type=Unit._meta.model_name,
                        target_id=ids_of[r.code],
                        unit_id=ids_of[r.code],
                        unit_path=record.path,
                        summary=r.name[:300],
                        changes={
                            "name": [None, r.name],
                            "code": [None, r.code],
                            "level": [None, r.level.name],
                            "sector": [None, r.sector or ""],
                        },
                        import_id=import_id,
                    )
                )
                for r, record in zip(rows, records, strict=True)
            ),
        )
        return [ids_of[r.code] for r in rows]


def _renaming(row: _Row, k: _Known) -> list:
    """A rename of the plan as _rename takes it: [id, path, kind, name and sector before, name
    and sector after]."""
    name = row.name or k.name
    sector = k.sector if row.sector is None else row.sector
    return [k.pk, k.path, k.kind, k.name, k.sector, name, sector]


def _rename(actor, renames: list[list]) -> list[list]:
    """Rename units and change their sectors (renames as _renaming gives them), with their
    audit events; the training roll-ups of the years not ended take the new names
    (rollup.unit_renamed, for many units at once) and a branch whose sector changed is
    counted again. What was done, for undo_chunk (the same lists)."""
    if not renames:
        return []
    rows = []
    events = record_maker(AuditEvent)
    audit_rows = []
    renamed: list[tuple[int, str, str]] = []  # unit, new name, sector
    resectored: list[int] = []
    actor_id = getattr(actor, "pk", None)
    import_id = import_tags.current()
    for pk, path, kind, old_name, old_sector, name, sector in renames:
        rows.append((pk, name, fold(name), sector))
        changes = {}
        if name != old_name:
            changes["name"] = [old_name, name]
            renamed.append((pk, name, sector))
        if sector != old_sector:
            changes["sector"] = [old_sector, sector]
            if kind == Unit.Kind.BRANCH:
                resectored.append(pk)
        audit_rows.append(
            events(
                dict(
                    actor_id=actor_id,
                    action="unit.updated",
                    target_type=Unit._meta.model_name,
                    target_id=pk,
                    unit_id=pk,
                    unit_path=path,
                    summary=name[:300],
                    changes=changes,
                    import_id=import_id,
                )
            )
        )
    update_from_values(Unit._meta.db_table, ("id",), ("name", "name_folded", "sector"), rows)
    insert_rows(AuditEvent, audit_rows)
    today = timezone.localdate()
    for year in opened_years():
        update_from_values(
            YearStats._meta.db_table,
            ("unit_id", "year"),
            ("unit_name",),
            [
                (pk, year, name)
                for pk, name, sector in renamed
                if not year_ended(year, sector, today)
            ],
        )
    if resectored:
        count_open_years_again(resectored)
    return renames


def undo_chunk(data: dict) -> None:
    """Undo one chunk of a tree import that could not be finished (TreeImport._write wrote
    `data`; core/spreadsheets/importing.py: undo_import calls this in a transaction of its
    own): a moved unit goes back under its unit above (the same action as a move), renamed
    units take back the names and sectors they had (those renamed since keep theirs), new
    units are deleted (their branches counted as inactive first, for the meeting roll-ups).
    Their audit events carry the import's id and are deleted after."""
    if moved := data.get("moved"):
        unit = Unit.objects.filter(pk=moved[0]).first()
        parent = Unit.objects.filter(pk=moved[1]).first()
        if unit is not None and parent is not None and unit.path[: -Unit.steplen] != parent.path:
            unit_move(actor=None, unit=unit, new_parent=parent)
    if renamed := data.get("renamed"):
        now = {
            u.pk: u
            for u in Unit.objects.filter(pk__in=[r[0] for r in renamed]).only(
                "pk", "path", "kind", "name", "sector"
            )
        }
        back = [
            [pk, now[pk].path, now[pk].kind, name, sector, old_name, old_sector]
            for pk, _path, _kind, old_name, old_sector, name, sector in renamed
            if pk in now and (now[pk].name, now[pk].sector) == (name, sector)
        ]
        _rename(None, back)
    if created := data.get("created"):
        units = Unit.objects.filter(pk__in=created)
        active = units.filter(kind=Unit.Kind.BRANCH, is_active=True)
        branches = list(active.values_list("pk", flat=True))
        units.update(is_active=False)
        unit_state_changed(branches)
        Unit.objects.filter(pk__in=created).delete()


def units_import(
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
    nothing, like members.imports.members_import. `unit` is the unit imported into: the file's
    units go under it (a blank code of the unit above), or under the units the file or its
    subtree has. `import_id` names the run (a job's id: SheetImport.check_and_write)."""
    return sheet_import(
        TreeImport,
        path=path,
        filename=filename,
        columns=COLUMNS,
        max_rows=int(getattr(settings, "UNIT_IMPORT_MAX_ROWS", DEFAULT_MAX_ROWS)),
        min_matches=2,
        confirm=confirm,
        progress=progress,
        on_written=on_written,
        import_id=import_id,
        actor=actor,
        unit=unit,
        today=today or timezone.localdate(),
    )
