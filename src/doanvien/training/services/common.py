"""What every training service uses: the audit record, the deadline check, the row lock."""

from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from doanvien.core import audit
from doanvien.units.models import Unit

from ..models import Registration
from ..selectors import deadline_for


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
