"""Every sheet the product writes keeps text as text: names of units and members, criteria,
plans, reasons, a file's own cells... that a spreadsheet would take for a formula are written
as strings with the quote prefix, never as formulas. The only formulas in the product's files
are its own (the registration template's look-ups)."""

import re
from datetime import timedelta
from io import BytesIO

import openpyxl
import pytest
import xlsxwriter
from django.utils import timezone

from doanvien.actions.members import member_move
from doanvien.core.spreadsheets.importing import RowError
from doanvien.core.spreadsheets.writing import error_report_xlsx, is_formula_like
from doanvien.members.columns import COLUMNS, EXPORT_COLUMNS
from doanvien.members.exports import members_template_xlsx, members_xlsx
from doanvien.members.models import Member, Movement
from doanvien.members.validation import TEXT_FIELDS
from doanvien.reports.exports import report_xlsx, subtree_xlsx
from doanvien.reports.selectors import report
from doanvien.reports.spreadsheets import movements_xlsx
from doanvien.training import default_framework
from doanvien.training.exports import registrations_xlsx
from doanvien.training.imports import registrations_template_xlsx
from doanvien.training.models import ContentArea, Criterion, Framework, Phase, RegistrationItem
from doanvien.training.services.registrations import registration_save
from doanvien.units.models import Unit

from ..training.conftest import YEAR, complete_items

HOSTILE = (
    '=HYPERLINK("http://x","y")',
    "+1",
    "-2",
    "@SUM(A1)",
    "\tTab first",
    "\rCarriage return first",
)
# The registration template's own formulas: the member's name and the criterion's text looked
# up from the code typed beside them.
PRODUCT_FORMULA = re.compile(
    r'=IF\(([AC])(\d+)="","",IFERROR\(VLOOKUP\(\1\2,\'[^\']+\'!\$A\$2:\$[BC]\$\d+,[23],FALSE\),""\)\)'
)


def hostile(n: int) -> str:
    return HOSTILE[n % len(HOSTILE)]


@pytest.fixture
def hostile_world(world):
    """The world with formula-like text wherever the data has text: unit names and a code,
    member records, a criterion, plans and movement reasons."""
    default_framework.install(Phase, Framework, ContentArea, Criterion)
    for n, unit in enumerate(Unit.objects.order_by("pk")):
        Unit.objects.filter(pk=unit.pk).update(name=hostile(n) + f" {unit.code}")
    Unit.objects.filter(pk=world.branch2.pk).update(code="@U2")
    text_fields = [f for f in TEXT_FIELDS if f != "full_name"]
    for n, member in enumerate(Member.objects.order_by("pk")):
        Member.objects.filter(pk=member.pk).update(
            full_name=hostile(n) + f" {n}",
            member_code=f"{hostile(n + 1)}{n}",
            **{name: hostile(n + i) for i, name in enumerate(text_fields)},
        )
    for member in Member.objects.filter(branch=world.branch):
        registration_save(actor=None, member=member, year=YEAR, items=complete_items(member))
    for n, item in enumerate(RegistrationItem.objects.order_by("pk")):
        RegistrationItem.objects.filter(pk=item.pk).update(plan=hostile(n))
    mandatory = Criterion.objects.filter(mandatory=True).order_by("pk")
    for n, criterion in enumerate(mandatory):
        Criterion.objects.filter(pk=criterion.pk).update(text=hostile(n), audience=hostile(n + 1))
    today = timezone.localdate()
    member_move(actor=None, member=world.member2, branch=world.branch2, on=today, reason="x")
    Movement.objects.update(reason=HOSTILE[0])
    for unit in (world.province, world.branch, world.branch2, world.base):
        unit.refresh_from_db()
    return world


def workbook(write) -> openpyxl.Workbook:
    out = BytesIO()
    write(out)
    out.seek(0)
    return openpyxl.load_workbook(out)


def check(book: openpyxl.Workbook, *, formulas_allowed: bool = False) -> int:
    """No cell is a formula but the product's own; every formula-like text has the quote
    prefix. Returns how many cells held formula-like text (so that the test sees some)."""
    seen = 0
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    assert formulas_allowed and PRODUCT_FORMULA.fullmatch(cell.value), (
                        sheet.title,
                        cell.coordinate,
                        cell.value,
                    )
                elif isinstance(cell.value, str) and is_formula_like(cell.value):
                    assert cell.quotePrefix, (sheet.title, cell.coordinate, cell.value)
                    seen += 1
                if isinstance(cell.value, str) and cell.value.startswith("_x000D_"):
                    seen += 1  # the carriage return, as openpyxl reads it back
    return seen


def test_the_member_export(hostile_world):
    book = workbook(
        lambda out: members_xlsx(
            members_queryset=Member.objects.order_by("pk"), out=out, columns=EXPORT_COLUMNS
        )
    )
    assert check(book) >= 20


def test_the_member_template(hostile_world):
    book = workbook(lambda out: members_template_xlsx(unit=hostile_world.base, out=out))
    assert check(book) >= 2  # the branches of the drop-down list


def test_the_error_report(hostile_world, tmp_path):
    source = tmp_path / "file.xlsx"
    book = xlsxwriter.Workbook(source)
    sheet = book.add_worksheet()
    for col, spec in enumerate(COLUMNS[:6]):
        sheet.write_string(0, col, spec.header)
        sheet.write_string(1, col, hostile(col))
    sheet.write_string(0, 6, HOSTILE[0])  # a header the import does not know
    book.close()
    errors = [
        RowError(row=2, column=hostile(col), value=hostile(col), message=hostile(col), col=col)
        for col in range(6)
    ]
    report_book = workbook(
        lambda out: error_report_xlsx(source_path=source, errors=errors, out=out, columns=COLUMNS)
    )
    assert check(report_book) >= 20


def test_the_registrations_export(hostile_world):
    book = workbook(
        lambda out: registrations_xlsx(
            user=hostile_world.province_cadre, unit=hostile_world.province, year=YEAR, out=out
        )
    )
    assert check(book) >= 10


def test_the_registrations_template(hostile_world):
    book = workbook(
        lambda out: registrations_template_xlsx(branch=hostile_world.branch, year=YEAR, out=out)
    )
    assert check(book, formulas_allowed=True) >= 10
    data = book.worksheets[0]
    assert any(cell.data_type == "f" for row in data.iter_rows() for cell in row)


def test_the_report(hostile_world):
    rows = report(hostile_world.district, YEAR)
    book = workbook(
        lambda out: out.write(report_xlsx(unit=hostile_world.district, year=YEAR, rows=rows))
    )
    assert check(book) >= 3  # the unit above, the unit, the units under it


def test_the_subtree(hostile_world):
    book = workbook(lambda out: subtree_xlsx(unit=hostile_world.province, year=YEAR, out=out))
    assert check(book) >= 7


def test_the_movements(hostile_world):
    today = timezone.localdate()
    book = workbook(
        lambda out: movements_xlsx(
            unit=hostile_world.branch2, start=today - timedelta(days=1), end=today, out=out
        )
    )
    assert check(book) >= 4
