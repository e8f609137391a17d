"""Roles and invitations through the API, and the member lifecycle's acts (removal, maturing
out, reinstatement, honorary membership) and a unit's transfers: each calls the service or
action the pages call (accounts/views.py, members/views/lifecycle.py, members/views/transfers.py)
with the same checks: 404 outside the caller's units, 403 without the right."""

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import ConfigDict, Field

from doanvien.accounts.access import get_unit_for, grantable_roles, require
from doanvien.accounts.models import RoleGrant, User
from doanvien.accounts.services import role_grant, role_revoke, user_invite
from doanvien.actions.members import member_mature_out, member_reinstate, member_remove
from doanvien.members.access import (
    can_decide_age_limit,
    can_edit_members,
    can_settle_duplicates,
    get_duplicate_report_for,
    get_member_for,
)
from doanvien.members.models import Transfer
from doanvien.members.selectors import incoming_transfers, outgoing_transfers
from doanvien.members.services.duplicates import duplicate_report_resolve
from doanvien.members.services.lifecycle import (
    member_continuation_set,
    member_honorary_set,
    member_keep,
)

from .errors import ApiError, conflicts_as_409
from .schemas import error_answers
from .transfers import TransferOut, transfer_out

router = Router(tags=["roles and lifecycle"])
ERRORS = error_answers(400, 401, 403, 404, 413, 422)
# A member's recorded acts: refused for his state (off the roll, already so) → 409.
STATE_ERRORS = error_answers(400, 401, 403, 404, 409, 413, 422)
TRANSFERS_LIMIT = 200


def _required(payload: Schema, *names: str) -> None:
    """422 naming each required field the body lacks (checked after access)."""
    missing = [n for n in names if getattr(payload, n) in (None, "")]
    if missing:
        raise ApiError(
            422,
            _("Invalid data."),
            [{"field": n, "message": _("This field is required.")} for n in missing],
        )


# --- roles and invitations ------------------------------------------------------------------


class RoleUserOut(Schema):
    id: int
    username: str
    full_name: str


class RoleGrantOut(Schema):
    id: int
    role: str
    user: RoleUserOut


class RoleGrantIn(Schema):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"required": ["user", "role"]})

    user: int | str | None = Field(None, description="the user's id or user name")
    role: str = Field("", max_length=30)


class InvitationIn(Schema):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"required": ["full_name", "email", "role"]}
    )

    full_name: str = Field("", max_length=120)
    email: str = Field("", max_length=254)
    role: str = Field("", max_length=30)
    username: str = Field("", max_length=150, description="default: the e-mail address")


class IdOut(Schema):
    id: int


def grant_out(grant: RoleGrant) -> dict:
    user = grant.user
    return {
        "id": grant.pk,
        "role": grant.role,
        "user": {"id": user.pk, "username": user.username, "full_name": user.full_name},
    }


@router.get("/units/{unit_id}/roles", response={200: list[RoleGrantOut], **ERRORS}, summary="Roles")
def unit_roles(request, unit_id: int):
    """Who holds a role on the unit (as the unit's page lists them)."""
    unit = get_unit_for(request.user, unit_id)
    grants = RoleGrant.objects.filter(unit=unit).select_related("user").order_by("role", "pk")
    return [grant_out(g) for g in grants]


@router.post(
    "/units/{unit_id}/roles", response={201: RoleGrantOut, **ERRORS}, summary="Grant a role"
)
def unit_role_grant(request, unit_id: int, payload: RoleGrantIn):
    """Grant a role on the unit to an active user (accounts.services.role_grant): the roles the
    caller may grant there (cadres below them; a branch secretary her deputies)."""
    unit = get_unit_for(request.user, unit_id)
    roles = grantable_roles(request.user, unit)
    require(bool(roles))
    _required(payload, "user", "role")
    if payload.role not in roles:
        raise ValidationError({"role": _("You may not grant this role here.")})
    users = User.objects.filter(is_active=True)
    if isinstance(payload.user, int):
        user = users.filter(pk=payload.user).first()
    else:
        user = users.filter(username=str(payload.user).strip().lower()).first()
    if user is None:
        raise ValidationError({"user": _("There is no active user with this name or id.")})
    role_grant(actor=request.user, user=user, unit=unit, role=payload.role)
    grant = RoleGrant.objects.select_related("user").get(user=user, unit=unit, role=payload.role)
    return Status(201, grant_out(grant))


@router.delete("/roles/{grant_id}", response={204: None, **ERRORS}, summary="Revoke a role")
def role_delete(request, grant_id: int):
    grant = get_object_or_404(RoleGrant.objects.select_related("unit", "user"), pk=grant_id)
    unit = get_unit_for(request.user, grant.unit_id)
    require(grant.role in grantable_roles(request.user, unit))
    role_revoke(actor=request.user, grant=grant)
    return Status(204, None)


@router.post(
    "/units/{unit_id}/invitations",
    response={201: IdOut, **ERRORS},
    summary="Invite a person with a role",
)
def unit_invitation(request, unit_id: int, payload: InvitationIn):
    """Create an account with a role on the unit and e-mail its owner the link to set a
    password (accounts.services.user_invite): the caller never sees the link."""
    unit = get_unit_for(request.user, unit_id)
    roles = grantable_roles(request.user, unit)
    require(bool(roles))
    _required(payload, "full_name", "email", "role")
    if payload.role not in roles:
        raise ValidationError({"role": _("You may not grant this role here.")})
    user = user_invite(
        actor=request.user,
        username=payload.username or payload.email,
        full_name=payload.full_name,
        email=payload.email,
        unit=unit,
        role=payload.role,
        site_url=request.build_absolute_uri("/"),
    )
    return Status(201, {"id": user.pk})


# --- the member lifecycle -----------------------------------------------------------------


class LeaveIn(Schema):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"required": ["reason", "on"]})

    reason: str = Field("", max_length=500)
    on: date | None = None
    expelled: bool = False


class MatureOutIn(Schema):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"required": ["on"]})

    on: date | None = None
    reason: str = Field("", max_length=500)


class LifecycleReasonIn(Schema):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"required": ["reason"]})

    reason: str = Field("", max_length=500)


class LifecycleHonoraryIn(LifecycleReasonIn):
    honorary: bool = True


class MemberStateOut(Schema):
    id: int
    status: str
    honorary: bool


def _member(request, member_id: int):
    member = get_member_for(request.user, member_id)
    require(can_edit_members(request.user, member.branch))
    return member


def _state(member) -> dict:
    member.refresh_from_db()
    return {"id": member.pk, "status": member.status, "honorary": member.honorary}


@router.post(
    "/members/{member_id}/remove",
    response={200: MemberStateOut, **STATE_ERRORS},
    summary="Remove a member from the roll",
)
def member_remove_api(request, member_id: int, payload: LeaveIn):
    """Removal (or expulsion, `expelled`) on a date with its reason (actions.members)."""
    member = _member(request, member_id)
    _required(payload, "reason", "on")
    with conflicts_as_409({"illegal_transition"}):
        member_remove(
            actor=request.user,
            member=member,
            on=payload.on,
            reason=payload.reason,
            expelled=payload.expelled,
        )
    return _state(member)


@router.post(
    "/members/{member_id}/mature-out",
    response={200: MemberStateOut, **STATE_ERRORS},
    summary="Mature a member out",
)
def member_mature_out_api(request, member_id: int, payload: MatureOutIn):
    member = _member(request, member_id)
    _required(payload, "on")
    with conflicts_as_409({"illegal_transition"}):
        member_mature_out(actor=request.user, member=member, on=payload.on, reason=payload.reason)
    return _state(member)


@router.post(
    "/members/{member_id}/reinstate",
    response={200: MemberStateOut, **STATE_ERRORS},
    summary="Bring a member back on the roll",
)
def member_reinstate_api(request, member_id: int, payload: LifecycleReasonIn):
    """The recorded correction of a removal or maturing out, with its reason."""
    member = _member(request, member_id)
    _required(payload, "reason")
    with conflicts_as_409({"illegal_transition"}):
        member_reinstate(actor=request.user, member=member, reason=payload.reason)
    return _state(member)


@router.post(
    "/members/{member_id}/honorary",
    response={200: MemberStateOut, **STATE_ERRORS},
    summary="Honorary membership",
)
def member_honorary_api(request, member_id: int, payload: LifecycleHonoraryIn):
    """Recognise (`honorary`: true) or withdraw it, with the reason."""
    member = _member(request, member_id)
    _required(payload, "reason")
    with conflicts_as_409({"illegal_transition"}):
        member_honorary_set(
            actor=request.user, member=member, honorary=payload.honorary, reason=payload.reason
        )
    return _state(member)


class KeepIn(Schema):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"required": ["reason"]})

    until: date | None = Field(None, description="kept until this day; null ends the decision")
    reason: str = Field("", max_length=255, description="the branch's decision")


class ContinuationIn(Schema):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"required": ["reason"]})

    kind: str = Field("", description="elected or full_time; empty withdraws it")
    reason: str = Field("", max_length=255)


class AgeLimitOut(MemberStateOut):
    kept_until: date | None
    continues_as: str


def _age_limit_member(request, member_id: int):
    member = get_member_for(request.user, member_id)
    require(can_decide_age_limit(request.user, member))
    return member


def _age_limit_state(member) -> dict:
    return {**_state(member), "kept_until": member.kept_until, "continues_as": member.continues_as}


@router.post(
    "/members/{member_id}/keep",
    response={200: AgeLimitOut, **STATE_ERRORS},
    summary="Keep a member past the age limit",
)
def member_keep_api(request, member_id: int, payload: KeepIn):
    """The branch's decision to keep the member until `until` (at most the end of the age his
    branch's rules allow), or to end it (`until` null), with the reason."""
    member = _age_limit_member(request, member_id)
    _required(payload, "reason")
    with conflicts_as_409({"illegal_transition"}):
        member_keep(actor=request.user, member=member, until=payload.until, reason=payload.reason)
    return _age_limit_state(member)


@router.post(
    "/members/{member_id}/continuation",
    response={200: AgeLimitOut, **STATE_ERRORS},
    summary="A member continues past the age limit as a cadre",
)
def member_continuation_api(request, member_id: int, payload: ContinuationIn):
    """He continues as an elected (`elected`) or full-time (`full_time`) Union cadre, or that is
    withdrawn (`kind` empty), with the reason."""
    member = _age_limit_member(request, member_id)
    _required(payload, "reason")
    with conflicts_as_409({"illegal_transition"}):
        member_continuation_set(
            actor=request.user, member=member, kind=payload.kind, reason=payload.reason
        )
    return _age_limit_state(member)


# --- duplicate ID numbers ---------------------------------------------------------------------


class DuplicateSettleIn(Schema):
    model_config = ConfigDict(extra="forbid")

    resolution: str = Field("", description="required: how the duplicate was settled")


class DuplicateSettledOut(Schema):
    id: int
    resolved_at: datetime
    resolution: str


@router.post(
    "/duplicate-ids/{report_id}/resolve",
    response={200: DuplicateSettledOut, **error_answers(400, 401, 403, 404, 409, 413, 422)},
    summary="Settle a duplicate ID-number report",
)
def duplicate_settle(request, report_id: int, payload: DuplicateSettleIn):
    """A cadre of the report's unit, or above it, says how it was settled (409 if it is settled
    already)."""
    report = get_duplicate_report_for(request.user, report_id)
    require(report.unit is not None and can_settle_duplicates(request.user, report.unit))
    with conflicts_as_409({"illegal_transition"}):
        report = duplicate_report_resolve(
            actor=request.user, report=report, resolution=payload.resolution
        )
    return {"id": report.pk, "resolved_at": report.resolved_at, "resolution": report.resolution}


# --- a unit's transfers -------------------------------------------------------------------


class TransfersQuery(Schema):
    direction: str = Field("in", pattern="^(in|out)$")
    state: str = Field("open", pattern="^(open|all)$")


@router.get(
    "/units/{unit_id}/transfers",
    response={200: list[TransferOut], **ERRORS},
    summary="Transfers into or out of a unit",
)
def unit_transfers(request, unit_id: int, query: Query[TransfersQuery]):
    """Requests into the unit's subtree (`direction=in`) or out of its branches (`out`), the
    open ones (`state=open`) or all, newest first, at most 200 (the page's lists)."""
    unit = get_unit_for(request.user, unit_id)
    pick = incoming_transfers if query.direction == "in" else outgoing_transfers
    transfers = pick(request.user, unit)
    if query.state == "open":
        transfers = transfers.filter(state=Transfer.State.REQUESTED)
    return [transfer_out(t) for t in transfers.order_by("-requested_at", "-pk")[:TRANSFERS_LIMIT]]
