"""Accounts for members (issue 14): a branch's committee issues activation codes; a member
activates his account with his code and date of birth and gets a token.

`POST /units/{id}/activation-codes` answers the codes once (only an HMAC of each is kept).
`POST /auth/activate` is public; a wrong code or date of birth answers 400 with one message for
both, and counts against the same lockout as signing in (per code and per address: 429 with
Retry-After while waiting). `GET /me/first-login-notice` tells the member who issued the code
that opened his account; `POST` answers it, as the page does ("me", or "not-me": the account is
locked at once and his base union told)."""

import math
from datetime import date, datetime
from typing import Literal

from django.contrib.auth import user_logged_in
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from pydantic import ConfigDict

from doanvien.accounts.access import get_unit_for, require
from doanvien.accounts.services import api_token_issue
from doanvien.member_accounts.access import (
    can_issue_codes,
    can_issue_in_bulk,
    can_see_not_me_reports,
)
from doanvien.member_accounts.activation import ActivationLocked, activate, activate_url
from doanvien.member_accounts.jobs import issue_codes_start
from doanvien.member_accounts.models import NotMeReport
from doanvien.member_accounts.selectors import member_of, notice_pending
from doanvien.member_accounts.services import (
    codes_issue,
    not_me_close,
    not_me_report,
    notice_acknowledge,
)

from .errors import ApiError, conflicts_as_409
from .imports import JobCreated
from .schemas import TokenOut, error_answers

router = Router(tags=["member accounts"])


class CodesIn(Schema):
    model_config = ConfigDict(extra="forbid")

    members: list[int] | None = None


class CodeOut(Schema):
    member: int
    full_name: str
    code: str
    expires_at: datetime


class CodesOut(Schema):
    codes: list[CodeOut]


class ActivateIn(Schema):
    model_config = ConfigDict(extra="forbid")

    code: str
    date_of_birth: date
    username: str = ""
    password: str


@router.post(
    "/units/{unit_id}/activation-codes",
    response={201: CodesOut, **error_answers(400, 401, 403, 404, 413, 422)},
    summary="Issue activation codes",
)
def activation_codes_issue(request, unit_id: int, payload: CodesIn):
    """One code per member of the branch: those named in `members`, or (without it) every
    member on the roll who has no account. A member's earlier code stops working; a member who
    has an account gets a code that sets a new password. The codes are answered this once."""
    unit = get_unit_for(request.user, unit_id)
    require(can_issue_codes(request.user, unit))
    issued = codes_issue(actor=request.user, branch=unit, member_ids=payload.members)
    return Status(
        201,
        {
            "codes": [
                {
                    "member": i.member.pk,
                    "full_name": i.member.full_name,
                    "code": i.code,
                    "expires_at": i.expires_at,
                }
                for i in issued
            ]
        },
    )


@router.post(
    "/units/{unit_id}/activation-codes/job",
    response={202: JobCreated, **error_answers(401, 403, 404, 413, 422)},
    summary="Issue the activation codes of a whole subtree (background job)",
)
def activation_codes_job(request, unit_id: int):
    """A code for every member on the roll under the union who has no account, built in the
    background as the page's bulk job does: follow `GET /api/v1/jobs/{job}`; its `download`
    gives a ZIP with the slips (PDF) and the list (Excel) once it has `succeeded`. For the
    union's cadres and those above (403 for a branch, or without the right)."""
    unit = get_unit_for(request.user, unit_id)
    require(can_issue_in_bulk(request.user, unit))
    job = issue_codes_start(actor=request.user, unit=unit, activate_url=activate_url(request))
    return Status(202, {"job": job.pk})


@router.post(
    "/auth/activate",
    auth=None,
    response={201: TokenOut, **error_answers(400, 413, 422, 429)},
    summary="Activate a member account",
)
def account_activate(request, payload: ActivateIn):
    """Open the member's account with the code from his branch and his date of birth, choosing
    a user name (his member identifier if empty) and a password; answers a token. A code issued
    while he had an account sets its new password instead."""
    try:
        user = activate(
            request,
            code=payload.code,
            date_of_birth=payload.date_of_birth,
            username=payload.username,
            password=payload.password,
        )
    except ActivationLocked as locked:
        raise ApiError(
            429,
            _("Too many wrong attempts with this code or from this network. Try again later."),
            headers={"Retry-After": str(max(1, math.ceil(locked.wait.total_seconds())))},
        ) from None
    user_logged_in.send(sender=user.__class__, request=request, user=user)
    return Status(201, {"token": api_token_issue(user=user)})


class NotMeCloseIn(Schema):
    model_config = ConfigDict(extra="forbid")

    note: str = Field("", max_length=300, description="required: what was done")


class NotMeClosedOut(Schema):
    id: int
    closed_at: datetime
    note: str


@router.post(
    "/not-me-reports/{not_me_id}/close",
    response={200: NotMeClosedOut, **error_answers(400, 401, 403, 404, 409, 413, 422)},
    summary="Close a 'this was not me' report",
)
def not_me_report_close(request, not_me_id: int, payload: NotMeCloseIn):
    """A cadre who sees the unit's reports records what was done (400 without a note; 409 if
    it is closed already)."""
    report = get_object_or_404(NotMeReport.objects.select_related("member"), pk=not_me_id)
    unit = get_unit_for(request.user, report.unit_id)
    require(can_see_not_me_reports(request.user, unit))
    with conflicts_as_409({"illegal_transition"}):
        report = not_me_close(actor=request.user, report=report, note=payload.note)
    return {"id": report.pk, "closed_at": report.closed_at, "note": report.note}


# --- The member's first log-in notice ----------------------------------------------------------


class NoticeOut(Schema):
    pending: bool = Field(description="a notice waits for his answer")
    issued_by: str | None = Field(None, description="who issued the code (name), if known")
    issued_at: datetime | None = None
    used_at: datetime | None = None
    locked: bool = Field(False, description="he answered 'not-me': the account is locked")


class NoticeAnswerIn(Schema):
    model_config = ConfigDict(extra="forbid")

    answer: Literal["me", "not-me"] = Field(
        description="me: it was him who used the code; not-me: lock the account at once"
    )


def _notice_member(request):
    """The caller's own record on the roll (404 for an account that is not a member's)."""
    if member_of(request.user) is None:
        raise Http404
    return notice_pending(request.user)


def _notice_out(code, *, locked: bool = False) -> dict:
    if code is None:
        return {"pending": False, "locked": locked}
    by = code.issued_by
    return {
        "pending": True,
        "issued_by": (by.full_name or by.username) if by else None,
        "issued_at": code.issued_at,
        "used_at": code.used_at,
    }


@router.get(
    "/me/first-login-notice",
    response={200: NoticeOut, **error_answers(401, 404)},
    summary="The first log-in notice",
)
def first_login_notice(request):
    """Who issued the code that opened (or reset) the member's account, and when it was used,
    while he has not answered (`pending`). 404 for an account that is not a member's."""
    return _notice_out(_notice_member(request))


@router.post(
    "/me/first-login-notice",
    response={200: NoticeOut, **error_answers(400, 401, 404, 409, 413, 422)},
    summary="Answer the first log-in notice",
)
def first_login_notice_answer(request, payload: NoticeAnswerIn):
    """`me`: it was him, the notice is closed. `not-me`: the account is locked at once (every
    session and token ended, this one too) and an item goes on his base union's list; his
    branch gives him a new code. 409 when no notice waits."""
    code = _notice_member(request)
    if code is None:
        raise ApiError(409, _("No notice waits for your answer."))
    if payload.answer == "not-me":
        not_me_report(user=request.user, code=code)
        return _notice_out(None, locked=True)
    notice_acknowledge(user=request.user, code=code)
    return _notice_out(None)
