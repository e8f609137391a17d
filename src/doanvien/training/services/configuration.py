"""Writes of the programme's configuration (seed 000 IV.1 and III.2; deadlines: seed 000 II.2,
seed 001): the frameworks a unit publishes for its subtree and a year, the custom criteria it
adds, and its deadlines.

Each function validates (a ValidationError naming the fields), writes in one transaction and
records the event in the audit trail. Values may come as typed by a person (text: "17,5",
"15/11/2025") or already typed (Decimal, date): the rules are here, in one place.

Registrations keep what they were made with: a criterion somebody registered is never removed,
moved to another area or to another sector; a year whose results are recognised anywhere in the
unit's subtree is closed (read-only) until a higher unit reopens them."""

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, ProtectedError
from django.utils.translation import gettext as _

from doanvien.core import audit
from doanvien.core.dates import parse_date
from doanvien.core.transactions import atomic
from doanvien.units.models import Sector, Unit

from .. import rollup
from ..models import (
    CRITERION_AUDIENCES,
    ContentArea,
    Criterion,
    Deadline,
    Framework,
    Phase,
    Registration,
    RegistrationItem,
)
from ..selectors import criterion_owner, criterion_usage, framework_for, own_framework, year_closed

MAX_AREA_POINTS = Decimal("999.9")
MAX_MIN_CRITERIA = 200
MAX_ELIGIBILITY_MONTHS = 36
MAX_ASSESSMENT_WINDOW_MONTHS = 12
MAX_TEXT = 2000
SCORING_FIELDS = ("band_excellent", "band_good", "band_complete", "eligibility_months")
# What may change even once members are assessed with the framework.
SETTINGS_FIELDS = ("name", "min_criteria", "assessment_opens_months_before")
# The member groups a criterion may be for, and that may have their own minimum number of
# criteria (members.models.Audience, but the general group, whose minimum is `min_criteria`).
AUDIENCES = tuple(code for code, _label in CRITERION_AUDIENCES)


# --- Reads the pages share with the services --------------------------------------------------


# --- Helpers ----------------------------------------------------------------------------------


def _record(actor, action: str, target, unit: Unit, summary: str, changes=None) -> None:
    audit.record(
        actor=actor,
        action=action,
        target=target,
        unit_path=unit.path,
        summary=summary,
        changes=changes,
    )


def _closed_error(year: int) -> ValidationError:
    return ValidationError(
        _(
            "Results of %(year)s are already recognised in this unit's units: the framework of "
            "that year can no longer change."
        )
        % {"year": year},
        code="closed",
    )


def _decimal(raw: Any) -> Decimal | None:
    """A number typed with a dot or a comma; None when empty; raises ValueError when not one."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    try:
        value = Decimal(str(raw).strip().replace(",", "."))
        if not value.is_finite():
            raise ValueError(raw)
        # A number too large to keep one decimal (1E+40) is not a number of points either.
        return value.quantize(Decimal("0.1"))
    except InvalidOperation:
        raise ValueError(raw) from None


def _integer(raw: Any) -> int | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    try:
        return int(str(raw).strip())
    except ValueError:
        raise ValueError(raw) from None


def _boolean(raw: Any) -> bool:
    if isinstance(raw, str):
        return raw.strip().lower() in ("1", "true", "on", "yes")
    return bool(raw)


def _fmt(value: Decimal) -> str:
    return f"{value.normalize():f}" if value == value.to_integral() else str(value)


# --- Frameworks -------------------------------------------------------------------------------


@atomic
def framework_publish(*, actor, unit: Unit, year: int, source: Framework | None = None):
    """A framework owned by the unit for the year: a copy of `source` (one of the unit's own
    frameworks, by default the one that applies there now) with its areas, criteria, bands and
    settings, editable from then on."""
    if unit.is_branch:
        raise ValidationError(_("Branches do not publish frameworks."))
    if own_framework(unit, year):
        raise ValidationError(
            _("This unit already has its own framework for %(year)s.") % {"year": year},
            code="exists",
        )
    if source is not None and source.unit_id != unit.pk:
        # Another unit's framework applies below it only by being published there.
        raise ValidationError({"source": _("Choose one of this unit's own frameworks.")})
    if year_closed(unit, year):
        raise _closed_error(year)
    source = source or framework_for(unit, year)
    if source is None:
        raise ValidationError(_("No training framework applies to %(year)s.") % {"year": year})
    phase = Phase.objects.filter(first_year__lte=year, last_year__gte=year).first()
    if phase is None:
        raise ValidationError(
            _("No programme phase covers %(year)s: ask the administrator to add it.")
            % {"year": year}
        )
    try:
        with transaction.atomic():
            framework = Framework.objects.create(
                phase=phase,
                unit=unit,
                year=year,
                name=(_("Training framework %(year)s – %(unit)s") % {"year": year, "unit": unit})[
                    :200
                ],
                band_excellent=source.band_excellent,
                band_good=source.band_good,
                band_complete=source.band_complete,
                min_criteria=source.min_criteria,
                min_criteria_by_audience=dict(source.min_criteria_by_audience or {}),
                eligibility_months=source.eligibility_months,
                assessment_opens_months_before=source.assessment_opens_months_before,
            )
    except IntegrityError:
        raise ValidationError(
            _("This unit already has its own framework for %(year)s.") % {"year": year},
            code="exists",
        ) from None
    ContentArea.objects.bulk_create(
        ContentArea(
            framework=framework,
            code=a.code,
            name=a.name,
            order=a.order,
            max_points=a.max_points,
        )
        for a in source.areas.all()
    )
    Criterion.objects.bulk_create(
        Criterion(
            framework=framework,
            area_code=c.area_code,
            text=c.text,
            sector=c.sector,
            audience=c.audience,
            mandatory=c.mandatory,
            order=c.order,
        )
        for c in source.criteria.order_by("area_code", "order", "id")
    )
    _record(
        actor,
        "framework.published",
        framework,
        unit,
        f"{year} · {framework.name}",
        {"copied_from": [None, source.name]},
    )
    rollup.subtree_counted_again(unit, year)
    return framework


def _clean_scoring(framework: Framework, data: dict[str, Any]) -> tuple[dict, dict]:
    """The framework's new values, and the errors by field."""
    errors: dict[str, str] = {}
    clean: dict[str, Any] = {}

    name = " ".join(str(data.get("name") or "").split())
    if not name:
        errors["name"] = _("Give the framework a name.")
    elif len(name) > 200:
        errors["name"] = _("At most 200 characters.")
    clean["name"] = name

    areas = {a.code: a for a in framework.areas.all()}
    given = data.get("areas") or {}
    for code in given:
        if code not in areas:
            errors[f"areas.{code}"] = _(
                "There is no content area %(code)s: the areas of a framework cannot change."
            ) % {"code": code}
    total = Decimal(0)
    clean["areas"] = {}
    for code, area in areas.items():
        values = given.get(code) or {}
        area_name = " ".join(str(values.get("name", area.name) or "").split())
        if not area_name:
            errors[f"areas.{code}.name"] = _("Give the area a name.")
        elif len(area_name) > 200:
            errors[f"areas.{code}.name"] = _("At most 200 characters.")
        try:
            points = _decimal(values.get("max_points", area.max_points))
        except ValueError:
            errors[f"areas.{code}.max_points"] = _("Points are a number.")
            continue
        if points is None or not Decimal(0) < points <= MAX_AREA_POINTS:
            errors[f"areas.{code}.max_points"] = _(
                "Points are more than 0 and at most %(max)s."
            ) % {"max": _fmt(MAX_AREA_POINTS)}
            continue
        total += points
        clean["areas"][code] = {"name": area_name, "max_points": points}

    bands = {}
    for field in ("band_excellent", "band_good", "band_complete"):
        try:
            value = _decimal(data.get(field, getattr(framework, field)))
        except ValueError:
            errors[field] = _("Points are a number.")
            continue
        if value is None:
            errors[field] = _("Give the lowest total of this level.")
        elif not Decimal(0) <= value <= total:
            errors[field] = _("Between 0 and the total points (%(total)s).") % {
                "total": _fmt(total)
            }
        else:
            bands[field] = value
    if len(bands) == 3:
        if bands["band_good"] >= bands["band_excellent"]:
            errors["band_good"] = _("Must be lower than the excellent level (%(n)s).") % {
                "n": _fmt(bands["band_excellent"])
            }
        elif bands["band_complete"] >= bands["band_good"]:
            errors["band_complete"] = _("Must be lower than the good level (%(n)s).") % {
                "n": _fmt(bands["band_good"])
            }
    clean.update(bands)

    for field, low, high in (
        ("min_criteria", 1, MAX_MIN_CRITERIA),
        ("eligibility_months", 0, MAX_ELIGIBILITY_MONTHS),
        ("assessment_opens_months_before", 0, MAX_ASSESSMENT_WINDOW_MONTHS),
    ):
        try:
            value = _integer(data.get(field, getattr(framework, field)))
        except ValueError:
            errors[field] = _("A whole number.")
            continue
        if value is None or not low <= value <= high:
            errors[field] = _("A whole number from %(low)s to %(high)s.") % {
                "low": low,
                "high": high,
            }
        else:
            clean[field] = value

    # Each group's own minimum: empty for the framework's minimum.
    given_minimums = data.get("min_criteria_by_audience")
    if given_minimums is None:
        given_minimums = framework.min_criteria_by_audience or {}
    clean["min_criteria_by_audience"] = {}
    for group in given_minimums:
        if group not in AUDIENCES:
            errors[f"min_criteria.{group}"] = _("There is no member group %(group)s.") % {
                "group": group
            }
    for group in AUDIENCES:
        field = f"min_criteria.{group}"
        try:
            value = _integer(given_minimums.get(group))
        except ValueError:
            errors[field] = _("A whole number.")
            continue
        if value is None:
            continue
        if not 1 <= value <= MAX_MIN_CRITERIA:
            errors[field] = _("A whole number from %(low)s to %(high)s, or empty.") % {
                "low": 1,
                "high": MAX_MIN_CRITERIA,
            }
        else:
            clean["min_criteria_by_audience"][group] = value
    return clean, errors


@atomic
def framework_update(
    *,
    actor,
    framework: Framework,
    name: Any = None,
    areas: dict[str, dict[str, Any]] | None = None,
    band_excellent: Any = None,
    band_good: Any = None,
    band_complete: Any = None,
    min_criteria: Any = None,
    min_criteria_by_audience: dict[str, Any] | None = None,
    eligibility_months: Any = None,
    assessment_opens_months_before: Any = None,
) -> Framework:
    """Names, points per area, bands and settings of a unit's own framework. Area codes never
    change; a value left out (None) keeps what it was. `min_criteria_by_audience` gives each
    member group its own minimum number of criteria ({"student": 8}; a group left empty or out
    has `min_criteria`). Once a member is assessed with the framework, its scoring (points,
    bands, eligibility) is fixed; when assessment opens and the minimums may still change."""
    framework = Framework.objects.select_for_update().get(pk=framework.pk)
    if framework.unit_id is None:
        raise ValidationError(
            _("The product's default framework does not change: publish a copy for your unit.")
        )
    unit = framework.unit
    if year_closed(unit, framework.year):
        raise _closed_error(framework.year)
    given = {
        "name": framework.name if name is None else name,
        "areas": areas or {},
        "band_excellent": band_excellent,
        "band_good": band_good,
        "band_complete": band_complete,
        "min_criteria": min_criteria,
        "min_criteria_by_audience": min_criteria_by_audience,
        "eligibility_months": eligibility_months,
        "assessment_opens_months_before": assessment_opens_months_before,
    }
    data = {k: v for k, v in given.items() if v is not None}
    clean, errors = _clean_scoring(framework, data)
    if errors:
        raise ValidationError(errors)

    old_areas = {a.code: a for a in framework.areas.all()}
    before: dict[str, Any] = {f: getattr(framework, f) for f in SETTINGS_FIELDS}
    before.update({f: getattr(framework, f) for f in SCORING_FIELDS})
    after = {f: clean[f] for f in before}
    old_minimums = framework.min_criteria_by_audience or {}
    for group in AUDIENCES:
        before[f"min_criteria.{group}"] = old_minimums.get(group)
        after[f"min_criteria.{group}"] = clean["min_criteria_by_audience"].get(group)
    for code, area in old_areas.items():
        before[f"areas.{code}.name"] = area.name
        before[f"areas.{code}.max_points"] = area.max_points
        after[f"areas.{code}.name"] = clean["areas"][code]["name"]
        after[f"areas.{code}.max_points"] = clean["areas"][code]["max_points"]

    scoring = [f for f in SCORING_FIELDS if before[f] != after[f]]
    scoring += [
        f"areas.{c}.max_points"
        for c in old_areas
        if before[f"areas.{c}.max_points"] != after[f"areas.{c}.max_points"]
    ]
    if (
        scoring
        and Registration.objects.filter(framework=framework, assessed_at__isnull=False).exists()
    ):
        message = _(
            "Members are already assessed with this framework: its points, levels and "
            "eligibility can no longer change."
        )
        raise ValidationError(dict.fromkeys(scoring, message))

    for field in (*SETTINGS_FIELDS, *SCORING_FIELDS):
        setattr(framework, field, clean[field])
    framework.min_criteria_by_audience = clean["min_criteria_by_audience"]
    framework.save()
    if framework.unit_id and framework.year:
        rollup.subtree_counted_again(framework.unit, framework.year)
    for code, area in old_areas.items():
        new = clean["areas"][code]
        if (area.name, area.max_points) != (new["name"], new["max_points"]):
            area.name, area.max_points = new["name"], new["max_points"]
            area.save(update_fields=["name", "max_points"])
    changes = audit.diff(
        {k: "" if v is None else str(v) for k, v in before.items()},
        {k: "" if v is None else str(v) for k, v in after.items()},
    )
    if changes:
        _record(
            actor,
            "framework.updated",
            framework,
            unit,
            f"{framework.year} · {framework.name}",
            changes,
        )
    return framework


# --- Criteria ---------------------------------------------------------------------------------


def _clean_criterion(area_codes, data: dict[str, Any]) -> tuple[dict, dict]:
    errors: dict[str, str] = {}
    text = " ".join(str(data.get("text") or "").split())
    if not text:
        errors["text"] = _("Write the criterion.")
    elif len(text) > MAX_TEXT:
        errors["text"] = _("At most %(n)s characters.") % {"n": MAX_TEXT}
    area_code = str(data.get("area_code") or "").strip()
    if area_code not in area_codes:
        errors["area_code"] = _("Choose one of the framework's content areas.")
    sector = str(data.get("sector") or "").strip()
    if sector and sector not in Sector.values:
        errors["sector"] = _("Choose a sector, or leave it empty for every sector.")
    audience = str(data.get("audience") or "").strip()
    if audience and audience not in AUDIENCES:
        errors["audience"] = _("Choose a member group, or leave it empty for every member.")
    clean = {
        "text": text,
        "area_code": area_code,
        "sector": sector,
        "audience": audience,
        "mandatory": _boolean(data.get("mandatory")),
    }
    return clean, errors


def _editable_owner(criterion: Criterion) -> tuple[Unit, int]:
    unit, year = criterion_owner(criterion)
    if unit is None:
        raise ValidationError(
            _("The product's default framework does not change: publish a copy for your unit.")
        )
    if year_closed(unit, year):
        raise _closed_error(year)
    return unit, year


def _area_codes(unit: Unit, year: int, framework: Framework | None) -> set[str]:
    """The area codes a criterion may name: its framework's, or for a custom criterion those of
    the framework that applies to its unit."""
    if framework is not None:
        return set(framework.areas.values_list("code", flat=True))
    applying = framework_for(unit, year)
    return set(applying.areas.values_list("code", flat=True)) if applying else set()


@atomic
def criterion_add(
    *,
    actor,
    unit: Unit,
    year: int,
    custom: bool = False,
    area_code: str,
    text: str,
    sector: str = "",
    audience: str = "",
    mandatory: Any = False,
) -> Criterion:
    """A criterion in the unit's own framework for the year or, when `custom`, a criterion of the
    unit's own that applies to its subtree whatever framework the units below use."""
    if unit.is_branch:
        raise ValidationError(_("Branches do not add criteria."))
    if year_closed(unit, year):
        raise _closed_error(year)
    framework = None
    if not custom:
        framework = own_framework(unit, year)
        if framework is None:
            raise ValidationError(
                _("Publish a framework for this unit and year first, or add a custom criterion.")
            )
    codes = _area_codes(unit, year, framework)
    clean, errors = _clean_criterion(
        codes,
        {
            "area_code": area_code,
            "text": text,
            "sector": sector,
            "audience": audience,
            "mandatory": mandatory,
        },
    )
    if errors:
        raise ValidationError(errors)
    siblings = (
        Criterion.objects.filter(framework=framework)
        if framework
        else Criterion.objects.filter(framework__isnull=True, unit=unit, year=year)
    )
    last = siblings.filter(area_code=clean["area_code"]).aggregate(m=Max("order"))["m"] or 0
    criterion = Criterion.objects.create(
        framework=framework,
        unit=None if framework else unit,
        year=None if framework else year,
        order=last + 1,
        **clean,
    )
    _record(
        actor,
        "criterion.added",
        criterion,
        unit,
        f"{year} · {clean['text']}",
        audit.diff({}, audit.snapshot(criterion, ("area_code", "sector", "audience", "mandatory"))),
    )
    return criterion


@atomic
def criterion_update(
    *,
    actor,
    criterion: Criterion,
    area_code: str,
    text: str,
    sector: str = "",
    audience: str = "",
    mandatory: Any = False,
) -> Criterion:
    """Change a criterion. Registered by somebody, only its wording, audience and whether it is
    mandatory change: its area and sector stay, so no registration changes under a member."""
    criterion = Criterion.objects.select_for_update().get(pk=criterion.pk)
    unit, year = _editable_owner(criterion)
    framework = criterion.framework if criterion.framework_id else None
    codes = _area_codes(unit, year, framework)
    codes.add(criterion.area_code)  # its own area stays acceptable
    clean, errors = _clean_criterion(
        codes,
        {
            "area_code": area_code,
            "text": text,
            "sector": sector,
            "audience": audience,
            "mandatory": mandatory,
        },
    )
    used = criterion_usage(criterion)
    if used:
        if "area_code" not in errors and clean["area_code"] != criterion.area_code:
            errors["area_code"] = _(
                "%(n)s registrations include this criterion: its area cannot change."
            ) % {"n": used}
        if "sector" not in errors and clean["sector"] != criterion.sector:
            errors["sector"] = _(
                "%(n)s registrations include this criterion: its sector cannot change."
            ) % {"n": used}
        if "audience" not in errors and clean["audience"] not in ("", criterion.audience):
            # No registration is left with a criterion its member is not offered.
            others = (
                RegistrationItem.objects.filter(criterion=criterion)
                .exclude(registration__member__audience=clean["audience"])
                .count()
            )
            if others:
                errors["audience"] = _(
                    "%(n)s registrations of members of another group include this criterion: "
                    "it cannot be only for “%(group)s”."
                ) % {"n": others, "group": dict(CRITERION_AUDIENCES)[clean["audience"]]}
    if errors:
        raise ValidationError(errors)
    fields = ("text", "area_code", "sector", "audience", "mandatory")
    before = audit.snapshot(criterion, fields)
    for name in fields:
        setattr(criterion, name, clean[name])
    changes = audit.diff(before, audit.snapshot(criterion, fields))
    if changes:
        criterion.save(update_fields=list(fields))
        _record(actor, "criterion.updated", criterion, unit, f"{year} · {criterion.text}", changes)
    return criterion


@atomic
def criterion_remove(*, actor, criterion: Criterion) -> None:
    """Remove a criterion nobody registered (the registrations keep theirs: it is refused)."""
    criterion = Criterion.objects.select_for_update().get(pk=criterion.pk)
    unit, year = _editable_owner(criterion)
    used = criterion_usage(criterion)
    refused = ValidationError(
        _(
            "%(n)s registrations include this criterion: it cannot be removed. You may still "
            "change its wording."
        )
        % {"n": used},
        code="protected",
    )
    if used:
        raise refused
    _record(
        actor,
        "criterion.removed",
        criterion,
        unit,
        f"{year} · {criterion.text}",
        {"text": [criterion.text, None]},
    )
    try:
        with transaction.atomic():
            criterion.delete()
    except ProtectedError:
        raise refused from None


# --- Deadlines --------------------------------------------------------------------------------


@atomic
def deadline_set(
    *,
    actor,
    unit: Unit,
    year: int,
    kind: str,
    sector: str = "",
    due_on: Any,
    extended_to: Any = None,
    allow_late: Any = True,
) -> Deadline:
    """Set (add or change) the unit's deadline of a kind for the year, for one sector or for
    every sector. The subtree inherits it unless a unit below sets its own."""
    if unit.is_branch:
        raise ValidationError(_("Branches do not set deadlines."))
    errors: dict[str, str] = {}
    if kind not in Deadline.Kind.values:
        errors["kind"] = _("Choose which deadline.")
    sector = (sector or "").strip()
    if sector and sector not in Sector.values:
        errors["sector"] = _("Choose a sector, or leave it empty for every sector.")
    dates: dict[str, date | None] = {}
    for field, raw in (("due_on", due_on), ("extended_to", extended_to)):
        try:
            dates[field] = parse_date(raw)
        except ValueError:
            errors[field] = _("Enter the date as dd/mm/yyyy.")
            continue
        value = dates[field]
        if value is not None and not year - 1 <= value.year <= year + 1:
            errors[field] = _("Choose a date between %(first)s and %(last)s.") % {
                "first": f"01/01/{year - 1}",
                "last": f"31/12/{year + 1}",
            }
    if "due_on" not in errors and dates.get("due_on") is None:
        errors["due_on"] = _("Enter the due date (dd/mm/yyyy).")
    due, extended = dates.get("due_on"), dates.get("extended_to")
    if not errors and extended is not None and extended <= due:
        errors["extended_to"] = _("The extension must be after the due date (%(date)s).") % {
            "date": due.strftime("%d/%m/%Y")
        }
    if errors:
        raise ValidationError(errors)
    deadline = (
        Deadline.objects.select_for_update()
        .filter(unit=unit, year=year, kind=kind, sector=sector)
        .first()
    )
    fields = ("due_on", "extended_to", "allow_late")
    before = audit.snapshot(deadline, fields) if deadline else {}
    if deadline is None:
        deadline = Deadline(unit=unit, year=year, kind=kind, sector=sector)
    deadline.due_on, deadline.extended_to = due, extended
    deadline.allow_late = _boolean(allow_late)
    deadline.save()
    if kind == Deadline.Kind.EVALUATION:  # the year's members are counted on that date
        rollup.subtree_counted_again(unit, year)
    changes = audit.diff(before, audit.snapshot(deadline, fields))
    if changes:
        label = deadline.get_kind_display()
        if sector:
            label = f"{label} · {deadline.get_sector_display()}"
        _record(actor, "deadline.set", deadline, unit, f"{year} · {label}", changes)
    return deadline
