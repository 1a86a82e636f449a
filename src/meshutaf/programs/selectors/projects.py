"""Reads of a cohort's projects: the list and one project's page, the team's ministries, the
final review's results (raw and adjusted, through the selection's `ranking`) and the
follow-ups coming due."""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from .. import ranking
from ..models import (
    Cohort,
    FollowUp,
    FollowUpStatus,
    Milestone,
    Participant,
    Programme,
    Project,
    ProjectReview,
    ProjectScore,
)

FOLLOW_UP_HORIZON = dt.timedelta(days=30)


def _team_prefetch() -> Prefetch:
    return Prefetch(
        "members",
        queryset=Participant.objects.select_related("person", "organisation").order_by(
            "person__full_name", "pk"
        ),
    )


def projects_of(*, cohort: Cohort) -> QuerySet[Project]:
    """The cohort's projects with their team, sponsor, coach and milestone counts: a fixed
    number of queries however many there are."""
    return (
        Project.objects.filter(cohort=cohort)
        .select_related("sponsor", "coach")
        .prefetch_related(_team_prefetch())
        .annotate(
            milestone_count=Count("milestones", distinct=True),
            milestones_done=Count(
                "milestones", filter=Q(milestones__done_at__isnull=False), distinct=True
            ),
        )
        .order_by("title", "pk")
    )


def project_with_team(*, pk: int) -> Project:
    return (
        Project.objects.select_related("cohort__programme", "sponsor", "coach")
        .prefetch_related(_team_prefetch())
        .get(pk=pk)
    )


def team_single_ministry(members) -> str | None:
    """The ministry every member of a team of two or more comes from, when they all come from
    one (the point of a project is to work across ministries); None otherwise."""
    organisations = {member.organisation_id for member in members}
    if len(members) < 2 or len(organisations) != 1 or None in organisations:
        return None
    return str(members[0].organisation)


def milestones_of(*, project: Project) -> list[Milestone]:
    return list(project.milestones.order_by("due_date", "pk"))


def follow_ups_of(*, project: Project) -> list[FollowUp]:
    return list(project.follow_ups.select_related("recorded_by").order_by("months"))


def follow_ups_due(
    *, programme: Programme, today: dt.date | None = None, horizon: dt.timedelta = FOLLOW_UP_HORIZON
) -> list[FollowUp]:
    """Follow-ups still to do whose date has come or comes within `horizon`, oldest first."""
    today = today or timezone.localdate()
    return list(
        FollowUp.objects.filter(
            project__cohort__programme=programme,
            status=FollowUpStatus.DUE,
            due_date__lte=today + horizon,
        )
        .select_related("project__cohort")
        .order_by("due_date", "project__title", "pk")
    )


def reviews_of(*, project: Project) -> list[ProjectReview]:
    return list(project.reviews.select_related("reviewer", "rubric_version__rubric").order_by("pk"))


def my_review(*, project: Project, user) -> ProjectReview | None:
    return project.reviews.filter(reviewer=user).select_related("rubric_version").first()


@dataclass(frozen=True)
class ProjectResult:
    """A project's final review as the selection board shows a candidate: raw figures beside
    the reviewer-adjusted score, never instead of it."""

    n_reviewers: int
    raw_mean: float | None
    median: float | None
    spread: float | None
    adjusted: float | None
    low: float | None
    high: float | None
    band: tuple[int, int] | None
    rank: int | None
    consensus: bool


def _number(value: float) -> float | None:
    return None if value is None or math.isnan(value) else round(value, 2)


def project_results(*, cohort: Cohort) -> dict[int, ProjectResult]:
    """The cohort's projects ranked from their submitted reviews, by rubric version (scores
    on different versions do not compare): each reviewer's weighted mean per project, the
    raw mean, median and spread, and the score adjusted for harsh or lenient reviewers with
    its interval and rank band, as in selection. Two queries."""
    scores = (
        ProjectScore.objects.filter(
            review__project__cohort=cohort, review__submitted_at__isnull=False
        )
        .select_related("criterion", "review__rubric_version")
        .order_by("pk")
    )
    by_version: dict[int, list[ProjectScore]] = defaultdict(list)
    for score in scores:
        by_version[score.review.rubric_version_id].append(score)
    results: dict[int, ProjectResult] = {}
    for rows in by_version.values():
        version = rows[0].review.rubric_version
        ranked = ranking.rank(
            (
                ranking.Review(
                    candidate=str(row.review.project_id),
                    reviewer=str(row.review.reviewer_id),
                    criterion=str(row.criterion_id),
                    score=None if row.cannot_judge else float(row.score or 0),
                    confidence=float(row.confidence),
                )
                for row in rows
            ),
            weights={str(row.criterion_id): float(row.criterion.weight) for row in rows},
            scale=(version.scale_min, version.scale_max),
        )
        for candidate in ranked.candidates:
            results[int(candidate.id)] = ProjectResult(
                n_reviewers=candidate.n_reviewers,
                raw_mean=_number(candidate.raw_mean),
                median=_number(candidate.median),
                spread=_number(candidate.spread),
                adjusted=_number(candidate.adjusted),
                low=_number(candidate.low),
                high=_number(candidate.high),
                band=candidate.band,
                rank=candidate.rank,
                consensus=candidate.consensus,
            )
    return results
