"""Which units are late with their yearly "1+1" report (seed 003 §4.2: each base union reports
to the district's standing committee before 15/10), anywhere in a subtree, read by the database
in one statement whatever the size of the subtree (after reading the few settings that apply
and the ids of the levels they name).

A unit sends the report when its level is the reporting level of the nearest ReferralSettings
above it (data, default the base unions); it is late for a year when its deadline has passed
and it has not sent its report. Its deadline is the day and month of those settings (data,
default 15/10) in that year, or the extension a unit above granted it for the year
(ReportExtension); days late are counted from that date."""

from collections import Counter
from dataclasses import dataclass
from datetime import date

from django.db.models import (
    Case,
    Count,
    DateField,
    Exists,
    F,
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

from doanvien.units.models import Level, Unit

from .models import ReferralSettings, ReportExtension, ReportSent
from .services import settings_for


@dataclass(frozen=True)
class Applying:
    """The settings that apply somewhere in a subtree (those of the unit's ancestors and of
    the units under it that set their own), the nearest (deepest) first."""

    rows: list[tuple[str, int, str]]  # (path, month × 100 + day, reporting level code)
    default: ReferralSettings

    @property
    def default_md(self) -> int:
        return self.default.report_month * 100 + self.default.report_day

    def case(self, values: list, default, output_field) -> Case | Value:
        """A CASE on the unit's path choosing the value of the nearest settings above it. A
        row that chooses what the row above it (or the default) chooses already changes
        nothing and is left out: every province setting its own deadline day and leaving the
        reporting level alone adds nothing to the level's CASE."""
        whens = []
        for i, ((path, *_rest), value) in enumerate(zip(self.rows, values, strict=True)):
            above = next(
                (
                    values[j]
                    for j in range(i + 1, len(self.rows))
                    if path.startswith(self.rows[j][0]) and path != self.rows[j][0]
                ),
                default,
            )
            if value != above:
                whens.append(When(path__startswith=path, then=Value(value)))
        if not whens:
            return Value(default, output_field=output_field)
        return Case(*whens, default=Value(default), output_field=output_field)

    def levels(self) -> set[str]:
        """Every reporting level that may apply in the subtree."""
        return {level for *_rest, level in self.rows} | {self.default.report_level}


def applying(unit: Unit) -> Applying:
    found = (
        ReferralSettings.objects.filter(
            Q(unit__path__in=unit.ancestor_paths()) | Q(unit__path__startswith=unit.path)
        )
        .order_by("-unit__depth")
        .values_list("unit__path", "report_month", "report_day", "report_level")
    )
    return Applying([(p, m * 100 + d, level) for p, m, d, level in found], ReferralSettings())


def _due_md(found: Applying) -> Case | Value:
    """Each unit's deadline (month × 100 + day) from the nearest ReferralSettings above it, as
    a CASE on the unit's path."""
    return found.case([md for _p, md, _l in found.rows], found.default_md, IntegerField())


def reporting_units(unit: Unit, year: int) -> QuerySet[Unit]:
    """The active units of the subtree that send the report (their level is the reporting
    level of the nearest settings above each), with their deadline (month × 100 + day,
    `due_md`), extension and the day they sent the year's report. The units are found by
    their level's id (the index on it, with the path's), then, where the settings choose
    between levels, by a CASE on the path giving each unit's reporting level's id."""
    found = applying(unit)
    sent = ReportSent.objects.filter(unit=OuterRef("pk"), year=year).values("sent_on")[:1]
    extension = ReportExtension.objects.filter(unit=OuterRef("pk"), year=year)
    ids = dict(Level.objects.filter(code__in=found.levels()).values_list("code", "pk"))
    units = Unit.objects.filter(
        path__startswith=unit.path, level_id__in=sorted(ids.values()), is_active=True
    )
    if len(ids) > 1:  # the settings choose between levels: each unit's own choice
        chosen = [ids.get(level, 0) for _p, _md, level in found.rows]
        default = ids.get(found.default.report_level, 0)
        units = units.alias(report_level_id=found.case(chosen, default, IntegerField())).filter(
            level_id=F("report_level_id")
        )
    return units.annotate(
        due_md=_due_md(found),
        extended_to=Subquery(extension.values("extended_to")[:1], output_field=DateField()),
        sent_on=Subquery(sent, output_field=DateField()),
    )


def late_units(unit: Unit, year: int, today: date | None = None) -> QuerySet[Unit]:
    """The reporting units of the subtree late with the year's report, in tree order: not sent,
    no extension running today, and the deadline passed (an extension that ran out, or the
    settings' day). Written as anti-joins (NOT EXISTS), which the planner estimates well and
    runs as hash joins over the few reports sent and extensions, rather than one lookup of
    each per unit."""
    today = today or timezone.localdate()
    units = reporting_units(unit, year)
    if year > today.year:  # the deadline cannot have passed
        return units.none()
    sent = ReportSent.objects.filter(unit=OuterRef("pk"), year=year)
    extension = ReportExtension.objects.filter(unit=OuterRef("pk"), year=year)
    units = units.filter(~Exists(sent), ~Exists(extension.filter(extended_to__gte=today)))
    if year == today.year:
        units = units.filter(Q(Exists(extension)) | Q(due_md__lt=today.month * 100 + today.day))
    return units.order_by("path")


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


@dataclass(frozen=True)
class LateGroup:
    """Reporting units of one level under one path prefix, with one deadline, late: all those
    waiting (`passed`), or only those whose extension ran out (`ran_out`, their ids)."""

    prefix: str
    whole: bool  # the prefix is cut from longer paths (else it is one unit's own path)
    level_id: int
    due_md: int
    count: int
    ran_out: tuple[int, ...] = ()


def late_groups(unit: Unit, year: int, today: date | None = None) -> list[LateGroup]:
    """The late reporting units of the subtree, as late_units finds them, in groups read by one
    grouped statement without a CASE per unit: the units not sent and without an extension
    running, counted by a prefix of their path as long as the deepest settings in the subtree
    (one settings row applies to each group) and by level. A group is late where its level is
    the reporting one and its deadline has passed; where it has not, only its units whose
    extension ran out are (those few are read from the extensions). In path order."""
    today = today or timezone.localdate()
    if year > today.year:  # the deadline cannot have passed
        return []
    found = applying(unit)
    cut = max(
        [len(unit.path) + Unit.steplen]
        + [len(p) for p, _md, _l in found.rows if p.startswith(unit.path)]
    )
    ids = dict(Level.objects.filter(code__in=found.levels()).values_list("code", "pk"))
    waiting = _waiting(unit, year, today, sorted(ids.values()))
    groups = (
        waiting.annotate(prefix=Substr("path", 1, cut))
        .order_by()
        .values_list("prefix", "level_id")
        .annotate(n=Count("id"))
    )
    ran_out: dict[tuple[str, int], list[int]] = {}
    for pk, path, level_id in waiting.filter(
        pk__in=ReportExtension.objects.filter(year=year, extended_to__lt=today).values("unit_id")
    ).values_list("pk", "path", "level_id"):
        ran_out.setdefault((path[:cut], level_id), []).append(pk)
    today_md = today.month * 100 + today.day
    late = []
    for prefix, level_id, n in groups:
        # The nearest settings above the group (rows are deepest first), else the defaults.
        nearest = next((r for r in found.rows if prefix.startswith(r[0])), None)
        md, level = nearest[1:] if nearest else (found.default_md, found.default.report_level)
        if level_id != ids.get(level):
            continue
        whole = len(prefix) == cut
        if year < today.year or md < today_md:
            late.append(LateGroup(prefix, whole, level_id, md, n))
        elif ids_ran_out := ran_out.get((prefix, level_id)):
            late.append(
                LateGroup(prefix, whole, level_id, md, len(ids_ran_out), tuple(ids_ran_out))
            )
    return sorted(late, key=lambda g: (g.prefix, g.level_id))


def _waiting(unit: Unit, year: int, today: date, level_ids: list[int]) -> QuerySet[Unit]:
    """The active units of these levels in the subtree that have not sent the year's report
    and have no extension running today."""
    sent = ReportSent.objects.filter(unit=OuterRef("pk"), year=year)
    running = ReportExtension.objects.filter(year=year, extended_to__gte=today)
    return (
        Unit.objects.filter(path__startswith=unit.path, level_id__in=level_ids, is_active=True)
        .filter(~Exists(sent))
        .exclude(pk__in=running.values("unit_id"))
    )


def late_under(unit: Unit, year: int, today: date | None = None) -> dict[str, int]:
    """For each unit directly under `unit` (by path), how many reporting units under it (or
    itself) are late (late_groups)."""
    return _under(unit, late_groups(unit, year, today))


def _under(unit: Unit, groups: list[LateGroup]) -> dict[str, int]:
    width = len(unit.path) + Unit.steplen
    under: Counter = Counter()
    for group in groups:
        under[group.prefix[:width]] += group.count
    return dict(under)


@dataclass
class LateFlags:
    under: dict[str, int]  # late_under
    first: list[LateUnit]  # the first late units, in tree order
    count: int  # all the late units of the subtree


def late_flags(unit: Unit, year: int, today: date | None = None, *, shown: int = 200) -> LateFlags:
    """What a report page shows of the late reports: the count under each row, the first
    `shown` late units in tree order and how many there are in all. The first are read by one
    statement from the first groups that hold them (the groups of late_groups hold whole
    subtrees, so their order is the tree's): each group's units an index range."""
    today = today or timezone.localdate()
    groups = late_groups(unit, year, today)
    under = _under(unit, groups)
    needed, enough = [], 0
    for group in groups:  # their counts are known: as many groups as hold `shown` units
        if enough >= shown:
            break
        needed.append(group)
        enough += group.count
    first: list[LateUnit] = []
    if needed:
        chosen = Q()
        for group in needed:
            units = Q(path__startswith=group.prefix) if group.whole else Q(path=group.prefix)
            units &= Q(level_id=group.level_id)
            chosen |= units & Q(pk__in=group.ran_out) if group.ran_out else units
        extension = ReportExtension.objects.filter(unit=OuterRef("pk"), year=year)
        levels = sorted({g.level_id for g in needed})
        found = (
            _waiting(unit, year, today, levels)
            .filter(chosen)
            .annotate(
                extended_to=Subquery(extension.values("extended_to")[:1], output_field=DateField())
            )
            .select_related("level")
            .order_by("path")[:shown]
        )
        # A unit's group: its path cut as the groups' (a group of one unit, whose path is
        # shorter than the cut, keeps the whole path).
        cut = max(len(g.prefix) for g in needed)
        due_md = {(g.prefix, g.level_id): g.due_md for g in needed}
        for u in found:
            due = due_date(year, due_md[(u.path[:cut], u.level_id)], u.extended_to)
            first.append(LateUnit(u, due, (today - due).days, u.extended_to is not None))
    return LateFlags(under, first, sum(under.values()))


def deadline_of(unit: Unit, year: int) -> tuple[date, ReportExtension | None, ReportSent | None]:
    """The unit's own deadline for the year (with its extension) and whether it sent."""
    s = settings_for(unit)
    extension = ReportExtension.objects.filter(unit=unit, year=year).first()
    sent = ReportSent.objects.filter(unit=unit, year=year).first()
    due = due_date(
        year, s.report_month * 100 + s.report_day, extension.extended_to if extension else None
    )
    return due, extension, sent
