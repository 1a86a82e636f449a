"""Activate the signed-in user's chosen interface language and time zone.

Runs after LocaleMiddleware (which honours the language cookie and Accept-Language) so a
saved preference wins on every device the user signs in from.
"""

import contextlib
import zoneinfo

from django.utils import timezone, translation


class UserLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.language:
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        return self.get_response(request)


class UserTimeZoneMiddleware:
    """Times on every page are read in the user's own zone when they chose one, else in the
    site's (TIME_ZONE); a time given in another zone says so (core.time_zones)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        zone = user.time_zone if user is not None and user.is_authenticated else ""
        # A thread serves many requests: the previous user's zone must never carry over.
        timezone.deactivate()
        # A zone the system no longer knows leaves the site's.
        with contextlib.suppress(zoneinfo.ZoneInfoNotFoundError, ValueError):
            if zone:
                timezone.activate(zoneinfo.ZoneInfo(zone))
        return self.get_response(request)
