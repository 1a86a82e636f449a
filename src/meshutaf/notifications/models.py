"""What concerns one person (a `Notification`), how each kind reaches them (a
`NotificationPreference` per kind, shared by the bell and the e-mails), and the claims that
make the clock's notices (an action item falling due, a daily e-mail) happen once."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from meshutaf.initiatives.models import Initiative


class Kind(models.TextChoices):
    INITIATIVE_ADDED = "initiative_added", _("Added to an initiative")
    MEETING_INVITED = "meeting_invited", _("Invited to a meeting")
    ACTION_ASSIGNED = "action_assigned", _("An action item assigned to me")
    ACTION_DUE = "action_due", _("My action item is due soon or overdue")
    VALUE_REPORTED = "value_reported", _("A value reported in a reporting round I run")
    WORKSHOP_OPENED = "workshop_opened", _("A workshop opened in my initiative")
    DELIBERATION_OPENED = "deliberation_opened", _("A deliberation opened in my initiative")
    MENTION = "mention", _("Someone mentioned me")


class Delivery(models.TextChoices):
    """Every choice but "off" shows in the bell; they differ in the e-mail."""

    INSTANT = "instant", _("At once, also by e-mail")
    DAILY = "daily", _("In a daily e-mail")
    WEEKLY = "weekly", _("In the weekly e-mail")
    OFF = "off", pgettext_lazy("notification delivery", "Off")


# Meetings already e-mail an invitation with its calendar file, so its notice waits for the
# weekly e-mail (and leaves it when read in the app first).
DEFAULT_DELIVERY: dict[str, str] = {
    Kind.INITIATIVE_ADDED: Delivery.INSTANT,
    Kind.MEETING_INVITED: Delivery.WEEKLY,
    Kind.ACTION_ASSIGNED: Delivery.INSTANT,
    Kind.ACTION_DUE: Delivery.DAILY,
    Kind.VALUE_REPORTED: Delivery.DAILY,
    Kind.WORKSHOP_OPENED: Delivery.WEEKLY,
    Kind.DELIBERATION_OPENED: Delivery.WEEKLY,
    Kind.MENTION: Delivery.INSTANT,
}


class Notification(models.Model):
    """One notice for one person. Its words are not stored: `kind` and `params` are, and the
    reader's language renders them (`messages.render`)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    params = models.JSONField(default=dict, blank=True)
    url = models.CharField(_("link"), max_length=500)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "read_at", "-created_at"], name="notification_inbox"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient_id}"


class NotificationPreference(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=32, choices=Kind.choices)
    delivery = models.CharField(max_length=8, choices=Delivery.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notification_preference_once")
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.delivery}"


class NoticeClaim(models.Model):
    """A notice that must happen once (an action item due on a date, a day's e-mail): the
    first worker to insert its key sends it."""

    key = models.CharField(max_length=200, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.key
