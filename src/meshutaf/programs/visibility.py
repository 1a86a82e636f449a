"""What a reviewer may see of a candidate in each phase: the one place that decides it, for
the pages, the API, the e-mails and the selection helper's reviewer-facing exports.

The rules (staff, i.e. the programme's facilitators acting as such, see everything):
- a reviewer recused from a candidate (a conflict not waived) sees nothing of them: the
  candidate is absent from every list and their pages answer 404;
- otherwise a reviewer sees a cohort candidate's name and ministry (to declare a conflict),
  and the dossier (role, rank, application, referees, CV) of the candidates assigned to them;
- the nominator (name, role, statement) and anything of other reviewers (scores, notes,
  counts, averages) stay hidden until the reviewer has submitted their own review of that
  candidate; then, in calibration and the blind first pass, they see how the others scored
  (a distribution per criterion, no names, no notes); from the discussion on, the others'
  reviews in full and the discussion record;
- the discussion record never lists a reviewer recused from the candidate.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef

from .models import (
    Cohort,
    CohortPhase,
    Conflict,
    Nomination,
    NominationStatus,
    Review,
    Reviewer,
)

BLIND_PHASES = (CohortPhase.NOMINATION, CohortPhase.CALIBRATION, CohortPhase.FIRST_PASS)


class Others(enum.IntEnum):
    """How much of the other reviewers' work a viewer sees for one candidate."""

    NONE = 0
    DISTRIBUTION = 1  # how many gave each score, per criterion; no names, no notes
    FULL = 2  # each review: who, scores, evidence, confidence, note


@dataclass(frozen=True)
class ReviewerView:
    """The viewer's standing in one cohort, read once per request (three small queries)."""

    cohort: Cohort
    staff: bool
    reviewer: Reviewer | None = None
    recused: frozenset[int] = field(default_factory=frozenset)
    assigned: frozenset[int] = field(default_factory=frozenset)
    submitted: frozenset[int] = field(default_factory=frozenset)


def viewer_for(*, cohort: Cohort, user, staff: bool) -> ReviewerView:
    """`staff` is the caller's: True only where the viewer acts as programme staff (the board,
    someone else's review). A facilitator who also reviews is blind on their own queue."""
    if staff:
        return ReviewerView(cohort=cohort, staff=True)
    reviewer = (
        Reviewer.objects.filter(cohort=cohort, user=user).select_related("person").first()
        if user is not None and user.is_authenticated
        else None
    )
    if reviewer is None:
        return ReviewerView(cohort=cohort, staff=False)
    recused = frozenset(
        Conflict.objects.filter(reviewer=reviewer, waived_at__isnull=True).values_list(
            "nomination_id", flat=True
        )
    )
    assigned: set[int] = set()
    submitted: set[int] = set()
    for nomination_id, submitted_at in Review.objects.filter(reviewer=reviewer).values_list(
        "nomination_id", "submitted_at"
    ):
        assigned.add(nomination_id)
        if submitted_at is not None:
            submitted.add(nomination_id)
    return ReviewerView(
        cohort=cohort,
        staff=False,
        reviewer=reviewer,
        recused=recused,
        assigned=frozenset(assigned),
        submitted=frozenset(submitted),
    )


def candidate_visible(view: ReviewerView, nomination_id: int) -> bool:
    """The candidate's name and ministry: to staff, and to the cohort's reviewers who are not
    recused from them."""
    if view.staff:
        return True
    return view.reviewer is not None and nomination_id not in view.recused


def dossier_visible(view: ReviewerView, nomination_id: int) -> bool:
    return view.staff or (candidate_visible(view, nomination_id) and nomination_id in view.assigned)


def nominator_visible(view: ReviewerView, nomination_id: int) -> bool:
    return view.staff or (dossier_visible(view, nomination_id) and nomination_id in view.submitted)


def others_visible(view: ReviewerView, nomination_id: int) -> Others:
    if view.staff:
        return Others.FULL
    if not dossier_visible(view, nomination_id) or nomination_id not in view.submitted:
        return Others.NONE
    if view.cohort.phase in BLIND_PHASES:
        return Others.DISTRIBUTION
    return Others.FULL


def discussion_visible(view: ReviewerView, nomination_id: int) -> bool:
    """The discussion record (notes and the others' reviews), from the discussion phase on."""
    if view.staff:
        return True
    return (
        view.cohort.phase_at_least(CohortPhase.DISCUSSION)
        and others_visible(view, nomination_id) == Others.FULL
    )


def standing_conflict(reviewer_ref: str = "reviewer", nomination_ref: str = "nomination"):
    """An expression for querysets of reviews (or anything with a reviewer and a nomination):
    true where the reviewer is recused from the candidate. Reviews of recused pairs are left
    out of aggregation and of every other reviewer's view."""
    return Exists(
        Conflict.objects.filter(
            reviewer=OuterRef(reviewer_ref),
            nomination=OuterRef(nomination_ref),
            waived_at__isnull=True,
        )
    )


@dataclass(frozen=True)
class Referee:
    name: str
    role_title: str
    relation: str


@dataclass(frozen=True)
class Nominator:
    name: str
    role: str
    statement: str


@dataclass(frozen=True)
class Dossier:
    """A candidate as a reviewer may see them; `nominator` is None while it is hidden."""

    nomination_id: int
    candidate_name: str
    organisation: str
    role_title: str
    rank: str
    statement: str
    leadership_example: str
    referees: tuple[Referee, ...]
    has_cv: bool
    nominator: Nominator | None


def dossier_for(view: ReviewerView, nomination: Nomination) -> Dossier | None:
    """The dossier as `view` may see it, or None. Fetch the nomination with its organisation,
    invitation, application and referees (`selectors.reviews.DOSSIER_RELATED`)."""
    if not dossier_visible(view, nomination.pk):
        return None
    application = getattr(nomination, "application", None)
    nominator = None
    if nominator_visible(view, nomination.pk):
        invitation = nomination.invitation
        nominator = Nominator(
            name=nomination.nominator_name,
            role=invitation.get_nominator_role_display() if invitation else "",
            statement=nomination.nominator_statement,
        )
    return Dossier(
        nomination_id=nomination.pk,
        candidate_name=nomination.candidate_name,
        organisation=nomination.organisation.name,
        role_title=nomination.role_title,
        rank=nomination.rank,
        statement=application.statement if application else "",
        leadership_example=application.leadership_example if application else "",
        referees=tuple(
            Referee(name=r.name, role_title=r.role_title, relation=r.relation)
            for r in (application.referees.all() if application else ())
        ),
        has_cv=bool(application and application.cv),
        nominator=nominator,
    )


def reviewable(nomination: Nomination) -> bool:
    return nomination.status == NominationStatus.APPLIED
