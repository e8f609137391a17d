"""Around every request (web pages and API alike): an ID number refused because a record out of
the user's sight holds it is recorded once the request's work is over, after the transaction
that refused it is rolled back (services/duplicates.py)."""

from .services.duplicates import duplicate_hits_recorded


class DuplicateIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with duplicate_hits_recorded():
            return self.get_response(request)
