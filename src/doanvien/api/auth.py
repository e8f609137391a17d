"""Sign-in: a user name and password give a bearer token; every other call sends it. A user
sees his tokens and browser sessions, revokes the token he calls with (log-out), one of his
tokens or ends one of his sessions by its id, or all of them and every session (log out
everywhere)."""

import math

from django.contrib.auth import authenticate, user_logged_in
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Router, Status
from ninja.security import HttpBearer

from doanvien.accounts.lockout import wait_for
from doanvien.accounts.services import (
    api_token_issue,
    api_token_revoke,
    api_tokens_of,
    session_end,
    sign_out_everywhere,
)
from doanvien.accounts.sessions import session_ref, sessions_of
from doanvien.accounts.tokens import api_token_resolve
from doanvien.core import replica

from .errors import ApiError
from .schemas import ErrorOut, SignInsOut, TokenIn, TokenOut


class BearerToken(HttpBearer):
    """`Authorization: Bearer <token>`; the token's user becomes `request.user`, the token
    itself `request.api_token`. The token, its user and the user's scope come from one query
    (accounts.tokens), made again on every call: a revocation or a withdrawn role holds at once."""

    def authenticate(self, request, token: str):
        if not token:
            return None
        found = api_token_resolve(token)
        if found is None:
            return None
        request.user, request.api_token = found
        replica.user_known(request.user)
        return request.user


router = Router(tags=["auth"])


def _locked_out_error(request, credentials) -> ApiError:
    # django-axes flags the request so that its middleware answers with the HTML lockout page;
    # the API answers in JSON instead.
    request.axes_locked_out = False
    seconds = max(1, math.ceil(wait_for(request, credentials).total_seconds()))
    return ApiError(
        429,
        _(
            "Too many failed sign-in attempts for this account or from this network. Try again "
            "later, or set a new password with the log-in page's “Forgot your password?”."
        ),
        headers={"Retry-After": str(seconds)},
    )


@router.post(
    "/token",
    auth=None,
    response={
        200: TokenOut,
        400: ErrorOut,
        401: ErrorOut,
        413: ErrorOut,
        422: ErrorOut,
        429: ErrorOut,
    },
    summary="Get a bearer token",
)
def token_issue(request, payload: TokenIn):
    """Exchange a user name and password for a token valid for API_TOKEN_DAYS days. Repeated
    failures make the account, or the caller's address, wait a while (429 with Retry-After)."""
    user = authenticate(request, username=payload.username, password=payload.password)
    if user is None:
        if getattr(request, "axes_locked_out", False):
            raise _locked_out_error(request, {"username": payload.username})
        raise ApiError(401, _("Wrong user name or password."))
    # A sign-in without a session: the signal lets django-axes clear the failures and Django
    # record the time of the last sign-in, as `login()` would.
    user_logged_in.send(sender=user.__class__, request=request, user=user)
    return {"token": api_token_issue(user=user)}


@router.delete("/token", response={204: None, 401: ErrorOut}, summary="Revoke this token (log out)")
def token_revoke(request):
    """The token this request is made with stops working; the user's other tokens and browser
    sessions go on."""
    api_token_revoke(user=request.user, token_id=request.api_token.pk)
    return Status(204, None)


@router.get("/sessions", response={200: SignInsOut, 401: ErrorOut}, summary="My sign-ins")
def sign_ins(request):
    """The caller's API tokens that still work and his browser sessions."""
    return {
        "tokens": [
            {
                "id": t.pk,
                "created_at": t.created_at,
                "last_used_at": t.last_used_at,
                "expires_at": t.expires_at,
                "current": t.pk == request.api_token.pk,
            }
            for t in api_tokens_of(request.user)
        ],
        "sessions": [
            {
                "id": session_ref(s.session_key),
                "user_agent": s.user_agent,
                "logged_in_at": s.logged_in_at,
                "last_seen": s.last_seen,
                "expires_at": s.expire_date,
            }
            for s in sessions_of(request.user)
        ],
    }


@router.delete(
    "/tokens/{token_id}",
    response={204: None, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Revoke one of my tokens",
)
def token_revoke_by_id(request, token_id: int):
    """One of the caller's tokens (its `id` in GET /auth/sessions) stops working, as on the
    account page; the token of this request too if it is the one named. Anyone else's token, or
    none with this id, answers 404."""
    if not api_token_revoke(user=request.user, token_id=token_id):
        raise Http404
    return Status(204, None)


@router.delete(
    "/sessions/{session_ref}",
    response={204: None, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="End one of my browser sessions",
)
def session_end_by_id(request, session_ref: str):
    """One of the caller's browser sessions (its `id` in GET /auth/sessions) ends, as on the
    account page; his tokens and other sessions go on. Anyone else's session, or none with
    this id, answers 404."""
    if not session_end(user=request.user, ref=session_ref):
        raise Http404
    return Status(204, None)


@router.delete("/sessions", response={204: None, 401: ErrorOut}, summary="Log out everywhere")
def sign_out_all(request):
    """Revoke every API token of the caller, this one included, and end his browser sessions."""
    sign_out_everywhere(user=request.user)
    return Status(204, None)
