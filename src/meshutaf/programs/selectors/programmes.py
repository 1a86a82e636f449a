"""Reads for the programme and cohort pages."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from meshutaf.directory.models import Organisation, Sector

from ..models import (
    PHASE_ORDER,
    Cohort,
    CohortPhase,
    Criterion,
    Nomination,
    NominationStatus,
    Participant,
    ParticipantStatus,
    Programme,
    Quota,
    Review,
    RubricVersion,
    Session,
)


def public_bodies() -> QuerySet[Organisation]:
    """The ministries and local authorities a quota may name: public bodies, listed for the
    programme's staff whether or not their own initiatives work with them."""
    return Organisation.objects.filter(
        sector__in=[Sector.GOVERNMENT, Sector.LOCAL_AUTHORITY]
    ).order_by("name_he", "name_en", "pk")


def programmes_of(initiative) -> QuerySet[Programme]:
    return (
        Programme.objects.filter(initiative=initiative)
        .annotate(cohort_count=Count("cohorts"))
        .order_by("name", "pk")
    )


def cohorts_of(programme: Programme) -> QuerySet[Cohort]:
    return (
        Cohort.objects.filter(programme=programme)
        .annotate(
            nomination_count=Count("nominations", distinct=True),
            participant_count=Count(
                "participants",
                filter=~Q(participants__status=ParticipantStatus.WITHDRAWN),
                distinct=True,
            ),
            session_count=Count("sessions", distinct=True),
        )
        .order_by("-start_date", "-pk")
    )


def rubric_versions_of(programme: Programme) -> QuerySet[RubricVersion]:
    return (
        RubricVersion.objects.filter(rubric__programme=programme)
        .select_related("rubric")
        .prefetch_related(
            Prefetch("criteria", queryset=Criterion.objects.prefetch_related("levels"))
        )
        .order_by("rubric__pk", "number")
    )


@dataclass(frozen=True)
class PhaseStep:
    value: str
    label: str
    state: str  # "done", "current" or "next"


def phase_steps(cohort: Cohort) -> list[PhaseStep]:
    current = PHASE_ORDER.index(cohort.phase)
    return [
        PhaseStep(
            value,
            str(CohortPhase(value).label),
            "done" if index < current else "current" if index == current else "next",
        )
        for index, value in enumerate(PHASE_ORDER)
    ]


def next_phase(cohort: Cohort) -> str | None:
    index = PHASE_ORDER.index(cohort.phase)
    return PHASE_ORDER[index + 1] if index + 1 < len(PHASE_ORDER) else None


@dataclass(frozen=True)
class CohortSummary:
    nominations: int
    applied: int
    reviewers: int
    participants: int
    sessions: list[Session]
    next_session: Session | None
    quotas: list[Quota]
    my_open_reviews: int | None  # None when the viewer is not a reviewer
    my_participant: Participant | None


def cohort_summary(cohort: Cohort, *, user) -> CohortSummary:
    counts = Nomination.objects.filter(cohort=cohort).aggregate(
        total=Count("pk"), applied=Count("pk", filter=Q(status=NominationStatus.APPLIED))
    )
    sessions = list(
        Session.objects.filter(cohort=cohort).select_related("facilitator").order_by("starts_at")
    )
    now = timezone.now()
    my_reviews = None
    if cohort.reviewers.filter(user=user).exists():
        my_reviews = Review.objects.filter(
            reviewer__cohort=cohort, reviewer__user=user, submitted_at__isnull=True
        ).count()
    return CohortSummary(
        nominations=counts["total"],
        applied=counts["applied"],
        reviewers=cohort.reviewers.count(),
        participants=cohort.participants.exclude(status=ParticipantStatus.WITHDRAWN).count(),
        sessions=sessions,
        next_session=next((s for s in sessions if s.ends_at >= now), None),
        quotas=list(cohort.quotas.select_related("organisation")),
        my_open_reviews=my_reviews,
        my_participant=cohort.participants.filter(user=user).select_related("person").first()
        if user.is_authenticated
        else None,
    )
