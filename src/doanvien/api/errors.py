"""Every error the API answers has one JSON shape, in the user's language:

    {"detail": "...", "errors": [{"field": "...", "message": "..."}]}

`install(api)` puts the handlers on the NinjaAPI instance.
"""

import logging
import math
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.core.exceptions import (
    NON_FIELD_ERRORS,
    BadRequest,
    PermissionDenied,
    RequestDataTooBig,
    SuspiciousOperation,
)
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.paginator import EmptyPage, Page, Paginator
from django.db import OperationalError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.http import content_disposition_header
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError

from doanvien.core.pagination import OFFSET_LIMIT, BadPage, count_up_to, keyset_page
from doanvien.core.transactions import BUSY_SECONDS, busy_message, retryable

# Where ninja found a value: the first item of a pydantic error location.
_SOURCES = {"body", "query", "path", "header", "cookie", "form", "file"}
# The name every view gives its body parameter.
BODY_PARAM = "payload"

request_logger = logging.getLogger("django.request")


class TextRefused(Exception):
    """A string of the request that the text rule refuses (parser.py): where it is (a pydantic-
    like location) and why."""

    def __init__(self, loc: tuple, message: str) -> None:
        self.loc = loc
        self.message = message
        super().__init__(loc, message)


class ApiError(Exception):
    """An error answer built by an endpoint: a status, a detail and optional field errors."""

    def __init__(
        self,
        status: int,
        detail: str,
        errors: list[dict[str, str]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.status = status
        self.detail = detail
        self.errors = errors or []
        self.headers = headers or {}
        super().__init__(status, detail)


@contextmanager
def conflicts_as_409(codes: Iterable[str]) -> Iterator[None]:
    """A service's refusal whose code is one of `codes` (a refusal due to the current state,
    not to the data sent) → 409 with its message; any other refusal passes on (400)."""
    try:
        yield
    except DjangoValidationError as exc:
        if getattr(exc, "code", None) in codes:
            raise ApiError(409, " ".join(exc.messages)) from None
        raise


def field_errors(exc: DjangoValidationError) -> list[dict[str, str]]:
    """A service's refusal as the answer's `errors`: one entry a field."""
    if hasattr(exc, "error_dict"):
        items = exc.message_dict.items()
    else:
        items = [(NON_FIELD_ERRORS, exc.messages)]
    return [
        {"field": name, "message": " ".join(str(m) for m in messages)} for name, messages in items
    ]


@contextmanager
def invalid_as_422(conflicts: Iterable[str] = ()) -> Iterator[None]:
    """A service's refusal of the data sent → 422 with its fields' messages; one whose code is
    in `conflicts` (a refusal due to the current state) → 409."""
    try:
        yield
    except DjangoValidationError as exc:
        if getattr(exc, "code", None) in set(conflicts):
            raise ApiError(409, " ".join(exc.messages)) from None
        raise ApiError(422, _("Invalid data."), field_errors(exc)) from None


def error_body(detail: str, errors: list[dict[str, str]] | None = None) -> dict[str, Any]:
    return {"detail": str(detail), "errors": errors or []}


def _message_for(error: dict[str, Any]) -> str:
    """A message in the user's language for one pydantic error."""
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return _("This field is required.")
    if kind == "extra_forbidden":
        return _("This field is unknown.")
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return _("Enter a whole number.")
    if kind == "greater_than_equal":
        return _("Enter a number greater than or equal to %(min)s.") % {"min": ctx.get("ge")}
    if kind == "less_than_equal":
        return _("Enter a number less than or equal to %(max)s.") % {"max": ctx.get("le")}
    if kind in ("string_type", "string_unicode"):
        return _("Enter text.")
    if kind in ("bool_type", "bool_parsing"):
        return _("Enter true or false.")
    if kind in ("literal_error", "enum"):
        return _("Choose a value from the list.")
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return _("Send a JSON object.")
    if kind in ("json_invalid", "json_type"):
        return _("The request body is not valid JSON.")
    return _("Invalid value.")


def field_name(loc: tuple | list) -> str:
    """The client's name for an error location: ("body", "payload", "phone") → "phone".

    The Python name of the body parameter is not the client's business: every view calls its
    single body parameter `payload`."""
    parts = [str(p) for p in loc]
    if parts and parts[0] in _SOURCES:
        parts = parts[1:]
    if parts and parts[0] == BODY_PARAM:
        parts = parts[1:]
    return ".".join(parts) or NON_FIELD_ERRORS


def _respond(
    api: NinjaAPI,
    request: HttpRequest,
    status: int,
    detail: str,
    errors: list[dict[str, str]] | None = None,
    headers: dict[str, str] | None = None,
) -> HttpResponse:
    response = api.create_response(request, error_body(detail, errors), status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def install(api: NinjaAPI) -> None:
    """Replace ninja's default error answers with ours."""

    @api.exception_handler(NinjaValidationError)
    def ninja_validation_error(request, exc: NinjaValidationError):
        errors: list[dict[str, str]] = []
        seen: set[str] = set()
        for error in exc.errors:
            name = field_name(error.get("loc", ()))
            if name in seen:  # one entry per field: the first problem found
                continue
            seen.add(name)
            errors.append({"field": name, "message": _message_for(error)})
        return _respond(api, request, 422, _("Invalid data."), errors)

    @api.exception_handler(DjangoValidationError)
    def django_validation_error(request, exc: DjangoValidationError):
        if hasattr(exc, "error_dict"):
            items = exc.message_dict.items()
        else:
            items = [(NON_FIELD_ERRORS, exc.messages)]
        errors = [
            {"field": name, "message": " ".join(str(m) for m in messages)}
            for name, messages in items
        ]
        return _respond(api, request, 400, _("Invalid data."), errors)

    @api.exception_handler(Http404)
    def not_found(request, exc: Http404):
        return _respond(api, request, 404, _("Not found."))

    @api.exception_handler(PermissionDenied)
    def permission_denied(request, exc: PermissionDenied):
        return _respond(api, request, 403, _("You are not allowed to do this."))

    @api.exception_handler(AuthenticationError)
    def authentication_error(request, exc: AuthenticationError):
        return _respond(
            api,
            request,
            401,
            _("Sign in first: send a valid token in the header Authorization: Bearer <token>."),
            headers={"WWW-Authenticate": "Bearer"},
        )

    @api.exception_handler(Throttled)
    def throttled(request, exc: Throttled):
        headers = {"Retry-After": str(exc.wait)} if exc.wait else {}
        return _respond(
            api, request, 429, _("Too many requests: try again later."), headers=headers
        )

    @api.exception_handler(RequestDataTooBig)
    def body_too_large(request, exc: RequestDataTooBig):
        """A body beyond settings.DATA_UPLOAD_MAX_MEMORY_SIZE (a JSON body, or a form's fields
        besides its file): refused, like a declared size beyond the middleware's limit."""
        return _respond(api, request, 413, _("The request body is too large."))

    @api.exception_handler(MultiPartParserError)
    @api.exception_handler(SuspiciousOperation)
    @api.exception_handler(BadRequest)
    def unreadable_body(request, exc: Exception):
        """A body that cannot be read as what its Content-Type says (a multipart body without a
        boundary, too many fields...): the client's fault, answered 400 as Django would."""
        if isinstance(exc, SuspiciousOperation):
            security_logger = logging.getLogger(f"django.security.{exc.__class__.__name__}")
            security_logger.error(str(exc), extra={"status_code": 400, "request": request})
        return _respond(api, request, 400, _("The request body cannot be read."))

    @api.exception_handler(TextRefused)
    def text_refused(request, exc: TextRefused):
        errors = [{"field": field_name(exc.loc), "message": capfirst(exc.message)}]
        return _respond(api, request, 422, _("Invalid data."), errors)

    @api.exception_handler(HttpError)
    def http_error(request, exc: HttpError):
        if isinstance(exc.__cause__, TextRefused):  # refused while the body was read
            return text_refused(request, exc.__cause__)
        # ninja raises HttpError(400, "Cannot parse request body") for a body that is not JSON.
        if exc.status_code == 400 and str(exc).startswith("Cannot parse request body"):
            detail = _("The request body is not valid JSON.")
        else:
            detail = str(exc)
        return _respond(api, request, exc.status_code, detail)

    @api.exception_handler(ApiError)
    def api_error(request, exc: ApiError):
        return _respond(api, request, exc.status, exc.detail, exc.errors, exc.headers)

    @api.exception_handler(OperationalError)
    def database_busy(request, exc: OperationalError):
        """A write that met others at the wrong moment, still refused after the retries of the
        services' transactions: 503 with Retry-After; any other database fault is a 500."""
        if retryable(exc):
            request_logger.warning("Busy database: %s: %s", request.path, exc)
            return _respond(
                api, request, 503, busy_message(), headers={"Retry-After": str(BUSY_SECONDS)}
            )
        return server_error(request, exc)

    @api.exception_handler(Exception)
    def server_error(request, exc: Exception):
        """Anything else is a fault of ours: logged like Django logs a 500 (with the traceback,
        for the administrators), answered with the documented JSON error, never a page."""
        if settings.DEBUG:
            raise exc
        request_logger.error(
            "Internal Server Error: %s",
            request.path,
            exc_info=exc,
            extra={"status_code": 500, "request": request},
        )
        return _respond(
            api,
            request,
            500,
            _("Something went wrong on the server. The error is recorded; try again later."),
        )


def page_of(rows, number: int) -> tuple[Paginator, Page]:
    """A page of PAGE_SIZE rows; a page after the last is the documented 404 naming `page`."""
    paginator = Paginator(rows, settings.PAGE_SIZE)
    try:
        return paginator, paginator.page(number)
    except EmptyPage:
        raise ApiError(
            404,
            _("Not found."),
            [
                {
                    "field": "page",
                    "message": _("There is no page %(page)s: the last page is %(pages)s.")
                    % {"page": number, "pages": paginator.num_pages},
                }
            ],
        ) from None


def keyset_page_of(rows, *, keys: tuple[str, ...], page: int, cursor: str, count=None):
    """core.pagination.keyset_page with the documented errors: 404 naming `page` after the last
    page, 422 naming `page` for a number past the pages reached by number, 422 naming `cursor`
    for a cursor the API did not give."""
    try:
        return keyset_page(rows, keys=keys, page=page, cursor=cursor, count=count)
    except BadPage as e:
        if e.reason == "missing":
            # The rows end before this page, within the first OFFSET_LIMIT: cheap to count.
            pages = max(1, math.ceil((count_up_to(rows) or 0) / settings.PAGE_SIZE))
            raise ApiError(
                404,
                _("Not found."),
                [
                    {
                        "field": "page",
                        "message": _("There is no page %(page)s: the last page is %(pages)s.")
                        % {"page": page, "pages": pages},
                    }
                ],
            ) from None
        if e.reason == "too_far":
            message = _(
                "Pages after page %(last)s are reached by following `next` from the page "
                "before them."
            ) % {"last": OFFSET_LIMIT // settings.PAGE_SIZE}
        else:
            message = _("This cursor was not given by the API: use a page's `next` or `previous`.")
        raise ApiError(422, message, [{"field": e.field, "message": message}]) from None


# --- files ----------------------------------------------------------------------------------


def binary_answer(content_type: str, description: str) -> dict:
    """The OpenAPI description of an operation that answers a file (its `openapi_extra`)."""
    return {
        "responses": {
            200: {
                "description": description,
                "content": {content_type: {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    }


def file_answer(content: bytes, content_type: str, name: str) -> HttpResponse:
    """A file to download, named `name`."""
    return HttpResponse(
        content,
        content_type=content_type,
        headers={"Content-Disposition": content_disposition_header(True, name)},
    )
