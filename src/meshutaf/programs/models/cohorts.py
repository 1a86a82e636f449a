"""Programmes, their cohorts and the cohorts' sessions, quotas and participants.

A programme lives in one initiative (its home: the programme manager is that initiative's
facilitator, and its members are the programme's people), so members, meetings, documents
and search work as they do everywhere else. A cohort is one run of the programme; its
sessions may be held as the initiative's meetings and carry materials from the knowledge base.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from meshutaf.core.models import TimeStampedModel
from meshutaf.directory.models import Organisation, Person, Sector
from meshutaf.initiatives.models import Initiative
from meshutaf.knowledge.models import Document
from meshutaf.meetings.models import Meeting


class Programme(TimeStampedModel):
    initiative = models.ForeignKey(
        Initiative,
        verbose_name=_("initiative"),
        on_delete=models.CASCADE,
        related_name="programmes",
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    goals = models.TextField(_("goals"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class CohortPhase(models.TextChoices):
    """Where a cohort stands, in order. Selection moves forward one phase at a time; what a
    reviewer may see depends on it (see `selection_visibility`)."""

    NOMINATION = "nomination", _("Nominations")
    CALIBRATION = "calibration", _("Calibration")
    FIRST_PASS = "first_pass", _("Blind first pass")
    DISCUSSION = "discussion", pgettext_lazy("selection phase", "Discussion")
    RECOMMENDATION = "recommendation", _("Recommendation")
    DECISION = "decision", pgettext_lazy("selection phase", "Decision")
    RUNNING = "running", pgettext_lazy("cohort phase", "Running")
    COMPLETED = "completed", _("Completed")


PHASE_ORDER = list(CohortPhase.values)


class Cohort(TimeStampedModel):
    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="cohorts"
    )
    name = models.CharField(_("name"), max_length=200)
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    nominations_close = models.DateField(_("nominations close"), null=True, blank=True)
    capacity = models.PositiveSmallIntegerField(_("places"), default=24)
    phase = models.CharField(
        _("phase"), max_length=20, choices=CohortPhase.choices, default=CohortPhase.NOMINATION
    )
    rubric_version = models.ForeignKey(
        "programs.RubricVersion",
        verbose_name=_("rubric"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cohorts",
    )
    reviews_per_candidate = models.PositiveSmallIntegerField(
        _("reviewers per candidate"), default=3
    )
    consensus_spread = models.DecimalField(
        _("disagreement that sends a candidate to the consensus queue"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("1.50"),
        help_text=_(
            "The gap, in rubric points, between the highest and lowest reviewer once each "
            "reviewer's leniency is taken out."
        ),
    )
    attendance_required_share = models.DecimalField(
        _("share of required sessions attended for a certificate"),
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.80"),
    )
    feedback_min_responses = models.PositiveSmallIntegerField(
        _("fewest answers before feedback is shown"), default=5
    )

    class Meta:
        verbose_name = _("cohort")
        verbose_name_plural = _("cohorts")
        ordering = ["programme", "-start_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="programs_cohort_dates",
            ),
            models.CheckConstraint(
                condition=Q(attendance_required_share__gte=0) & Q(attendance_required_share__lte=1),
                name="programs_cohort_attendance_share",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def phase_at_least(self, phase: str) -> bool:
        return PHASE_ORDER.index(self.phase) >= PHASE_ORDER.index(phase)


class QuotaKind(models.TextChoices):
    ORGANISATION = "organisation", _("Ministry or authority")
    SECTOR = "sector", _("Sector")
    GENDER = "gender", _("Gender")


class Quota(TimeStampedModel):
    """A rule the decision applies (binding: at most / at least so many selected) or a
    diversity target the selection board reports against (not binding)."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="quotas")
    kind = models.CharField(_("kind"), max_length=16, choices=QuotaKind.choices)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("ministry or authority"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    value = models.CharField(_("value"), max_length=40, blank=True)
    minimum = models.PositiveSmallIntegerField(_("at least"), default=0)
    maximum = models.PositiveSmallIntegerField(_("at most"), null=True, blank=True)
    binding = models.BooleanField(
        _("binding"),
        default=True,
        help_text=_("Binding quotas are applied by the decision; others are targets to report."),
    )

    class Meta:
        verbose_name = _("quota")
        verbose_name_plural = _("quotas")
        ordering = ["cohort", "kind", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="organisation") & Q(organisation__isnull=False))
                | (~Q(kind="organisation") & Q(organisation__isnull=True) & ~Q(value="")),
                name="programs_quota_target",
            ),
            models.CheckConstraint(
                condition=Q(maximum__isnull=True) | Q(maximum__gte=models.F("minimum")),
                name="programs_quota_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.organisation or self.value_label}"

    @property
    def value_label(self) -> str:
        """The sector's or gender's name in the reader's language, not its code."""
        if self.kind == QuotaKind.SECTOR and self.value in Sector.values:
            return str(Sector(self.value).label)
        if self.kind == QuotaKind.GENDER and self.value in Gender.values:
            return str(Gender(self.value).label)
        return self.value


class Gender(models.TextChoices):
    WOMAN = "woman", _("Woman")
    MAN = "man", _("Man")
    OTHER = "other", pgettext_lazy("gender", "Other")


class SessionKind(models.TextChoices):
    CASE_STUDY = "case_study", _("Case study")
    FIELD_TOUR = "field_tour", _("Field tour")
    EXPERT_LECTURE = "expert_lecture", _("Expert lecture")
    PEER_LEARNING = "peer_learning", _("Peer learning")
    OTHER = "other", pgettext_lazy("session kind", "Other")


class Session(TimeStampedModel):
    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="sessions")
    number = models.PositiveSmallIntegerField(_("number"), default=1)
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=SessionKind.choices)
    description = models.TextField(_("description"), blank=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    place = models.CharField(_("place"), max_length=300, blank=True)
    facilitator = models.ForeignKey(
        Person,
        verbose_name=_("facilitator"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    required = models.BooleanField(_("required"), default=True)
    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("meeting"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    materials = models.ManyToManyField(
        Document, verbose_name=_("materials"), blank=True, related_name="+"
    )
    checkin_open_until = models.DateTimeField(_("check-in open until"), null=True, blank=True)

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["cohort", "starts_at", "number", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gte=models.F("starts_at")), name="programs_session_times"
            )
        ]

    def __str__(self) -> str:
        return self.title


class ParticipantStatus(models.TextChoices):
    ENROLLED = "enrolled", _("Enrolled")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    GRADUATED = "graduated", _("Graduated")


class Participant(TimeStampedModel):
    """Someone taking part in a cohort: a selected candidate, or added by the programme."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="participants")
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="program_participations",
    )
    nomination = models.OneToOneField(
        "programs.Nomination",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="participant",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("ministry or authority"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ParticipantStatus.choices,
        default=ParticipantStatus.ENROLLED,
    )

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["cohort", "person__full_name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["cohort", "person"], name="programs_participant_once")
        ]

    def __str__(self) -> str:
        return self.person.full_name
