"""Editing, moving and merging units: the tree and every path copy move
(units.services.unit_move), the training roll-ups follow (the years that have not ended take the
new tree and names; ended years keep the tree as it stood), the "1+1" counters, the dues
ledger, the evaluations' and the meetings' roll-ups move what the old ancestors held of the
subtree to the new ones, and a merged branch's members move with their registrations."""

from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from doanvien.activities import rollup as activity_rollup
from doanvien.activities import services as activity_services
from doanvien.core import audit
from doanvien.core.transactions import atomic
from doanvien.dues import ledger as dues_ledger
from doanvien.evaluations import rollup as evaluation_rollup
from doanvien.meetings import rollup as meeting_rollup
from doanvien.member_stats import rollup as member_stats
from doanvien.members.models import Member, Status
from doanvien.training import rollup
from doanvien.units import services
from doanvien.units.models import Unit
from doanvien.youth import rollup as referral_rollup

from .members import member_move


@atomic
def unit_update(*, actor, unit: Unit, name: str, code: str, sector: str, level) -> Unit:
    """Edit a unit (services.unit_update). The rows of the years that have not ended take its
    new name; a branch whose sector changed is counted again (its programme year and deadlines
    follow the sector); a unit under the root that became or stopped being "overseas" remits
    its dues' third home or no longer does (the ledger moves what the root holds of it); the
    unit's activities nobody took part in move to the programme year of the new sector."""
    # Locked: two edits of the sector at once would otherwise both see the old one and move the
    # counts and the dues' third twice.
    before = Unit.objects.select_for_update().get(pk=unit.pk)
    unit = services.unit_update(
        actor=actor, unit=unit, name=name, code=code, sector=sector, level=level
    )
    if unit.name != before.name:
        rollup.unit_renamed(unit)
    if unit.sector != before.sector:
        if unit.is_branch:
            rollup.count_open_years_again([unit.pk])
            member_stats.sector_changed(unit, before.sector)
        dues_ledger.sector_changed(unit, before.sector)
        activity_services.unit_sector_changed(unit)
    return unit


@atomic
def unit_move(*, actor, unit: Unit, new_parent: Unit) -> Unit:
    old_path = Unit.objects.select_for_update().get(pk=unit.pk).path
    unit = services.unit_move(actor=actor, unit=unit, new_parent=new_parent)
    rollup.subtree_moved(old_path, unit)
    referral_rollup.subtree_moved(old_path, unit)
    dues_ledger.subtree_moved(old_path, unit)
    evaluation_rollup.subtree_moved(old_path, unit)
    meeting_rollup.subtree_moved(old_path, unit)
    activity_rollup.subtree_moved(old_path, unit)
    member_stats.subtree_moved(old_path, unit)
    return unit


@atomic
def unit_merge(*, actor, source: Unit, target: Unit, on: date | None = None) -> Unit:
    """Merge `source` into `target`: a branch's members move to the target branch (their
    membership spans are closed and reopened, so history is kept); a union's units move under
    the target. The source is then deactivated."""
    source = Unit.objects.select_for_update().get(pk=source.pk)
    target = Unit.objects.get(pk=target.pk)
    services.check_merge(source=source, target=target)
    on = on or timezone.localdate()
    reason = _("Merged from %(name)s") % {"name": source.name}
    if source.is_branch:
        members = Member.objects.filter(branch=source, status=Status.ACTIVE).order_by("pk")
        for member in members.iterator(chunk_size=500):
            member_move(actor=actor, member=member, branch=target, on=on, reason=reason)
    else:
        for child in source.children():
            unit_move(actor=actor, unit=child, new_parent=target)
    source.refresh_from_db()
    services.deactivate_subtree(source.path)
    audit.record(
        actor=actor,
        action="unit.merged",
        target=source,
        unit_path=source.path,
        summary=source.name,
        changes={"merged_into": [None, str(target)]},
    )
    audit.record(
        actor=actor,
        action="unit.merged_in",
        target=target,
        unit_path=target.path,
        summary=target.name,
        changes={"merged_from": [None, str(source)]},
    )
    return target
