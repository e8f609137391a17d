"""The yearly report of a unit drafted from the data (seed 002's shape): each section's figures
read now from the roll-ups and the programme's configuration, with the prose its cadres wrote
around them. Nothing here is stored: calling draft() again after a change shows the new
figures and the same prose.

The sentences are written in the active language: the doors call draft() in the documents'
language (Vietnamese), like the other official documents (reports/exports.py). The caller
checked that the user may read the unit's report (access.py)."""

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from doanvien.activities.selectors import Figures, activity_figures
from doanvien.core import numbers
from doanvien.reports.selectors import ReportRow, report
from doanvien.training import rollup
from doanvien.training.lateness import KINDS, as_items, late_in, late_items, late_under
from doanvien.training.models import Deadline
from doanvien.training.selectors import deadlines_listed, framework_for
from doanvien.units.models import Sector, Unit

from .models import GoodModel, YearlyReport
from .rules import area_key, paragraph_keys, split_paragraphs

# The programme's content areas where no framework applies (activities.services does the same).
DEFAULT_AREAS = ("1", "2", "3", "4", "5")
# Late branches named one by one in section 2 (the rest are counted).
LATE_LISTED = 10
# Up to this many branches under a unit, its draft names its late branches; above, its units.
LATE_LISTED_BRANCHES = 500


def num(value) -> str:
    """A count as documents write it (1.234 in Vietnamese)."""
    return numbers.grouped(value)


def pct(value, places: int = 2) -> str:
    """A percentage's figure (33,34 in Vietnamese); a dash where it is not a result yet."""
    if value is None:
        return "—"
    return number_format(value, decimal_pos=places)


def rate(part: int, whole: int) -> float:
    """part of whole in percent, to one decimal (the progress pages' rates)."""
    if not whole:
        return 0.0
    return float((Decimal(100 * part) / whole).quantize(Decimal("0.1"), ROUND_HALF_UP))


def day(value: date | None) -> str:
    return date_format(value, "d/m/Y") if value else ""


# --- What the report is made of ---------------------------------------------------------------


@dataclass
class Section:
    """One section of the document: its number and title, the sentences filled from the data
    (`facts`), and the prose its cadres wrote (`text`, kept under `paragraph_key`)."""

    key: str
    number: str
    title: str
    level: int  # 1: I, II, III…; 2: 1., 2. …; 3: 1.1, 1.2 …
    facts: list[str] = field(default_factory=list)
    paragraph_key: str | None = None
    text: str = ""
    good_models: list[GoodModel] = field(default_factory=list)
    empty_note: str = ""
    # On the page, the text box of the section's prose while its cadres edit it (views.py).
    form_field = None

    @property
    def paragraphs(self) -> list[str]:
        return split_paragraphs(self.text)

    @property
    def heading(self) -> str:
        return f"{self.number}. {self.title}" if self.number else self.title

    def as_dict(self) -> dict:
        return {
            "key": self.key,
            "number": self.number,
            "title": self.title,
            "level": self.level,
            "facts": self.facts,
            "paragraph_key": self.paragraph_key,
            "paragraph": self.text if self.paragraph_key else None,
            "good_models": [good_model_dict(g) for g in self.good_models],
        }


@dataclass
class Draft:
    unit: Unit
    year: int
    report: YearlyReport | None
    rows: list[ReportRow]  # the appendix table: the unit, then each unit directly under it
    activities: Figures
    sections: list[Section]
    figures: dict
    on: date  # the report's date (today until one is set)

    @property
    def state(self) -> str | None:
        return self.report.state if self.report else None

    @property
    def own(self) -> ReportRow:
        return self.rows[0]

    @property
    def children(self) -> list[ReportRow]:
        return self.rows[1:]

    def value(self, name: str) -> str:
        return getattr(self.report, name) if self.report else ""

    @property
    def paragraphs(self) -> dict[str, str]:
        return dict(self.report.paragraphs) if self.report else {}


def good_model_dict(g: GoodModel) -> dict:
    origin = g.origin or g.unit
    return {
        "id": g.pk,
        "year": g.year,
        "title": g.title,
        "description": g.description,
        "result": g.result,
        "unit": {"id": g.unit_id, "name": g.unit.name, "code": g.unit.code},
        "origin": {"id": origin.pk, "name": origin.name, "code": origin.code},
        "source": g.source_id,
    }


def row_figures(r: ReportRow) -> dict:
    """A row of the appendix table as the report API answers it (api/reports.py)."""
    return {
        "unit": {"id": r.unit.pk, "name": r.unit.name, "code": r.unit.code},
        "total": r.total,
        "registered": r.registered,
        "classified": r.classified,
        "not_classified": r.not_classified,
        "levels": r.levels,
        "frozen": r.frozen,
        "as_of": r.as_of,
    }


# --- Reads --------------------------------------------------------------------------------------


def areas_of(unit: Unit, year: int) -> list[tuple[str, str]]:
    """(code, name) of the content areas of the framework that applies to the unit in the
    year; the programme's five, by number, where none does."""
    framework = framework_for(unit, year)
    found = [(a.code, a.name) for a in framework.areas.all()] if framework else []
    return found or [(c, _("Content area %(code)s") % {"code": c}) for c in DEFAULT_AREAS]


def editable_keys(unit: Unit, year: int) -> list[str]:
    return paragraph_keys([code for code, _name in areas_of(unit, year)])


def report_of(unit: Unit, year: int) -> YearlyReport | None:
    return YearlyReport.objects.filter(unit=unit, year=year).first()


def good_models_of(unit: Unit, year: int | None) -> QuerySet[GoodModel]:
    """The unit's good models of the year (of every year with None), oldest first."""
    rows = GoodModel.objects.filter(unit=unit)
    if year is not None:
        rows = rows.filter(year=year)
    return rows.select_related("unit", "origin").order_by("recorded_at", "pk")


def children_reports(unit: Unit, year: int) -> list[tuple[Unit, YearlyReport | None]]:
    """Each active unit directly under the unit, with its report of the year (None: not
    started), by name."""
    children = list(unit.children().filter(is_active=True).order_by("name"))
    reports = {
        r.unit_id: r
        for r in YearlyReport.objects.filter(unit__in=children, year=year).select_related(
            "submitted_by"
        )
    }
    return [(c, reports.get(c.pk)) for c in children]


def pulled_sources(unit: Unit, year: int) -> set[int]:
    """The good models of the units under it that the unit already pulled into its list."""
    return set(
        GoodModel.objects.filter(unit=unit, year=year, source__isnull=False).values_list(
            "source_id", flat=True
        )
    )


# --- The draft ----------------------------------------------------------------------------------


def _deployment_facts(unit: Unit, year: int, stats: dict) -> tuple[list[str], dict, list[dict]]:
    facts = []
    framework = framework_for(unit, year)
    framework_figures = None
    if framework is None:
        facts.append(_("No framework applies to this year."))
    elif framework.unit is None:
        facts.append(
            _("Framework applied: %(name)s, the programme's own for %(phase)s.")
            % {"name": framework.name, "phase": framework.phase.name}
        )
        framework_figures = {"name": framework.name, "set_by": None, "published_on": None}
    else:
        published = timezone.localdate(framework.created_at)
        facts.append(
            _("Framework applied: %(name)s, published by %(by)s on %(date)s.")
            % {"name": framework.name, "by": framework.unit.name, "date": day(published)}
        )
        framework_figures = {
            "name": framework.name,
            "set_by": {"id": framework.unit.pk, "name": framework.unit.name},
            "published_on": published,
        }
    deadlines = []
    for d in deadlines_listed(unit, year):
        if d.replaced_by is not None:
            continue
        kind = Deadline.Kind(d.kind).label
        if d.sector:
            kind = f"{kind} ({Sector(d.sector).label})"
        values = {"kind": kind, "date": day(d.effective_date), "due": day(d.due_on)}
        if d.default:
            facts.append(_("%(kind)s: due %(date)s (the programme's default).") % values)
        elif d.extended_to:
            facts.append(
                _("%(kind)s: due %(due)s, extended to %(date)s (set by %(by)s).")
                % {**values, "by": d.unit.name}
            )
        else:
            by = {**values, "by": d.unit.name}
            facts.append(_("%(kind)s: due %(date)s (set by %(by)s).") % by)
        deadlines.append(
            {
                "kind": d.kind,
                "sector": d.sector,
                "due_on": d.due_on,
                "date": d.effective_date,
                "set_by": None if d.default else {"id": d.unit.pk, "name": d.unit.name},
            }
        )
    if not unit.is_branch:
        facts.append(
            _("%(unit)s has %(children)s units directly under it and %(branches)s branches.")
            % {
                "unit": unit.name,
                "children": num(unit.children().filter(is_active=True).count()),
                "branches": num(stats["branches"]),
            }
        )
    return facts, framework_figures, deadlines


def _activity_facts(year: int, acts: Figures) -> list[str]:
    total = acts.total
    facts = [
        _(
            "In %(year)s, %(activities)s activities were held, with %(participations)s "
            "participations by %(participants)s members."
        )
        % {
            "year": year,
            "activities": num(total["activities"]),
            "participations": num(total["participations"]),
            "participants": num(total["participants"]),
        }
    ]
    if total["works"]:
        facts.append(
            _("%(works)s youth work projects, worth %(value)s đồng.")
            % {"works": num(total["works"]), "value": num(total["works_value"])}
        )
    for row in acts.by_kind:
        facts.append(
            _("%(kind)s: %(activities)s activities, %(participations)s participations.")
            % {
                "kind": row["kind_label"],
                "activities": num(row["activities"]),
                "participations": num(row["participations"]),
            }
        )
    facts.append(
        _(
            "Activities are counted in the programme year they start in (for schools, from June "
            "of the year before to May)."
        )
    )
    return facts


def _area_facts(code: str, acts: Figures) -> list[str]:
    found = next((r for r in acts.by_area if r["area"] == code), None)
    values = found or {"activities": 0, "participations": 0, "participants": 0}
    return [
        _(
            "%(activities)s activities served this content area, with %(participations)s "
            "participations by %(participants)s members."
        )
        % {
            "activities": num(values["activities"]),
            "participations": num(values["participations"]),
            "participants": num(values["participants"]),
        }
    ]


def _process(unit: Unit, year: int, stats: dict, today: date) -> tuple[list[str], dict]:
    members = stats["members"]
    figures = {
        "members": members,
        "registered": stats["registered"],
        "registration_rate": rate(stats["registered"], members),
        "waiting_review": stats["waiting"],
        "assessed": stats["assessed"],
        "assessment_rate": rate(stats["assessed"], members),
        "branches": stats["branches"],
        "branches_recognised": stats["recognised"],
    }
    late = late_in(unit, year, today)
    figures["late"] = {k: late[k] for k in KINDS}
    figures["late_units"] = late["any"]
    facts = [
        _(
            "Registration: %(registered)s of %(members)s members registered (%(rate)s%%); "
            "%(waiting)s registrations are waiting for the branch committee's review."
        )
        % {
            "registered": num(figures["registered"]),
            "members": num(members),
            "rate": pct(figures["registration_rate"], 1),
            "waiting": num(figures["waiting_review"]),
        },
        _(
            "Assessment: %(assessed)s of %(members)s members assessed (%(rate)s%%); the "
            "results of %(recognised)s of %(branches)s branches recognised."
        )
        % {
            "assessed": num(figures["assessed"]),
            "members": num(members),
            "rate": pct(figures["assessment_rate"], 1),
            "recognised": num(figures["branches_recognised"]),
            "branches": num(figures["branches"]),
        },
    ]
    if figures["late_units"]:
        facts.append(
            _(
                "Late units: %(count)s branches late for a deadline (registration: "
                "%(registration)s, evaluation: %(evaluation)s, recognition: %(recognition)s)."
            )
            % {
                "count": num(figures["late_units"]),
                **{k: num(v) for k, v in figures["late"].items()},
            }
        )
        facts += _late_listed(unit, year, stats, figures, today)
    else:
        facts.append(_("No branch is late for a deadline."))
    return facts, figures


def _late_listed(unit: Unit, year: int, stats: dict, figures: dict, today: date) -> list[str]:
    """The late branches by name, the most days late first, for a unit with up to
    LATE_LISTED_BRANCHES branches (its late list reads them); above that, the units under it
    with the most late branches (from the roll-ups)."""
    if stats["branches"] > LATE_LISTED_BRANCHES:
        return _late_units_listed(unit, year, today)
    listed = as_items(late_items(unit, year, today=today)[:LATE_LISTED], today)
    facts = [
        _("%(unit)s: %(kind)s, %(days)s days late (due %(date)s).")
        % {
            "unit": item.name,
            "kind": item.kind_label,
            "days": num(item.days_late),
            "date": day(item.due_on),
        }
        for item in listed
    ]
    more = sum(figures["late"].values()) - len(listed)
    if more > 0:
        facts.append(_("… and %(n)s more.") % {"n": num(more)})
    return facts


def _late_units_listed(unit: Unit, year: int, today: date) -> list[str]:
    """The units under `unit` with the most late branches, LATE_LISTED of them."""
    under = sorted(late_under(unit, year, today).items(), key=lambda item: (-item[1], item[0]))
    shown = under[:LATE_LISTED]
    names = dict(Unit.objects.filter(path__in=[p for p, _n in shown]).values_list("path", "name"))
    facts = [
        _("%(unit)s: %(count)s branches late.") % {"unit": names.get(path, path), "count": num(n)}
        for path, n in shown
    ]
    if len(under) > LATE_LISTED:
        more = len(under) - LATE_LISTED
        facts.append(_("… and %(n)s more units with late branches.") % {"n": num(more)})
    return facts


def _classification_facts(own: ReportRow) -> list[str]:
    levels = own.shown_levels
    facts = [
        _(
            "Registration: %(registered)s/%(total)s members registered for the programme, "
            "%(rate)s%%."
        )
        % {
            "registered": num(own.registered),
            "total": num(own.total),
            "rate": pct(rate(own.registered, own.total), 1),
        },
        _(
            "Classification: %(classified)s members classified (%(not_classified)s members "
            "not classified: their membership is too short), of whom: excellently completed "
            "%(excellent)s (%(excellent_share)s%%); well completed %(good)s "
            "(%(good_share)s%%); completed %(complete)s (%(complete_share)s%%); not completed "
            "%(incomplete)s (%(incomplete_share)s%%)."
        )
        % {
            "classified": num(own.classified),
            "not_classified": num(own.not_classified),
            **{
                level: "—" if data["count"] is None else num(data["count"])
                for level, data in levels.items()
            },
            **{f"{level}_share": pct(data["share"]) for level, data in levels.items()},
        },
    ]
    if own.state_note:
        facts.append(own.state_note)
    facts.append(_("The figures of each unit are in the appendix."))
    return facts


def draft(unit: Unit, year: int, *, today: date | None = None) -> Draft:
    """The unit's yearly report as it reads now: its figures from the data, its prose as
    saved. Opens the programme year (its rows counted) the first time, like the report."""
    today = today or timezone.localdate()
    saved = report_of(unit, year)
    paragraphs = dict(saved.paragraphs) if saved else {}
    rows = report(unit, year, today)
    own = rows[0]
    acts = activity_figures(unit, year)
    stats = rollup.figures(unit, year)
    deployment, framework_figures, deadlines = _deployment_facts(unit, year, stats)
    process_facts, process = _process(unit, year, stats, today)
    good_models = list(good_models_of(unit, year))

    def section(key, number, title, level, facts=(), paragraph_key=None, **extra):
        return Section(
            key=key,
            number=number,
            title=title,
            level=level,
            facts=list(facts),
            paragraph_key=paragraph_key,
            text=paragraphs.get(paragraph_key, "") if paragraph_key else "",
            **extra,
        )

    areas = areas_of(unit, year)
    sections = [
        section(
            "opening",
            "",
            _("Opening"),
            0,
            [
                _("%(unit)s reports the results of the members' training programme in %(year)s.")
                % {"unit": unit.name, "year": year}
            ],
            "opening",
        ),
        section("deployment", "I", _("DEPLOYMENT AND DISSEMINATION"), 1, deployment, "deployment"),
        section("results", "II", _("RESULTS"), 1),
        section(
            "areas",
            "1",
            _("Results by content area of the programme"),
            2,
            _activity_facts(year, acts),
        ),
        *(
            section(
                f"area:{code}",
                f"1.{i}",
                name,
                3,
                _area_facts(code, acts),
                area_key(code),
            )
            for i, (code, name) in enumerate(areas, start=1)
        ),
        section("process", "2", _("Assessment of the process"), 2, process_facts, "process"),
        section(
            "classification",
            "3",
            _("Classification of members in %(year)s") % {"year": year},
            2,
            _classification_facts(own),
            "classification",
        ),
        section(
            "good_models",
            "4",
            _("Good models and effective solutions"),
            2,
            [],
            "good_models",
            good_models=good_models,
            empty_note=_("No good model recorded for this year."),
        ),
        section("difficulties", "III", _("DIFFICULTIES AND SHORTCOMINGS"), 1, [], "difficulties"),
        section(
            "directions",
            "IV",
            _("DIRECTIONS AND TASKS FOR %(year)s") % {"year": year + 1},
            1,
            [],
            "directions",
        ),
        section(
            "closing",
            "",
            _("Closing"),
            0,
            [
                _(
                    "This is the report of %(unit)s on the results of the members' training "
                    "programme in %(year)s."
                )
                % {"unit": unit.name, "year": year}
            ],
        ),
    ]
    figures = {
        "report": {"rows": [row_figures(r) for r in rows]},
        "activities": acts.as_dict(),
        "process": process,
        "framework": framework_figures,
        "deadlines": deadlines,
        "good_models": len(good_models),
    }
    return Draft(
        unit=unit,
        year=year,
        report=saved,
        rows=rows,
        activities=acts,
        sections=sections,
        figures=figures,
        on=(saved.dated if saved and saved.dated else today),
    )
