"""Reads for reviewing: the reviewers and conflicts pages (staff), the reviewer's queue, the
review form's rubric and dossier, what a reviewer sees of the others (through
`visibility`), the discussion record, and the reviews that count for aggregation.

Reviews of a recused pair (a conflict not waived) never count and are never shown to
anyone but staff: `reviews_counted` is what the selection board aggregates.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet

from meshutaf.initiatives.models import GroupKind, GroupMember, Membership

from ..models import (
    Cohort,
    CohortPhase,
    Conflict,
    Criterion,
    CriterionScore,
    DiscussionNote,
    Nomination,
    NominationStatus,
    Review,
    Reviewer,
    ReviewPhase,
)
from ..visibility import (
    Dossier,
    Others,
    ReviewerView,
    candidate_visible,
    dossier_for,
    others_visible,
    standing_conflict,
)

DOSSIER_RELATED = ("organisation", "invitation", "application")


def dossier_queryset() -> QuerySet[Nomination]:
    return Nomination.objects.select_related(*DOSSIER_RELATED).prefetch_related(
        "application__referees"
    )


# ---------------------------------------------------------------- what counts


def reviews_counted(*, cohort: Cohort) -> QuerySet[Review]:
    """Submitted reviews that count: not of a recused pair."""
    return (
        Review.objects.filter(nomination__cohort=cohort, submitted_at__isnull=False)
        .annotate(recused=standing_conflict())
        .filter(recused=False)
    )


def reviews_set_aside(*, cohort: Cohort) -> QuerySet[Review]:
    """Submitted reviews left out because the reviewer was recused after submitting."""
    return (
        Review.objects.filter(nomination__cohort=cohort, submitted_at__isnull=False)
        .annotate(recused=standing_conflict())
        .filter(recused=True)
    )


# ---------------------------------------------------------------- staff pages


def reviewer_rows(*, cohort: Cohort) -> QuerySet[Reviewer]:
    return (
        Reviewer.objects.filter(cohort=cohort)
        .select_related("user", "person")
        .annotate(
            assigned=Count("reviews", filter=Q(reviews__phase=ReviewPhase.FIRST_PASS)),
            submitted=Count(
                "reviews",
                filter=Q(
                    reviews__phase=ReviewPhase.FIRST_PASS, reviews__submitted_at__isnull=False
                ),
            ),
            calibration_open=Count(
                "reviews",
                filter=Q(
                    reviews__phase=ReviewPhase.CALIBRATION, reviews__submitted_at__isnull=True
                ),
            ),
            standing_conflicts=Count(
                "conflicts", filter=Q(conflicts__waived_at__isnull=True), distinct=True
            ),
        )
        .order_by("user__first_name", "user__username", "pk")
    )


@dataclass(frozen=True)
class ReviewerChoice:
    user_id: int
    name: str
    steering: bool


def reviewer_choices(*, cohort: Cohort) -> list[ReviewerChoice]:
    """The initiative's members who do not review the cohort yet, steering-committee members
    first."""
    initiative_id = cohort.programme.initiative_id
    taken = Reviewer.objects.filter(cohort=cohort).values("user_id")
    steering = set(
        GroupMember.objects.filter(
            group__initiative_id=initiative_id,
            group__kind=GroupKind.STEERING_COMMITTEE,
            person__user__isnull=False,
        ).values_list("person__user_id", flat=True)
    )
    members = (
        Membership.objects.filter(initiative_id=initiative_id, user__is_active=True)
        .exclude(user_id__in=taken)
        .select_related("user")
    )
    choices = [
        ReviewerChoice(m.user_id, m.user.display_name, m.user_id in steering) for m in members
    ]
    return sorted(choices, key=lambda c: (not c.steering, c.name.casefold(), c.user_id))


def conflict_rows(*, cohort: Cohort) -> QuerySet[Conflict]:
    return (
        Conflict.objects.filter(reviewer__cohort=cohort)
        .select_related("reviewer__user", "nomination__organisation", "waived_by")
        .order_by("nomination__candidate_name", "reviewer__pk", "source")
    )


# ---------------------------------------------------------------- the reviewer's queue


@dataclass
class QueueRow:
    review: Review
    candidate_name: str
    organisation: str
    scored: int
    locked: bool


@dataclass
class Queue:
    calibration: list[QueueRow] = field(default_factory=list)
    first_pass: list[QueueRow] = field(default_factory=list)
    revisions: list[QueueRow] = field(default_factory=list)
    calibration_done: bool = True
    criteria: int = 0
    recused: int = 0

    @property
    def rows(self) -> list[QueueRow]:
        return self.calibration + self.first_pass + self.revisions

    @property
    def submitted(self) -> int:
        return sum(1 for row in self.rows if row.review.submitted_at)

    @property
    def next_row(self) -> QueueRow | None:
        return next(
            (row for row in self.rows if not row.review.submitted_at and not row.locked), None
        )


def reviewer_queue(*, view: ReviewerView) -> Queue:
    """The reviewer's own reviews: calibration first, then the first pass (locked until
    calibration is submitted), then discussion revisions. Recused candidates are left out."""
    queue = Queue(recused=len(view.recused))
    if view.reviewer is None:
        return queue
    version = view.cohort.rubric_version_id
    queue.criteria = Criterion.objects.filter(version_id=version).count() if version else 0
    reviews = (
        Review.objects.filter(reviewer=view.reviewer)
        .exclude(nomination_id__in=view.recused)
        .select_related("nomination__organisation")
        .annotate(scored=Count("scores"))
        .order_by("nomination__candidate_name", "pk")
    )
    rows = [
        QueueRow(
            review=review,
            candidate_name=review.nomination.candidate_name,
            organisation=review.nomination.organisation.name,
            scored=review.scored,
            locked=False,
        )
        for review in reviews
    ]
    queue.calibration = [r for r in rows if r.review.phase == ReviewPhase.CALIBRATION]
    queue.calibration_done = all(r.review.submitted_at for r in queue.calibration)
    queue.first_pass = [r for r in rows if r.review.phase == ReviewPhase.FIRST_PASS]
    for row in queue.first_pass:
        row.locked = not queue.calibration_done
    queue.revisions = [r for r in rows if r.review.phase == ReviewPhase.DISCUSSION]
    return queue


@dataclass(frozen=True)
class CandidateLine:
    nomination_id: int
    candidate_name: str
    organisation: str


def candidates_to_declare(*, view: ReviewerView) -> list[CandidateLine]:
    """The cohort's candidates by name and ministry only, for "I know this candidate"."""
    if view.reviewer is None:
        return []
    nominations = (
        Nomination.objects.filter(cohort=view.cohort)
        .exclude(status__in=[NominationStatus.DECLINED, NominationStatus.WITHDRAWN])
        .select_related("organisation")
        .order_by("candidate_name", "pk")
    )
    return [
        CandidateLine(n.pk, n.candidate_name, n.organisation.name)
        for n in nominations
        if candidate_visible(view, n.pk)
    ]


# ---------------------------------------------------------------- the review form


@dataclass
class CriterionRow:
    criterion: Criterion
    levels: list
    current: CriterionScore | None
    distribution: list[tuple[str, int]] = field(default_factory=list)


@dataclass
class OtherReview:
    reviewer_name: str
    phase: str
    note: str
    scores: list[CriterionScore]


@dataclass
class ReviewPage:
    review: Review
    dossier: Dossier | None
    criteria: list[CriterionRow]
    others: Others
    others_count: int = 0
    other_reviews: list[OtherReview] = field(default_factory=list)


def _criteria(review: Review) -> list[Criterion]:
    return list(
        Criterion.objects.filter(version_id=review.rubric_version_id)
        .prefetch_related("levels")
        .order_by("order", "pk")
    )


def _others(
    view: ReviewerView, nomination: Nomination, phases: tuple[str, ...]
) -> QuerySet[Review]:
    """Other reviewers' submitted reviews of the candidate, recused ones left out."""
    queryset = (
        Review.objects.filter(nomination=nomination, submitted_at__isnull=False, phase__in=phases)
        .annotate(recused=standing_conflict())
        .filter(recused=False)
    )
    if view.reviewer is not None:
        queryset = queryset.exclude(reviewer=view.reviewer)
    return queryset


def review_page(*, review: Review, view: ReviewerView) -> ReviewPage:
    nomination = dossier_queryset().get(pk=review.nomination_id)
    criteria = _criteria(review)
    current = {s.criterion_id: s for s in review.scores.order_by("pk")}
    rows = [
        CriterionRow(criterion=c, levels=list(c.levels.all()), current=current.get(c.pk))
        for c in criteria
    ]
    page = ReviewPage(
        review=review,
        dossier=dossier_for(view, nomination),
        criteria=rows,
        others=others_visible(view, nomination.pk),
    )
    if page.others == Others.NONE:
        return page
    phases = (
        (ReviewPhase.CALIBRATION,)
        if review.phase == ReviewPhase.CALIBRATION
        else (ReviewPhase.FIRST_PASS, ReviewPhase.DISCUSSION)
    )
    others = list(
        _others(view, nomination, phases)
        .select_related("reviewer__user")
        .prefetch_related(Prefetch("scores", queryset=CriterionScore.objects.order_by("pk")))
        .order_by("reviewer__pk", "phase")
    )
    page.others_count = len({o.reviewer_id for o in others})
    if page.others == Others.DISTRIBUTION:
        for row in rows:
            counts: Counter[str] = Counter()
            for other in others:
                for score in other.scores.all():
                    if score.criterion_id == row.criterion.pk:
                        counts["?" if score.cannot_judge else str(score.score)] += 1
            row.distribution = sorted(counts.items())
        return page
    page.other_reviews = [
        OtherReview(
            reviewer_name=o.reviewer.user.display_name,
            phase=o.get_phase_display(),
            note=o.note,
            scores=sorted(o.scores.all(), key=lambda s: s.criterion_id),
        )
        for o in others
    ]
    return page


# ---------------------------------------------------------------- the discussion record


@dataclass
class DiscussionPage:
    nomination: Nomination
    dossier: Dossier | None
    criteria: list[Criterion]
    reviews: list[OtherReview]
    notes: list[DiscussionNote]


def discussion_page(*, nomination: Nomination, view: ReviewerView) -> DiscussionPage:
    """Everything said about one candidate, without anyone recused from them: their
    reviews, and notes they wrote before the recusal, are left out."""
    nomination = dossier_queryset().get(pk=nomination.pk)
    recused_users = set(
        Conflict.objects.filter(nomination=nomination, waived_at__isnull=True).values_list(
            "reviewer__user_id", flat=True
        )
    )
    reviews = (
        Review.objects.filter(nomination=nomination, submitted_at__isnull=False)
        .annotate(recused=standing_conflict())
        .filter(recused=False)
        .select_related("reviewer__user")
        .prefetch_related(Prefetch("scores", queryset=CriterionScore.objects.order_by("pk")))
        .order_by("reviewer__pk", "phase")
    )
    criteria = (
        list(Criterion.objects.filter(version_id=view.cohort.rubric_version_id))
        if view.cohort.rubric_version_id
        else []
    )
    return DiscussionPage(
        nomination=nomination,
        dossier=dossier_for(view, nomination),
        criteria=criteria,
        reviews=[
            OtherReview(
                reviewer_name=r.reviewer.user.display_name,
                phase=r.get_phase_display(),
                note=r.note,
                scores=sorted(r.scores.all(), key=lambda s: s.criterion_id),
            )
            for r in reviews
        ],
        notes=list(
            DiscussionNote.objects.filter(nomination=nomination)
            .exclude(author_id__in=recused_users)
            .select_related("author")
        ),
    )


def discussion_candidates(*, view: ReviewerView) -> QuerySet[Nomination]:
    """Candidates whose discussion the viewer may open."""
    queryset = Nomination.objects.filter(
        cohort=view.cohort, status=NominationStatus.APPLIED
    ).select_related("organisation")
    if view.staff:
        return queryset
    if view.reviewer is None or not view.cohort.phase_at_least(CohortPhase.DISCUSSION):
        return queryset.none()
    allowed = view.submitted - view.recused
    return queryset.filter(pk__in=allowed)


# ---------------------------------------------------------------- the API


def my_reviews(*, user) -> QuerySet[Review]:
    """The user's own reviews in every cohort, those of candidates they are recused from
    left out."""
    return (
        Review.objects.filter(reviewer__user=user)
        .annotate(recused=standing_conflict())
        .filter(recused=False)
        .select_related("nomination__organisation", "reviewer__cohort")
        .order_by("reviewer__cohort_id", "phase", "nomination__candidate_name", "pk")
    )
