import logging

from django.conf import settings
from django.http import JsonResponse
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.utils import translation
from django.utils.translation import gettext as _

from .spreadsheets.reading import max_bytes
from .transactions import BUSY_SECONDS, busy_message, retryable

logger = logging.getLogger(__name__)


class VietnameseFirstLocaleMiddleware(LocaleMiddleware):
    """Pages are in Vietnamese unless the user chose another language (the language cookie),
    whatever the browser's own language. API clients may ask with Accept-Language."""

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if chosen and translation.check_for_language(chosen):
            language = chosen
        elif request.path.startswith("/api/"):
            language = translation.get_language_from_request(request)
        else:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


class RequestSizeLimitMiddleware:
    """Refuse a request whose declared body is larger than the largest file the product reads
    (settings.MAX_REQUEST_BYTES, by default the import limit and 1 MB for the form around it),
    from its Content-Length, before any of the body is read: 413, with the documented JSON
    error under /api/ and a page elsewhere."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = getattr(settings, "MAX_REQUEST_BYTES", None) or max_bytes() + 1024 * 1024
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        # Only a method that sends a body: a GET or a DELETE declaring one is served without
        # reading it (the API documents 413 on the operations that may answer it).
        if declared <= limit or request.method not in BODY_METHODS:
            return self.get_response(request)
        message = _("The file is too large (%(size)s); the limit is %(limit)s.") % {
            "size": filesizeformat(declared),
            "limit": filesizeformat(max_bytes()),
        }
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": message, "errors": []}, status=413)
        return render(request, "413.html", {"message": message}, status=413)


class BusyDatabaseMiddleware:
    """A write that met others at the wrong moment, still refused after the transaction helper's
    retries (core/transactions.py): 503 with Retry-After and a message, never a 500 (the API
    answers its documented JSON error, api/errors.py)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not retryable(exception):
            return None
        logger.warning("busy database on %s: %s", request.path, exception)
        response = render(request, "503.html", {"message": busy_message()}, status=503)
        response["Retry-After"] = str(BUSY_SECONDS)
        return response
