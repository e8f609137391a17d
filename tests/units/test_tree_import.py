"""Importing a unit tree from a spreadsheet: what it creates, updates and moves, and the
malformed files it refuses whole (the row of each problem named). Every unit is invented."""

import csv
import threading
import uuid
from pathlib import Path

import pytest
import xlsxwriter
from django.db import connection
from django.utils import translation

from doanvien.core.models import AuditEvent, ImportChunk
from doanvien.core.spreadsheets import importing
from doanvien.meetings import rollup as meeting_rollup
from doanvien.members.models import Member
from doanvien.training import rollup as training_rollup
from doanvien.units import imports as units_imports
from doanvien.units import member_counts
from doanvien.units.imports import units_import
from doanvien.units.models import Level, Unit
from doanvien.units.services import unit_create

HEADER = ["Mã đơn vị", "Tên đơn vị", "Cấp", "Khu vực", "Mã đơn vị cấp trên"]


def sheet(tmp_path: Path, rows, header=HEADER, name="don-vi.xlsx") -> Path:
    path = tmp_path / name
    book = xlsxwriter.Workbook(path)
    ws = book.add_worksheet()
    for col, text in enumerate(header):
        ws.write_string(0, col, text)
    for r, row in enumerate(rows, start=1):
        for col, value in enumerate(row):
            if value != "":
                ws.write(r, col, value)
    book.close()
    return path


def run(world, path, *, unit=None, actor=None, confirm=True):
    with translation.override("en"):
        return units_import(
            actor=actor or world.province_cadre,
            unit=unit or world.province,
            path=path,
            filename=path.name,
            confirm=confirm,
        )


def tree():
    """Everything an import could change: the units (and their place) and the audit trail."""
    return (
        list(
            Unit.objects.order_by("pk").values_list(
                "pk", "code", "name", "path", "depth", "numchild", "sector", "level__code"
            )
        ),
        AuditEvent.objects.count(),
    )


def errors_of(result):
    return [(e.row, e.column, e.message) for e in result.errors]


def parent_code(code: str) -> str | None:
    unit = Unit.objects.get(code=code)
    parent = unit.parent()
    return parent.code if parent else None


NEW_DISTRICT = [
    # Children before their parents: the file need not be in tree order.
    ["TN-BD-X1-A", "Chi đoàn Ấp A", "branch", "residential", "TN-BD-X1"],
    ["TN-BD-X1", "Đoàn xã Bình Đức 1", "base", "Địa bàn dân cư", "TN-BD"],
    ["TN-BD", "Huyện đoàn Bình Đức", "district", "", ""],
    ["TN-BD-X1-B", "Chi đoàn Ấp B", "Chi đoàn", "residential", "TN-BD-X1"],
]


def test_a_new_district_is_previewed_then_written_parents_after_children(world, tmp_path):
    path = sheet(tmp_path, NEW_DISTRICT)
    before = tree()
    preview = run(world, path, confirm=False)
    assert preview.ok, errors_of(preview)
    assert (preview.to_create, preview.to_update, preview.written) == (4, 0, False)
    assert tree() == before
    assert {s.full_name for s in preview.sample} >= {"Huyện đoàn Bình Đức (TN-BD)"}

    result = run(world, path)
    assert result.ok and result.written
    assert parent_code("TN-BD") == "TN"
    assert parent_code("TN-BD-X1") == "TN-BD"
    assert parent_code("TN-BD-X1-A") == parent_code("TN-BD-X1-B") == "TN-BD-X1"
    branch = Unit.objects.get(code="TN-BD-X1-A")
    assert branch.is_branch and branch.sector == "residential" and branch.depth == 4
    assert Unit.objects.get(code="TN-BD-X1").sector == "residential"  # read from its label
    # The tree's own bookkeeping is right: treebeard finds the new units where they are.
    province = Unit.objects.get(pk=world.province.pk)
    assert province.numchild == 2
    assert Unit.objects.get(code="TN-BD-X1").numchild == 2
    assert {u.code for u in Unit.objects.get_descendants(Unit.objects.get(code="TN-BD"))} == {
        "TN-BD-X1",
        "TN-BD-X1-A",
        "TN-BD-X1-B",
    }
    assert Unit.objects.find_problems() == ([], [], [], [], [])
    created = AuditEvent.objects.filter(action="unit.created", summary="Chi đoàn Ấp A").get()
    assert created.unit_path == branch.path and created.actor == world.province_cadre
    assert AuditEvent.objects.filter(action="units.imported", target_id=world.province.pk).exists()


def test_a_new_unit_lands_after_the_units_already_there(world, tmp_path):
    """New units under an existing unit take the places after its last unit."""
    result = run(world, sheet(tmp_path, [["TN-TA-NEW", "Đoàn xã Mới", "base", "", "TN-TA"]]))
    assert result.written, errors_of(result)
    district = Unit.objects.get(pk=world.district.pk)
    assert district.numchild == 3
    assert Unit.objects.get(code="TN-TA-NEW").path > Unit.objects.get(code="TN-TA-TH").path
    assert Unit.objects.find_problems() == ([], [], [], [], [])


def test_existing_units_are_renamed_and_moved_and_shown_as_such(world, tmp_path):
    rows = [
        ["TN-BD", "Huyện đoàn Bình Đức", "district", "", ""],
        # The existing base union moves to the new district, with its branches and members.
        ["TN-TA-TH", "Đoàn xã Tân Hòa (mới)", "base", "", "TN-BD"],
        # Listed as it is: unchanged.
        ["TN-TA-THPT", "Đoàn trường THPT Tân An", "base", "", "TN-TA"],
    ]
    path = sheet(tmp_path, rows)
    preview = run(world, path, confirm=False)
    assert preview.ok, errors_of(preview)
    assert (preview.to_create, preview.to_update, preview.unchanged) == (1, 1, 1)
    update = next(s for s in preview.sample if s.action == "update")
    assert update.row == 3
    assert any("Huyện đoàn Bình Đức" in change for change in update.changes)  # moved to
    assert any("Đoàn xã Tân Hòa (mới)" in change for change in update.changes)  # renamed

    result = run(world, path)
    assert result.written
    moved = Unit.objects.get(code="TN-TA-TH")
    assert moved.name == "Đoàn xã Tân Hòa (mới)"
    assert parent_code("TN-TA-TH") == "TN-BD"
    assert parent_code("TN-TA-TH-A1") == "TN-TA-TH"  # its branch came along
    # The member counts followed the move: the new district counts the moved member.
    assert member_counts.now(Unit.objects.get(code="TN-BD")) == 1
    assert member_counts.now(Unit.objects.get(pk=world.district.pk)) == 3
    assert member_counts.now(Unit.objects.get(pk=world.province.pk)) == 4
    assert Unit.objects.find_problems() == ([], [], [], [], [])
    assert AuditEvent.objects.filter(action="unit.moved", target_id=moved.pk).exists()
    assert AuditEvent.objects.filter(action="unit.updated", target_id=moved.pk).exists()


def test_a_move_under_a_unit_that_itself_moves_out_of_the_way(world, tmp_path):
    """The district goes under its own base union's new place: moves run parents first."""
    rows = [
        ["TN-NEW", "Huyện đoàn Mới", "district", "", ""],
        ["TN-TA-THPT", "Đoàn trường THPT Tân An", "base", "", "TN-NEW"],
    ]
    result = run(world, sheet(tmp_path, rows))
    assert result.written, errors_of(result)
    assert parent_code("TN-TA-THPT") == "TN-NEW"
    assert Unit.objects.find_problems() == ([], [], [], [], [])


@pytest.mark.parametrize(
    "rows, expected",
    [
        pytest.param(
            [
                ["A1", "Đoàn A", "base", "", "B1"],
                ["B1", "Đoàn B", "base", "", "A1"],
                ["C1", "Chi đoàn C", "branch", "", "A1"],
            ],
            [
                (2, "Mã đơn vị cấp trên", "Rows 2, 3 put these units under each other"),
                (3, "Mã đơn vị cấp trên", "Rows 2, 3 put these units under each other"),
            ],
            id="cycle",
        ),
        pytest.param(
            [["A1", "Đoàn A", "base", "", "A1"]],
            [(2, "Mã đơn vị cấp trên", "This unit would be under itself")],
            id="own-parent",
        ),
        pytest.param(
            [
                ["A1", "Đoàn A", "base", "", ""],
                ["A1-1", "Chi đoàn 1", "branch", "", "ZZ-9"],
            ],
            [(3, "Mã đơn vị cấp trên", "No unit has the code ZZ-9")],
            id="missing-parent",
        ),
        pytest.param(
            [
                ["A1", "Đoàn A", "base", "", ""],
                ["A1", "Đoàn A bis", "base", "", ""],
            ],
            [
                (2, "Mã đơn vị", "The code A1 is also in row 3"),
                (3, "Mã đơn vị", "The code A1 is also in row 2"),
            ],
            id="duplicate-code",
        ),
        pytest.param(
            [
                ["B1", "Đoàn cơ sở B", "base", "", ""],
                ["D1", "Huyện đoàn D", "district", "", "B1"],
            ],
            [(3, "Cấp", "cannot be under one of level")],
            id="levels-out-of-order",
        ),
        pytest.param(
            [["X1", "Chi đoàn dưới chi đoàn", "branch", "", "TN-TA-THPT-12A1"]],
            [(2, "Mã đơn vị cấp trên", "A branch cannot have units under it")],
            id="under-a-branch",
        ),
        pytest.param(
            [["X2", "Chi đoàn lạ", "branch", "", "OTHER"]],
            [(2, "Mã đơn vị cấp trên", "is outside")],
            id="parent-outside-the-subtree",
        ),
        pytest.param(
            [["OTHER", "Tỉnh đoàn khác", "district", "", ""]],
            [(2, "Mã đơn vị", "belongs to a unit outside")],
            id="code-of-a-unit-elsewhere",
        ),
        pytest.param(
            [["E1", "", "base", "", ""], ["E2", "Đoàn E2", "", "", ""], ["", "Không mã", "base"]],
            [
                (2, "Tên đơn vị", "Write the unit's name"),
                (3, "Cấp", "Choose the unit's level"),
                (4, "Mã đơn vị", "Write the unit's code"),
            ],
            id="blank-cells",
        ),
        pytest.param(
            [["E3", "Đoàn E3", "thiên hà", "mặt trăng", ""]],
            [(2, "Cấp", "Choose a level"), (2, "Khu vực", "Choose a sector")],
            id="unknown-level-and-sector",
        ),
        pytest.param(
            [["TN-TA", "Huyện đoàn Tân An", "base", "", ""]],
            [(2, "Cấp", "exists with another level")],
            id="level-change-of-an-existing-unit",
        ),
        pytest.param(
            [["TN-TA", "Huyện đoàn Tân An", "district", "", "TN-TA-THPT-12A1"]],
            [(2, "Mã đơn vị cấp trên", "This unit would be under itself")],
            id="existing-unit-moved-into-its-own-subtree-branch",
        ),
        pytest.param(
            [["TN-TA", "Huyện đoàn Tân An", "district", "", "TN-TA-THPT"]],
            [(2, "Mã đơn vị cấp trên", "This unit would be under itself")],
            id="existing-unit-moved-under-its-own-base-union",
        ),
    ],
)
def test_a_malformed_file_writes_nothing_and_names_the_rows(world, tmp_path, rows, expected):
    from tests.factories import make_unit

    make_unit(name="Tỉnh đoàn Khác", code="OTHER", level="province")
    before = tree()
    result = run(world, sheet(tmp_path, rows))
    assert not result.ok and not result.written
    found = errors_of(result)
    for row, column, text in expected:
        assert any(r == row and c == column and text in m for r, c, m in found), (
            row,
            column,
            text,
            found,
        )
    assert tree() == before


def test_a_circle_through_an_existing_unit_is_named(world, tmp_path):
    """The district goes under a new base union that goes under the district's own base
    union: a circle that only the tree and the file together make."""
    rows = [
        ["TN-TA", "Huyện đoàn Tân An", "district", "", "NEW-D"],
        ["NEW-D", "Huyện đoàn mới", "district", "", "TN-TA-TH"],
    ]
    before = tree()
    result = run(world, sheet(tmp_path, rows))
    assert not result.written
    messages = [m for _r, _c, m in errors_of(result)]
    assert any("under each other" in m for m in messages), messages
    assert tree() == before


def test_a_file_without_the_code_column_is_refused(world, tmp_path):
    result = run(world, sheet(tmp_path, [["Đoàn A", "base"]], header=["Tên đơn vị", "Cấp"]))
    assert not result.ok
    assert "Mã đơn vị" in result.errors[0].message


def test_not_a_spreadsheet_is_refused(world, tmp_path):
    path = tmp_path / "units.xlsx"
    path.write_bytes(b"this is not a workbook")
    result = run(world, path)
    assert not result.ok and result.errors[0].row is None


def test_the_unit_itself_in_the_file_is_an_error(world, tmp_path):
    result = run(world, sheet(tmp_path, [["TN", "Tỉnh đoàn Thử Nghiệm", "province", "", ""]]))
    assert errors_of(result)[0][:2] == (2, "Mã đơn vị")


def test_a_second_import_of_the_same_file_changes_nothing(world, tmp_path):
    path = sheet(tmp_path, NEW_DISTRICT)
    assert run(world, path).written
    before = tree()
    again = run(world, path, confirm=False)
    assert (again.to_create, again.to_update, again.unchanged) == (0, 0, 4)
    assert run(world, path).written
    assert tree()[0] == before[0]


# --- written a chunk at a time, all or nothing ------------------------------------------------


def another_person(work):
    """`work()` on a thread with a database connection of its own; its error, or None."""
    outcome = []

    def run_it():
        try:
            work()
            outcome.append(None)
        except Exception as e:  # noqa: BLE001 - the error is the answer
            outcome.append(repr(e))
        finally:
            connection.close()  # this thread's own

    thread = threading.Thread(target=run_it)
    thread.start()
    thread.join(timeout=120)  # not a measure: only so that a lock held for ever ends the test
    return outcome[0] if outcome else "no answer"


def shape():
    """The tree as users see it: each unit's code, name, sector, unit above, count of units
    right under it, whether it is active, and its meeting figures' check."""
    units = {u.path: u.code for u in Unit.objects.all()}
    return sorted(
        (u.code, u.name, u.sector, units.get(u.path[: -Unit.steplen]), u.numchild, u.is_active)
        for u in Unit.objects.all()
    )


def counts_agree():
    active = Member.objects.filter(status="active")
    for unit in member_counts.exact(Unit.objects.all()):
        assert unit.member_count == active.filter(unit_path__startswith=unit.path).count()
    training_rollup.fold_all()
    assert meeting_rollup.differences() == []
    assert Unit.objects.find_problems() == ([], [], [], [], [])


NEW_AND_CHANGED = [
    ["TN-BD", "Huyện đoàn Bình Đức", "district", "", ""],
    ["TN-BD-X1", "Đoàn xã Bình Đức 1", "base", "residential", "TN-BD"],
    ["TN-BD-X1-A", "Chi đoàn Ấp A", "branch", "residential", "TN-BD-X1"],
    ["TN-BD-X1-B", "Chi đoàn Ấp B", "branch", "residential", "TN-BD-X1"],
    # Renamed, and moved under the new district with its branch and member.
    ["TN-TA-TH", "Đoàn xã Tân Hòa (mới)", "base", "", "TN-BD"],
]


@pytest.mark.django_db(transaction=True)
def test_a_code_taken_between_the_check_and_a_late_chunk_leaves_the_tree_as_it_was(
    world, tmp_path, settings, monkeypatch
):
    """Two new units a chunk: once the first chunk is written, someone else creates a unit
    with the code of one of the second chunk's, on his own connection. The second chunk
    cannot be written, and the first is undone."""
    settings.IMPORT_CHUNK_ROWS = 2
    monkeypatch.setattr(units_imports, "UNITS_PER_CHUNK_ROW", 1)  # two units a chunk
    before = shape()
    events_before = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first()
    seen = []

    def creates_a_unit_named_so():
        seen.append(Unit.objects.filter(code__in=["TN-BD", "TN-BD-X1"]).count())
        unit_create(
            actor=world.base_cadre,
            parent=Unit.objects.get(pk=world.base.pk),
            name="Chi đoàn Ấp B",
            code="TN-BD-X1-B",
            level=Level.objects.get(code="branch"),
            kind=Unit.Kind.BRANCH,
        )

    def progress(done, total):
        if ImportChunk.objects.filter(seq__gt=0).count() == 1 and len(seen) < 2:
            seen.append(another_person(creates_a_unit_named_so))

    with translation.override("en"):
        result = units_import(
            actor=world.province_cadre,
            unit=world.province,
            path=sheet(tmp_path, NEW_AND_CHANGED),
            filename="don-vi.xlsx",
            confirm=True,
            progress=progress,
        )
    assert seen == [2, None]  # the first chunk was there for him to see
    assert not result.written
    assert [e.message for e in result.errors] == [
        "The units changed while the file was being written. Nothing was written: import the "
        "file again."
    ]
    theirs = Unit.objects.get(code="TN-BD-X1-B")
    assert shape() == _with_their_unit(before, world, theirs)
    assert not ImportChunk.objects.exists()
    counts_agree()
    new_events = AuditEvent.objects.filter(pk__gt=events_before or 0).order_by("pk")
    assert [e.action for e in new_events] == ["unit.created", "import.undone"]


def _with_their_unit(before, world, theirs):
    """`before` with the other person's new branch under the base union (one more there)."""
    rows = [(*row[:4], row[4] + 1, row[5]) if row[0] == world.base.code else row for row in before]
    return sorted([*rows, (theirs.code, theirs.name, theirs.sector, world.base.code, 0, True)])


class WorkerKilled(BaseException):
    """The worker process ending: nothing after it runs."""


@pytest.mark.django_db(transaction=True)
def test_new_units_renames_and_moves_written_before_a_worker_died_are_undone(
    world, tmp_path, settings, monkeypatch
):
    """The worker dies once the new units, the rename and the move are written, before the
    import is finished: what it left is undone as a worker that starts undoes it."""
    settings.IMPORT_CHUNK_ROWS = 2
    monkeypatch.setattr(units_imports, "UNITS_PER_CHUNK_ROW", 1)  # two units a chunk
    before = shape()
    district = member_counts.now(world.district)
    import_id = uuid.uuid4()

    def progress(done, total):
        if ImportChunk.objects.filter(seq__gt=0).count() == 4:  # 2 of new units, 1, 1
            raise WorkerKilled

    with pytest.raises(WorkerKilled), translation.override("en"):
        units_import(
            actor=world.province_cadre,
            unit=world.province,
            path=sheet(tmp_path, NEW_AND_CHANGED),
            filename="don-vi.xlsx",
            confirm=True,
            progress=progress,
            import_id=import_id,
        )
    moved = Unit.objects.get(code="TN-TA-TH")
    assert (moved.name, parent_code("TN-TA-TH")) == ("Đoàn xã Tân Hòa (mới)", "TN-BD")
    assert member_counts.now(Unit.objects.get(code="TN-BD")) == 1
    assert member_counts.now(Unit.objects.get(pk=world.district.pk)) == district - 1

    assert importing.undo_import(import_id)  # as a worker that starts does

    assert shape() == before
    assert not ImportChunk.objects.exists()
    counts_agree()
    assert member_counts.now(Unit.objects.get(pk=world.district.pk)) == district


def test_a_national_sized_file_with_a_few_faults_names_them_and_writes_nothing(world, tmp_path):
    """350,000 rows (a district, its base unions and their branches, children first) as a
    national list comes: a code twice far apart, a circle of two base unions, and a branch
    whose unit above is nowhere. Every fault is named by its row; nothing is written."""
    bases = 31_818  # 10 branches each: 349,998 rows, then the district and one more
    rows = []
    for b in range(bases):
        rows.extend(
            [f"B{b:05d}-{n}", f"Chi đoàn {b}.{n}", "branch", "school", f"B{b:05d}"]
            for n in range(10)
        )
    rows.extend([f"B{b:05d}", f"Đoàn cơ sở {b}", "base", "school", "D-NEW"] for b in range(bases))
    rows.append(["D-NEW", "Huyện đoàn mới", "district", "", ""])
    rows.append(["Z-LOST", "Chi đoàn lạc", "branch", "school", "NOWHERE"])
    rows[175_000][0] = rows[3][0]  # B00000-3 again, 175,000 rows further
    second, last = bases * 10 + 2, bases * 11 - 1  # the rows of B00002 and B31817
    rows[second][4], rows[last][4] = rows[last][0], rows[second][0]  # under each other
    path = tmp_path / "don-vi.csv"
    with path.open("w", encoding="utf-8", newline="") as out:
        csv.writer(out).writerows([HEADER, *rows])
    assert len(rows) == 350_000
    before = tree()
    result = run(world, path)
    assert not result.ok and not result.written
    named = {(r, c) for r, c, _m in errors_of(result)}
    assert {(5, "Mã đơn vị"), (175_002, "Mã đơn vị")} <= named  # rows as in the file
    # A file's row number: its index + 2 (the header is row 1).
    assert {(second + 2, "Mã đơn vị cấp trên"), (last + 2, "Mã đơn vị cấp trên")} <= named
    assert (350_001, "Mã đơn vị cấp trên") in named
    assert tree() == before
