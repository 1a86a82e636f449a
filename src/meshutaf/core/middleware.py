"""Refuse requests carrying NUL characters before they reach a view.

PostgreSQL cannot store U+0000 in text and SQLite stores it silently; either way it is never
meaningful input. Checked here once, for forms, query strings and JSON bodies alike.
"""

from urllib.parse import unquote_to_bytes

from django.http import HttpResponseBadRequest, JsonResponse
from django.utils.translation import gettext as _

CHECKED_BODIES = ("application/json", "application/x-www-form-urlencoded")


def _has_nul(request) -> bool:
    if b"\x00" in unquote_to_bytes(request.META.get("QUERY_STRING", "")):
        return True
    if "\x00" in request.path:
        return True
    if request.content_type in CHECKED_BODIES:
        body = request.body
        if b"\x00" in body or b"\\u0000" in body:
            return True
        if request.content_type.endswith("urlencoded") and b"\x00" in unquote_to_bytes(body):
            return True
    return False


class RejectNullCharactersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _has_nul(request):
            message = _("The request contains a null character, which is not allowed.")
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": message}, status=400)
            return HttpResponseBadRequest(message)
        return self.get_response(request)
