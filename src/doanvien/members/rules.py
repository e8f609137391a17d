"""The age rules of membership, read from the data (`MemberRules`, editable in the admin):
the admission age, the age limit at which members mature out, and the age up to which the branch
may keep a member (docs/domain.md §6: Hướng dẫn 22-HD/TWĐTN on the Charter; the Charter, art. 4).

`member_rules(unit, on)` is the one way to read them: the rules in force on `on` for the
unit's subtree. Bulk readers (the import, the maturing list) take the rows once with
`rules_along(unit)` or `age_limit_q(unit, on)` and answer every member from them.

Birthdays: a person born on 29 February turns a year older on 1 March in a year without
29 February (as `age_on` counts it): his 15th birthday in 2023 is 1 March 2023, so he may be
admitted from 2 March 2023; his 31st birthday in 2035 is 1 March 2035, so 28 February 2035 is
the last day he may be admitted.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Q

from doanvien.units.models import Unit

from .models import MemberRules


def birthday(born: date, years: int) -> date:
    """The day the person born on `born` turns `years` (29 February: 1 March in a year
    without it)."""
    try:
        return born.replace(year=born.year + years)
    except ValueError:  # 29 February in a year that has none
        return date(born.year + years, 3, 1)


def age_on(born: date, on: date) -> int:
    """Whole years of age on `on` (a birthday counts from its day)."""
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


@dataclass(frozen=True)
class AgeRules:
    """The values of one `MemberRules` row (the defaults are the built-in rules, used where no
    row is in force)."""

    admission_min_years: int = 15
    admission_min_days: int = 1
    admission_max_age: int = 30
    maturing_age: int = 30
    keep_max_age: int = 35

    @classmethod
    def of(cls, row: MemberRules) -> "AgeRules":
        return cls(
            admission_min_years=row.admission_min_years,
            admission_min_days=row.admission_min_days,
            admission_max_age=row.admission_max_age,
            maturing_age=row.maturing_age,
            keep_max_age=row.keep_max_age,
        )

    # --- admission ----------------------------------------------------------------------

    def first_admission_day(self, born: date) -> date:
        """The first day a person born on `born` may be admitted (15 years and 1 day)."""
        return birthday(born, self.admission_min_years) + timedelta(days=self.admission_min_days)

    def last_admission_day(self, born: date) -> date:
        """The last day he may be admitted: the day before he turns admission_max_age + 1."""
        return birthday(born, self.admission_max_age + 1) - timedelta(days=1)

    def admits(self, born: date, on: date) -> bool:
        return self.first_admission_day(born) <= on <= self.last_admission_day(born)

    # --- the age limit ------------------------------------------------------------------

    def limit_year(self, born: date) -> int:
        """The year he reaches the age limit: he matures out in that year or after it."""
        return born.year + self.maturing_age

    def reaches_limit_by(self, born: date, year: int) -> bool:
        return year >= self.limit_year(born)

    def last_kept_day(self, born: date) -> date:
        """The latest day the branch may keep him to: the end of the age of keep_max_age."""
        return birthday(born, self.keep_max_age + 1) - timedelta(days=1)


BUILT_IN = AgeRules()


class RulesAlong:
    """The rules rows that may apply to a unit: those of the unit and its ancestors, then the
    national default's. `on(day)` picks the row in force on a day without a query."""

    def __init__(self, unit_paths: list[str], rows: list[MemberRules], paths: dict[int, str]):
        # Scopes nearest first: the unit's own path, each ancestor's, then "" (the default).
        order = {path: i for i, path in enumerate(sorted(unit_paths, key=len, reverse=True))}
        order[""] = len(order)
        self.rows = sorted(
            rows,
            key=lambda r: (order[paths.get(r.unit_id, "")], -r.valid_from.toordinal()),
        )

    def on(self, day: date) -> AgeRules:
        for row in self.rows:  # nearest scope first, latest start first within a scope
            if row.valid_from <= day:
                return AgeRules.of(row)
        return BUILT_IN


def rules_along(unit: Unit | None) -> RulesAlong:
    """The rules rows for the unit's subtree (one query); None: the national default only."""
    unit_paths = unit.ancestor_paths() if unit is not None else []
    rows = list(
        MemberRules.objects.filter(Q(unit__isnull=True) | Q(unit__path__in=unit_paths))
        .select_related("unit")
        .only(
            "valid_from",
            "admission_min_years",
            "admission_min_days",
            "admission_max_age",
            "maturing_age",
            "keep_max_age",
            "unit__path",
        )
    )
    paths = {r.unit_id: r.unit.path for r in rows if r.unit_id}
    return RulesAlong(unit_paths, rows, paths)


def member_rules(unit: Unit | None, on: date) -> AgeRules:
    """The age rules in force on `on` for the unit's subtree (None: the national default)."""
    return rules_along(unit).on(on)


def admission_age_bounds(branch: Unit | None, born: date, on: date) -> tuple[date, date]:
    """The first and last day the person born on `born` may be admitted in `branch`, by the
    rules in force on `on`."""
    rules = member_rules(branch, on)
    return rules.first_admission_day(born), rules.last_admission_day(born)


class SubtreeRules:
    """Every rules row that may apply inside a unit's subtree, read once (one query): `along()`
    gives the rules of any unit of the subtree without another query."""

    def __init__(self, unit: Unit):
        self.rows = list(
            MemberRules.objects.filter(
                Q(unit__isnull=True)
                | Q(unit__path__in=unit.ancestor_paths())
                | Q(unit__path__startswith=unit.path)
            ).select_related("unit")
        )
        self.paths = {r.unit_id: r.unit.path for r in self.rows if r.unit_id}
        self.scopes = sorted(set(self.paths.values()))
        self._along: dict[str, RulesAlong] = {}

    def along(self, path: str) -> RulesAlong:
        """The rules of the unit with this path (inside the subtree, or above it)."""
        if path not in self._along:
            ancestors = [p for p in self.scopes if path.startswith(p)]
            mine = [r for r in self.rows if not r.unit_id or self.paths[r.unit_id] in ancestors]
            self._along[path] = RulesAlong(ancestors, mine, self.paths)
        return self._along[path]


def age_limit_scopes(unit: Unit, on: date) -> list[tuple[str, AgeRules]]:
    """The rules in force on `on` across the unit's subtree: (path, rules) for the unit itself
    and for every unit inside it that has rules of its own, shallowest first. A member follows
    the deepest of these paths his branch is under."""
    book = SubtreeRules(unit)
    inside = [p for p in book.scopes if p.startswith(unit.path) and p != unit.path]
    return [(path, book.along(path).on(on)) for path in [unit.path, *inside]]


def age_limit_q(unit: Unit, year: int, on: date | None = None) -> Q:
    """Members of the unit's subtree who reach the age limit in `year` or have passed it, each
    by the rules of his own part of the tree in force on `on` (default: the end of `year`).
    Everything that counts members at or over the age limit filters with this."""
    on = on or date(year, 12, 31)
    scopes = age_limit_scopes(unit, on)
    parts = []
    for path, rules in scopes:
        part = Q(unit_path__startswith=path, date_of_birth__year__lte=year - rules.maturing_age)
        for deeper, _rules in scopes:
            if deeper != path and deeper.startswith(path):
                part &= ~Q(unit_path__startswith=deeper)
        parts.append(part)
    q = parts[0]
    for part in parts[1:]:
        q |= part
    return q
