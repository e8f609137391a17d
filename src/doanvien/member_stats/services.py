"""Writes of the indicators: the targets a unit sets for the units under it, and the figures a
unit types for itself. Each is all-or-nothing (one bad value saves nothing), in one
transaction, with its audit event."""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from doanvien.core import audit
from doanvien.core.transactions import atomic
from doanvien.units.models import Unit

from .models import Indicator, IndicatorTarget, IndicatorValue

MAX_VALUE = Decimal("999999999999")
YEAR_RANGE = (2000, 2100)


def clean_value(indicator: Indicator, raw) -> Decimal | None:
    """A figure typed for the indicator: empty (None), or a number from 0 (a percentage up to
    100) with at most two decimals; ValidationError with the message otherwise."""
    if raw is None or str(raw).strip() == "":
        return None
    text = str(raw).strip().replace(" ", "")
    if "," in text and "." not in text:
        text = text.replace(",", ".")
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValidationError(_("Enter a number.")) from None
    if not value.is_finite():
        raise ValidationError(_("Enter a number."))
    if value < 0:
        raise ValidationError(_("The figure cannot be negative."))
    if indicator.kind == Indicator.Kind.PERCENT and value > 100:
        raise ValidationError(_("A percentage is at most 100."))
    if value > MAX_VALUE:
        raise ValidationError(_("The figure is too large."))
    if value != value.quantize(Decimal("0.01")):
        raise ValidationError(_("At most two decimals."))
    return value


def _check_year(year: int) -> None:
    if not YEAR_RANGE[0] <= year <= YEAR_RANGE[1]:
        raise ValidationError({"year": _("Choose a year between 2000 and 2100.")})


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _write(model, rows, *, year: int, actor, by: str, action: str, field: str) -> int:
    """Write the year's figures `rows` ((unit, indicator, value); None removes one) of a
    target or value model, each that changed with its audit event (`field`: before and after);
    the rows there before are read in one query. Returns how many changed."""
    if not rows:
        return 0
    before = {
        (row.unit_id, row.indicator_id): row
        for row in model.objects.filter(
            year=year,
            unit__in={unit.pk for unit, _i, _v in rows},
            indicator__in={indicator.pk for _u, indicator, _v in rows},
        )
    }
    changed = 0
    for unit, indicator, value in rows:
        existing = before.get((unit.pk, indicator.pk))
        old = existing.value if existing else None
        if old == value:
            continue
        if value is None:
            existing.delete()
        else:
            model.objects.update_or_create(
                indicator=indicator,
                unit=unit,
                year=year,
                defaults={"value": value, "unit_path": unit.path, by: actor},
            )
        changed += 1
        audit.record(
            actor=actor,
            action=action,
            target=unit,
            unit_path=unit.path,
            summary=f"{indicator.name} {year}",
            changes={
                field: [None if old is None else str(old), None if value is None else str(value)]
            },
        )
    return changed


@atomic
def targets_set(*, actor, unit: Unit, year: int, targets: list[tuple[Unit, Indicator, object]]):
    """Set the year's targets of the units directly under `unit` (each: the child, the
    indicator, the value; an empty value removes the target). Returns how many changed."""
    _check_year(year)
    errors: dict[str, str] = {}
    clean = []
    for child, indicator, raw in targets:
        key = f"target-{child.pk}-{indicator.code}"
        if child.depth != unit.depth + 1 or not child.path.startswith(unit.path):
            errors[key] = _("%(unit)s is not directly under %(parent)s.") % {
                "unit": child.name,
                "parent": unit.name,
            }
            continue
        try:
            clean.append((child, indicator, clean_value(indicator, raw)))
        except ValidationError as e:
            errors[key] = f"{child.name} · {indicator.name}: {e.messages[0]}"
    if errors:
        raise ValidationError(errors)
    return _write(
        IndicatorTarget,
        clean,
        year=year,
        actor=actor,
        by="set_by",
        action="indicator.target_set",
        field="target",
    )


@atomic
def values_set(*, actor, unit: Unit, year: int, values: list[tuple[Indicator, object]]) -> int:
    """The unit's own figures of its typed indicators in the year (an empty value removes
    one). A computed indicator cannot be typed. Returns how many changed."""
    _check_year(year)
    errors: dict[str, str] = {}
    clean = []
    for indicator, raw in values:
        key = f"value-{indicator.code}"
        if not indicator.is_typed:
            errors[key] = _("%(name)s is computed from the data: it cannot be typed.") % {
                "name": indicator.name
            }
            continue
        try:
            clean.append((indicator, clean_value(indicator, raw)))
        except ValidationError as e:
            errors[key] = f"{indicator.name}: {e.messages[0]}"
    if errors:
        raise ValidationError(errors)
    return _write(
        IndicatorValue,
        [(unit, indicator, value) for indicator, value in clean],
        year=year,
        actor=actor,
        by="entered_by",
        action="indicator.value_set",
        field="value",
    )
