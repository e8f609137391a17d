from django.conf import settings
from django.http import JsonResponse
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.utils import translation
from django.utils.translation import gettext as _

from .spreadsheets.reading import max_bytes


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
