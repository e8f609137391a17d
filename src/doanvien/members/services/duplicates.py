"""ID numbers entered that another record already holds.

An ID number is unique in the whole country, so a new record, a changed one, an admission or an
import that brings a number already held is refused. Whoever enters it learns which branch holds
it only when he may see full ID numbers there himself; otherwise the refusal says the same
whoever holds it ("already in the system; contact the level above"), so that a person who may
add members to one branch cannot learn where any number of the country is kept, nor a number he
sees masked. Such a refusal (a *hit*) is:

- recorded: an event in the audit trail, and a report (`DuplicateIdReport`) for the lowest unit
  that sees both sides, whose cadres settle it (one person moved without a transfer, or a
  typing error);
- counted: after settings.DUPLICATE_ID_LIMIT hits within settings.DUPLICATE_ID_WINDOW, a user's
  new ID numbers are refused without being looked up (`probing_refusal`) until the window
  ends, so that a file of guessed numbers tells nothing more.

The refusal is raised inside the write's transaction, which is rolled back: the hits are kept
aside and written once it is over, by `duplicate_hits_recorded()` around the request (the
middleware) or the job. Without it they are written at once (in whatever transaction is open).
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from doanvien.accounts.access import ID_NUMBER_ROLES, scope_of
from doanvien.core import audit, ratelimit
from doanvien.core.transactions import atomic
from doanvien.units.models import Unit

from ..models import AdmissionRequest, DuplicateIdReport, Member, mask_id_number


@dataclass
class DuplicateHit:
    """An ID number refused because a record out of the actor's sight holds it."""

    actor: object
    id_number: str
    entered_unit: Unit
    source: str
    holder: Member | None = None
    proposal: AdmissionRequest | None = None
    entered_member: Member | None = None
    name: str = ""

    @property
    def holder_path(self) -> str:
        return self.holder.unit_path if self.holder is not None else self.proposal.branch.path


_PENDING: ContextVar[list[DuplicateHit] | None] = ContextVar("duplicate_id_hits", default=None)


def duplicate_id_limit() -> ratelimit.Limit:
    return ratelimit.Limit(
        "duplicate-id",
        settings.DUPLICATE_ID_LIMIT,
        int(settings.DUPLICATE_ID_WINDOW.total_seconds()),
    )


def _user_pk(actor) -> int | None:
    return actor.pk if getattr(actor, "is_authenticated", False) and actor.pk else None


def sees_holder(actor, path: str) -> bool:
    """Whether the actor may be told where the record with this unit path is: when he may see
    its full ID number (members/access.py: can_see_id_number). Seeing the record is not
    enough: a committee member, who sees his branch's numbers masked, would otherwise learn
    them by trying numbers until one is "already on a member of" his branch."""
    if _user_pk(actor) is None:
        return False
    scope = scope_of(actor)
    return scope.is_superuser or bool(scope.roles_at(path) & ID_NUMBER_ROLES)


def generic_message() -> str:
    """The refusal that names nobody: the same whoever holds the number."""
    return _("This ID card number is already in the system; contact the Union level above.")


def named_refusal(
    id_number: str, *, holder: Member | None = None, proposal: AdmissionRequest | None = None
) -> str:
    """The refusal that names the branch holding the number: for those who see it."""
    if holder is not None:
        return _("The ID card number %(number)s is already on a member of %(branch)s.") % {
            "number": id_number,
            "branch": holder.branch.name,
        }
    return _("The ID card number %(number)s is already on an open proposal of %(branch)s.") % {
        "number": id_number,
        "branch": proposal.branch.name,
    }


def probing_refusal(actor) -> str | None:
    """Why the actor's new ID numbers are not looked up now (too many hits lately), or None."""
    pk = _user_pk(actor)
    wait = ratelimit.wait(duplicate_id_limit(), pk) if pk is not None else 0
    if not wait:
        return None
    minutes = max(1, -(-wait // 60))
    return ngettext(
        "Too many of the ID card numbers you entered lately are already in the system: new ID "
        "numbers are checked again in %(n)s minute. Contact the Union level above.",
        "Too many of the ID card numbers you entered lately are already in the system: new ID "
        "numbers are checked again in %(n)s minutes. Contact the Union level above.",
        minutes,
    ) % {"n": minutes}


def id_number_taken(
    *,
    actor,
    id_number: str,
    entered_unit: Unit | None,
    source: str,
    holder: Member | None = None,
    proposal: AdmissionRequest | None = None,
    entered_member: Member | None = None,
    name: str = "",
) -> str:
    """The error for `id_number`, entered in `entered_unit` (for `entered_member` when a record
    is changed, under the name `name`), which `holder` (a member record) or `proposal` (an open
    admission proposal) already holds. It names the holder's branch when the actor sees it;
    otherwise it names nothing, and the hit is counted against the actor and recorded."""
    path = holder.unit_path if holder is not None else proposal.branch.path
    if sees_holder(actor, path):
        return named_refusal(id_number, holder=holder, proposal=proposal)
    pk = _user_pk(actor)
    if pk is not None and entered_unit is not None:
        ratelimit.hit(duplicate_id_limit(), pk)
        hit = DuplicateHit(
            actor=actor,
            id_number=id_number,
            entered_unit=entered_unit,
            source=source,
            holder=holder,
            proposal=proposal,
            entered_member=entered_member if getattr(entered_member, "pk", None) else None,
            name=name or "",
        )
        pending = _PENDING.get()
        if pending is None:
            duplicate_hits_record([hit])
        else:
            pending.append(hit)
    return generic_message()


@contextmanager
def duplicate_hits_recorded() -> Iterator[None]:
    """Around a request or a job: the hits met inside are written when it ends, after the
    transaction that refused them is rolled back."""
    pending: list[DuplicateHit] = []
    token = _PENDING.set(pending)
    try:
        yield
    finally:
        _PENDING.reset(token)
        if pending:
            duplicate_hits_record(pending)


def lowest_common_unit(path: str, other: str) -> Unit | None:
    """The lowest unit whose subtree holds both paths (None when they are in separate trees)."""
    step = Unit.steplen
    length = 0
    while (
        length + step <= min(len(path), len(other))
        and path[length : length + step] == other[length : length + step]
    ):
        length += step
    if not length:
        return None
    return Unit.objects.filter(path=path[:length]).first()


@atomic
def duplicate_hits_record(hits: list[DuplicateHit]) -> list[DuplicateIdReport]:
    """Write the hits: each on the open report of its number and unit (a new one the first
    time), with an event in the audit trail of the unit that settles it."""
    reports = []
    now = timezone.now()
    for hit in hits:
        actor = hit.actor if _user_pk(hit.actor) is not None else None
        report = (
            DuplicateIdReport.objects.select_for_update()
            .filter(
                id_number=hit.id_number,
                entered_unit=hit.entered_unit,
                resolved_at__isnull=True,
            )
            .first()
        )
        if report is None:
            unit = lowest_common_unit(hit.holder_path, hit.entered_unit.path)
            report = DuplicateIdReport.objects.create(
                unit=unit,
                unit_path=unit.path if unit is not None else "",
                id_number=hit.id_number,
                holder=hit.holder,
                holder_proposal=hit.proposal,
                entered_unit=hit.entered_unit,
                entered_member=hit.entered_member,
                entered_name=hit.name[:120],
                source=hit.source,
                first_by=actor,
                first_at=now,
                last_by=actor,
                last_at=now,
            )
        else:
            report.hits += 1
            report.last_by, report.last_at = actor, now
            if hit.name:
                report.entered_name = hit.name[:120]
            report.save(update_fields=["hits", "last_by", "last_at", "entered_name"])
        audit.record(
            actor=actor,
            action="member.duplicate_id_refused",
            target=report,
            unit_path=report.unit_path,
            summary=_("ID card number %(number)s entered in %(unit)s")
            % {
                "number": mask_id_number(hit.id_number),
                "unit": hit.entered_unit.name,
            },
            changes={"source": [None, hit.source], "hits": [None, report.hits]},
        )
        reports.append(report)
    return reports


@atomic
def duplicate_report_resolve(*, actor, report: DuplicateIdReport, resolution: str):
    """A cadre of the report's unit settles it, saying how (access.can_settle_duplicates)."""
    report = DuplicateIdReport.objects.select_for_update().get(pk=report.pk)
    resolution = (resolution or "").strip()
    if report.resolved_at is not None:
        raise ValidationError(_("This report is already settled."), code="illegal_transition")
    if not resolution:
        raise ValidationError({"resolution": _("Say how the duplicate was settled.")})
    report.resolved_at, report.resolved_by, report.resolution = timezone.now(), actor, resolution
    report.save(update_fields=["resolved_at", "resolved_by", "resolution"])
    audit.record(
        actor=actor,
        action="member.duplicate_id_settled",
        target=report,
        unit_path=report.unit_path,
        summary=resolution,
    )
    return report
