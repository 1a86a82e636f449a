"""Refuse requests carrying NUL characters before they reach a view.

PostgreSQL cannot store U+0000 in text and SQLite stores it silently; either way it is never
meaningful input. Checked here once, for forms, query strings and JSON bodies alike.
"""

from urllib.parse import unquote_to_bytes

from django.http import HttpResponse, HttpResponseBadRequest, JsonResponse
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


class RequestSizeLimitMiddleware:
    """Refuse a request whose declared body is larger than the largest any form of the site
    takes, before any of it is read: Django would otherwise spool a file of any size to disk.
    The largest are a document (MESHUTAF_MAX_UPLOAD_MB) and a Pol.is import (two files of the
    importers' limit); each form then holds its own file to its own, smaller limit. A reverse
    proxy should set the same limit."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.conf import settings
        from django.utils import translation

        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        from .uploads import MAX_UPLOAD_BYTES

        limit_mb = max(settings.MESHUTAF_MAX_UPLOAD_MB, 2 * MAX_UPLOAD_BYTES // (1024 * 1024))
        if length > (limit_mb + 1) * 1024 * 1024:
            with translation.override(translation.get_language_from_request(request)):
                message = _("The upload is too large: at most %(limit)s MB can be sent.") % {
                    "limit": limit_mb
                }
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": message}, status=413)
            return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
