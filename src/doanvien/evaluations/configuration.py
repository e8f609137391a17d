"""Configuration as data, written by a unit for its subtree (the training programme's shape,
training/services/configuration.py): a scheme published for a year, starting as a copy of the
one that applies there, and deadlines per scheme, kind and sector with extensions."""

from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from doanvien.core import audit
from doanvien.core.transactions import atomic
from doanvien.units.models import Unit

from .models import DeadlineKind, EvaluationDeadline, Scheme, SchemeCode
from .selectors import scheme_for


@atomic
def scheme_publish(*, actor, unit: Unit, code: str, year: int) -> Scheme:
    """The unit's own scheme for the year: a copy of the one that applies there now (groups,
    items, pass mark, bands, recogniser, precondition), no longer a placeholder: the unit
    answers for its items and points. Evaluations already registered keep theirs."""
    if unit.is_branch:
        raise ValidationError(_("Branches do not publish schemes."))
    if code not in SchemeCode.values:
        raise ValidationError({"scheme": _("Choose a scheme.")})
    if Scheme.objects.filter(unit=unit, code=code, year=year).exists():
        raise ValidationError(
            _("This unit already has its own scheme for %(year)s.") % {"year": year},
            code="exists",
        )
    source = scheme_for(unit, code, year)
    if source is None:
        raise ValidationError(_("No scheme applies to this unit for this year."))
    scheme = Scheme.objects.create(
        code=code,
        unit=unit,
        year=year,
        name=f"{source.name.replace(' (mặc định)', '')} {year} – {unit.name}"[:200],
        is_placeholder=False,
        source=str(source),
        pass_mark=source.pass_mark,
        level_bands=list(source.level_bands or []),
        recogniser_level=source.recogniser_level,
        requires_all_branches_strong=source.requires_all_branches_strong,
    )
    for group in source.groups.all():
        items = list(group.items.all())
        group.pk, group.scheme = None, scheme
        group.save()
        for item in items:
            item.pk, item.group = None, group
            item.save()
    audit.record(
        actor=actor,
        action="evaluation.scheme_publish",
        target=scheme,
        unit_path=unit.path,
        summary=scheme.name,
    )
    return scheme


@atomic
def evaluation_deadline_set(
    *,
    actor,
    unit: Unit,
    year: int,
    scheme: str,
    kind: str,
    due_on: date,
    extended_to: date | None = None,
    sector: str = "",
    allow_late: bool = True,
) -> EvaluationDeadline:
    """The unit's deadline of this kind for its subtree (its sector's, when given); an
    extension moves the date, the original stays."""
    if unit.is_branch:
        raise ValidationError(_("Branches do not set deadlines."))
    if scheme not in SchemeCode.values or kind not in DeadlineKind.values:
        raise ValidationError(_("Choose a scheme and a kind of deadline."))
    if extended_to is not None and extended_to < due_on:
        raise ValidationError({"extended_to": _("An extension cannot end before the deadline.")})
    deadline, _created = EvaluationDeadline.objects.update_or_create(
        unit=unit,
        year=year,
        scheme=scheme,
        kind=kind,
        sector=sector,
        defaults={"due_on": due_on, "extended_to": extended_to, "allow_late": allow_late},
    )
    audit.record(
        actor=actor,
        action="evaluation.deadline_set",
        target=deadline,
        unit_path=unit.path,
        summary=str(deadline),
    )
    return deadline
