"""The member movement ledger: one row per admission, transfer in or out, removal, maturing out
or reinstatement, written by the member services in the same transaction as the change. The
movement report of a unit and period counts these rows (reports/movements.py)."""

from datetime import date

from doanvien.core import import_tags
from doanvien.units.models import Unit

from ..models import Member, Movement


def movement_record(
    *, member: Member, kind: str, on: date, branch: Unit, other: Unit | None = None, reason=""
) -> Movement:
    return Movement.objects.create(
        member=member,
        kind=kind,
        on=on,
        branch=branch,
        unit_path=branch.path,
        other_path=other.path if other else "",
        reason=(reason or "")[:255],
        import_id=import_tags.current(),
    )
