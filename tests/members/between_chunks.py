"""Another person writes while a member import is being written: the scenario of
test_import_in_chunks.py, run in the test's process (PostgreSQL) or, for a laptop install on
a SQLite file, in a process of its own with the product's settings for that file
(`python tests/members/between_chunks.py ARGUMENTS.json`, printing what it saw as JSON).

The import writes a file of new members a chunk at a time. Once the first chunk is written,
the import's progress report (called between two chunks) starts the other person's writes on a
thread with a connection of its own: he adds a member to the same branch and signs in to the
API (a token is written), as a browser or the app would meanwhile, and the report waits for
him. What he saw of the import, whether his writes went through, and where his member stands
among the import's (by id) tell the order in which things were written."""

import json
import os
import sys
import threading
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def write_file(path: Path, *, prefix: str, rows: int, branch: str) -> None:
    """`rows` new members of `branch`, their ID numbers `prefix` + 2 digits, numbered from 1."""
    import xlsxwriter

    book = xlsxwriter.Workbook(path)
    sheet = book.add_worksheet()
    dates = book.add_format({"num_format": "dd/mm/yyyy"})
    header = ["Họ và tên", "Ngày sinh", "Giới tính", "Số CMND/CCCD", "Ngày vào Đoàn", "Chi đoàn"]
    sheet.write_row(0, 0, header)
    for n in range(1, rows + 1):
        sheet.write_string(n, 0, f"Hồ Văn Chờ {n}")
        sheet.write_datetime(n, 1, date(2008, 1, n), dates)
        sheet.write_string(n, 2, "Nam")
        sheet.write_string(n, 3, f"{prefix}{n:02d}")
        sheet.write_datetime(n, 4, date(2025, 3, 26), dates)
        sheet.write_string(n, 5, branch)
    book.close()


def scenario(
    *, path: str, prefix: str, actor: int, unit: int, branch: int, other_user: int, today: str
) -> dict:
    """Import the file at `path` (new members whose ID numbers start with `prefix`) into unit
    `unit` as user `actor`; after the first chunk, user `other_user` adds a member to branch
    `branch` and signs in to the API, on his own connection. What happened, as JSON data."""
    from django.db import connection
    from django.db.models import Q

    from doanvien.accounts.models import User
    from doanvien.accounts.services import api_token_issue
    from doanvien.actions.members import member_create
    from doanvien.members.imports import members_import
    from doanvien.members.models import Member
    from doanvien.units.models import Unit

    mine = Member.objects.filter(id_number__startswith=prefix)
    other: dict = {}
    reports: list[int] = []
    threads: list[threading.Thread] = []

    def other_person() -> None:
        try:
            other["saw"] = mine.count()  # the import's members committed so far
            person = User.objects.get(pk=other_user)
            member = member_create(
                actor=person,
                branch=Unit.objects.get(pk=branch),
                data={
                    "full_name": "Lý Thị Xen",
                    "date_of_birth": date(2008, 6, 1),
                    "sex": "female",
                    "id_number": "079308009901",
                    "joined_union_on": date(2025, 3, 26),
                },
            )
            api_token_issue(user=person)
            other.update(error=None, member=member.pk)
        except Exception as e:  # noqa: BLE001 - what the other person got is the answer
            other["error"] = repr(e)
        finally:
            connection.close()  # this thread's own

    def progress(done: int, total: int) -> None:
        reports.append(done)
        if "error" in other or not 0 < done < total:
            return
        other["after"] = done
        thread = threading.Thread(target=other_person)
        thread.start()
        thread.join(timeout=120)  # not a measure: only so that a lock held for ever ends it
        other["finished_then"] = not thread.is_alive()
        threads.append(thread)

    result = members_import(
        actor=User.objects.get(pk=actor),
        unit=Unit.objects.get(pk=unit),
        path=path,
        filename=Path(path).name,
        confirm=True,
        progress=progress,
        today=date.fromisoformat(today),
    )
    for thread in threads:  # one still waiting for the import's locks ends once it is over
        thread.join(timeout=120)
    both = Member.objects.filter(Q(id_number__startswith=prefix) | Q(pk=other.get("member")))
    return {
        "written": result.written,
        "errors": [e.message for e in result.errors],
        "reports": reports,
        "other": other,
        # The import's members and the other person's, in the order they were written.
        "written_order": [
            "other" if pk == other.get("member") else "import"
            for pk in both.order_by("pk").values_list("pk", flat=True)
        ],
        "vendor": connection.vendor,
        "wal": _journal_mode(connection),
    }


def _journal_mode(connection) -> str:
    if connection.vendor != "sqlite":
        return ""
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        return cursor.fetchone()[0]


def main() -> None:
    """In a process of its own, on the SQLite file the environment names (DATABASE_URL)."""
    arguments = json.loads(Path(sys.argv[1]).read_text())
    sys.path.insert(0, str(ROOT / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "doanvien.settings")
    import django

    django.setup()
    print(json.dumps(scenario(**arguments)))


if __name__ == "__main__":
    main()
