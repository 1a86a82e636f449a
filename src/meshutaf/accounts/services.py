"""Writes for accounts: creating users, language preference, API tokens, two-factor sign-in,
signed-in sessions and the security log."""

import datetime as dt
import hmac
import secrets
from importlib import import_module

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from meshutaf.core.http import client_ip
from meshutaf.core.ratelimit import network_of, rate_key, rate_limit_hit
from meshutaf.core.services import model_update
from meshutaf.core.text import normalize_email

from . import selectors
from .models import ApiToken, SecurityEvent, SecurityEventKind, User, UserSession, hash_token

TOKEN_PREFIX = "msh_"  # noqa: S105 (a public marker, not a secret)


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str | None,
    email: str = "",
    first_name: str = "",
    last_name: str = "",
    is_staff: bool = False,
    is_backbone: bool = False,
    language: str = "",
) -> User:
    username = (username or "").strip()
    if not username:
        raise ValidationError({"username": _("A username is required.")})
    user_model = get_user_model()
    if user_model.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("This username is already taken.")})
    user = user_model(
        username=username,
        email=normalize_email(email),
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        is_staff=is_staff,
        is_superuser=is_staff,
        is_backbone=is_backbone or is_staff,
        language=language,
    )
    if password:
        try:
            validate_password(password, user)
        except ValidationError as error:
            raise ValidationError({"password": error.messages}) from error
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    return user


def user_set_language(*, user: User, language: str) -> User:
    user.language = language
    user.full_clean(validate_unique=False, validate_constraints=False)
    user.save(update_fields=["language"])
    return user


@transaction.atomic
def api_token_create(*, user: User, name: str, request=None) -> tuple[ApiToken, str]:
    """Create a token and return it with the raw secret, which is never stored."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the token a name so you can recognise it.")})
    if len(name) > 100:
        raise ValidationError({"name": _("The name can be at most 100 characters.")})
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name, prefix=raw[: len(TOKEN_PREFIX) + 4], token_hash=hash_token(raw)
    )
    security_event_record(
        kind=SecurityEventKind.TOKEN_CREATED, user=user, actor=user, request=request, detail=name
    )
    return token, raw


def api_token_revoke(*, token: ApiToken, request=None, actor: User | None = None) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        security_event_record(
            kind=SecurityEventKind.TOKEN_REVOKED,
            user=token.user,
            actor=actor,
            request=request,
            detail=token.name,
        )
    return token


PROFILE_FIELDS = ("first_name", "last_name", "email", "language", "time_zone", "hebrew_dates")


@transaction.atomic
def user_update_profile(*, user: User, data: dict) -> User:

    data = {**data, "email": normalize_email(data.get("email", user.email))}
    user, _changed = model_update(instance=user, fields=PROFILE_FIELDS, data=data, by=user)
    return user


def password_reset_allowed(*, address: str, email: str) -> bool:
    """Count a password-reset request and say whether it may send mail: a few per e-mail
    address and some more per client address, in an hour, so the form cannot be used to flood
    someone's inbox. The answer is the same whether or not an account has that address."""
    hour = dt.timedelta(hours=1)
    over_address = rate_limit_hit(
        key=rate_key("password-reset-address", network_of(address)),
        limit=settings.PASSWORD_RESET_LIMIT_PER_ADDRESS,
        window=hour,
    )
    over_email = rate_limit_hit(
        key=rate_key("password-reset-email", normalize_email(email)),
        limit=settings.PASSWORD_RESET_LIMIT_PER_EMAIL,
        window=hour,
    )
    return not (over_address or over_email)


# The security log ---------------------------------------------------------------------------


def security_event_record(
    *,
    kind: str,
    user: User | None = None,
    username: str = "",
    actor: User | None = None,
    request=None,
    detail: str = "",
) -> SecurityEvent:
    """Add an entry to the security log. Every security-relevant write calls this; the log is
    never edited afterwards. The address is the client's (core.http), or empty in-process."""
    if actor is None and request is not None:
        signed_in = getattr(request, "user", None)
        if signed_in is not None and signed_in.is_authenticated:
            actor = signed_in
    return SecurityEvent.objects.create(
        kind=kind,
        user=user if user is not None and user.pk else None,
        username=(user.get_username() if user is not None else username)[:150],
        actor=actor,
        actor_name=actor.get_username()[:150] if actor is not None else "",
        address=(client_ip(request) or "") if request is not None else "",
        detail=detail[:500],
    )


def sensitive_export_record(*, request, what: str) -> SecurityEvent:
    """An export of personal or sensitive data (applicants, alumni, sensitive stakeholder
    notes) goes into the security log, with who took it."""
    return security_event_record(
        kind=SecurityEventKind.SENSITIVE_EXPORT, user=request.user, request=request, detail=what
    )


# Signed-in sessions -------------------------------------------------------------------------

SESSION_ROW_KEY = "meshutaf_session_row"
SESSION_STARTED_KEY = "meshutaf_signed_in"
SESSION_SEEN_KEY = "meshutaf_seen"
# The last-active time is written at most this often, so most requests stay reads.
SEEN_RESOLUTION_SECONDS = 60
# When the session last found its user free of the two-factor rule (accounts.middleware), and
# how long that answer stands before the policy is asked again: a new facilitator role takes
# effect within this time.
TWO_FACTOR_CHECKED_KEY = "meshutaf_2fa_checked"
TWO_FACTOR_RECHECK_SECONDS = 300


def _session_store():
    return import_module(settings.SESSION_ENGINE).SessionStore


def session_register(*, request, user: User) -> UserSession | None:
    """Name the session just signed in (called on every sign-in), and forget this user's
    sessions that have timed out since."""
    session = getattr(request, "session", None)
    if session is None:
        return None
    if session.session_key is None:
        session.save()
    now = timezone.now()
    UserSession.objects.filter(user=user).filter(_stale_sessions(now)).delete()
    row, _created = UserSession.objects.update_or_create(
        session_key=session.session_key,
        defaults={
            "user": user,
            "signed_in_at": now,
            "last_seen_at": now,
            "address": client_ip(request) or "",
            "browser": request.META.get("HTTP_USER_AGENT", "")[:200],
            "two_factor": hasattr(user, "otp_device") and user.otp_device is not None,
        },
    )
    stamp = int(now.timestamp())
    session[SESSION_ROW_KEY] = row.pk
    session[SESSION_STARTED_KEY] = stamp
    session[SESSION_SEEN_KEY] = stamp
    # Asked once here, so the pages that follow need not ask.
    if not selectors.two_factor_enabled(user=user) and not selectors.two_factor_required(user=user):
        session[TWO_FACTOR_CHECKED_KEY] = stamp
    return row


def _stale_sessions(now: dt.datetime) -> Q:
    """Rows of sessions that have timed out (idle or too old): their sessions no longer work."""
    idle = dt.timedelta(minutes=settings.SESSION_IDLE_MINUTES)
    longest = dt.timedelta(hours=settings.SESSION_MAX_HOURS)
    return Q(last_seen_at__lt=now - idle) | Q(signed_in_at__lt=now - longest)


def session_touch(*, request, now: int) -> None:
    """Note that the session is in use (at most once a minute), following its key when sign-in
    or a password change gave it a new one."""
    session = request.session
    session[SESSION_SEEN_KEY] = now
    row = session.get(SESSION_ROW_KEY)
    if row is not None and session.session_key:
        UserSession.objects.filter(pk=row, user=request.user).update(
            session_key=session.session_key,
            last_seen_at=dt.datetime.fromtimestamp(now, tz=dt.UTC),
        )


def session_forget(*, request) -> None:
    """The session ended (sign-out, timeout): its row goes."""
    session = getattr(request, "session", None)
    row = session.get(SESSION_ROW_KEY) if session is not None else None
    if row is not None:
        UserSession.objects.filter(pk=row).delete()
    elif session is not None and session.session_key:
        UserSession.objects.filter(session_key=session.session_key).delete()


def session_sign_out(*, user_session: UserSession, request=None) -> None:
    """End one of a user's sessions (from their sessions list)."""
    _session_store()(session_key=user_session.session_key).delete()
    user_session.delete()
    security_event_record(
        kind=SecurityEventKind.SIGN_OUT,
        user=user_session.user,
        request=request,
        detail=f"{user_session.address} {user_session.browser_name}".strip(),
    )


@transaction.atomic
def sessions_sign_out_everywhere(*, user: User, request=None, keep_current: bool = True) -> int:
    """End every session of the user but (by default) the one making the request; their
    browsers are signed out at their next request. Returns how many ended."""
    current = request.session.session_key if request is not None and keep_current else None
    rows = list(UserSession.objects.filter(user=user).exclude(session_key=current or ""))
    store = _session_store()
    for row in rows:
        store(session_key=row.session_key).delete()
    UserSession.objects.filter(pk__in=[row.pk for row in rows]).delete()
    security_event_record(
        kind=SecurityEventKind.SIGNED_OUT_EVERYWHERE,
        user=user,
        request=request,
        detail=str(len(rows)),
    )
    return len(rows)


def password_changed(*, user: User, request=None, by_link: bool = False) -> None:
    """After a new password: Django has already ended the user's other sessions (their
    password hash no longer matches); their rows go too, and the log says so."""
    current = request.session.session_key if request is not None and not by_link else None
    UserSession.objects.filter(user=user).exclude(session_key=current or "").delete()
    security_event_record(
        kind=SecurityEventKind.PASSWORD_RESET if by_link else SecurityEventKind.PASSWORD_CHANGED,
        user=user,
        actor=user,
        request=request,
    )


# Two-factor sign-in ---------------------------------------------------------------------------

RECOVERY_CODE_COUNT = 10
RECOVERY_DEVICE_NAME = "recovery"
TOTP_DEVICE_NAME = "authenticator"


def recovery_code_digest(code: str) -> str:
    """What is stored for a recovery code: a keyed hash, so a copy of the database alone
    neither shows the codes nor lets anyone search for them without the site's secret key.
    django-otp's static tokens hold up to 16 characters, compared exactly."""
    normal = "".join(ch for ch in (code or "").lower() if ch.isalnum())
    mac = hmac.new(settings.SECRET_KEY.encode(), b"recovery-code:" + normal.encode(), "sha256")
    return mac.hexdigest()[:16]


def _recovery_code() -> str:
    # 10 characters of a 32-letter alphabet without look-alikes: 50 bits, read aloud easily.
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    raw = "".join(secrets.choice(alphabet) for _i in range(10))
    return f"{raw[:5]}-{raw[5:]}"


@transaction.atomic
def recovery_codes_create(*, user: User, request=None) -> list[str]:
    """New recovery codes, replacing any earlier ones; returned once, stored only hashed."""
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [_recovery_code() for _i in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(
        StaticToken(device=device, token=recovery_code_digest(code)) for code in codes
    )
    security_event_record(kind=SecurityEventKind.RECOVERY_CODES_CREATED, user=user, request=request)
    return codes


@transaction.atomic
def totp_device_start(*, user: User) -> TOTPDevice:
    """A new, unconfirmed authenticator for the user to scan; an earlier unconfirmed one goes.
    A confirmed one stays in force until the new one is confirmed."""
    totp_device_cancel(user=user)
    return TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)


def totp_device_cancel(*, user: User) -> None:
    """Drop an authenticator set up but never confirmed; a confirmed one stays."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()


def _clean_code(code: str) -> str:
    return "".join(ch for ch in (code or "") if not ch.isspace() and ch != "-")


@transaction.atomic
def totp_device_confirm(*, user: User, code: str, request=None) -> list[str]:
    """Confirm the authenticator being set up with a code from it. It replaces any earlier one;
    the first time, recovery codes are made and returned (else an empty list). The session
    confirming it counts as signed in with two factors."""
    device = selectors.totp_device_pending(user=user)
    if device is None:
        raise ValidationError(_("Start setting up the app again: that setup has expired."))
    cleaned = _clean_code(code)
    if not cleaned.isdigit() or len(cleaned) != device.digits or not device.verify_token(cleaned):
        raise ValidationError(
            {"code": _("That code is not right. Enter the 6 digits the app shows now.")}
        )
    TOTPDevice.objects.filter(user=user, confirmed=True).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = []
    if not StaticDevice.objects.filter(user=user, token_set__isnull=False).exists():
        codes = recovery_codes_create(user=user, request=request)
    security_event_record(kind=SecurityEventKind.TWO_FACTOR_ENABLED, user=user, request=request)
    if request is not None and getattr(request, "user", None) == user:
        otp_login(request, device)
    return codes


def two_factor_verify(*, user: User, code: str, request=None):
    """The device that accepts `code` for `user` (their authenticator, or one of their
    recovery codes, which is then used up), or None. Each outcome goes into the log."""
    cleaned = _clean_code(code)
    if not cleaned:
        return None
    if cleaned.isdigit():
        for device in TOTPDevice.objects.filter(user=user, confirmed=True):
            if device.verify_token(cleaned):
                return device
    else:
        digest = recovery_code_digest(cleaned)
        for device in StaticDevice.objects.filter(user=user, confirmed=True):
            if device.verify_token(digest):
                security_event_record(
                    kind=SecurityEventKind.RECOVERY_CODE_USED,
                    user=user,
                    actor=user,
                    request=request,
                    detail=str(device.token_set.count()),
                )
                return device
    security_event_record(
        kind=SecurityEventKind.TWO_FACTOR_FAILED, user=user, actor=user, request=request
    )
    return None


@transaction.atomic
def two_factor_disable(*, user: User, request=None, actor: User | None = None) -> None:
    """Remove the user's authenticator and recovery codes (the user, or an administrator
    resetting a lost phone)."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    security_event_record(
        kind=SecurityEventKind.TWO_FACTOR_DISABLED, user=user, actor=actor, request=request
    )
