"""Seed 002's appendix, rebuilt from member-level data: 47,297 members, every one registered,
3,279 admitted under 6 months before the evaluation date (not classified), and of the 44,018
classified 30,925 excellent, 11,424 good, 1,669 complete and none incomplete. The report, its
Excel file and its PDF give 70.26 / 25.95 / 3.79 / 0.00 (the source printed 3.87 % in its text;
docs/domain.md, "Counting a programme year")."""

from datetime import date, datetime
from decimal import Decimal
from io import BytesIO

import openpyxl
import pytest
from django.utils import timezone

from doanvien.core.bulk import insert_rows, records
from doanvien.core.text import fold, sort_key_of_folded
from doanvien.members.models import Member, Membership
from doanvien.reports import exports
from doanvien.reports.selectors import report, year_over_year
from doanvien.training.models import Deadline, Registration
from doanvien.training.recompute import differences
from doanvien.training.services.configuration import deadline_set

from ..factories import make_unit
from .test_exports import _pdf_text

YEAR = 2025
EVALUATION = date(2025, 10, 15)  # a province's evaluation deadline for 2025
# Per district: members admitted long ago with their totals (excellent, good, complete), and
# members admitted after 15/04/2025, under 6 months before the evaluation (not classified).
DISTRICTS = [
    ("Huyện đoàn Bắc Sơn", (12000, 4300, 700), 1200),
    ("Huyện đoàn Nam Sơn", (10925, 4124, 569), 1079),
    ("Thành đoàn Đông Sơn", (8000, 3000, 400), 1000),
]
TOTALS = {"excellent": Decimal(95), "good": Decimal(85), "complete": Decimal(72)}


@pytest.fixture
def appendix(db, framework):
    province = make_unit(name="Tỉnh đoàn Thử Nghiệm", code="TN", level="province")
    deadline_set(
        actor=None,
        unit=province,
        year=YEAR,
        kind=Deadline.Kind.EVALUATION,
        due_on=EVALUATION.strftime("%d/%m/%Y"),
    )
    assessed = timezone.make_aware(datetime(2025, 10, 1, 9))
    n = 0
    for d, (name, levels, recent) in enumerate(DISTRICTS):
        district = make_unit(province, name=name, code=f"TN-{d}", level="district")
        base = make_unit(district, name=f"Đoàn cơ sở {d}", code=f"TN-{d}-B", level="base")
        branches = [
            make_unit(base, name=f"Chi đoàn {d}-{b}", code=f"TN-{d}-{b}", sector="residential")
            for b in range(4)
        ]
        people = [
            (TOTALS[level], date(2020, 3, 26))
            for level, count in zip(TOTALS, levels, strict=True)
            for _ in range(count)
        ]
        people += [(TOTALS["good"], date(2025, 5, 1))] * recent
        members, spans, registrations = [], [], []
        for i, (total, joined) in enumerate(people):
            n += 1
            branch = branches[i % len(branches)]
            full_name = f"Đoàn Viên Thử {n}"
            folded = fold(full_name)
            members.append(
                {
                    "id": n,
                    "full_name": full_name,
                    "name_folded": folded,
                    "sort_key": sort_key_of_folded(folded),
                    "member_code": f"DV{n:010d}",
                    "date_of_birth": date(2000, 1, 1),
                    "sex": "female",
                    "id_number": f"{99_100_000_000 + n:012d}",
                    "joined_union_on": joined,
                    "branch_id": branch.pk,
                    "unit_path": branch.path,
                }
            )
            spans.append({"member_id": n, "branch_id": branch.pk, "started_on": joined})
            registrations.append(
                {
                    "member_id": n,
                    "year": YEAR,
                    "framework_id": framework.pk,
                    "branch_id": branch.pk,
                    "unit_path": branch.path,
                    "state": Registration.State.APPROVED,
                    "assessed_at": assessed,
                    "total": total,
                }
            )
        insert_rows(Member, records(Member, members))
        insert_rows(Membership, records(Membership, spans))
        insert_rows(Registration, records(Registration, registrations))
    return province


def test_the_report_gives_the_appendix_table(appendix):
    own = report(appendix, YEAR)[0]
    assert (own.total, own.registered, own.classified, own.not_classified) == (
        47297,
        47297,
        44018,
        3279,
    )
    assert [(v["count"], str(v["share"])) for v in own.levels.values()] == [
        (30925, "70.26"),
        (11424, "25.95"),
        (1669, "3.79"),
        (0, "0.00"),
    ]
    assert not own.pending and own.as_of == EVALUATION
    assert differences() == []

    rows = report(appendix, YEAR)
    history = year_over_year(appendix, [YEAR - 1, YEAR])
    sheet = openpyxl.load_workbook(
        BytesIO(exports.report_xlsx(unit=appendix, year=YEAR, rows=rows, history=history))
    ).active
    total = next(r for r in sheet.iter_rows(values_only=True) if r[2] == 47297 and r[0] is None)
    assert list(total[2:]) == pytest.approx(
        [47297, 47297, 44018, 3279, 30925, 0.7026, 11424, 0.2595, 1669, 0.0379, 0, 0]
    )
    text = _pdf_text(exports.report_pdf(unit=appendix, year=YEAR, rows=rows, history=history))
    assert "47.297 47.297 44.018 3.279 30.925 70,26 11.424 25,95 1.669 3,79 0 0,00" in text
