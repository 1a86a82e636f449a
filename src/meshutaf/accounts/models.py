"""The user account and its personal API tokens."""

import hashlib

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from meshutaf.core.time_zones import validate_time_zone

from .user_agents import browser_and_system

# Whether to show Hebrew-calendar dates; empty on the user: in Hebrew only.
HEBREW_DATES_CHOICES = [("on", _("Show them")), ("off", _("Do not show them"))]


class User(AbstractUser):
    language = models.CharField(
        _("interface language"),
        max_length=8,
        blank=True,
        choices=settings.LANGUAGES,
        help_text=_("Leave empty to follow the browser's language."),
    )
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        blank=True,
        validators=[validate_time_zone],
        help_text=_("Times are shown in this zone. Leave empty to use the site's."),
    )
    hebrew_dates = models.CharField(
        _("Hebrew calendar dates"),
        max_length=8,
        blank=True,
        choices=HEBREW_DATES_CHOICES,
        help_text=_(
            "The Hebrew date beside the Gregorian one in the meetings calendar. Leave empty to "
            "show it when the interface is in Hebrew."
        ),
    )
    is_backbone = models.BooleanField(
        _("backbone staff"),
        default=False,
        help_text=_(
            "Backbone staff can create initiatives and manage the organisation and people "
            "directory."
        ),
    )

    class Meta(AbstractUser.Meta):
        # django-stubs types the base Meta's names as str; Django takes lazy text.
        verbose_name = _("user")  # type: ignore[assignment]
        verbose_name_plural = _("users")  # type: ignore[assignment]

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username

    def wants_hebrew_dates(self, language: str) -> bool:
        """Whether to show Hebrew-calendar dates: the user's choice, else in Hebrew only."""
        if self.hebrew_dates:
            return self.hebrew_dates == "on"
        return (language or "")[:2] == "he"

    @property
    def can_create_initiatives(self) -> bool:
        return self.is_active and (self.is_backbone or self.is_superuser)


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A personal API token. Only its hash is stored; the token itself is shown once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=12)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class UserSession(models.Model):
    """One signed-in browser: listed on the account page, where it can be signed out.

    The session itself lives in Django's session store; this row names it for its owner (when,
    where from, which browser) and lets "sign out everywhere" find every session of a user
    without reading the whole store.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="browser_sessions"
    )
    session_key = models.CharField(max_length=64, unique=True)
    signed_in_at = models.DateTimeField(_("signed in"))
    last_seen_at = models.DateTimeField(_("last active"))
    address = models.CharField(_("address"), max_length=64, blank=True)
    browser = models.CharField(_("browser"), max_length=200, blank=True)
    two_factor = models.BooleanField(_("two-factor"), default=False)

    class Meta:
        verbose_name = _("signed-in session")
        verbose_name_plural = _("signed-in sessions")
        ordering = ["-last_seen_at"]

    def __str__(self) -> str:
        return f"{self.user} {self.signed_in_at:%Y-%m-%d %H:%M}"

    @property
    def browser_name(self) -> str:
        """ "Firefox on Windows", or what is known of it (the full header stays beside it)."""
        browser, system = browser_and_system(self.browser)
        if browser and system:
            return _("%(browser)s on %(system)s") % {"browser": browser, "system": system}
        return browser or system


class SecurityEventKind(models.TextChoices):
    SIGN_IN = "sign_in", _("Signed in")
    SIGN_IN_FAILED = "sign_in_failed", _("Sign-in failed")
    LOCKED_OUT = "locked_out", _("Sign-in paused after repeated failures")
    SIGN_OUT = "sign_out", _("Signed out")
    SIGNED_OUT_EVERYWHERE = "signed_out_everywhere", _("Signed out of every other session")
    SESSION_ENDED = "session_ended", _("Session timed out")
    PASSWORD_CHANGED = "password_changed", _("Password changed")
    PASSWORD_RESET = "password_reset", _("Password reset by e-mail link")
    TWO_FACTOR_ENABLED = "2fa_enabled", _("Two-factor sign-in turned on")
    TWO_FACTOR_DISABLED = "2fa_disabled", _("Two-factor sign-in turned off")
    TWO_FACTOR_FAILED = "2fa_failed", _("Wrong two-factor code")
    RECOVERY_CODES_CREATED = "recovery_codes", _("New recovery codes made")
    RECOVERY_CODE_USED = "recovery_code_used", _("Signed in with a recovery code")
    TOKEN_CREATED = "token_created", _("API token created")
    TOKEN_REVOKED = "token_revoked", _("API token revoked")
    ROLE_CHANGED = "role_changed", _("Role changed")
    SENSITIVE_EXPORT = "sensitive_export", _("Sensitive data exported")


class SecurityEvent(models.Model):
    """An entry of the security log: who did what to which account, when and from where.

    Written by accounts.services.security_event_record only, never edited. The user and actor
    keep their names in `username`/`actor_name` so the log still reads after an account is
    deleted.
    """

    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    kind = models.CharField(_("event"), max_length=32, choices=SecurityEventKind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="security_events",
    )
    username = models.CharField(_("account name"), max_length=150, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("done by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_name = models.CharField(max_length=150, blank=True)
    address = models.CharField(_("address"), max_length=64, blank=True)
    detail = models.CharField(_("detail"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("security event")
        verbose_name_plural = _("security events")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["kind", "-at"]), models.Index(fields=["user", "-at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.kind} {self.username}"
