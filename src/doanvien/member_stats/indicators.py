"""The yearly indicators of a unit (seed 004 §3): each indicator's target (set by the unit
above), its actual figure and the last three years side by side.

An indicator is data (models.Indicator): typed by each unit for itself, or computed from a
figure the product keeps, named by its `source`:
- `members_at_year_end`: members on the roll on 31/12 (this year: today, from the roll-ups;
  an earlier year: the membership spans covering 31/12, an indexed query);
- `admitted_in_year`: admissions in the year (the movement ledger, indexed by kind and day);
- `joined_party_in_year`: member records of the subtree whose date of joining the Party falls
  in the year;
and, registered by the evaluations (evaluations/statistics_indicators.py, named in
settings.STATISTICS_INDICATOR_MODULES: this app sits below them):
- `strong_bases_share`: of the base organisations (level "base": đoàn cơ sở, chi đoàn cơ sở)
  of the subtree whose yearly rating the level above recognised for the year, the share rated
  "excellent" or "good", in per cent (an indexed query on the evaluations by year, scheme and
  path) [I: "vững mạnh" read as the top two of today's four levels];
- `members_good_share`: of the members of the subtree rated for the year (the four levels,
  approved; "not classified" left out), the share rated "excellent" or "good" ("khá trở lên"),
  in per cent, from the evaluations' roll-up;
- `introduced_to_party_in_year`: members the base-union committee introduced to the Party in
  the year (the evaluations' roll-up).
A share is None while nothing is rated."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from importlib import import_module

from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from doanvien.members.models import Member, Membership, Movement
from doanvien.units import member_counts
from doanvien.units.models import Unit

from .models import Indicator, IndicatorTarget, IndicatorValue

YEARS_SHOWN = 3


def _members_at_year_end(unit: Unit, year: int, today: date) -> int | None:
    if year > today.year:
        return None
    if year == today.year:
        return member_counts.now(unit)
    day = date(year, 12, 31)
    return (
        Membership.objects.filter(
            Q(ended_on__isnull=True) | Q(ended_on__gt=day),
            branch__path__startswith=unit.path,
            started_on__lte=day,
        )
        .values("member_id")
        .distinct()
        .count()
    )


def _admitted_in_year(unit: Unit, year: int, today: date) -> int | None:
    if year > today.year:
        return None
    return Movement.objects.filter(
        kind=Movement.Kind.ADMITTED,
        on__range=(date(year, 1, 1), date(year, 12, 31)),
        unit_path__startswith=unit.path,
    ).count()


def _joined_party_in_year(unit: Unit, year: int, today: date) -> int | None:
    if year > today.year:
        return None
    return Member.objects.filter(
        unit_path__startswith=unit.path,
        joined_party_on__range=(date(year, 1, 1), date(year, 12, 31)),
    ).count()


SOURCES: dict[str, tuple[str, Callable[[Unit, int, date], int | Decimal | None]]] = {
    "members_at_year_end": (_("Members on the roll at the end of the year"), _members_at_year_end),
    "admitted_in_year": (_("Members admitted in the year"), _admitted_in_year),
    "joined_party_in_year": (_("Members who joined the Party in the year"), _joined_party_in_year),
}


def register(code: str, label, read: Callable[[Unit, int, date], int | Decimal | None]) -> None:
    """Add a computed figure under `code`: an app above this one (the evaluations') calls it at
    the top of a module named in settings.STATISTICS_INDICATOR_MODULES (loaded the first time
    the sources are read)."""
    SOURCES[code] = (label, read)


def sources() -> dict[str, tuple[str, Callable[[Unit, int, date], int | Decimal | None]]]:
    for name in getattr(settings, "STATISTICS_INDICATOR_MODULES", []):
        import_module(name)  # registers at import; once imported, a no-op
    return SOURCES


@dataclass
class Figure:
    year: int
    target: Decimal | None = None
    actual: Decimal | None = None

    @property
    def reached(self) -> bool | None:
        """Whether the actual figure reached the target (None without both)."""
        if self.target is None or self.actual is None:
            return None
        return self.actual >= self.target

    @property
    def share(self) -> Decimal | None:
        """The actual figure as a share of the target, in per cent."""
        if self.target in (None, 0) or self.actual is None:
            return None
        return (self.actual * 100 / self.target).quantize(Decimal("0.1"))


@dataclass
class IndicatorRow:
    indicator: Indicator
    years: list[Figure] = field(default_factory=list)

    @property
    def current(self) -> Figure:
        return self.years[-1]


def _number(value) -> Decimal | None:
    return None if value is None else Decimal(value)


def indicator_rows(unit: Unit, year: int, today: date) -> list[IndicatorRow]:
    """Each active indicator with its target and actual figure in `year` and the two years
    before, oldest first."""
    years = list(range(year - YEARS_SHOWN + 1, year + 1))
    indicators = list(Indicator.objects.filter(is_active=True))
    targets = {
        (t.indicator_id, t.year): t.value
        for t in IndicatorTarget.objects.filter(unit=unit, year__in=years)
    }
    typed = {
        (v.indicator_id, v.year): v.value
        for v in IndicatorValue.objects.filter(unit=unit, year__in=years)
    }
    computed = sources()
    rows = []
    for indicator in indicators:
        row = IndicatorRow(indicator)
        for y in years:
            if indicator.is_typed:
                actual = typed.get((indicator.pk, y))
            elif indicator.source in computed:
                actual = _number(computed[indicator.source][1](unit, y, today))
            else:
                actual = None
            row.years.append(Figure(y, targets.get((indicator.pk, y)), actual))
        rows.append(row)
    return rows


def children_targets(unit: Unit, year: int) -> tuple[list[Unit], dict[tuple[int, int], Decimal]]:
    """The active units under the unit and their targets in the year: (unit id, indicator id)
    → target."""
    children = list(unit.children().filter(is_active=True).order_by("name_folded", "pk"))
    targets = {
        (t.unit_id, t.indicator_id): t.value
        for t in IndicatorTarget.objects.filter(unit__in=children, year=year)
    }
    return children, targets
