"""Per-request account rules: the signed-in user's language and time zone, and the session
policy (timeouts, two-factor enrolment).

The language middleware runs after LocaleMiddleware (which honours the language cookie and
Accept-Language) so a saved preference wins on every device the user signs in from.
"""

import contextlib
import time
import zoneinfo

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import JsonResponse
from django.shortcuts import redirect
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from . import selectors, services
from .models import SecurityEventKind


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


# Pages a user who must still set up two-factor sign-in may open.
ENROLMENT_VIEWS = frozenset(
    {
        "accounts:two_factor",
        "accounts:two_factor_cancel",
        "accounts:logout",
        "accounts:language",
        "accounts:login",
        "accounts:login_verify",
    }
)


class SessionPolicyMiddleware:
    """Ends sessions idle for SESSION_IDLE_MINUTES or older than SESSION_MAX_HOURS, keeps the
    sessions list's "last active" current, and holds a user whose role requires two-factor
    sign-in on the set-up page until it is on.

    A session from before two-factor sign-in was turned on for its user, never verified with a
    code, is signed out: it must not outlive the change."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            ended = self._timeouts(request)
            if ended is not None:
                return ended
        return self.get_response(request)

    def _timeouts(self, request):
        session = request.session
        now = int(time.time())
        started = session.get(services.SESSION_STARTED_KEY)
        seen = session.get(services.SESSION_SEEN_KEY)
        if not isinstance(started, int) or not isinstance(seen, int):
            # Signed in before this policy existed: the clock starts now.
            session[services.SESSION_STARTED_KEY] = session[services.SESSION_SEEN_KEY] = now
            return None
        idle = now - seen > settings.SESSION_IDLE_MINUTES * 60
        if idle or now - started > settings.SESSION_MAX_HOURS * 3600:
            user = request.user
            services.security_event_record(
                kind=SecurityEventKind.SESSION_ENDED,
                user=user,
                actor=user,
                request=request,
                detail="idle" if idle else "maximum",
            )
            request.meshutaf_session_timed_out = True
            logout(request)
            if idle:
                minutes = settings.SESSION_IDLE_MINUTES
                message = ngettext(
                    "You were signed out after %(minutes)d minute without activity. "
                    "Please sign in again.",
                    "You were signed out after %(minutes)d minutes without activity. "
                    "Please sign in again.",
                    minutes,
                ) % {"minutes": minutes}
            else:
                message = _("Your session has ended. Please sign in again.")
            messages.info(request, message)
            if request.method == "GET" and not request.path.startswith("/api/"):
                return redirect_to_login(request.get_full_path())
            return None
        if now - seen >= services.SEEN_RESOLUTION_SECONDS:
            services.session_touch(request=request, now=now)
        return None

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or user.is_verified():
            return None
        match = request.resolver_match
        if match is not None and match.view_name in ENROLMENT_VIEWS:
            return None
        session = request.session
        now = int(time.time())
        checked = session.get(services.TWO_FACTOR_CHECKED_KEY)
        if isinstance(checked, int) and 0 <= now - checked < services.TWO_FACTOR_RECHECK_SECONDS:
            return None
        if selectors.two_factor_enabled(user=user):
            logout(request)
            messages.info(request, _("Sign in again with your password and a code from your app."))
            return self._refuse(request, _("Sign in again with a second factor."))
        if selectors.two_factor_required(user=user):
            if request.method == "GET" and not request.path.startswith("/api/"):
                # The set-up page says why the user is there.
                return redirect("accounts:two_factor")
            return self._refuse(request, _("Set up two-factor sign-in first."))
        session[services.TWO_FACTOR_CHECKED_KEY] = now
        return None

    def _refuse(self, request, message: str):
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": message}, status=403)
        if request.method == "GET":
            return redirect_to_login(request.get_full_path())
        return redirect("accounts:login")
