"""Writes of a cohort's inter-ministerial projects: the project and its team, milestones, the
final review on a rubric (the selection's engine), and the follow-ups 6, 12 and 24 months
after the cohort ends. Each caller has passed the project's (or cohort's) gate."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from meshutaf.core.services import model_update
from meshutaf.initiatives.models import Membership

from .. import indexing
from ..models import (
    Cohort,
    Confidence,
    FollowUp,
    FollowUpStatus,
    Milestone,
    Participant,
    Project,
    ProjectReview,
    ProjectScore,
    ProjectStatus,
    RubricVersion,
)
from .programmes import programme_rubric_version, rubric_version_freeze

FOLLOW_UP_MONTHS = (6, 12, 24)
PROJECT_FIELDS = ("title", "challenge", "description", "sponsor", "coach", "status")
MILESTONE_FIELDS = ("title", "due_date", "note")


def _team(cohort: Cohort, members: Iterable[Participant]) -> list[Participant]:
    team = list(members)
    strangers = [member for member in team if member.cohort_id != cohort.pk]
    if strangers:
        raise ValidationError(
            {"members": _("A project's team is made of the cohort's own participants.")}
        )
    return team


def _check_project(project: Project) -> None:
    project.title = (project.title or "").strip()
    if project.status not in ProjectStatus.values:
        raise ValidationError({"status": _("Choose the project's status.")})
    project.full_clean(exclude=["cohort", "members"])


@transaction.atomic
def project_create(
    *,
    cohort: Cohort,
    by,
    title: str,
    challenge: str = "",
    description: str = "",
    sponsor=None,
    coach=None,
    members: Iterable[Participant] = (),
    status: str = ProjectStatus.FORMING,
) -> Project:
    """A project and its team (the cohort's participants). A team from one ministry only is
    allowed (`selectors.projects.team_single_ministry` warns about it): the programme decides.
    Its follow-ups are scheduled when the cohort has an end date."""
    team = _team(cohort, members)
    project = Project(
        cohort=cohort,
        title=title,
        challenge=challenge,
        description=description,
        sponsor=sponsor,
        coach=coach,
        status=status,
    )
    _check_project(project)
    project.save()
    project.members.set(team)
    follow_ups_ensure(project=project)
    indexing.index_project(project)
    return project


@transaction.atomic
def project_update(*, project: Project, by, data: dict[str, Any]) -> Project:
    members = data.pop("members", None)
    if "title" in data:
        data["title"] = (data["title"] or "").strip()
        if not data["title"]:
            raise ValidationError({"title": _("This field is required.")})
    if "status" in data and data["status"] not in ProjectStatus.values:
        raise ValidationError({"status": _("Choose the project's status.")})
    project, _changed = model_update(instance=project, fields=PROJECT_FIELDS, data=data, by=by)
    if members is not None:
        project.members.set(_team(project.cohort, members))
    indexing.index_project(project)
    return project


@transaction.atomic
def project_delete(*, project: Project, by) -> None:
    indexing.unindex_project(project)
    project.delete()


# ---------------------------------------------------------------- milestones


def _milestone_clean(milestone: Milestone) -> None:
    milestone.title = (milestone.title or "").strip()
    milestone.full_clean(exclude=["project"])


@transaction.atomic
def milestone_add(
    *, project: Project, by, title: str, due_date: dt.date | None = None, note: str = ""
) -> Milestone:
    milestone = Milestone(project=project, title=title, due_date=due_date, note=note)
    _milestone_clean(milestone)
    milestone.save()
    return milestone


@transaction.atomic
def milestone_update(*, milestone: Milestone, by, data: dict[str, Any]) -> Milestone:
    if "title" in data and not (data["title"] or "").strip():
        raise ValidationError({"title": _("This field is required.")})
    milestone, _changed = model_update(
        instance=milestone, fields=MILESTONE_FIELDS, data=data, by=by
    )
    return milestone


@transaction.atomic
def milestone_done(*, milestone: Milestone, by, done: bool = True) -> Milestone:
    """Marked done today (or undone)."""
    milestone.done_at = timezone.localdate() if done else None
    milestone.save(update_fields=["done_at", "updated_at"])
    return milestone


@transaction.atomic
def milestone_delete(*, milestone: Milestone, by) -> None:
    milestone.delete()


# ---------------------------------------------------------------- follow-ups


def follow_up_dates(end_date: dt.date) -> dict[int, dt.date]:
    return {months: end_date + relativedelta(months=months) for months in FOLLOW_UP_MONTHS}


@transaction.atomic
def follow_ups_ensure(*, project: Project) -> list[FollowUp]:
    """The project's follow-ups at 6, 12 and 24 months after its cohort's end date: made when
    missing; those still due move with a changed end date. Nothing before there is an end
    date."""
    end = Cohort.objects.values_list("end_date", flat=True).get(pk=project.cohort_id)
    if end is None:
        return []
    existing = {follow_up.months: follow_up for follow_up in project.follow_ups.all()}
    for months, due in follow_up_dates(end).items():
        follow_up = existing.get(months)
        if follow_up is None:
            existing[months] = FollowUp.objects.create(project=project, months=months, due_date=due)
        elif follow_up.status == FollowUpStatus.DUE and follow_up.due_date != due:
            follow_up.due_date = due
            follow_up.save(update_fields=["due_date", "updated_at"])
    return [existing[months] for months in FOLLOW_UP_MONTHS]


@transaction.atomic
def cohort_follow_ups_ensure(*, cohort: Cohort) -> int:
    """For a cohort that got (or changed) its end date: every project's follow-ups."""
    count = 0
    for project in cohort.projects.all():
        count += len(follow_ups_ensure(project=project))
    return count


@transaction.atomic
def follow_up_record(
    *,
    follow_up: FollowUp,
    by,
    status: str,
    still_active: bool | None = None,
    outcome: str = "",
) -> FollowUp:
    if status not in FollowUpStatus.values:
        raise ValidationError({"status": _("Choose the follow-up's status.")})
    if status == FollowUpStatus.DONE and still_active is None and not (outcome or "").strip():
        raise ValidationError(
            {"outcome": _("Say what came of the project, or whether it is still going.")}
        )
    follow_up.status = status
    follow_up.still_active = still_active
    follow_up.outcome = (outcome or "").strip()
    follow_up.recorded_by = by
    follow_up.save()
    return follow_up


# ---------------------------------------------------------------- the final review


def _version_for(project: Project, version: RubricVersion | None) -> RubricVersion:
    programme = project.cohort.programme
    chosen = version or project.cohort.rubric_version or programme_rubric_version(programme)
    if chosen is None:
        raise ValidationError(_("The programme has no rubric to review projects with."))
    if chosen.rubric.programme_id != programme.pk:
        raise ValidationError({"rubric_version": _("That rubric belongs to another programme.")})
    return chosen


@transaction.atomic
def project_reviewers_set(
    *, project: Project, by, reviewers: Iterable, rubric_version: RubricVersion | None = None
) -> list[ProjectReview]:
    """The members who review the project, on the cohort's rubric version (or another version
    of the programme's rubric). An unsubmitted review is the assignment: reviewers taken off
    lose theirs; a submitted review stays."""
    version = _version_for(project, rubric_version)
    chosen = {user.pk: user for user in reviewers}
    members = set(
        Membership.objects.filter(
            initiative_id=project.cohort.programme.initiative_id, user_id__in=list(chosen)
        ).values_list("user_id", flat=True)
    )
    if set(chosen) - members:
        raise ValidationError(
            {"reviewers": _("Reviewers are chosen among the initiative's members.")}
        )
    submitted = project.reviews.filter(submitted_at__isnull=False)
    if submitted.exclude(rubric_version=version).exists():
        raise ValidationError(
            {"rubric_version": _("Reviews were submitted on another rubric version.")}
        )
    project.reviews.filter(submitted_at__isnull=True).exclude(reviewer_id__in=list(chosen)).delete()
    project.reviews.filter(submitted_at__isnull=True).update(rubric_version=version)
    have = set(project.reviews.values_list("reviewer_id", flat=True))
    ProjectReview.objects.bulk_create(
        ProjectReview(project=project, reviewer=user, rubric_version=version)
        for pk, user in chosen.items()
        if pk not in have
    )
    return list(project.reviews.select_related("reviewer").order_by("pk"))


@transaction.atomic
def project_review_submit(
    *, review: ProjectReview, by, scores: Mapping[int, Mapping[str, Any]], note: str = ""
) -> ProjectReview:
    """The reviewer's scores: for every criterion of the review's rubric version, `score` (on
    the version's scale) or `cannot_judge`, with `evidence` and `confidence` (1–3)."""
    review = (
        ProjectReview.objects.select_for_update(of=("self",))
        .select_related("rubric_version")
        .get(pk=review.pk)
    )
    if review.reviewer_id != by.pk:
        raise ValidationError(_("Only the reviewer submits their review."))
    if review.submitted_at is not None:
        raise ValidationError(_("This review has already been submitted."))
    version = review.rubric_version
    criteria = list(version.criteria.all())
    errors: dict[str, list[str]] = {}
    rows = []
    for criterion in criteria:
        given = scores.get(criterion.pk) or {}
        cannot_judge = bool(given.get("cannot_judge"))
        score = None if cannot_judge else given.get("score")
        confidence = given.get("confidence") or Confidence.MEDIUM
        key = f"criterion_{criterion.pk}"
        if not cannot_judge and (
            not isinstance(score, int)
            or isinstance(score, bool)
            or not version.scale_min <= score <= version.scale_max
        ):
            errors.setdefault(key, []).append(
                _("Give %(criterion)s a score from %(low)s to %(high)s, or say you cannot judge.")
                % {"criterion": criterion.name, "low": version.scale_min, "high": version.scale_max}
            )
            continue
        if confidence not in Confidence.values:
            errors.setdefault(key, []).append(_("Choose a confidence from 1 to 3."))
            continue
        rows.append(
            ProjectScore(
                review=review,
                criterion=criterion,
                score=score,
                cannot_judge=cannot_judge,
                evidence=(given.get("evidence") or "").strip(),
                confidence=confidence,
            )
        )
    unknown = set(scores) - {criterion.pk for criterion in criteria}
    if unknown:
        errors.setdefault("__all__", []).append(_("A score is for a criterion of another rubric."))
    if errors:
        raise ValidationError(errors)
    if not version.frozen:
        rubric_version_freeze(version=version, by=by)
    review.scores.all().delete()
    ProjectScore.objects.bulk_create(rows)
    review.note = (note or "").strip()
    review.submitted_at = timezone.now()
    review.save(update_fields=["note", "submitted_at", "updated_at"])
    return review
