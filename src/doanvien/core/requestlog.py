"""Structured logs: one JSON object a line, each carrying the request (or job) it belongs to.

`RequestLogMiddleware` gives every request an id (the proxy's `X-Request-ID` when it is a sane
one, else a new one), answers it in the `X-Request-ID` header, and writes one line per request
to the `doanvien.request` logger: time, level, request id, user id, unit, method, route, path,
status, duration. Every other line logged while the request is served carries the same request
id and user id (`JsonFormatter` reads them from the context), and a job started by the request
keeps the request id (`jobs.services.job_start`), so one id follows a user's action into the
background worker. No personal data: ids only, and the path (which carries ids, never names).
"""

import contextvars
import json
import logging
import re
import time
import uuid
from datetime import UTC, datetime

from . import metrics

# What the current request or job is: request_id, user_id, unit, job.
_context: contextvars.ContextVar[dict | None] = contextvars.ContextVar("log_context", default=None)

_SANE_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")
# Keys of the URL that name a unit, in the order they are looked for.
_UNIT_KWARGS = ("unit_id", "unit_pk", "unit")

logger = logging.getLogger("doanvien.request")


def current() -> dict:
    """The fields of the request or job under way (empty outside them)."""
    return dict(_context.get() or {})


def request_id() -> str | None:
    return (_context.get() or {}).get("request_id")


def bind(**fields) -> contextvars.Token:
    """Add `fields` to the context until `unbind(token)`."""
    return _context.set({**(_context.get() or {}), **fields})


def unbind(token: contextvars.Token) -> None:
    _context.reset(token)


def incoming_id(header: str | None) -> str:
    """The request id: the proxy's when it is a sane one (letters, digits, `._:-`, at most 64),
    else a new one."""
    if header and _SANE_ID.fullmatch(header):
        return header
    return uuid.uuid4().hex


def _unit_of(match) -> str | None:
    if match is None:
        return None
    for key in _UNIT_KWARGS:
        if key in match.kwargs:
            return str(match.kwargs[key])
    # A unit's own pages name it `pk` under /units/ (and the API's /v1/units/{id}).
    if "/units/" in match.route or match.route.startswith("units/"):
        value = match.kwargs.get("pk") or match.kwargs.get("id")
        return str(value) if value is not None else None
    return None


def _user_id(request) -> int | None:
    user = getattr(request, "user", None)
    try:
        return user.pk if user is not None and user.is_authenticated else None
    except AttributeError:
        return None


class RequestLogMiddleware:
    """Outermost: the id, the context for every line logged meanwhile, the request's own line
    and its latency in the metrics."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        rid = incoming_id(request.headers.get("X-Request-ID"))
        request.request_id = rid
        token = bind(request_id=rid)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            self.done(request, response, time.perf_counter() - started)
        finally:
            unbind(token)
        return response

    def done(self, request, response, seconds: float) -> None:
        rid = request.request_id
        response["X-Request-ID"] = rid
        match = getattr(request, "resolver_match", None)
        route = match.route if match is not None else "(unmatched)"
        metrics.request_done(route or "/", request.method, response.status_code, seconds)
        if logger.isEnabledFor(logging.INFO):
            logger.info(
                "request",
                extra={
                    "user_id": _user_id(request),
                    "unit": _unit_of(match),
                    "method": request.method,
                    "route": route,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round(seconds * 1000, 1),
                },
            )


# Attributes every LogRecord has: the rest were given with `extra=` (or are the context).
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message",
    "asctime",
    "context",
}


def install() -> None:
    """Make every log record carry the context it was made in (`record.context`), whichever
    handler formats it and whenever (core.apps.CoreConfig.ready)."""
    make = logging.getLogRecordFactory()
    if getattr(make, "carries_context", False):
        return

    def record_with_context(*args, **kwargs):
        record = make(*args, **kwargs)
        record.context = current()
        return record

    record_with_context.carries_context = True
    logging.setLogRecordFactory(record_with_context)


class JsonFormatter(logging.Formatter):
    """A log record as one JSON line: time (UTC, ISO 8601), level, logger, message, the
    request's or job's fields, the record's own extra fields, and the traceback if any."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        context = getattr(record, "context", None) or {}
        line.update((k, v) for k, v in context.items() if v is not None)
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                line[key] = value
        if record.exc_info:
            line["error"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)
