"""What every training service uses: the audit record, the deadline check, the lock of a year
whose results are submitted or recognised, the assessment window, the row lock."""

from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from doanvien.core import audit
from doanvien.units.models import Unit

from ..models import BranchResult, Registration
from ..selectors import assessment_opens, deadline_for, results_locked


def record_event(actor, action: str, obj, summary: str = "", changes: dict | None = None) -> None:
    audit.record(
        actor=actor,
        action=action,
        target=obj,
        unit_path=obj.unit_path,
        summary=summary,
        changes=changes,
    )


def check_deadline(*, unit: Unit, year: int, kind: str, sector: str, today: date) -> bool:
    """True when late. Raises when late actions are refused for this unit."""
    deadline = deadline_for(unit=unit, year=year, kind=kind, sector=sector)
    if deadline is None or today <= deadline.effective_date:
        return False
    if not deadline.allow_late:
        raise ValidationError(
            _("The deadline (%(date)s) has passed and this unit does not accept late actions.")
            % {"date": deadline.effective_date.strftime("%d/%m/%Y")},
            code="deadline",
        )
    return True


def lock_registration(registration: Registration) -> Registration:
    """The registration, locked for the transaction (only its own row: never the branch's)."""
    return (
        Registration.objects.select_for_update(of=("self",))
        .select_related("framework", "branch", "member")
        .get(pk=registration.pk)
    )


def lock_message(branch: Unit, year: int) -> str:
    """Why registrations and assessments of the year no longer change, naming the state and who
    can open them again; empty while the branch's results are open."""
    result = results_locked(branch, year)
    if result is None:
        return ""
    if result.state == BranchResult.State.RECOGNISED:
        return _(
            "The results of %(branch)s for %(year)s are recognised: only a higher unit "
            "reopening them lets them change."
        ) % {"branch": branch.name, "year": year}
    parent = branch.parent()
    return _(
        "The results of %(branch)s for %(year)s are submitted to %(parent)s: they change only "
        "if %(parent)s returns them."
    ) % {
        "branch": branch.name,
        "year": year,
        "parent": parent.name if parent else _("the upper unit"),
    }


def check_unlocked(branch: Unit, year: int) -> None:
    """Registrations and assessments of a year whose results the branch has submitted, or the
    upper unit has recognised, no longer change: one refusal (code `locked`) for every write."""
    message = lock_message(branch, year)
    if message:
        raise ValidationError(message, code="locked")


def check_assessment_open(registration: Registration, today: date) -> None:
    """An assessment (the branch's or the member's own) is accepted from the opening day of
    the year's assessment window (selectors.assessment_opens) on."""
    opens = assessment_opens(registration)
    if opens is not None and today < opens:
        raise ValidationError(
            _("Assessment for %(year)s opens on %(date)s.")
            % {"year": registration.year, "date": opens.strftime("%d/%m/%Y")},
            code="not_open",
        )
