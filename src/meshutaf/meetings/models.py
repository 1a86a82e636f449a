"""The meeting cycle of an initiative as structured data: series, meetings, agendas,
invitations and RSVPs, attendance, minutes, typed outcomes (decisions, information, action
items) and the speaking turns a facilitator logs to watch the balance of the conversation."""

import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from meshutaf.core.models import TimeStampedModel
from meshutaf.core.time_zones import validate_time_zone
from meshutaf.directory.models import Organisation, Person
from meshutaf.initiatives.models import Group, Initiative, Phase


class MeetingKind(models.TextChoices):
    ROUNDTABLE = "roundtable", _("Roundtable")
    FORUM = "forum", _("Forum")
    WORKING_SESSION = "working_session", _("Working session")
    WORKSHOP = "workshop", _("Workshop")
    FIELD_VISIT = "field_visit", _("Field visit")
    EXPERT_LECTURE = "expert_lecture", _("Expert lecture")
    PEER_LEARNING = "peer_learning", _("Peer learning")
    STEERING_COMMITTEE = "steering_committee", _("Steering committee")


class MeetingStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SCHEDULED = "scheduled", _("Scheduled")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")


class Recurrence(models.TextChoices):
    NONE = "", _("No fixed rhythm")
    WEEKLY = "weekly", _("Every week")
    FORTNIGHTLY = "fortnightly", _("Every two weeks")
    MONTHLY = "monthly", _("Every month")
    QUARTERLY = "quarterly", _("Every three months")


def validate_agenda_template(value) -> None:
    """A template agenda is a list of {"title": str, "minutes": int >= 0}."""
    message = _("The template agenda must be a list of items, each with a title and minutes.")
    if not isinstance(value, list):
        raise ValidationError(message)
    for item in value:
        if (
            not isinstance(item, dict)
            or not isinstance(item.get("title"), str)
            or not item["title"].strip()
            or len(item["title"]) > 300
            or not isinstance(item.get("minutes", 0), int)
            or isinstance(item.get("minutes", 0), bool)
            or not 0 <= item.get("minutes", 0) <= 24 * 60
        ):
            raise ValidationError(message)


class MeetingSeries(TimeStampedModel):
    """A recurring meeting: the roundtable that meets every month for years. Its template
    agenda seeds each new meeting, and open action items carry from one meeting to the next."""

    initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="meeting_series"
    )
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(
        _("kind"), max_length=32, choices=MeetingKind.choices, default=MeetingKind.ROUNDTABLE
    )
    group = models.ForeignKey(
        Group, verbose_name=_("group"), on_delete=models.SET_NULL, null=True, blank=True
    )
    recurrence = models.CharField(
        _("rhythm"), max_length=16, choices=Recurrence.choices, blank=True, default=""
    )
    duration_minutes = models.PositiveIntegerField(_("usual length (minutes)"), default=120)
    venue = models.CharField(_("usual venue"), max_length=300, blank=True)
    online_url = models.URLField(_("usual online link"), max_length=500, blank=True)
    agenda_template = models.JSONField(
        _("template agenda"), default=list, blank=True, validators=[validate_agenda_template]
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("meeting series")
        verbose_name_plural = _("meeting series")
        ordering = ["title", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=MeetingKind.values), name="series_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(duration_minutes__gt=0), name="series_duration_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Meeting(TimeStampedModel):
    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="meetings")
    series = models.ForeignKey(
        MeetingSeries,
        verbose_name=_("series"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="meetings",
    )
    phase = models.ForeignKey(
        Phase, verbose_name=_("phase"), on_delete=models.SET_NULL, null=True, blank=True
    )
    group = models.ForeignKey(
        Group, verbose_name=_("group"), on_delete=models.SET_NULL, null=True, blank=True
    )
    kind = models.CharField(
        _("kind"), max_length=32, choices=MeetingKind.choices, default=MeetingKind.ROUNDTABLE
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("purpose and notes"), blank=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default=settings.TIME_ZONE,
        validators=[validate_time_zone],
    )
    venue = models.CharField(_("venue (address)"), max_length=300, blank=True)
    online_url = models.URLField(_("online link"), max_length=500, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=MeetingStatus.choices, default=MeetingStatus.SCHEDULED
    )
    summary = models.TextField(
        _("general minutes"), blank=True, help_text=_("Markdown. Minutes for the whole meeting.")
    )
    # Raised on every change a calendar should pick up (RFC 5545 SEQUENCE).
    sequence = models.PositiveIntegerField(default=0, editable=False)
    reminder_sent_for = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-starts_at", "pk"]
        indexes = [models.Index(fields=["initiative", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="meeting_ends_after_start",
                violation_error_message=_("The meeting must end after it starts."),
            ),
            models.CheckConstraint(
                condition=Q(kind__in=MeetingKind.values), name="meeting_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=MeetingStatus.values), name="meeting_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("The meeting must end after it starts.")})
        if (
            self.series_id
            and self.initiative_id
            and self.series.initiative_id != self.initiative_id
        ):
            raise ValidationError({"series": _("The series belongs to another initiative.")})
        for name in ("phase", "group"):
            related = getattr(self, name)
            if related is not None and related.initiative_id != self.initiative_id:
                raise ValidationError({name: _("Choose one from this initiative.")})

    def get_absolute_url(self) -> str:
        return reverse("meetings:detail", args=[self.pk])

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def local_start(self):
        return timezone.localtime(self.starts_at, self.zone)

    @property
    def local_end(self):
        return timezone.localtime(self.ends_at, self.zone)

    @property
    def duration_minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)

    @property
    def is_past(self) -> bool:
        return self.ends_at < timezone.now()


class AgendaItem(TimeStampedModel):
    """One item of a meeting's agenda, with its minutes (Markdown, sanitised on display)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    position = models.PositiveIntegerField(_("order"), default=0)
    title = models.CharField(_("title"), max_length=300)
    presenter = models.ForeignKey(
        Person,
        verbose_name=_("presenter"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    planned_minutes = models.PositiveIntegerField(_("planned minutes"), default=0)
    minutes = models.TextField(_("minutes"), blank=True, help_text=_("Markdown."))
    # The item that reviews open action items carried from earlier meetings of the series.
    is_carry_over = models.BooleanField(default=False, editable=False)
    carried_actions = models.ManyToManyField(
        "Outcome", verbose_name=_("carried action items"), blank=True, related_name="carried_into"
    )
    history = HistoricalRecords(excluded_fields=["carried_actions"])

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["meeting", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(planned_minutes__lte=24 * 60), name="agenda_minutes_bounded"
            )
        ]

    def __str__(self) -> str:
        return self.title


class RSVP(models.TextChoices):
    PENDING = "pending", _("No answer yet")
    YES = "yes", _("Coming")
    MAYBE = "maybe", _("Maybe")
    NO = "no", _("Not coming")


class MeetingInvitee(TimeStampedModel):
    """Someone invited to a meeting: a user (a member of the initiative), a person from the
    directory who never logs in, or an outsider known only by e-mail address (no access to
    the initiative). Answers by a signed link, so no login is needed."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="invitees")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="meeting_invitations",
    )
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, null=True, blank=True, related_name="meeting_invitations"
    )
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("email"), blank=True)
    rsvp = models.CharField(_("answer"), max_length=16, choices=RSVP.choices, default=RSVP.PENDING)
    responded_at = models.DateTimeField(null=True, blank=True)
    # Part of the signed RSVP link; replacing it invalidates links sent earlier.
    token_nonce = models.CharField(max_length=32, editable=False)
    invited_at = models.DateTimeField(null=True, blank=True)  # e-mailed
    # Told under the bell (members only); kept apart from invited_at because a member without
    # an address, or whose e-mail failed, is still told once and only once.
    notified_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("invitee")
        verbose_name_plural = _("invitees")
        ordering = ["meeting", "name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "user"],
                condition=Q(user__isnull=False),
                name="invitee_user_once",
                violation_error_message=_("This user is already invited."),
            ),
            models.UniqueConstraint(
                fields=["meeting", "person"],
                condition=Q(person__isnull=False),
                name="invitee_person_once",
                violation_error_message=_("This person is already invited."),
            ),
            # An outsider invited by e-mail alone has neither an account nor a directory entry.
            models.UniqueConstraint(
                Lower("email"),
                "meeting",
                condition=Q(user__isnull=True, person__isnull=True),
                name="invitee_email_once",
                violation_error_message=_("This address is already invited."),
            ),
            models.CheckConstraint(
                condition=Q(user__isnull=False) | Q(person__isnull=False) | ~Q(email=""),
                name="invitee_is_someone",
            ),
            models.CheckConstraint(condition=Q(rsvp__in=RSVP.values), name="invitee_rsvp_valid"),
        ]

    def __str__(self) -> str:
        return self.name


class Attendance(TimeStampedModel):
    """Who came, and for which organisation they sat at the table that day (kept as it was,
    so the sector balance of past meetings does not change when people change jobs)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="attendance"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    sector = models.CharField(_("sector"), max_length=32, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        ordering = ["meeting", "person__full_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "person"],
                name="attendance_once",
                violation_error_message=_("This person is already marked as present."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} @ {self.meeting}"


class OutcomeKind(models.TextChoices):
    DECISION = "decision", _("Decision")
    INFORMATION = "information", _("Information")
    ACTION = "action", _("Action item")


class ActionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    DROPPED = "dropped", _("Dropped")


OPEN_ACTION_STATUSES = (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)


class Outcome(TimeStampedModel):
    """A typed result of a meeting. Action items carry an owner, a due date and a status."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="outcomes")
    # Denormalised so that action-item lists and search filter by initiative in one index.
    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="+")
    agenda_item = models.ForeignKey(
        AgendaItem,
        verbose_name=_("agenda item"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="outcomes",
    )
    kind = models.CharField(_("type"), max_length=16, choices=OutcomeKind.choices)
    text = models.TextField(_("text"))
    owner = models.ForeignKey(
        Person,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="action_items",
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=ActionStatus.choices, blank=True, default=""
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("outcome")
        verbose_name_plural = _("outcomes")
        ordering = ["meeting", "pk"]
        indexes = [
            models.Index(fields=["owner", "status"]),
            models.Index(fields=["initiative", "kind", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=OutcomeKind.values), name="outcome_kind_valid"
            ),
            # Only action items have an owner, a due date and a status, and they must.
            models.CheckConstraint(
                condition=(
                    Q(kind=OutcomeKind.ACTION, owner__isnull=False, status__in=ActionStatus.values)
                    | (
                        ~Q(kind=OutcomeKind.ACTION)
                        & Q(owner__isnull=True, due_date__isnull=True, status="")
                    )
                ),
                name="outcome_action_fields",
                violation_error_message=_("An action item needs an owner."),
            ),
        ]

    def __str__(self) -> str:
        return self.text[:80]

    def clean(self) -> None:
        if self.kind == OutcomeKind.ACTION:
            if self.owner_id is None:
                raise ValidationError({"owner": _("An action item needs an owner.")})
            if not self.status:
                self.status = ActionStatus.OPEN
        else:
            self.owner = None
            self.due_date = None
            self.status = ""
        if (
            self.agenda_item_id
            and self.meeting_id
            and self.agenda_item.meeting_id != self.meeting_id
        ):
            raise ValidationError({"agenda_item": _("Choose an item of this meeting's agenda.")})

    def get_absolute_url(self) -> str:
        url = reverse("meetings:detail", args=[self.meeting_id])
        return f"{url}?tab=minutes#outcome-{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.kind == OutcomeKind.ACTION and self.status in OPEN_ACTION_STATUSES

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.due_date is not None and self.due_date < timezone.localdate()


class SpeakingTurn(models.Model):
    """One turn at speaking, tapped by a facilitator during the meeting."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="speaking_turns")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    sector = models.CharField(max_length=32, blank=True)
    at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("speaking turn")
        verbose_name_plural = _("speaking turns")
        ordering = ["meeting", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.person} @ {self.at:%H:%M}"


class CalendarFeed(models.Model):
    """A secret calendar URL for one user: all their meetings, or one initiative's. Every
    request re-checks that the user may still see what the feed lists."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feeds"
    )
    initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    token = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "initiative"],
                condition=Q(initiative__isnull=False),
                name="calendar_feed_initiative_once",
            ),
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(initiative__isnull=True),
                name="calendar_feed_user_once",
            ),
        ]

    def __str__(self) -> str:
        return f"calendar feed of {self.user}"


class DigestRun(models.Model):
    """One row per week whose digest went out, so a second worker or a re-run of the task
    never sends the same week twice."""

    week = models.DateField(unique=True)
    sent_at = models.DateTimeField(auto_now_add=True)
    recipients = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"digest {self.week}"
