"""The evaluations' table of the yearly report (its page, Excel and PDF) and of the progress
pages: per unit and year, the strong-branch and 3-proactive evaluations registered, submitted and
recognised, the organisations' yearly ratings recognised and the members' ratings approved, per
level and those assessed but not classified (membership too short), and the outstanding members
proposed, introduced and admitted to the Party. Every figure is read from the roll-ups
(rollup.py), the units of a table in one statement."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from doanvien.units.models import Unit

from . import rollup
from .models import COUNTERS


def groups() -> list[tuple[str, list[tuple[str, str]]]]:
    """The table's column groups: (group title, [(counter, column title)]), in COUNTERS order."""
    return [
        (
            _("Strong branch"),
            [
                ("branches_registered", _("Registered")),
                ("branches_submitted", _("Submitted")),
                ("branches_strong", _("Recognised")),
            ],
        ),
        (
            _("3-proactive base union"),
            [
                ("bases_registered", _("Registered")),
                ("bases_submitted", _("Submitted")),
                ("bases_proactive", _("Recognised")),
            ],
        ),
        (
            _("Organisations' yearly rating (recognised)"),
            [
                ("units_excellent", _("Excellently completed")),
                ("units_good", _("Well completed")),
                ("units_complete", _("Completed")),
                ("units_incomplete", _("Not completed")),
            ],
        ),
        (
            _("Leadership collectives' yearly rating (approved)"),
            [
                ("collectives_excellent", _("Excellently completed")),
                ("collectives_good", _("Well completed")),
                ("collectives_complete", _("Completed")),
                ("collectives_incomplete", _("Not completed")),
            ],
        ),
        (
            _("Members' yearly rating (approved)"),
            [
                ("ratings_excellent", _("Excellently completed")),
                ("ratings_good", _("Well completed")),
                ("ratings_complete", _("Completed")),
                ("ratings_incomplete", _("Not completed")),
                ("ratings_not_classified", _("Assessed, not classified")),
            ],
        ),
        (
            _("Outstanding members introduced to the Party"),
            [
                ("introductions_proposed", _("Proposed")),
                ("introductions_introduced", _("Introduced")),
                ("introductions_admitted", _("Admitted to the Party")),
            ],
        ),
    ]


def columns() -> list[tuple[str, str]]:
    """(counter, "group: column") for every column, for a one-line header (a sheet's filter)."""
    return [(k, f"{group}: {title}") for group, cols in groups() for k, title in cols]


def figure_groups(figures: dict[str, int]) -> list[tuple[str, list[tuple[str, int]]]]:
    """One unit's figures as (group title, [(column title, value)]), for a page's facts."""
    return [(title, [(col, figures[k]) for k, col in cols]) for title, cols in groups()]


@dataclass
class EvaluationRow:
    unit: Unit
    figures: dict[str, int]

    @property
    def values(self) -> list[int]:
        return [self.figures[k] for k in COUNTERS]

    @property
    def empty(self) -> bool:
        return not any(self.figures.values())


def rows(units: list[Unit], year: int) -> list[EvaluationRow]:
    """The year's figures of each of these units (each counting its whole subtree), in the
    order given: one statement (rollup.figures_for)."""
    found = rollup.figures_for(units, year)
    return [EvaluationRow(unit=u, figures=found[u.pk]) for u in units]
