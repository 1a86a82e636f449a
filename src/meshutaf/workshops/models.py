"""Workshops: canvas templates (data, editable by facilitators), sessions run inside an
initiative or one of its meetings, working groups that join by link or QR code, the short
contributions participants add to the canvas cells, and the themes a facilitator finds in them."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from meshutaf.core.models import TimeStampedModel
from meshutaf.initiatives.models import Initiative
from meshutaf.meetings.models import Meeting

from . import canvas
from .canvas import validate_canvas_schema

MAX_CONTRIBUTION = 280
MAX_NAME = 60


class CanvasTemplate(TimeStampedModel):
    """A canvas layout. Without an initiative it is one of the built-in templates (its texts
    are translated when shown); with one, a facilitator made it for that initiative."""

    initiative = models.ForeignKey(
        Initiative,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="canvas_templates",
    )
    # Names a built-in template, so loading them again updates rather than duplicates.
    key = models.SlugField(max_length=64, blank=True, default="", editable=False)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    schema = models.JSONField(_("canvas"), validators=[validate_canvas_schema])
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("canvas template")
        verbose_name_plural = _("canvas templates")
        ordering = ["initiative_id", "title", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["key"],
                condition=Q(initiative__isnull=True) & ~Q(key=""),
                name="canvas_template_builtin_once",
            )
        ]

    def __str__(self) -> str:
        return self.display_title

    @property
    def is_builtin(self) -> bool:
        return self.initiative_id is None

    @property
    def display_title(self) -> str:
        return gettext(self.title) if self.is_builtin else self.title

    @property
    def display_description(self) -> str:
        return (
            gettext(self.description)
            if self.is_builtin and self.description
            else (self.description)
        )

    def sections(self) -> list[canvas.Section]:
        return canvas.sections(self.schema, translate=gettext)


class SessionStatus(models.TextChoices):
    OPEN = "open", _("Open for contributions")
    CLOSED = "closed", _("Closed")


class WorkshopSession(TimeStampedModel):
    initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="workshop_sessions"
    )
    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("meeting"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="workshop_sessions",
    )
    template = models.ForeignKey(
        CanvasTemplate,
        verbose_name=_("template"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sessions",
    )
    title = models.CharField(_("title"), max_length=200)
    instructions = models.TextField(_("instructions for participants"), blank=True, max_length=2000)
    # A copy of the template's canvas taken at creation: editing the template later never
    # moves or orphans the contributions of sessions already run.
    schema = models.JSONField(_("canvas"), validators=[validate_canvas_schema], editable=False)
    status = models.CharField(
        _("status"), max_length=16, choices=SessionStatus.choices, default=SessionStatus.OPEN
    )
    allow_anonymous = models.BooleanField(
        _("participants may stay anonymous"),
        default=True,
        help_text=_("Otherwise everyone joining gives a name."),
    )
    # Rises on every change to the canvas, so the live board skips re-rendering when nothing
    # changed since the last poll.
    version = models.PositiveBigIntegerField(default=0, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("workshop session")
        verbose_name_plural = _("workshop sessions")
        ordering = ["-created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=SessionStatus.values), name="workshop_status_valid"
            )
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if (
            self.meeting_id
            and self.initiative_id
            and self.meeting.initiative_id != self.initiative_id
        ):
            raise ValidationError({"meeting": _("Choose a meeting of this initiative.")})

    def get_absolute_url(self) -> str:
        return reverse("workshops:board", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status == SessionStatus.OPEN

    def sections(self) -> list[canvas.Section]:
        return canvas.sections(self.schema, translate=gettext)


class WorkingGroup(models.Model):
    session = models.ForeignKey(WorkshopSession, on_delete=models.CASCADE, related_name="groups")
    name = models.CharField(_("name"), max_length=100)
    position = models.PositiveIntegerField(default=0)
    # The secret in the group's join link and QR code; replacing it ends the old link.
    join_token = models.CharField(max_length=32, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("working group")
        verbose_name_plural = _("working groups")
        ordering = ["session", "position", "pk"]

    def __str__(self) -> str:
        return self.name

    def get_join_url(self) -> str:
        return reverse("workshops:participate", args=[self.join_token])


class Participant(models.Model):
    """Someone who joined a group by its link, with a name or anonymously. The browser keeps
    `key` in its session, which is how they edit and withdraw their own contributions."""

    group = models.ForeignKey(WorkingGroup, on_delete=models.CASCADE, related_name="participants")
    display_name = models.CharField(_("name"), max_length=MAX_NAME, blank=True)
    key = models.CharField(max_length=64, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    joined_at = models.DateTimeField(auto_now_add=True)
    # A salted hash of the network they joined from (core.ratelimit.address_hash), never the
    # address: joins per network are limited, whatever the browser session.
    address_hash = models.CharField(max_length=32, blank=True, editable=False)

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["group", "joined_at", "pk"]
        indexes = [models.Index(fields=["address_hash", "joined_at"])]

    def __str__(self) -> str:
        return self.name

    @property
    def is_anonymous(self) -> bool:
        return not self.display_name

    @property
    def name(self) -> str:
        return self.display_name or gettext("Anonymous")


class Contribution(TimeStampedModel):
    # Denormalised from the group so a session's board is one indexed query.
    session = models.ForeignKey(
        WorkshopSession, on_delete=models.CASCADE, related_name="contributions"
    )
    group = models.ForeignKey(WorkingGroup, on_delete=models.CASCADE, related_name="contributions")
    section_key = models.CharField(max_length=40)
    row_key = models.CharField(max_length=40, blank=True, default="")
    column_key = models.CharField(max_length=40, blank=True, default="")
    text = models.CharField(_("text"), max_length=MAX_CONTRIBUTION)
    participant = models.ForeignKey(
        Participant,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contributions",
    )
    author_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The salted hash of the network the note was sent from: the pace limit counts notes per
    # network too, so a new browser session does not start a fresh allowance.
    address_hash = models.CharField(max_length=32, blank=True, editable=False)
    hidden = models.BooleanField(_("hidden"), default=False)
    withdrawn = models.BooleanField(pgettext_lazy("workshop note", "withdrawn"), default=False)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="merged",
    )
    theme = models.ForeignKey(
        "Theme",
        verbose_name=_("theme"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contributions",
    )

    class Meta:
        verbose_name = _("contribution")
        verbose_name_plural = _("contributions")
        ordering = ["session", "created_at", "pk"]
        indexes = [
            models.Index(fields=["session", "section_key"]),
            models.Index(fields=["participant", "created_at"]),
            models.Index(fields=["session", "address_hash", "created_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(merged_into=models.F("pk")), name="contribution_not_merged_in_itself"
            )
        ]

    def __str__(self) -> str:
        return self.text[:80]

    @property
    def is_visible(self) -> bool:
        """Shown on the canvas: not hidden, withdrawn or merged into another."""
        return not (self.hidden or self.withdrawn or self.merged_into_id)

    @property
    def author_name(self) -> str:
        if self.participant_id is not None:
            return self.participant.name
        if self.author_user_id is not None:
            return self.author_user.display_name
        return gettext("Anonymous")


class Theme(models.Model):
    """A group of contributions of one section. Suggested themes are `is_automatic` until
    the facilitator renames, merges or splits them; a new suggestion replaces only those."""

    session = models.ForeignKey(WorkshopSession, on_delete=models.CASCADE, related_name="themes")
    section_key = models.CharField(max_length=40)
    name = models.CharField(_("name"), max_length=120)
    position = models.PositiveIntegerField(default=0)
    is_automatic = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("theme")
        verbose_name_plural = _("themes")
        ordering = ["session", "section_key", "position", "pk"]

    def __str__(self) -> str:
        return self.name
