"""Sign-in: a user name and password give a bearer token; every other call sends it."""

from axes.helpers import get_cool_off
from django.contrib.auth import authenticate, user_logged_in
from django.utils.translation import gettext as _
from ninja import Router
from ninja.security import HttpBearer

from doanvien.accounts.services import api_token_issue, api_token_user

from .errors import ApiError
from .schemas import ErrorOut, TokenIn, TokenOut


class BearerToken(HttpBearer):
    """`Authorization: Bearer <token>`; the token's user becomes `request.user`."""

    def authenticate(self, request, token: str):
        if not token:
            return None
        user = api_token_user(token)
        if user is not None:
            request.user = user
        return user


router = Router(tags=["auth"])


def _locked_out_error(request) -> ApiError:
    # django-axes flags the request so that its middleware answers with the HTML lockout page;
    # the API answers in JSON instead.
    request.axes_locked_out = False
    headers = {}
    cool_off = get_cool_off(request)
    if cool_off:
        headers["Retry-After"] = str(int(cool_off.total_seconds()))
    return ApiError(
        429,
        _("Too many failed sign-in attempts: this account is locked for a while. Try again later."),
        headers=headers,
    )


@router.post(
    "/token",
    auth=None,
    response={200: TokenOut, 401: ErrorOut, 422: ErrorOut, 429: ErrorOut},
    summary="Get a bearer token",
)
def token_issue(request, payload: TokenIn):
    """Exchange a user name and password for a token valid for API_TOKEN_DAYS days. Repeated
    failures lock the account for a while (429)."""
    user = authenticate(request, username=payload.username, password=payload.password)
    if user is None:
        if getattr(request, "axes_locked_out", False):
            raise _locked_out_error(request)
        raise ApiError(401, _("Wrong user name or password."))
    # A sign-in without a session: the signal lets django-axes clear the failures and Django
    # record the time of the last sign-in, as `login()` would.
    user_logged_in.send(sender=user.__class__, request=request, user=user)
    return {"token": api_token_issue(user=user)}
