"""Accepting a transfer moves the member, and with him his open training registrations."""

from datetime import date

from doanvien.core.transactions import atomic
from doanvien.members.models import Transfer
from doanvien.members.services import transfers
from doanvien.training.services.registrations import registrations_follow
from doanvien.units.models import Unit
from doanvien.youth.services import referrals_follow

from .members import rollups_follow


@atomic
def transfer_accept(
    *, actor, transfer: Transfer, branch: Unit, note: str = "", on: date | None = None
) -> Transfer:
    """transfers.transfer_accept; for a transfer (not an attachment) the member's open
    registrations follow him to the branch chosen."""
    with rollups_follow(transfer.member):
        transfer = transfers.transfer_accept(
            actor=actor, transfer=transfer, branch=branch, note=note, on=on
        )
        if not transfer.is_attachment:
            registrations_follow(member=transfer.member, branch=transfer.to_branch)
            referrals_follow(member=transfer.member, branch=transfer.to_branch)
    return transfer
