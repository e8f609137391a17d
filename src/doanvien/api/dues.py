"""Dues (đoàn phí): a branch takes its members' payments, every unit reads its ledger, sends
its third to the level above, which confirms it. The unit, member or remittance is resolved in
the user's scope first (404 outside it), then the dues access rules (403), then the service. A
payment whose amount breaks the rate rule answers 400 naming the rule; a move the remittance
workflow does not allow answers 409."""

from datetime import date

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import ConfigDict

from doanvien.accounts.access import get_unit_for, require
from doanvien.dues import services
from doanvien.dues.access import (
    can_confirm,
    can_send_for,
    can_take_dues,
    exempting_unit,
    get_remittance_for,
)
from doanvien.dues.models import Payment
from doanvien.dues.removal import removal_candidates
from doanvien.dues.rules import month_label
from doanvien.dues.selectors import branch_members, ledger_of
from doanvien.members.access import get_member_for
from doanvien.members.models import Member

from .errors import ApiError
from .schemas import PROGRAMME_YEAR, error_answers
from .training import conflicts

router = Router(tags=["dues"])

ERRORS = error_answers(400, 401, 403, 404, 409, 413, 422)


class PaymentIn(Schema):
    model_config = ConfigDict(extra="forbid")

    member: int | None = None
    months: list[str] = []
    amount: int | None = None
    received_on: date | None = None


class PaymentOut(Schema):
    id: int
    receipt_no: str
    amount: int
    state: str


class CancelIn(Schema):
    model_config = ConfigDict(extra="forbid")

    reason: str = ""


class ExemptionIn(Schema):
    model_config = ConfigDict(extra="forbid")

    first_month: str = ""
    months: int | None = None
    reason: str = ""


class CreatedOut(Schema):
    id: int


class RemittanceIn(Schema):
    model_config = ConfigDict(extra="forbid")

    period: str = ""
    amount: int | None = None
    note: str = ""


class RemittanceOut(Schema):
    id: int
    period: str
    amount: int
    state: str
    from_unit: int
    to_unit: int


class MemberDuesOut(Schema):
    member: int
    full_name: str
    months_paid: list[str]
    months_exempt: list[str]
    months_owed: list[str]


class FiguresOut(Schema):
    collected: int
    kept: int
    due_up: int
    sent: int
    confirmed: int
    outstanding: int


class PeriodOut(FiguresOut):
    period: str


class ChildOut(FiguresOut):
    unit: int
    name: str


class LedgerOut(FiguresOut):
    unit: int
    year: int
    received: int
    periods: list[PeriodOut]
    children: list[ChildOut]
    members: list[MemberDuesOut]


def _required(field: str) -> ApiError:
    return ApiError(
        400, _("Invalid data."), [{"field": field, "message": _("This field is required.")}]
    )


def _amount_refused(exc: ValidationError) -> None:
    """A broken rule answers 400 with the rule's message as its detail (and the field)."""
    errors = getattr(exc, "error_dict", None) or {}
    if "amount" in errors or "period" in errors or "months" in errors:
        field = next(f for f in ("amount", "period", "months") if f in errors)
        message = " ".join(errors[field][0].messages)
        raise ApiError(400, message, [{"field": field, "message": message}]) from None
    raise exc


def _remittance_out(r) -> dict:
    return {
        "id": r.pk,
        "period": r.period,
        "amount": r.amount,
        "state": r.state,
        "from_unit": r.from_unit_id,
        "to_unit": r.to_unit_id,
    }


@router.post(
    "/units/{unit_id}/dues/payments",
    response={201: PaymentOut, **ERRORS},
    summary="Record a dues payment",
)
def payment_record(request, unit_id: int, payload: PaymentIn):
    """A member of the branch paid for `months` (YYYY-MM); `amount` in đồng must be the rate
    of his category × the months (overseas: at least that). 201 with the receipt number."""
    branch = get_unit_for(request.user, unit_id)
    require(can_take_dues(request.user, branch))
    if payload.member is None:
        raise _required("member")
    if payload.amount is None:
        raise _required("amount")
    member = Member.objects.filter(pk=payload.member, branch=branch).select_related("branch")
    member = member.first()
    if member is None:
        raise ApiError(
            400,
            _("Invalid data."),
            [{"field": "member", "message": _("This person is not a member of the branch.")}],
        )
    try:
        payment = services.payment_record(
            actor=request.user,
            branch=branch,
            member=member,
            months=payload.months,
            amount=payload.amount,
            received_on=payload.received_on,
        )
    except ValidationError as exc:
        _amount_refused(exc)
    return Status(
        201,
        {
            "id": payment.pk,
            "receipt_no": payment.receipt_no,
            "amount": payment.amount,
            "state": payment.state,
        },
    )


@router.post(
    "/dues/payments/{payment_id}/cancel",
    response={200: PaymentOut, **ERRORS},
    summary="Cancel a dues payment",
)
def payment_cancel(request, payment_id: int, payload: CancelIn):
    """Cancel with a reason (required): the payment stays on record, its months are owed
    again."""
    payment = Payment.objects.filter(pk=payment_id).select_related("unit").first()
    if payment is None:
        raise Http404
    branch = get_unit_for(request.user, payment.unit_id)
    require(can_take_dues(request.user, branch))
    with conflicts():
        payment = services.payment_cancel(
            actor=request.user, payment=payment, reason=payload.reason
        )
    return {
        "id": payment.pk,
        "receipt_no": payment.receipt_no,
        "amount": payment.amount,
        "state": payment.state,
    }


@router.post(
    "/members/{member_id}/dues/exemptions",
    response={201: CreatedOut, **ERRORS},
    summary="Exempt a member from dues",
)
def exemption_grant(request, member_id: int, payload: ExemptionIn):
    """The base union (or a level above) exempts a member in hardship from `first_month`
    (YYYY-MM) for `months` (1 to 6), with a reason."""
    member = get_member_for(request.user, member_id)
    unit = exempting_unit(request.user, member.branch)
    require(unit is not None)
    exemption = services.exemption_grant(
        actor=request.user,
        unit=unit,
        member=member,
        first_month=payload.first_month,
        months=payload.months,
        reason=payload.reason,
    )
    return Status(201, {"id": exemption.pk})


@router.post(
    "/units/{unit_id}/dues/remittances",
    response={201: RemittanceOut, **ERRORS},
    summary="Record a remittance sent up",
)
def remittance_send(request, unit_id: int, payload: RemittanceIn):
    """The unit sent `amount` đồng to the level above for `period` ("2026-03" for a branch,
    "2026-Q1" for a base union or a district, "2026" for a province)."""
    unit = get_unit_for(request.user, unit_id)
    require(can_send_for(request.user, unit))
    if payload.amount is None:
        raise _required("amount")
    try:
        with conflicts():
            remittance = services.remittance_send(
                actor=request.user,
                unit=unit,
                period=payload.period,
                amount=payload.amount,
                note=payload.note,
            )
    except ValidationError as exc:
        _amount_refused(exc)
    return Status(201, _remittance_out(remittance))


def _decide(request, remittance_id: int, action: str, note: str = "") -> dict:
    remittance = get_remittance_for(request.user, remittance_id)
    require(can_confirm(request.user, remittance))
    with conflicts():
        remittance = services.remittance_decide(
            actor=request.user, remittance=remittance, action=action, note=note
        )
    return _remittance_out(remittance)


@router.post(
    "/dues/remittances/{remittance_id}/confirm",
    response={200: RemittanceOut, **ERRORS},
    summary="Confirm a remittance received",
)
def remittance_confirm(request, remittance_id: int):
    """The unit above confirms the money arrived (409 if it was already decided)."""
    return _decide(request, remittance_id, "confirm")


@router.post(
    "/dues/remittances/{remittance_id}/reject",
    response={200: RemittanceOut, **ERRORS},
    summary="Mark a remittance as not received",
)
def remittance_reject(request, remittance_id: int, payload: CancelIn):
    return _decide(request, remittance_id, "reject", payload.reason)


class CandidateOut(Schema):
    member: int
    full_name: str
    months_unpaid: int
    months_absent: int | None  # None until the meetings part is there


class CandidatesOut(Schema):
    items: list[CandidateOut]


@router.get(
    "/units/{unit_id}/removal-candidates/{year}",
    response={200: CandidatesOut, **ERRORS},
    summary="Removal candidates of a branch",
)
def removal_candidates_list(request, unit_id: int, year: int = PROGRAMME_YEAR):
    """Members of the branch who in the calendar year left 3 months of dues unpaid (without an
    exemption) or missed 3 months of meetings, and are not registered as working away: a list
    for the branch to decide on (its committee and the units above it)."""
    unit = get_unit_for(request.user, unit_id)
    require(unit.is_branch and can_take_dues(request.user, unit))
    return {
        "items": [
            {
                "member": c.member.pk,
                "full_name": c.member.full_name,
                "months_unpaid": c.months_unpaid,
                "months_absent": c.months_absent,
            }
            for c in removal_candidates(unit, year)
        ]
    }


# Last: its `{year}` would otherwise take the path of the remittances above.
@router.get(
    "/units/{unit_id}/dues/{year}", response={200: LedgerOut, **ERRORS}, summary="Dues ledger"
)
def dues_ledger(request, unit_id: int, year: int = PROGRAMME_YEAR):
    """The unit's ledger for the year: collected, kept, due up, sent, confirmed (by the unit
    above), outstanding (due up − confirmed), by period of its schedule and for each unit
    below; a branch also lists its members' months paid, exempted and owed."""
    unit = get_unit_for(request.user, unit_id)
    found = ledger_of(unit, year)
    members = []
    if unit.is_branch:
        members = [
            {
                "member": m.member.pk,
                "full_name": m.member.full_name,
                "months_paid": [month_label(x) for x in m.paid],
                "months_exempt": [month_label(x) for x in m.exempt],
                "months_owed": [month_label(x) for x in m.owed],
            }
            for m in branch_members(unit, year)
        ]
    return {
        "unit": unit.pk,
        "year": year,
        **found.total.as_dict(),
        "received": found.received,
        "periods": [{"period": label, **f.as_dict()} for label, f in found.periods],
        "children": [
            {"unit": kid.pk, "name": kid.name, **f.as_dict()} for kid, f in found.children
        ],
        "members": members,
    }
