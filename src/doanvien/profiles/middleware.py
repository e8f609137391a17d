"""Marks the pages a member may keep on his phone: a page about his own record (any page whose
URL names his member id: record, card, change request, training), seen by himself. The service
worker (views/offline.py) keeps only pages so marked, so a secretary's phone never keeps other
members' records."""

from doanvien.accounts.access import scope_of

HEADER = "X-Offline-Copy"


class OfflineCopyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        if (
            request.method == "GET"
            and response.status_code == 200
            and response.get("Content-Type", "").startswith("text/html")
            and match is not None
            and "member_id" in match.kwargs
            and not request.headers.get("HX-Request")
        ):
            own = scope_of(request.user).member_id
            if own is not None and str(own) == str(match.kwargs["member_id"]):
                response[HEADER] = "own"
                response["Cache-Control"] = "private, no-cache"
        return response
