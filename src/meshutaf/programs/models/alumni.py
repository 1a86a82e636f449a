"""After selection: inter-ministerial projects with milestones, reviews and follow-ups; the
alumni network (opt-in profiles with visibility per field, asks and offers, mentoring); and
graduates' testimonials, used only within the consent they gave.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from meshutaf.core.models import TimeStampedModel
from meshutaf.directory.models import Organisation, Person

from .cohorts import Cohort, Participant, Programme
from .selection import SCORE_OR_CANNOT_JUDGE, Criterion, RubricVersion, ScoreOnCriterion


class ProjectStatus(models.TextChoices):
    FORMING = "forming", _("Forming")
    ACTIVE = "active", _("Active")
    COMPLETED = "completed", pgettext_lazy("project status", "Completed")
    STOPPED = "stopped", _("Stopped")


class Project(TimeStampedModel):
    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="projects")
    title = models.CharField(_("title"), max_length=200)
    challenge = models.TextField(_("the challenge"), blank=True)
    description = models.TextField(_("description"), blank=True)
    sponsor = models.ForeignKey(
        Person,
        verbose_name=_("sponsoring director-general"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    coach = models.ForeignKey(
        Person,
        verbose_name=_("coach"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    members = models.ManyToManyField(
        Participant, verbose_name=_("team"), blank=True, related_name="projects"
    )
    status = models.CharField(
        _("status"), max_length=12, choices=ProjectStatus.choices, default=ProjectStatus.FORMING
    )

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["cohort", "title", "pk"]

    def __str__(self) -> str:
        return self.title


class Milestone(TimeStampedModel):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("milestone"), max_length=200)
    due_date = models.DateField(_("due"), null=True, blank=True)
    done_at = models.DateField(_("done"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["project", "due_date", "pk"]


class ProjectReview(TimeStampedModel):
    """A project's final review, scored on a rubric by the same engine as selection."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    rubric_version = models.ForeignKey(RubricVersion, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(_("overall note"), blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)

    class Meta:
        verbose_name = _("project review")
        verbose_name_plural = _("project reviews")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "reviewer"], name="programs_project_review_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.project} ({self.reviewer})"


class ProjectScore(ScoreOnCriterion):
    review = models.ForeignKey(ProjectReview, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["review", "criterion"], name="programs_project_score_once"
            ),
            models.CheckConstraint(
                condition=SCORE_OR_CANNOT_JUDGE, name="programs_project_score_or_cannot_judge"
            ),
        ]


class FollowUpStatus(models.TextChoices):
    DUE = "due", _("Due")
    DONE = "done", _("Done")
    UNREACHABLE = "unreachable", _("Could not reach the team")


class FollowUp(TimeStampedModel):
    """A check on a project 6, 12 and 24 months after the cohort ends."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="follow_ups")
    months = models.PositiveSmallIntegerField(
        _("months after"), choices=[(6, "6"), (12, "12"), (24, "24")]
    )
    due_date = models.DateField(_("due"))
    status = models.CharField(
        _("status"), max_length=12, choices=FollowUpStatus.choices, default=FollowUpStatus.DUE
    )
    still_active = models.BooleanField(_("still going"), null=True, blank=True)
    outcome = models.TextField(_("what came of it"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["project", "months"]
        constraints = [
            models.UniqueConstraint(fields=["project", "months"], name="programs_follow_up_once")
        ]


class FieldVisibility(models.TextChoices):
    """Who sees one field of an alumni profile (programme staff always do)."""

    STAFF = "staff", _("Programme staff only")
    ALUMNI = "alumni", _("Alumni of the programme")
    MEMBERS = "members", _("Everyone in the programme's initiative")


# The profile fields whose visibility the graduate chooses, and the default for each.
PROFILE_FIELDS = {
    "role_title": FieldVisibility.MEMBERS,
    "organisation": FieldVisibility.MEMBERS,
    "bio": FieldVisibility.ALUMNI,
    "expertise": FieldVisibility.ALUMNI,
    "email": FieldVisibility.ALUMNI,
    "phone": FieldVisibility.STAFF,
}


class AlumniProfile(TimeStampedModel):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="alumni")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="alumni_profiles",
    )
    cohort = models.ForeignKey(
        Cohort, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    opted_in_at = models.DateTimeField(_("joined the network"), null=True, blank=True)
    role_title = models.CharField(_("role"), max_length=200, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    role_confirmed_on = models.DateField(_("role last confirmed"), null=True, blank=True)
    bio = models.TextField(_("about"), blank=True)
    expertise = models.CharField(_("expertise"), max_length=300, blank=True)
    email = models.EmailField(_("contact email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    visibility = models.JSONField(_("who sees each field"), default=dict)

    class Meta:
        verbose_name = _("alumni profile")
        verbose_name_plural = _("alumni profiles")
        ordering = ["programme", "person__full_name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "person"], name="programs_alumnus_once")
        ]

    def __str__(self) -> str:
        return self.person.full_name

    def field_visibility(self, field: str) -> str:
        value = self.visibility.get(field) if isinstance(self.visibility, dict) else None
        return value if value in FieldVisibility.values else PROFILE_FIELDS[field]


class ExchangeKind(models.TextChoices):
    ASK = "ask", _("Ask")
    OFFER = "offer", _("Offer")


class Exchange(TimeStampedModel):
    """An ask or an offer posted to the alumni network."""

    profile = models.ForeignKey(AlumniProfile, on_delete=models.CASCADE, related_name="exchanges")
    kind = models.CharField(_("kind"), max_length=8, choices=ExchangeKind.choices)
    text = models.TextField(_("text"))
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        verbose_name = _("ask or offer")
        verbose_name_plural = _("asks and offers")
        ordering = ["-created_at", "pk"]


class MentoringOffer(TimeStampedModel):
    mentor = models.ForeignKey(
        AlumniProfile, on_delete=models.CASCADE, related_name="mentoring_offers"
    )
    topics = models.CharField(_("topics"), max_length=300)
    capacity = models.PositiveSmallIntegerField(_("mentees at a time"), default=1)
    active = models.BooleanField(_("open"), default=True)

    class Meta:
        verbose_name = _("mentoring offer")
        verbose_name_plural = _("mentoring offers")
        ordering = ["mentor", "pk"]


class MatchStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    ENDED = "ended", _("Ended")


class MentoringMatch(TimeStampedModel):
    offer = models.ForeignKey(MentoringOffer, on_delete=models.CASCADE, related_name="matches")
    mentee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    message = models.TextField(_("message"), blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=MatchStatus.choices, default=MatchStatus.REQUESTED
    )

    class Meta:
        verbose_name = _("mentoring request")
        verbose_name_plural = _("mentoring requests")
        constraints = [
            models.UniqueConstraint(
                fields=["offer", "mentee"],
                condition=Q(status__in=["requested", "accepted"]),
                name="programs_match_open_once",
            )
        ]


class ConsentScope(models.TextChoices):
    PROGRAMME = "programme", _("Within the programme's initiative")
    REPORTS = "reports", _("Also in reports to partners")
    PUBLIC = "public", _("Also in public material")


class TestimonialStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Not approved")


class Testimonial(TimeStampedModel):
    """A graduate's testimonial, in one language; translations point at the original. It is
    shown only while approved, within its consent's scope and before its expiry."""

    profile = models.ForeignKey(
        AlumniProfile, on_delete=models.CASCADE, related_name="testimonials"
    )
    original = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="translations"
    )
    language = models.CharField(_("language"), max_length=2, choices=settings.LANGUAGES)
    text = models.TextField(_("testimonial"))
    consent_scope = models.CharField(_("may be used"), max_length=12, choices=ConsentScope.choices)
    consent_given_at = models.DateTimeField(_("consent given"))
    consent_expires = models.DateField(_("consent expires"), null=True, blank=True)
    consent_withdrawn_at = models.DateTimeField(_("consent withdrawn"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=TestimonialStatus.choices,
        default=TestimonialStatus.PENDING,
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)

    class Meta:
        verbose_name = _("testimonial")
        verbose_name_plural = _("testimonials")
        ordering = ["-created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["original", "language"], name="programs_testimonial_language_once"
            )
        ]
