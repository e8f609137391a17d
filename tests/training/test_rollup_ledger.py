"""No hot row: a write changes its branch's roll-up row and appends a delta to the ledger; the
folder adds the deltas to the rows above; every read adds what is not folded yet."""

import os
import signal
import subprocess
import sys
import threading
import time
from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection, connections, transaction
from django.utils import translation

from doanvien.actions.units import unit_move
from doanvien.core.transactions import atomic
from doanvien.reports.exports import DOCUMENT_LANGUAGE, figure_titles, subtree_xlsx
from doanvien.reports.selectors import report, year_over_year
from doanvien.training import rollup
from doanvien.training.models import YearStats, YearStatsDelta
from doanvien.training.progress import children_progress
from doanvien.training.recompute import differences, fix
from doanvien.training.services.registrations import registration_save, registration_submit
from doanvien.units import member_counts
from doanvien.units.models import MemberCountDelta, Unit

from ..factories import make_member, make_unit
from .conftest import complete_items

ROOT = Path(__file__).resolve().parents[2]
YEAR = 2027  # the school year running now (June 2026 – May 2027): a unit move reaches it
on_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks and concurrent sessions: PostgreSQL"
)


@pytest.fixture(autouse=True)
def folded(world):
    """What making the world left in the ledgers (its members) folded: each test starts clean."""
    rollup.fold_all()


def _submit(member):
    rollup.ensure_year(YEAR)  # else the first write opens the year: counted whole, no delta
    registration = registration_save(
        actor=None, member=member, year=YEAR, items=complete_items(member, year=YEAR)
    )
    return registration_submit(actor=None, registration=registration, today=date(2026, 9, 1))


def _stored(unit) -> YearStats:
    return YearStats.objects.get(unit=unit, year=YEAR)


def test_a_write_changes_its_branch_row_and_leaves_the_rows_above_to_the_folder(world, framework):
    rollup.ensure_year(YEAR)
    before = {u.pk: _stored(u).registered for u in (world.base, world.district, world.province)}
    _submit(world.member)
    assert _stored(world.branch).registered == 1
    # Nothing above the branch was written: the difference waits in the ledger.
    assert {u.pk: _stored(u).registered for u in (world.base, world.district, world.province)} == (
        before
    )
    delta = YearStatsDelta.objects.get()
    assert (delta.unit_path, delta.year, delta.registered, delta.waiting) == (
        world.branch.path,
        YEAR,
        1,
        1,
    )
    # Every read adds it: the report, the progress pages, a unit's figures, year over year.
    assert report(world.province, YEAR)[0].registered == 1
    assert report(world.district, YEAR)[1].registered == 1
    assert rollup.figures(world.base, YEAR)["waiting"] == 1
    assert [p.registered for p in children_progress(world.district, YEAR)] == [1, 0]
    assert year_over_year(world.province, [YEAR])[0][1].registered == 1
    assert differences() == []
    # Folded: the rows above hold it, the ledger is empty, the reads are the same.
    assert rollup.fold() == 1
    assert YearStatsDelta.objects.count() == 0
    assert _stored(world.province).registered == before[world.province.pk] + 1
    assert report(world.province, YEAR)[0].registered == 1
    assert differences() == []


def test_the_export_adds_what_is_not_folded(world, framework, tmp_path):
    from openpyxl import load_workbook

    _submit(world.member)
    _submit(world.member_in_branch2)
    assert YearStatsDelta.objects.count() == 2
    subtree_xlsx(unit=world.province, year=YEAR, out=tmp_path / "a.xlsx")
    rollup.fold()
    subtree_xlsx(unit=world.province, year=YEAR, out=tmp_path / "b.xlsx")

    def values(name):
        sheet = load_workbook(tmp_path / name).active
        return [[c.value for c in row] for row in sheet.iter_rows()]

    rows = values("a.xlsx")
    assert rows == values("b.xlsx")
    with translation.override(DOCUMENT_LANGUAGE):
        title = figure_titles()["registered"]
    header = next(row for row in rows if title in row)
    province = next(row for row in rows if "Tỉnh đoàn Thử Nghiệm" in map(str, row))
    assert province[header.index(title)] == 2


def test_folding_a_few_at_a_time_never_changes_a_figure(world, framework):
    members = [world.member, world.member2, world.member_in_branch2, world.outsider_member]
    members += [make_member(world.other_branch) for _ in range(3)]
    for member in members:
        _submit(member)
    expected = [(r.unit.pk, r.registered, r.total) for r in report(world.province, YEAR)]
    assert YearStatsDelta.objects.count() == len(members)
    while rollup.fold(limit=2):
        assert [(r.unit.pk, r.registered, r.total) for r in report(world.province, YEAR)] == (
            expected
        )
        assert differences() == []
    assert YearStatsDelta.objects.count() == 0
    assert _stored(world.district).registered == len(members)


def test_a_unit_moved_with_deltas_waiting_takes_them_to_its_new_place(world, framework):
    _submit(world.member)
    _submit(world.member_in_branch2)
    district2 = make_unit(
        world.province, name="Huyện đoàn Bình Minh", code="TN-BM", level="district"
    )
    # The base union (two branches' deltas below it) and a branch (its own delta) move.
    unit_move(actor=None, unit=world.base, new_parent=district2)
    world.branch.refresh_from_db()
    assert differences() == []
    assert rollup.figures(district2, YEAR)["registered"] == 2
    assert rollup.figures(world.district, YEAR)["registered"] == 0
    other_base = make_unit(
        world.district, name="Đoàn trường THCS Tân An", code="TN-TA-THCS", level="base"
    )
    unit_move(actor=None, unit=world.branch, new_parent=other_base)
    assert differences() == []
    assert rollup.figures(other_base, YEAR)["registered"] == 1
    assert rollup.figures(district2, YEAR)["registered"] == 1
    rollup.fold()
    assert differences() == []
    assert _stored(world.district).registered == 1
    assert _stored(district2).registered == 1


def test_recompute_fix_writes_what_the_rows_above_lack_less_what_waits(world, framework):
    _submit(world.member)
    YearStats.objects.filter(unit=world.province, year=YEAR).update(registered=40)
    assert differences() == [f"{world.province.path} {YEAR} registered: stored 41, recomputed 1"]
    assert fix() == 1
    assert differences() == []
    rollup.fold()
    assert differences() == []
    assert _stored(world.province).registered == 1


def test_the_folder_command_folds_what_waits(world, framework, capsys):
    _submit(world.member)
    _submit(world.member2)
    call_command("fold_rollups", "--once", "--batch", "1")
    assert "2 delta(s) folded; 0 waiting." in capsys.readouterr().out
    assert differences() == []


def test_member_counts_go_the_same_way(world, framework):
    units = (world.branch, world.base, world.district, world.province)
    before = [member_counts.now(u) for u in units]
    stored = [Unit.objects.get(pk=u.pk).member_count for u in units]
    make_member(world.branch)
    assert [member_counts.now(u) for u in units] == [n + 1 for n in before]
    # Only the branch's row was written; the rest waits in the ledger, and every read adds it.
    assert [Unit.objects.get(pk=u.pk).member_count for u in units] == [stored[0] + 1, *stored[1:]]
    assert MemberCountDelta.objects.get().delta == 1
    # A unit moved with a delta waiting below it takes the delta along.
    district2 = make_unit(
        world.province, name="Huyện đoàn Bình Minh", code="TN-BM", level="district"
    )
    unit_move(actor=None, unit=world.base, new_parent=district2)
    assert member_counts.now(district2) == before[1] + 1
    assert member_counts.now(world.district) == before[2] - before[1]
    assert member_counts.now(world.province) == before[3] + 1
    rollup.fold()
    assert MemberCountDelta.objects.count() == 0
    assert Unit.objects.get(pk=district2.pk).member_count == before[1] + 1
    assert Unit.objects.get(pk=world.province.pk).member_count == before[3] + 1


# --- With real concurrent sessions (PostgreSQL) ----------------------------------------------


def _in_thread(target):
    """Run `target` in a thread with its own database connection; its error, if any, or its
    result, in the returned dict once joined."""
    out: dict = {}

    def run():
        try:
            out["result"] = target()
        except BaseException as error:  # noqa: BLE001 - reported to the test
            out["error"] = error
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    out["thread"] = thread
    return out


@on_postgres
@pytest.mark.django_db(transaction=True)
def test_writers_of_two_branches_never_wait_for_each_other(world, framework):
    """One member's submit holds its transaction open; another branch's submit, under the same
    base union, district and province, finishes without waiting for it (with the rows above
    updated in the write, it waited for the province's row until the first one ended)."""
    rollup.ensure_year(YEAR)
    for member in (world.member, world.member_in_branch2):
        registration_save(
            actor=None, member=member, year=YEAR, items=complete_items(member, year=YEAR)
        )
    holding, release = threading.Event(), threading.Event()

    def first():
        from doanvien.training.models import Registration

        with transaction.atomic():
            registration = Registration.objects.get(member=world.member, year=YEAR)
            registration_submit(actor=None, registration=registration, today=date(2026, 9, 1))
            holding.set()
            release.wait(20)

    def second():
        from doanvien.training.models import Registration

        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '3s'")
        registration = Registration.objects.get(member=world.member_in_branch2, year=YEAR)
        started = time.monotonic()
        registration_submit(actor=None, registration=registration, today=date(2026, 9, 1))
        return time.monotonic() - started

    a = _in_thread(first)
    assert holding.wait(20), a.get("error")
    b = _in_thread(second)
    b["thread"].join(30)
    release.set()
    a["thread"].join(30)
    assert "error" not in a and "error" not in b, (a.get("error"), b.get("error"))
    assert b["result"] < 3
    assert differences() == []
    assert report(world.province, YEAR)[0].registered == 2


@on_postgres
@pytest.mark.django_db(transaction=True)
def test_a_deadlock_is_retried_not_returned(world):
    """Two services lock the same two rows in opposite orders: PostgreSQL ends one of them with
    a deadlock; the transaction helper runs it again and both succeed."""
    from doanvien.units.models import Unit

    attempts = {"a": 0, "b": 0}
    barrier = threading.Barrier(2, timeout=20)

    def locking(name, first, second):
        @atomic
        def service():
            attempts[name] += 1
            Unit.objects.select_for_update().get(pk=first.pk)
            if attempts[name] == 1:
                barrier.wait()  # both hold their first row before asking for the second
            Unit.objects.select_for_update().get(pk=second.pk)
            return name

        return service

    a = _in_thread(locking("a", world.branch, world.branch2))
    b = _in_thread(locking("b", world.branch2, world.branch))
    a["thread"].join(40)
    b["thread"].join(40)
    assert (a.get("result"), b.get("result")) == ("a", "b"), (a.get("error"), b.get("error"))
    assert sorted(attempts.values()) == [1, 2]


@on_postgres
@pytest.mark.django_db(transaction=True)
def test_a_folder_killed_in_the_middle_of_a_batch_folded_nothing(world, framework):
    """The folder is stopped dead (kill -9) while it waits for an ancestor's row: its batch is
    rolled back whole, the figures are still exact, and the next fold does the work."""
    _submit(world.member)
    _submit(world.member_in_branch2)
    province_before = _stored(world.province).registered
    settings = connection.settings_dict
    url = (
        f"postgres://{settings['USER']}@{settings['HOST'] or '127.0.0.1'}:"
        f"{settings['PORT'] or 5432}/{settings['NAME']}"
    )
    blocker = connections.create_connection("default")
    blocker.set_autocommit(False)
    with blocker.cursor() as cursor:
        cursor.execute(
            f"SELECT 1 FROM {YearStats._meta.db_table} WHERE unit_id = %s AND year = %s FOR UPDATE",
            [world.province.pk, YEAR],
        )
    env = {**os.environ, "DATABASE_URL": url, "PYTHONPATH": str(ROOT / "src")}
    folder = subprocess.Popen(
        [sys.executable, "manage.py", "fold_rollups", "--once"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        # Wait until the folder has deleted the deltas in its transaction and waits for the row.
        for _ in range(200):
            with connection.cursor() as cursor:
                cursor.execute(
                    # Only the folder can wait for a lock here (its statement, a long
                    # UPDATE, is cut short in pg_stat_activity: its text is not matched).
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = %s "
                    "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()",
                    [settings["NAME"]],
                )
                if cursor.fetchone()[0]:
                    break
            time.sleep(0.1)
        else:
            folder.kill()
            _out, err = folder.communicate(timeout=10)
            pytest.fail(f"the folder never reached the rows above the branches: {err[-2000:]}")
        assert differences() == []  # while it is in the middle of its batch
        folder.send_signal(signal.SIGKILL)
        folder.wait(10)
    finally:
        if folder.poll() is None:
            folder.kill()
        blocker.rollback()
        blocker.close()
    assert YearStatsDelta.objects.count() == 2
    assert _stored(world.province).registered == province_before
    assert differences() == []
    assert rollup.fold() == 2
    assert differences() == []
    assert _stored(world.province).registered == province_before + 2
