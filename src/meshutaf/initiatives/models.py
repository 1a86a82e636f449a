"""An initiative is one collaborative process: a roundtable, a joint move, a programme.

Membership (a user's role in one initiative) and invitations live here rather than in
`accounts`, because they point at an initiative and feature apps must not point backwards.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from meshutaf.core.access import Role
from meshutaf.core.models import TimeStampedModel, validate_date_range
from meshutaf.core.text import forward_arrow
from meshutaf.directory.models import Organisation, Person


class InitiativeKind(models.TextChoices):
    ROUNDTABLE = "roundtable", _("Roundtable")
    JOINT_MOVE = "joint_move", _("Joint move")
    COLLECTIVE_IMPACT = "collective_impact", _("Collective impact")
    FORUM = "forum", _("Forum")
    TRAINING_PROGRAMME = "training_programme", _("Training programme")
    OTHER = "other", _("Other")


class InitiativeStatus(models.TextChoices):
    PLANNING = "planning", _("Planning")
    ACTIVE = "active", _("Active")
    PAUSED = "paused", _("Paused")
    COMPLETED = "completed", _("Completed")
    ARCHIVED = "archived", _("Archived")


def _dates_in_order(prefix: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(end_date__isnull=True)
        | Q(start_date__isnull=True)
        | Q(end_date__gte=F("start_date")),
        name=f"{prefix}_dates_in_order",
        violation_error_message=_("The end date cannot be before the start date."),
    )


class Initiative(TimeStampedModel):
    kind = models.CharField(_("kind"), max_length=32, choices=InitiativeKind.choices)
    name = models.CharField(_("name"), max_length=200)
    short_description = models.CharField(_("short description"), max_length=500, blank=True)
    vision = models.TextField(_("vision"), blank=True)
    situation_description = models.TextField(_("situation description"), blank=True)
    target_audience = models.TextField(_("target audience"), blank=True)
    leading_partners = models.ManyToManyField(
        Organisation,
        verbose_name=_("leading partners"),
        related_name="led_initiatives",
        through="LeadingPartner",
        blank=True,
    )
    facilitating_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("facilitating organisation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="facilitated_initiatives",
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=InitiativeStatus.choices,
        default=InitiativeStatus.PLANNING,
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("initiative")
        verbose_name_plural = _("initiatives")
        ordering = ["name", "pk"]
        constraints = [
            _dates_in_order("initiative"),
            models.CheckConstraint(
                condition=Q(kind__in=InitiativeKind.values), name="initiative_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=InitiativeStatus.values), name="initiative_status_valid"
            ),
        ]

    def clean(self) -> None:
        validate_date_range(self)

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("initiatives:detail", args=[self.pk])


class LeadingPartner(models.Model):
    """An organisation leading an initiative. A model of its own so that adding and removing
    partners is audited like every other change (and raw fixture loads skip the audit)."""

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE)
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("leading partner")
        verbose_name_plural = _("leading partners")
        constraints = [
            models.UniqueConstraint(
                fields=["initiative", "organisation"], name="leading_partner_once"
            )
        ]

    def __str__(self) -> str:
        return str(self.organisation)


class Phase(TimeStampedModel):
    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="phases")
    order = models.PositiveIntegerField(_("order"), default=0)
    name = models.CharField(_("name"), max_length=200)
    goals = models.TextField(_("goals"), blank=True)
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    outcome_summary = models.TextField(_("outcome summary"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("phase")
        verbose_name_plural = _("phases")
        ordering = ["initiative", "order", "pk"]
        constraints = [_dates_in_order("phase")]

    def clean(self) -> None:
        validate_date_range(self)

    def __str__(self) -> str:
        return self.name

    @property
    def timing(self) -> str:
        """past, current or upcoming, judged by today's date."""
        today = timezone.localdate()
        if self.end_date and self.end_date < today:
            return "past"
        if self.start_date and self.start_date > today:
            return "upcoming"
        if self.start_date or self.end_date:
            return "current"
        return "undated"


class GroupKind(models.TextChoices):
    WORKING_GROUP = "working_group", _("Working group")
    COMMITTEE = "committee", _("Committee")
    TASK_TEAM = "task_team", _("Task team")
    STEERING_COMMITTEE = "steering_committee", _("Steering committee")
    FORUM = "forum", _("Forum")


class Group(TimeStampedModel):
    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="groups")
    kind = models.CharField(_("kind"), max_length=32, choices=GroupKind.choices)
    name = models.CharField(_("name"), max_length=200)
    purpose = models.TextField(_("purpose"), blank=True)
    members = models.ManyToManyField(
        Person, through="GroupMember", related_name="initiative_groups"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("group")
        verbose_name_plural = _("groups")
        ordering = ["initiative", "kind", "name", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=GroupKind.values), name="group_kind_valid")
        ]

    def __str__(self) -> str:
        return self.name


class GroupRole(models.TextChoices):
    CHAIR = "chair", _("Chair")
    MEMBER = "member", _("Member")
    NOTE_TAKER = "note_taker", _("Note-taker")


class GroupMember(TimeStampedModel):
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="memberships")
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="group_memberships"
    )
    role = models.CharField(
        _("role"), max_length=16, choices=GroupRole.choices, default=GroupRole.MEMBER
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("group member")
        verbose_name_plural = _("group members")
        ordering = ["group", "role", "person__full_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "person"],
                name="group_member_once",
                violation_error_message=_("This person is already in the group."),
            ),
            models.CheckConstraint(
                condition=Q(role__in=GroupRole.values), name="group_member_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.group}"


class Membership(TimeStampedModel):
    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["initiative", "role", "user__first_name", "user__username"]
        constraints = [
            models.UniqueConstraint(
                fields=["initiative", "user"],
                name="membership_once",
                violation_error_message=_("This user is already a member of the initiative."),
            ),
            models.CheckConstraint(condition=Q(role__in=Role.values), name="membership_role_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.initiative} ({self.get_role_display()})"


class Invitation(models.Model):
    """A single-use, expiring link that makes its holder a member of an initiative."""

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("email"))
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    message = models.TextField(_("personal message"), blank=True)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    revoked_at = models.DateTimeField(
        pgettext_lazy("invitation", "withdrawn"), null=True, blank=True
    )
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} {forward_arrow()} {self.initiative}"

    @property
    def is_pending(self) -> bool:
        return (
            self.accepted_at is None
            and self.revoked_at is None
            and self.expires_at > timezone.now()
        )


class ReadinessCategory(models.TextChoices):
    """What to learn before the first meeting ("preparing hearts")."""

    PLACE_HISTORY = "place_history", _("The place's history")
    EARLIER_PROCESSES = "earlier_processes", _("Earlier processes and who was hurt by them")
    SENSITIVE_RELATIONSHIPS = "sensitive_relationships", _("Sensitive relationships")
    INFORMAL_INFLUENCERS = "informal_influencers", _("Informal influencers to meet")
    CHAMPIONS = "champions", _("Champions in the municipality or ministry")
    OTHER = "other", _("Other")


class ReadinessStatus(models.TextChoices):
    TO_DO = "to_do", _("To do")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    NOT_RELEVANT = "not_relevant", _("Not relevant")


class ReadinessItem(TimeStampedModel):
    """One item of an initiative's readiness checklist. Facilitators only: it records who was
    hurt before and whom to approach carefully."""

    initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="readiness_items"
    )
    category = models.CharField(_("category"), max_length=32, choices=ReadinessCategory.choices)
    title = models.CharField(_("item"), max_length=300)
    status = models.CharField(
        _("status"), max_length=16, choices=ReadinessStatus.choices, default=ReadinessStatus.TO_DO
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    notes = models.TextField(_("notes"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("readiness item")
        verbose_name_plural = _("readiness checklist")
        ordering = ["initiative", "category", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(category__in=ReadinessCategory.values)
                & Q(status__in=ReadinessStatus.values),
                name="readiness_choices_valid",
            )
        ]

    def __str__(self) -> str:
        return self.title
