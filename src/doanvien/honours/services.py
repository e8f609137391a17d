"""Record an award or a discipline decision for a member: keyword-only, one transaction,
audited on the member."""

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from doanvien.core import audit
from doanvien.core.dates import parse_date
from doanvien.core.text import normalize
from doanvien.core.transactions import atomic
from doanvien.members.models import Member
from doanvien.units.models import Unit

from .models import Award, Discipline, IssuerLevel


def _issuer(member: Member, issued_by) -> tuple[Unit | None, str, str]:
    """(unit, name, level): a unit of the tree given by id (the member's branch or a unit
    above it), or the name of another body (a People's Committee, a school…)."""
    if isinstance(issued_by, int) or (isinstance(issued_by, str) and issued_by.isdigit()):
        unit = Unit.objects.filter(pk=int(issued_by)).select_related("level").first()
        if unit is None or not member.unit_path.startswith(unit.path):
            raise ValidationError(
                {"issued_by": _("Choose the member's branch or a unit above it.")}
            )
        level = unit.level.code if unit.level.code in IssuerLevel.values else IssuerLevel.OTHER
        return unit, unit.name, level
    name = normalize(issued_by or "")
    if not name:
        raise ValidationError({"issued_by": _("Enter who issued the decision.")})
    return None, name[:200], ""


def _record(model, action: str, *, actor, member: Member, data: dict):
    errors = {}
    decision_no = normalize(data.get("decision_no") or "")
    if not decision_no:
        errors["decision_no"] = _("Enter the decision number.")
    try:
        day = parse_date(data.get("date"))
    except (ValueError, TypeError):
        day = None
    if day is None:
        errors["date"] = _("Enter the decision's date as dd/mm/yyyy or YYYY-MM-DD.")
    elif day > timezone.localdate():
        errors["date"] = _("The decision's date cannot be after today.")
    form = data.get("form") or ""
    if form not in model.Form.values:
        errors["form"] = _("Choose a form from the list.")
    level = data.get("level") or ""
    if level and level not in IssuerLevel.values:
        errors["level"] = _("Choose a level from the list.")
    try:
        unit, name, unit_level = _issuer(member, data.get("issued_by"))
    except ValidationError as e:
        errors.update(e.message_dict)
        unit, name, unit_level = None, "", ""
    if errors:
        raise ValidationError(errors)
    record = model.objects.create(
        member=member,
        unit_path=member.unit_path,
        decision_no=decision_no[:60],
        date=day,
        issued_by=unit,
        issued_by_name=name,
        level=level or unit_level,
        form=form,
        note=(data.get("note") or "").strip(),
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    audit.record(
        actor=actor,
        action=action,
        target=member,
        unit_path=member.unit_path,
        summary=record.text(),
        changes={model._meta.model_name: [None, record.text()]},
    )
    return record


@atomic
def award_record(*, actor, member: Member, data: dict) -> Award:
    return _record(Award, "member.award", actor=actor, member=member, data=data)


@atomic
def discipline_record(*, actor, member: Member, data: dict) -> Discipline:
    """Record a discipline decision. A removal (xóa tên) is not only a record: it takes the
    member off the roll through the removal workflow (actions.members.member_remove: the roll,
    the counts, his account, the level above told), dated by the decision, in the same
    transaction; a member no longer on the roll is refused, and nothing is recorded."""
    record = _record(Discipline, "member.discipline", actor=actor, member=member, data=data)
    if record.form == Discipline.Form.REMOVAL:
        from doanvien.actions.members import member_remove  # actions sit above honours

        member_remove(
            actor=actor,
            member=member,
            on=record.date,
            reason=_("Discipline: removal, decision %(no)s") % {"no": record.decision_no},
        )
    return record
