"""Selection: rubrics, nominations by directors-general, candidates' applications, reviewers,
conflicts of interest, reviews per criterion, the committee's recommendation and the decision
log.

A rubric is edited as a version and frozen before the first review is submitted; a cohort
reviews against one frozen version, so every score means the same thing. A review row is also
the assignment: it exists (unsubmitted) from the moment a reviewer is given a candidate.
Who may see what, and when, is `selection_visibility`'s business, never the templates'.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from meshutaf.core.models import TimeStampedModel
from meshutaf.directory.models import Organisation, Person
from meshutaf.meetings.models import Meeting

from .cohorts import Cohort, Gender, Programme


def _localised(obj, stem: str) -> str:
    language = (translation.get_language() or "he")[:2]
    return (
        getattr(obj, f"{stem}_{language}", "")
        or getattr(obj, f"{stem}_he", "")
        or getattr(obj, f"{stem}_en", "")
        or getattr(obj, f"{stem}_ar", "")
    )


class Rubric(TimeStampedModel):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="rubrics")
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        verbose_name = _("rubric")
        verbose_name_plural = _("rubrics")
        ordering = ["programme", "name", "pk"]

    def __str__(self) -> str:
        return self.name


class RubricVersion(TimeStampedModel):
    rubric = models.ForeignKey(Rubric, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField(_("version"), default=1)
    scale_min = models.PositiveSmallIntegerField(_("lowest score"), default=1)
    scale_max = models.PositiveSmallIntegerField(_("highest score"), default=5)
    frozen_at = models.DateTimeField(_("frozen"), null=True, blank=True)
    frozen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("rubric version")
        verbose_name_plural = _("rubric versions")
        ordering = ["rubric", "number"]
        constraints = [
            models.UniqueConstraint(fields=["rubric", "number"], name="programs_rubric_version"),
            models.CheckConstraint(
                condition=Q(scale_max__gt=models.F("scale_min")), name="programs_rubric_scale"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rubric.name} v{self.number}"

    @property
    def frozen(self) -> bool:
        return self.frozen_at is not None


class Criterion(models.Model):
    version = models.ForeignKey(RubricVersion, on_delete=models.CASCADE, related_name="criteria")
    code = models.SlugField(_("code"), max_length=40)
    name_he = models.CharField(_("name in Hebrew"), max_length=200, blank=True)
    name_ar = models.CharField(_("name in Arabic"), max_length=200, blank=True)
    name_en = models.CharField(_("name in English"), max_length=200, blank=True)
    description = models.TextField(_("what it looks for"), blank=True)
    weight = models.DecimalField(_("weight"), max_digits=5, decimal_places=2, default=1)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["version", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="programs_criterion_code"),
            models.CheckConstraint(condition=Q(weight__gt=0), name="programs_criterion_weight"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return _localised(self, "name") or self.code


class Level(models.Model):
    """A behaviourally anchored level: what a given score looks like for one criterion."""

    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="levels")
    score = models.PositiveSmallIntegerField(_("score"))
    anchor_he = models.TextField(_("anchor in Hebrew"), blank=True)
    anchor_ar = models.TextField(_("anchor in Arabic"), blank=True)
    anchor_en = models.TextField(_("anchor in English"), blank=True)

    class Meta:
        verbose_name = _("level")
        verbose_name_plural = _("levels")
        ordering = ["criterion", "score"]
        constraints = [
            models.UniqueConstraint(fields=["criterion", "score"], name="programs_level_score")
        ]

    def __str__(self) -> str:
        return f"{self.criterion} = {self.score}"

    @property
    def anchor(self) -> str:
        return _localised(self, "anchor")


class NominatorRole(models.TextChoices):
    DIRECTOR_GENERAL = "director_general", _("Director-general")
    DELEGATE = "delegate", _("Delegate of the director-general")
    HEAD_OF_AUTHORITY = "head_of_authority", _("Head of a local authority")


class NominatorInvitation(TimeStampedModel):
    """A link for one ministry's or authority's director-general (or delegate) to nominate
    candidates without an account. Only the token's hash is stored."""

    cohort = models.ForeignKey(
        Cohort, on_delete=models.CASCADE, related_name="nominator_invitations"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("ministry or authority"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    nominator_name = models.CharField(_("nominator"), max_length=200)
    nominator_email = models.EmailField(_("nominator's email"))
    nominator_role = models.CharField(
        _("nominator's role"),
        max_length=20,
        choices=NominatorRole.choices,
        default=NominatorRole.DIRECTOR_GENERAL,
    )
    nominator_person = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    on_behalf_of = models.CharField(
        _("on behalf of"),
        max_length=200,
        blank=True,
        help_text=_("For a delegate: the director-general they nominate for."),
    )
    max_nominations = models.PositiveSmallIntegerField(_("nominations allowed"), default=4)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    expires_at = models.DateTimeField(_("expires"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("nomination link")
        verbose_name_plural = _("nomination links")
        ordering = ["cohort", "organisation", "pk"]

    def __str__(self) -> str:
        return self.nominator_name


class NominationStatus(models.TextChoices):
    NOMINATED = "nominated", _("Nominated, waiting for the candidate")
    APPLIED = "applied", _("Applied")
    DECLINED = "declined", _("Candidate declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Decision(models.TextChoices):
    PENDING = "pending", _("Not decided")
    SELECTED = "selected", _("Selected")
    WAITLISTED = "waitlisted", _("Waiting list")
    NOT_SELECTED = "not_selected", _("Not selected")


class Nomination(TimeStampedModel):
    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="nominations")
    invitation = models.ForeignKey(
        NominatorInvitation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="nominations",
    )
    nominator_name = models.CharField(_("nominator"), max_length=200)
    nominator_email = models.EmailField(_("nominator's email"), blank=True)
    nominator_person = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("ministry or authority"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    candidate_name = models.CharField(_("candidate's name"), max_length=200)
    candidate_email = models.EmailField(_("candidate's email"))
    candidate_phone = models.CharField(_("candidate's phone"), max_length=40, blank=True)
    candidate_person = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    rank = models.CharField(_("rank or grade"), max_length=100, blank=True)
    role_title = models.CharField(_("role"), max_length=200)
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices, blank=True)
    nominator_statement = models.TextField(_("why this candidate"))
    candidate_token_hash = models.CharField(max_length=64, unique=True, null=True, editable=False)
    consent_at = models.DateTimeField(_("candidate consented"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=NominationStatus.choices,
        default=NominationStatus.NOMINATED,
    )
    decision = models.CharField(
        pgettext_lazy("selection", "decision"),
        max_length=16,
        choices=Decision.choices,
        default=Decision.PENDING,
    )
    calibration_anchor = models.BooleanField(
        _("calibration dossier"),
        default=False,
        help_text=_("Every reviewer scores the calibration dossiers first."),
    )

    class Meta:
        verbose_name = _("nomination")
        verbose_name_plural = _("nominations")
        ordering = ["cohort", "candidate_name", "pk"]
        indexes = [models.Index(fields=["cohort", "status"])]

    def __str__(self) -> str:
        return self.candidate_name


def cv_path(instance: Application, filename: str) -> str:
    return f"programs/cv/{instance.nomination.cohort_id}/{instance.nomination_id}.pdf"


class Application(TimeStampedModel):
    """The candidate's own part of the dossier, written by link after consenting."""

    nomination = models.OneToOneField(
        Nomination, on_delete=models.CASCADE, related_name="application"
    )
    statement = models.TextField(_("why I want to take part"))
    leadership_example = models.TextField(
        _("a change I led with others outside my office"), blank=True
    )
    cv = models.FileField(_("CV (PDF)"), upload_to=cv_path, max_length=300, blank=True)
    cv_name = models.CharField(max_length=255, blank=True, editable=False)
    cv_size = models.PositiveIntegerField(default=0, editable=False)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")


class Referee(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="referees")
    name = models.CharField(_("name"), max_length=200)
    role_title = models.CharField(_("role"), max_length=200, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    relation = models.CharField(_("how they know the candidate"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("referee")
        verbose_name_plural = _("referees")
        ordering = ["application", "pk"]

    def __str__(self) -> str:
        return self.name


class Reviewer(TimeStampedModel):
    """A steering-committee member reviewing a cohort's candidates."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="reviewers")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="program_reviews"
    )
    person = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    max_load = models.PositiveSmallIntegerField(
        _("at most this many candidates"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("reviewer")
        verbose_name_plural = _("reviewers")
        ordering = ["cohort", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["cohort", "user"], name="programs_reviewer_once")
        ]


class ConflictSource(models.TextChoices):
    DECLARED = "declared", _("Declared")
    SAME_ORGANISATION = "same_organisation", _("Same ministry or authority")
    NOMINATOR = "nominator", _("Nominated the candidate")
    REPORTING_LINE = "reporting_line", _("Reporting line")
    AFFILIATION = "affiliation", _("Shared affiliation in the directory")


class Conflict(TimeStampedModel):
    """A conflict of interest: while it stands (not waived) the reviewer is recused from the
    candidate and sees nothing of them."""

    reviewer = models.ForeignKey(Reviewer, on_delete=models.CASCADE, related_name="conflicts")
    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="conflicts")
    source = models.CharField(_("source"), max_length=20, choices=ConflictSource.choices)
    detail = models.CharField(_("detail"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    waived_at = models.DateTimeField(_("waived"), null=True, blank=True)
    waived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    waiver_reason = models.TextField(_("why it does not recuse"), blank=True)

    class Meta:
        verbose_name = _("conflict of interest")
        verbose_name_plural = _("conflicts of interest")
        ordering = ["nomination", "reviewer", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["reviewer", "nomination", "source"], name="programs_conflict_once"
            ),
            models.CheckConstraint(
                condition=Q(waived_at__isnull=True) | ~Q(waiver_reason=""),
                name="programs_conflict_waiver_reason",
            ),
        ]


class ReviewPhase(models.TextChoices):
    CALIBRATION = "calibration", _("Calibration")
    FIRST_PASS = "first_pass", _("First pass")
    DISCUSSION = "discussion", _("After discussion")


class Review(TimeStampedModel):
    """One reviewer's review of one candidate in one phase; unsubmitted, it is the assignment."""

    reviewer = models.ForeignKey(Reviewer, on_delete=models.CASCADE, related_name="reviews")
    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="reviews")
    phase = models.CharField(_("phase"), max_length=16, choices=ReviewPhase.choices)
    rubric_version = models.ForeignKey(RubricVersion, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(_("overall note"), blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["nomination", "reviewer", "phase"]
        constraints = [
            models.UniqueConstraint(
                fields=["reviewer", "nomination", "phase"], name="programs_review_once"
            )
        ]


class Confidence(models.IntegerChoices):
    LOW = 1, _("Low")
    MEDIUM = 2, _("Medium")
    HIGH = 3, _("High")


# A score or "cannot judge", never both and never neither.
SCORE_OR_CANNOT_JUDGE = Q(score__isnull=True, cannot_judge=True) | Q(
    score__isnull=False, cannot_judge=False
)


class ScoreOnCriterion(models.Model):
    """What a reviewer gives one criterion, in selection and in a project's review alike: a
    score, or "cannot judge" (not a low score: it is left out), with the evidence and how
    confident they are."""

    score = models.PositiveSmallIntegerField(_("score"), null=True, blank=True)
    cannot_judge = models.BooleanField(_("cannot judge"), default=False)
    evidence = models.TextField(_("evidence"), blank=True)
    confidence = models.PositiveSmallIntegerField(
        _("confidence"), choices=Confidence.choices, default=Confidence.MEDIUM
    )

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.criterion_id}: {self.score}"  # type: ignore[attr-defined]


class CriterionScore(ScoreOnCriterion):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("criterion score")
        verbose_name_plural = _("criterion scores")
        ordering = ["review_id", "criterion__order"]
        constraints = [
            models.UniqueConstraint(fields=["review", "criterion"], name="programs_score_once"),
            models.CheckConstraint(
                condition=SCORE_OR_CANNOT_JUDGE, name="programs_score_or_cannot_judge"
            ),
        ]


class DiscussionNote(TimeStampedModel):
    """The discussion record of one candidate; recused reviewers neither see nor write it."""

    nomination = models.ForeignKey(
        Nomination, on_delete=models.CASCADE, related_name="discussion_notes"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    text = models.TextField(_("note"))

    class Meta:
        verbose_name = _("discussion note")
        verbose_name_plural = _("discussion notes")
        ordering = ["nomination", "created_at", "pk"]


class RecommendationChoice(models.TextChoices):
    RECOMMEND = "recommend", _("Recommend")
    WAITLIST = "waitlist", _("Recommend for the waiting list")
    DO_NOT_RECOMMEND = "do_not_recommend", _("Do not recommend")


class Recommendation(TimeStampedModel):
    """The steering committee's recommendation for one candidate."""

    nomination = models.OneToOneField(
        Nomination, on_delete=models.CASCADE, related_name="recommendation"
    )
    choice = models.CharField(
        _("recommendation"), max_length=20, choices=RecommendationChoice.choices
    )
    rationale = models.TextField(_("rationale"), blank=True)
    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("committee meeting"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")

    def __str__(self) -> str:
        return self.get_choice_display()


class LogKind(models.TextChoices):
    PHASE = "phase", _("Phase changed")
    RULE = "rule", _("Rule applied")
    DEPARTURE = "departure", _("Departure from rank order")
    DECISION = "decision", pgettext_lazy("selection", "Decision")
    CONFLICT = "conflict", _("Conflict of interest")
    NOTE = "note", _("Note")


class DecisionLogEntry(models.Model):
    """The decision log: append-only; every departure from rank order carries its reason."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="decision_log")
    nomination = models.ForeignKey(
        Nomination, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=LogKind.choices)
    rank = models.PositiveIntegerField(_("rank"), null=True, blank=True)
    decision = models.CharField(
        pgettext_lazy("selection", "decision"), max_length=16, choices=Decision.choices, blank=True
    )
    reason = models.TextField(_("reason"), blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("decision log entry")
        verbose_name_plural = _("decision log")
        ordering = ["cohort", "created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="departure") | ~Q(reason=""),
                name="programs_departure_reason",
            )
        ]

    def __str__(self) -> str:
        return self.get_kind_display()


class BoardSnapshot(models.Model):
    """The selection board's statistics for one cohort, as the worker last computed them,
    under the fingerprint of everything they were computed from. Every web process reads the
    same row, so a board is computed once per change of the reviews, not once per process
    and visit; a row whose fingerprint no longer matches is simply not used."""

    cohort = models.OneToOneField(Cohort, on_delete=models.CASCADE, related_name="+")
    fingerprint = models.CharField(max_length=64)
    payload = models.BinaryField()
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("selection board snapshot")
        verbose_name_plural = _("selection board snapshots")

    def __str__(self) -> str:
        return f"{self.cohort_id}: {self.fingerprint}"
