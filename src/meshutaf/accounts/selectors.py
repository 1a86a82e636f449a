"""Reads for accounts: resolving API tokens, a user's own tokens, two-factor status, signed-in
sessions, and the security log with its one permission gate."""

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from meshutaf.core.access import Role

from .models import ApiToken, SecurityEvent, User, UserSession, hash_token

# Writing last_used_at on every request would turn each API read into a write.
LAST_USED_RESOLUTION = datetime.timedelta(minutes=5)


def user_for_api_token(*, raw: str) -> User | None:
    if not raw:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(token_hash=hash_token(raw), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def api_tokens_for_user(*, user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user)


def api_token_get_for_user(*, user: User, pk: int) -> ApiToken:
    """The permission gate for tokens: a user only ever reaches their own."""
    return get_object_or_404(ApiToken, pk=pk, user=user)


# Two-factor sign-in ---------------------------------------------------------------------------

TWO_FACTOR_POLICIES = ("staff", "facilitators", "everyone", "none")


def two_factor_required(*, user: User) -> bool:
    """Whether the site's policy (TWO_FACTOR_REQUIRED_FOR) makes this user sign in with a
    second factor. "staff" covers backbone staff and administrators; "facilitators" anyone who
    facilitates an initiative."""
    policy = set(settings.TWO_FACTOR_REQUIRED_FOR)
    if not user.is_authenticated or "none" in policy:
        return False
    if "everyone" in policy:
        return True
    if "staff" in policy and (user.is_staff or user.is_superuser or user.is_backbone):
        return True
    return "facilitators" in policy and user.memberships.filter(role=Role.FACILITATOR).exists()


def two_factor_enabled(*, user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def recovery_codes_left(*, user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def totp_device_pending(*, user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()


# Signed-in sessions ---------------------------------------------------------------------------


def user_sessions(*, user: User) -> QuerySet[UserSession]:
    """The user's sessions still in force (timed-out ones no longer work and are not shown)."""
    now = timezone.now()
    return UserSession.objects.filter(
        user=user,
        last_seen_at__gte=now - datetime.timedelta(minutes=settings.SESSION_IDLE_MINUTES),
        signed_in_at__gte=now - datetime.timedelta(hours=settings.SESSION_MAX_HOURS),
    )


def user_session_get_for_user(*, user: User, pk: int) -> UserSession:
    """The permission gate for sessions: a user only ever reaches their own."""
    return get_object_or_404(UserSession, pk=pk, user=user)


# The security log -----------------------------------------------------------------------------


def security_log_allowed(*, user) -> bool:
    """The permission gate for the security log: administrators (staff in Django's sense, or
    superusers) only; it names everyone's sign-ins and addresses."""
    return bool(user.is_authenticated and user.is_active and (user.is_staff or user.is_superuser))


def security_events(
    *,
    viewer,
    kind: str = "",
    account: str = "",
    since: datetime.date | None = None,
    until: datetime.date | None = None,
) -> QuerySet[SecurityEvent]:
    if not security_log_allowed(user=viewer):
        raise PermissionDenied
    events = SecurityEvent.objects.all()
    if kind:
        events = events.filter(kind=kind)
    if account:
        events = events.filter(Q(username__iexact=account) | Q(actor_name__iexact=account))
    if since:
        events = events.filter(at__date__gte=since)
    if until:
        events = events.filter(at__date__lte=until)
    return events.order_by("-at", "-pk")
