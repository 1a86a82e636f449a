"""Conversations: a question, statements people agree or disagree with, and their votes.

The opinion map itself is computed by `opinion.py` in the worker and stored on the
conversation as JSON (`analysis`, see `results.py`), so pages read it without computing."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from meshutaf.core.models import TimeStampedModel

STATEMENT_MAX_LENGTH = 280
# How many new participants without an account one client (an IPv4 address or an IPv6 /64)
# may start in a conversation within the window. Generous enough for a room sharing one Wi-Fi
# to scan the QR code together; facilitators of bigger rooms raise it on the conversation.
DEFAULT_PARTICIPANT_LIMIT = 30
DEFAULT_PARTICIPANT_LIMIT_MINUTES = 10
MAX_PARTICIPANT_LIMIT = 100_000
MAX_PARTICIPANT_LIMIT_MINUTES = 24 * 60


def new_token() -> str:
    return secrets.token_urlsafe(16)


class ConversationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open for votes")
    CLOSED = "closed", _("Closed")


class Moderation(models.TextChoices):
    # Statements from participants appear at once and can be removed, or wait for approval.
    POST = "post", _("Show participants' statements at once; remove afterwards if needed")
    PRE = "pre", _("Participants' statements wait for approval")


class Conversation(TimeStampedModel):
    initiative = models.ForeignKey(
        "initiatives.Initiative", on_delete=models.CASCADE, related_name="conversations"
    )
    meeting = models.ForeignKey(
        "meetings.Meeting",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="conversations",
        verbose_name=_("meeting"),
    )
    title = models.CharField(_("title"), max_length=200)
    question = models.TextField(
        _("question"),
        max_length=1000,
        help_text=_("What participants are asked to react to."),
    )
    description = models.TextField(_("background"), blank=True, max_length=4000)
    status = models.CharField(
        _("status"), max_length=10, choices=ConversationStatus, default=ConversationStatus.DRAFT
    )
    allow_anonymous = models.BooleanField(
        _("people without an account may take part by link"), default=True
    )
    accept_statements = models.BooleanField(_("participants may add statements"), default=True)
    moderation = models.CharField(
        _("participants' statements"), max_length=4, choices=Moderation, default=Moderation.PRE
    )
    show_results = models.BooleanField(_("participants see the opinion map"), default=True)
    participant_limit = models.PositiveIntegerField(
        _("new participants per network"),
        default=DEFAULT_PARTICIPANT_LIMIT,
        help_text=_(
            "How many people without an account may join from one network (one address) "
            "within the time below. 0 means no limit."
        ),
    )
    participant_limit_minutes = models.PositiveSmallIntegerField(
        _("limit window (minutes)"), default=DEFAULT_PARTICIPANT_LIMIT_MINUTES
    )
    token = models.CharField(max_length=40, unique=True, default=new_token, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # The stored opinion map: results.OpinionMap.to_json(), read back with from_json.
    analysis = models.JSONField(default=dict, blank=True, editable=False)
    analysed_at = models.DateTimeField(null=True, blank=True, editable=False)
    analysis_requested_at = models.DateTimeField(null=True, blank=True, editable=False)
    votes_changed_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")
        constraints = [
            models.CheckConstraint(
                condition=Q(participant_limit_minutes__gte=1)
                & Q(participant_limit_minutes__lte=MAX_PARTICIPANT_LIMIT_MINUTES),
                name="conversation_limit_window_valid",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("deliberation:detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status == ConversationStatus.OPEN

    @property
    def analysis_stale(self) -> bool:
        return bool(
            self.votes_changed_at
            and (self.analysed_at is None or self.analysed_at < self.votes_changed_at)
        )


class StatementStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for approval")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Removed")


class Statement(TimeStampedModel):
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="statements"
    )
    text = models.TextField(_("statement"), max_length=STATEMENT_MAX_LENGTH)
    status = models.CharField(
        _("status"), max_length=10, choices=StatementStatus, default=StatementStatus.ACCEPTED
    )
    is_seed = models.BooleanField(_("seed statement"), default=False)
    author = models.ForeignKey(
        "Participant",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="statements",
    )
    # The comment id when imported from Pol.is; our own id otherwise.
    external_id = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("statement")
        verbose_name_plural = _("statements")
        constraints = [
            models.UniqueConstraint(
                fields=["conversation", "external_id"],
                condition=~Q(external_id=""),
                name="statement_external_id_unique",
            )
        ]

    def __str__(self) -> str:
        return self.text[:80]


class Participant(TimeStampedModel):
    """One voter in one conversation: a member with an account, or a browser that joined by
    link (remembered in its session). A participant without an account may get a short code
    to continue elsewhere."""

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="participants"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="conversation_participations",
    )
    resume_code = models.CharField(max_length=16, blank=True)
    external_id = models.CharField(max_length=64, blank=True)
    # A salted hash of the network the participant joined from (core.ratelimit.address_hash),
    # never the address: enough to count joins per network and show bursts to facilitators.
    address_hash = models.CharField(max_length=32, blank=True, editable=False)
    # Set by the facilitator for suspicious bursts: the votes stay stored (so it can be undone)
    # but do not enter the opinion map or the counts.
    excluded = models.BooleanField(_("excluded from the analysis"), default=False)

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        indexes = [models.Index(fields=["conversation", "address_hash", "created_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["conversation", "user"],
                condition=Q(user__isnull=False),
                name="participant_one_per_user",
            ),
            models.UniqueConstraint(
                fields=["conversation", "resume_code"],
                condition=~Q(resume_code=""),
                name="participant_resume_code_unique",
            ),
            models.UniqueConstraint(
                fields=["conversation", "external_id"],
                condition=~Q(external_id=""),
                name="participant_external_id_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk}"


class VoteChoice(models.IntegerChoices):
    AGREE = 1, _("Agree")
    DISAGREE = -1, _("Disagree")
    PASS = 0, _("Pass / unsure")


class Vote(models.Model):
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="votes")
    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="votes")
    value = models.SmallIntegerField(_("vote"), choices=VoteChoice)
    # When the participant first voted on this statement, and when they last changed it.
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        constraints = [
            models.UniqueConstraint(fields=["participant", "statement"], name="one_vote_each"),
            models.CheckConstraint(condition=Q(value__in=[-1, 0, 1]), name="vote_value_valid"),
        ]
        indexes = [models.Index(fields=["statement", "value"])]

    def __str__(self) -> str:
        return f"{self.participant_id} → {self.statement_id}: {self.value}"
