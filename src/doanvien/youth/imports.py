"""Importing the youths around a unit and their groups from a spreadsheet (seed 003 Bước 1:
branches already keep their survey lists in spreadsheets). The toolkit of core/spreadsheets,
like the member import: upload → preview → confirm, every row checked, then everything written
(a chunk at a time in short transactions, a chunk that cannot be written undoing the ones
before it), or nothing, with each error named by row and column.

Each row is a youth (full name, date of birth, sex, contact, place, situation, the date he
joined the Federation, the code of his unit under the unit imported into, his group and its
kind, notes). A row with a group and no name records the group alone. A group is found by its
name among the groups of the row's unit and of the units above and below it; a name found
nowhere is a new group of the row's unit (created once, however many rows name it). A youth
already recorded (the same name, date of birth and unit, not erased) is left as he is, so a
list imported twice records nobody twice; the same youth twice in the file is an error.
"""

import uuid
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from doanvien.core import audit
from doanvien.core.spreadsheets.importing import (
    ImportResult,
    Progress,
    SheetImport,
    Written,
    chunk_rows,
    sheet_import,
)
from doanvien.core.spreadsheets.reading import (
    cell_date,
    cell_text,
    multiline_text,
)
from doanvien.core.text import fold, normalize
from doanvien.units.models import Unit

from . import services
from .columns import COLUMNS, SPECS, field_label
from .models import Group, Situation, Youth, YouthSex

# A branch's or a commune's survey list; settings.YOUTH_IMPORT_MAX_ROWS.
DEFAULT_MAX_ROWS = 5000
_MAX_GROUP_NAME = 200


def choice_index(choices) -> dict[str, str]:
    """A choice's value and label, in Vietnamese and English, folded → value."""
    index: dict[str, str] = {}
    for language in ("vi", "en"):
        with translation.override(language):
            for value, label in choices.choices:
                index.setdefault(fold(value), value)
                index.setdefault(fold(str(label)), value)
    return index


@dataclass
class _Row:
    number: int
    values: list
    data: dict = field(default_factory=dict)
    unit: Unit | None = None
    group: Group | None = None
    new_group: tuple[int, str] | None = None  # (unit, folded name) of a group to create
    ok: bool = True


class YouthImport(SheetImport):
    """The youth import: the columns of youth/columns.py, the rules of services.clean_youth.
    `run(write=True)` checks every row, outside any transaction, and writes only if none has
    an error."""

    undo_with = f"{__name__}.undo_chunk"

    def __init__(self, *, actor, unit: Unit, sheet, result: ImportResult, today):
        super().__init__(actor=actor, sheet=sheet, result=result, today=today)
        self.unit = unit
        self.sexes = choice_index(YouthSex)
        self.situations = choice_index(Situation)
        self.kinds = choice_index(Group.Kind)
        self.created = 0
        self.groups_created = 0

    def label(self, name: str) -> str:
        return field_label(name)

    def missing_header(self, name: str) -> str:
        return SPECS[name].header if name in SPECS else ""

    def changed_message(self) -> str:
        return _(
            "The youth records changed while the file was being written. Nothing was "
            "written: import the file again."
        )

    def check_columns(self) -> bool:
        super().check_columns()
        if "full_name" not in self.columns and "group" not in self.columns:
            self.result.file_error(
                _("The file has no column “%(name)s” (or “%(group)s” for a list of groups).")
                % {"name": SPECS["full_name"].header, "group": SPECS["group"].header}
            )
            return False
        return True

    # --- reading ------------------------------------------------------------------------------

    def _cell(self, values: list, name: str):
        column = self.columns.get(name)
        if column is None or column.index >= len(values):
            return None
        return values[column.index]

    def _text(self, values: list, name: str) -> str:
        value = self._cell(values, name)
        if name == "notes":
            return multiline_text(value) if value is not None else ""
        return cell_text(value) if value is not None else ""

    def _choice(self, row: _Row, name: str, index: dict[str, str]) -> str:
        text = self._text(row.values, name)
        if not text:
            return ""
        value = index.get(fold(text))
        if value is None:
            self.error(row, name, _("Choose a value from the list."))
            row.ok = False
            return ""
        return value

    def _date(self, values: list, name: str):
        value = self._cell(values, name)
        if value is None or cell_text(value) == "":
            return None
        return cell_date(value)

    def _read(self, number: int, values: list) -> _Row:
        row = _Row(number, values)
        row.data = {
            "full_name": self._text(values, "full_name"),
            "phone": self._text(values, "phone"),
            "place": self._text(values, "place"),
            "notes": self._text(values, "notes"),
            "date_of_birth": self._date(values, "date_of_birth"),
            "federation_joined_on": self._date(values, "federation_joined_on"),
        }
        row.data["sex"] = self._choice(row, "sex", self.sexes)
        row.data["situation"] = self._choice(row, "situation", self.situations)
        row.data["group_kind"] = self._choice(row, "group_kind", self.kinds)
        return row

    # --- the checks ---------------------------------------------------------------------------

    def _units(self, rows: list[_Row]) -> dict[str, Unit]:
        codes = {self._text(r.values, "unit_code").upper() for r in rows} - {""}
        found = Unit.objects.filter(code__in=codes, path__startswith=self.unit.path)
        return {u.code.upper(): u for u in found}

    def _groups(self) -> dict[str, list[Group]]:
        """The groups a row may name: those of the subtree and of the units above, by name."""
        groups: dict[str, list[Group]] = {}
        near = Group.objects.filter(
            Q(unit_path__startswith=self.unit.path) | Q(unit_path__in=self.unit.ancestor_paths())
        )
        for group in near.order_by("pk"):
            groups.setdefault(fold(group.name), []).append(group)
        return groups

    def run(self, *, write: bool, progress: Progress | None) -> None:
        rows = [self._read(number, values) for number, values in self.sheet.rows()]
        self.result.rows = len(rows)
        units = self._units(rows)
        groups = self._groups()
        existing = self._existing(rows)
        seen: dict[tuple, int] = {}
        for row in rows:
            self._check(row, units, groups, existing, seen)
        self.order_errors_and_sample()
        if write and not self.result.error_count:
            self._write(rows, progress)
        elif progress:
            progress(len(rows), len(rows))

    def _existing(self, rows: list[_Row]) -> set[tuple]:
        names = {fold(normalize(r.data["full_name"])) for r in rows} - {""}
        found = Youth.objects.filter(
            unit_path__startswith=self.unit.path, erased_at=None, name_folded__in=names
        ).values_list("name_folded", "date_of_birth", "unit_id")
        return set(found)

    def _check(self, row: _Row, units, groups, existing: set, seen: dict) -> None:
        code = self._text(row.values, "unit_code").upper()
        row.unit = units.get(code) if code else self.unit
        if row.unit is None:
            self.error(
                row,
                "unit_code",
                _("No unit of this code under %(unit)s.") % {"unit": self.unit.name},
            )
            row.ok = False
            return
        group_name = normalize(self._text(row.values, "group"))
        if len(group_name) > _MAX_GROUP_NAME:
            self.error(row, "group", _("At most %(n)d characters.") % {"n": _MAX_GROUP_NAME})
            row.ok = False
        elif group_name:
            found = [
                g for g in groups.get(fold(group_name), []) if services.near(row.unit, g.unit_path)
            ]
            if found:
                row.group = max(found, key=lambda g: len(g.unit_path))
            else:
                row.new_group = (row.unit.pk, fold(group_name))
                if not self._group_checked(row):
                    return
        if not row.data["full_name"]:
            if not group_name:
                self.error(row, "full_name", _("Write the youth's full name."))
                row.ok = False
            elif row.ok:
                action = "create" if row.new_group else "unchanged"
                self.set_outcome(row.number, action)
                if action == "create":
                    self.sample(row.number, "create", group_name, row.unit.name, [_("Group")])
            return
        try:
            clean = services.clean_youth(
                {**row.data, "group": None}, unit=row.unit, today=self.today
            )
        except ValidationError as e:
            self.rule_errors(row, e)
            row.ok = False
            return
        if not row.ok:
            return
        key = (fold(clean["full_name"]), clean["date_of_birth"], row.unit.pk)
        if key in seen:
            self.error(
                row,
                "full_name",
                _("Row %(row)s already has this youth (the same name, date of birth and unit).")
                % {"row": seen[key]},
            )
            return
        seen[key] = row.number
        if key in existing:
            self.set_outcome(row.number, "unchanged")
            row.data = {}
            return
        row.data = clean
        self.set_outcome(row.number, "create")
        self.sample(row.number, "create", clean["full_name"], row.unit.name, [])

    def _group_checked(self, row: _Row) -> bool:
        """A new group's contact and date, checked by the group's rule (nothing written)."""
        try:
            services.clean_group(self._group_data(row), today=self.today)
        except ValidationError as e:
            names = {"contact": "group_contact", "attached_on": "group_attached_on"}
            for name, messages in e.message_dict.items():
                for message in messages:
                    self.error(row, names.get(name, "group"), message)
            row.ok = False
            return False
        return True

    # --- writing ------------------------------------------------------------------------------

    def _write(self, rows: list[_Row], progress: Progress | None) -> None:
        """The rows written by the services, a chunk at a time, each chunk in a short
        transaction of its own with what undoes it (undo_chunk): the groups and youths it
        recorded."""
        made: dict[tuple[int, str], Group] = {}
        size = chunk_rows()
        for start in range(0, len(rows), size):
            with self.chunk_transaction() as undo:
                groups, youths = [], []
                for row in rows[start : start + size]:
                    if row.new_group and row.new_group not in made:
                        made[row.new_group] = services.group_create(
                            actor=self.actor,
                            unit=row.unit,
                            data=self._group_data(row),
                            today=self.today,
                        )
                        groups.append(made[row.new_group].pk)
                        self.groups_created += 1
                    group = made.get(row.new_group) if row.new_group else row.group
                    if row.data.get("full_name"):
                        data = {k: v for k, v in row.data.items() if k != "group_kind"}
                        data["group"] = group.pk if group else None
                        youth = services.youth_create(
                            actor=self.actor, unit=row.unit, data=data, today=self.today
                        )
                        youths.append(youth.pk)
                        self.created += 1
                undo.update(youths=youths, groups=groups, today=self.today)
            if progress:
                progress(min(start + size, len(rows)), len(rows))

    def _group_data(self, row: _Row) -> dict:
        return {
            "name": normalize(self._text(row.values, "group")),
            "kind": self._kind_of(row),
            "contact": self._text(row.values, "group_contact"),
            "attached_on": self._date(row.values, "group_attached_on"),
        }

    def _kind_of(self, row: _Row) -> str:
        text = self._text(row.values, "group_kind")
        return self.kinds.get(fold(text), Group.Kind.GROUP) if text else Group.Kind.GROUP

    def finish(self) -> None:
        audit.record(
            actor=self.actor if getattr(self.actor, "pk", None) else None,
            action="youths.imported",
            target=self.unit,
            unit_path=self.unit.path,
            summary=_("%(youths)s youths and %(groups)s groups recorded from %(file)s.")
            % {
                "youths": self.created,
                "groups": self.groups_created,
                "file": self.result.filename,
            },
        )


def undo_chunk(data: dict) -> None:
    """Undo one chunk of a youth import that could not be finished (YouthImport._write wrote
    `data`; core/spreadsheets/importing.py: undo_import calls this in a transaction of its
    own): the youths and groups it recorded are deleted (services.youths_delete_imported); their
    audit events carry the import's id and are deleted after."""
    services.youths_delete_imported(
        youths=data.get("youths", []),
        groups=data.get("groups", []),
        today=date.fromisoformat(data["today"]),
    )


def youths_import(
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
    nothing, like members.imports.members_import. The youths go to `unit` or to the unit of
    the subtree whose code the row names. `import_id` names the run (a job's id:
    SheetImport.check_and_write)."""
    return sheet_import(
        YouthImport,
        path=path,
        filename=filename,
        columns=COLUMNS,
        max_rows=int(getattr(settings, "YOUTH_IMPORT_MAX_ROWS", DEFAULT_MAX_ROWS)),
        min_matches=1,
        confirm=confirm,
        progress=progress,
        on_written=on_written,
        import_id=import_id,
        actor=actor,
        unit=unit,
        today=today or timezone.localdate(),
    )
