"""Install and offline reading: the web app manifest and the service worker, served from the
site's root so the worker's scope is the whole site. The worker keeps a copy of the pages the
server marks as the signed-in member's own (middleware.OfflineCopyMiddleware) and shows them,
marked with the time they were saved, when the server cannot be reached; a form sent without a
connection is answered by the worker saying that nothing was sent."""

from django.http import JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

# The files a page needs to be drawn without the server, kept when the worker is installed.
SHELL = (
    "css/app.css",
    "css/training.css",
    "css/print.css",
    "js/app.js",
    "vendor/htmx.min.js",
    "icons/icon.svg",
    "icons/icon-192.png",
    "icons/icon-512.png",
)


@require_GET
def manifest(request):
    data = {
        "name": _("Union member records"),
        "short_name": _("Union members"),
        "description": _("Your Union record, card and training programme, also offline."),
        "lang": request.LANGUAGE_CODE,
        "start_url": reverse("home"),
        "scope": "/",
        "display": "standalone",
        "background_color": "#f4f6f9",
        "theme_color": "#0b5cad",
        "icons": [
            {"src": static("icons/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("icons/icon-512.png"), "sizes": "512x512", "type": "image/png"},
            {
                "src": static("icons/icon-512.png"),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            },
            {"src": static("icons/icon.svg"), "sizes": "any", "type": "image/svg+xml"},
        ],
    }
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/manifest+json"
    return response


@require_GET
def service_worker(request):
    context = {
        "shell": [static(path) for path in SHELL],
        "static_prefix": static(""),
        "logout": reverse("logout"),
    }
    response = render(
        request, "profiles/sw.js", context, content_type="text/javascript; charset=utf-8"
    )
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-cache"
    return response
