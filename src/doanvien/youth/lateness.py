"""Which units are late with their yearly "1+1" report (seed 003 §4.2: each base union reports
to the district's standing committee before 15/10), anywhere in a subtree, read by the database
in one statement whatever the size of the subtree (after reading the few settings that apply).

A unit of the reporting level (REPORTING_LEVEL, the base unions) is late for a year when its
deadline has passed and it has not sent its report. Its deadline is the day and month of the
nearest ReferralSettings above it (data, default 15/10) in that year, or the extension a unit
above granted it for the year (ReportExtension); days late are counted from that date."""

from dataclasses import dataclass
from datetime import date

from django.db.models import (
    Case,
    Count,
    DateField,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Substr
from django.utils import timezone

from doanvien.units.models import Unit

from .models import ReferralSettings, ReportExtension, ReportSent

# Seed 003 §4.2: the base unions ("cơ sở Đoàn") report to the district.
from .services import REPORTING_LEVEL, settings_for


def _default_md() -> int:
    d = ReferralSettings()
    return d.report_month * 100 + d.report_day


def _due_md(unit: Unit) -> Case | Value:
    """Each unit's deadline (month × 100 + day) from the nearest ReferralSettings above it, as
    a CASE on the unit's path: the settings that apply in a subtree are few (those of the
    unit's ancestors and of the units under it that set their own), read first, the nearest
    (deepest) first."""
    found = (
        ReferralSettings.objects.filter(
            Q(unit__path__in=unit.ancestor_paths()) | Q(unit__path__startswith=unit.path)
        )
        .order_by("-unit__depth")
        .values_list("unit__path", "report_month", "report_day")
    )
    default = Value(_default_md())
    whens = [When(path__startswith=path, then=Value(m * 100 + d)) for path, m, d in found]
    return Case(*whens, default=default, output_field=IntegerField()) if whens else default


def reporting_units(unit: Unit, year: int) -> QuerySet[Unit]:
    """The active units of the reporting level in the subtree, with their deadline (month ×
    100 + day, `due_md`), extension and the day they sent the year's report."""
    sent = ReportSent.objects.filter(unit=OuterRef("pk"), year=year).values("sent_on")[:1]
    extension = ReportExtension.objects.filter(unit=OuterRef("pk"), year=year)
    return Unit.objects.filter(
        path__startswith=unit.path, level__code=REPORTING_LEVEL, is_active=True
    ).annotate(
        due_md=_due_md(unit),
        extended_to=Subquery(extension.values("extended_to")[:1], output_field=DateField()),
        sent_on=Subquery(sent, output_field=DateField()),
    )


def _passed(year: int, today: date) -> Q | None:
    """The deadline has passed (None: it cannot have, the year is to come)."""
    if year > today.year:
        return None
    extended = Q(extended_to__lt=today)
    if year < today.year:
        return extended | Q(extended_to=None)
    return extended | Q(extended_to=None, due_md__lt=today.month * 100 + today.day)


def late_units(unit: Unit, year: int, today: date | None = None) -> QuerySet[Unit]:
    """The reporting units of the subtree late with the year's report, in tree order."""
    today = today or timezone.localdate()
    passed = _passed(year, today)
    units = reporting_units(unit, year).filter(sent_on=None)
    if passed is None:
        return units.none()
    return units.filter(passed).order_by("path")


def due_date(year: int, due_md: int, extended_to: date | None) -> date:
    if extended_to:
        return extended_to
    month, day = divmod(due_md, 100)
    try:
        return date(year, month, day)
    except ValueError:  # 29/02 of a common year, or a day the month does not have
        return date(year, month, 28)


@dataclass
class LateUnit:
    unit: Unit
    due_on: date
    days_late: int
    extended: bool


def as_items(units, year: int, today: date | None = None) -> list[LateUnit]:
    today = today or timezone.localdate()
    items = []
    for u in units:
        due = due_date(year, u.due_md, u.extended_to)
        items.append(LateUnit(u, due, (today - due).days, u.extended_to is not None))
    return items


def late_under(unit: Unit, year: int, today: date | None = None) -> dict[str, int]:
    """For each unit directly under `unit` (by path), how many reporting units under it (or
    itself) are late: one grouped query."""
    width = len(unit.path) + Unit.steplen
    rows = (
        late_units(unit, year, today)
        .annotate(prefix=Substr("path", 1, width))
        .order_by()
        .values("prefix")
        .annotate(n=Count("id"))
    )
    return {r["prefix"]: r["n"] for r in rows}


def deadline_of(unit: Unit, year: int) -> tuple[date, ReportExtension | None, ReportSent | None]:
    """The unit's own deadline for the year (with its extension) and whether it sent."""
    s = settings_for(unit)
    extension = ReportExtension.objects.filter(unit=unit, year=year).first()
    sent = ReportSent.objects.filter(unit=unit, year=year).first()
    due = due_date(
        year, s.report_month * 100 + s.report_day, extension.extended_to if extension else None
    )
    return due, extension, sent
