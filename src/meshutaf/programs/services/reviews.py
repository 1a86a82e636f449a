"""Writes for reviewing: the cohort's reviewers, conflicts of interest (declared or found in
the directory) and their waivers, the assignments each review phase opens with, reviews
(drafts, submission, revisions after discussion) and the discussion record.

A review row is the assignment. A conflict that stands recuses the reviewer: an unsubmitted
review of that candidate is withdrawn (and the candidate given someone else in the first
pass); a submitted one stays, left out of every count, and the decision log says so.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from meshutaf.directory.models import Affiliation, Person
from meshutaf.initiatives.models import Membership

from .. import assignment, tasks
from ..models import (
    Cohort,
    CohortPhase,
    Confidence,
    Conflict,
    ConflictSource,
    CriterionScore,
    DiscussionNote,
    LogKind,
    Nomination,
    NominationStatus,
    Review,
    Reviewer,
    ReviewPhase,
    RubricVersion,
)
from . import programmes

logger = logging.getLogger(__name__)

TEXT_MAX = 5000
ANCHORS_MIN, ANCHORS_MAX = 3, 5


# ---------------------------------------------------------------- reviewers


@transaction.atomic
def reviewer_add(*, cohort: Cohort, user, by, max_load: int | None = None) -> Reviewer:
    """Make a member of the programme's initiative a reviewer of the cohort. Their directory
    person (if any) is what conflicts are looked for against."""
    if cohort.phase_at_least(CohortPhase.RECOMMENDATION):
        raise ValidationError(_("Reviews are over in this cohort: no reviewer can be added."))
    if not Membership.objects.filter(
        initiative_id=cohort.programme.initiative_id, user=user, user__is_active=True
    ).exists():
        raise ValidationError({"user": _("Reviewers are chosen among the initiative's members.")})
    if max_load is not None and max_load < 1:
        raise ValidationError({"max_load": _("A reviewer takes at least one candidate.")})
    if Reviewer.objects.filter(cohort=cohort, user=user).exists():
        raise ValidationError({"user": _("This member already reviews this cohort.")})
    reviewer = Reviewer.objects.create(
        cohort=cohort,
        user=user,
        person=Person.objects.filter(user=user).first(),
        max_load=max_load,
    )
    if cohort.phase_at_least(CohortPhase.CALIBRATION):
        conflicts_detect(cohort=cohort, by=by)
    if cohort.phase == CohortPhase.CALIBRATION:
        made = _calibration_reviews(cohort=cohort, reviewers=[reviewer])
        _notify_later(cohort, Counter({reviewer.pk: made}))
    return reviewer


@transaction.atomic
def reviewer_remove(*, reviewer: Reviewer, by) -> None:
    """Remove a reviewer who has submitted nothing; their open assignments go with them."""
    if reviewer.reviews.filter(submitted_at__isnull=False).exists():
        raise ValidationError(
            _("This reviewer has submitted reviews: they stay, so the reviewer stays too.")
        )
    reviewer.delete()


# ---------------------------------------------------------------- conflicts


def _current(affiliation: Affiliation, today) -> bool:
    started = affiliation.start_date is None or affiliation.start_date <= today
    return started and (affiliation.end_date is None or affiliation.end_date >= today)


def _overlap(one: Affiliation, two: Affiliation) -> bool:
    """Two affiliations overlap in time; an open end counts as open."""
    low = max(filter(None, (one.start_date, two.start_date)), default=None)
    ends = [d for d in (one.end_date, two.end_date) if d is not None]
    high = min(ends) if ends else None
    return low is None or high is None or low <= high


def _candidate_people(nominations: list[Nomination]) -> dict[int, int]:
    """nomination id -> directory person id: the linked person, else the one person whose
    e-mail is the candidate's."""
    people = {n.pk: n.candidate_person_id for n in nominations if n.candidate_person_id}
    emails = {n.candidate_email.lower(): n.pk for n in nominations if n.pk not in people}
    if emails:
        found: dict[str, list[int]] = {}
        for pk, email in (
            Person.objects.annotate(lower_email=Lower("email"))
            .filter(lower_email__in=list(emails))
            .values_list("pk", "email")
        ):
            found.setdefault(email.lower(), []).append(pk)
        for email, pks in found.items():
            if len(pks) == 1 and email in emails:
                people[emails[email]] = pks[0]
    return people


@dataclass
class _Found:
    source: str
    detail: str


def _conflicts_between(
    reviewer: Reviewer,
    nomination: Nomination,
    candidate_person: int | None,
    affiliations: Mapping[int, list[Affiliation]],
    today,
) -> list[_Found]:
    found: list[_Found] = []
    mine = affiliations.get(reviewer.person_id or 0, [])
    theirs = affiliations.get(candidate_person or 0, [])
    same_ministry = [
        a for a in mine if a.organisation_id == nomination.organisation_id and _current(a, today)
    ]
    if same_ministry:
        found.append(
            _Found(
                ConflictSource.SAME_ORGANISATION,
                _("The reviewer works at %(organisation)s, the candidate's ministry.")
                % {"organisation": nomination.organisation.name},
            )
        )
    emails = {
        e.lower()
        for e in (reviewer.user.email, reviewer.person.email if reviewer.person else "")
        if e
    }
    if (reviewer.person_id and nomination.nominator_person_id == reviewer.person_id) or (
        nomination.nominator_email and nomination.nominator_email.lower() in emails
    ):
        found.append(_Found(ConflictSource.NOMINATOR, _("The reviewer nominated the candidate.")))
    if reviewer.person_id and candidate_person:
        line = [
            a for a in theirs if a.reports_to_id == reviewer.person_id and _current(a, today)
        ] or [a for a in mine if a.reports_to_id == candidate_person and _current(a, today)]
        if line:
            found.append(
                _Found(
                    ConflictSource.REPORTING_LINE,
                    _("One reports to the other at %(organisation)s.")
                    % {"organisation": line[0].organisation.name},
                )
            )
        shared = sorted(
            {
                a.organisation.name
                for a in mine
                for b in theirs
                if a.organisation_id == b.organisation_id
                and _overlap(a, b)
                and not (same_ministry and a.organisation_id == nomination.organisation_id)
            }
        )
        if shared:
            found.append(
                _Found(
                    ConflictSource.AFFILIATION,
                    _("Both were at %(organisations)s at the same time.")
                    % {"organisations": ", ".join(shared)},
                )
            )
    return found


@transaction.atomic
def conflicts_detect(*, cohort: Cohort, by) -> int:
    """Look for conflicts in the directory between every reviewer and every candidate of the
    cohort: same ministry, the nominating director-general, a reporting line, a shared
    affiliation. Idempotent: a conflict found again (or waived) is not recorded twice.
    Returns how many are new."""
    reviewers = list(Reviewer.objects.filter(cohort=cohort).select_related("user", "person"))
    nominations = list(
        Nomination.objects.filter(cohort=cohort)
        .exclude(status__in=[NominationStatus.DECLINED, NominationStatus.WITHDRAWN])
        .select_related("organisation")
    )
    if not reviewers or not nominations:
        return 0
    candidate_people = _candidate_people(nominations)
    person_ids = {r.person_id for r in reviewers if r.person_id} | set(candidate_people.values())
    affiliations: dict[int, list[Affiliation]] = {}
    for affiliation in Affiliation.objects.filter(person_id__in=person_ids).select_related(
        "organisation"
    ):
        affiliations.setdefault(affiliation.person_id, []).append(affiliation)
    existing = set(
        Conflict.objects.filter(reviewer__cohort=cohort).values_list(
            "reviewer_id", "nomination_id", "source"
        )
    )
    today = timezone.localdate()
    new: list[Conflict] = []
    for reviewer in reviewers:
        for nomination in nominations:
            for found in _conflicts_between(
                reviewer, nomination, candidate_people.get(nomination.pk), affiliations, today
            ):
                if (reviewer.pk, nomination.pk, found.source) in existing:
                    continue
                new.append(
                    Conflict(
                        reviewer=reviewer,
                        nomination=nomination,
                        source=found.source,
                        detail=found.detail[:300],
                        recorded_by=by,
                    )
                )
    Conflict.objects.bulk_create(new)
    _recusals_apply(cohort=cohort, conflicts=new, by=by)
    return len(new)


@transaction.atomic
def conflict_declare(
    *, reviewer: Reviewer, nomination: Nomination, by, detail: str = ""
) -> Conflict:
    """The reviewer says they know the candidate: they are recused at once. Only the reviewer
    declares for themselves."""
    if by is None or by.pk != reviewer.user_id:
        raise ValidationError(_("Only the reviewer can declare their own conflict."))
    if nomination.cohort_id != reviewer.cohort_id:
        raise ValidationError(_("This candidate is not in your cohort."))
    detail = (detail or "").strip()
    if len(detail) > 300:
        raise ValidationError({"detail": _("At most %(count)s characters.") % {"count": 300}})
    conflict = Conflict.objects.filter(
        reviewer=reviewer, nomination=nomination, source=ConflictSource.DECLARED
    ).first()
    if conflict is not None:
        return conflict
    conflict = Conflict.objects.create(
        reviewer=reviewer,
        nomination=nomination,
        source=ConflictSource.DECLARED,
        detail=detail or _("Declared by the reviewer."),
        recorded_by=by,
    )
    _recusals_apply(cohort=reviewer.cohort, conflicts=[conflict], by=by)
    return conflict


@transaction.atomic
def conflict_waive(*, conflict: Conflict, by, reason: str) -> Conflict:
    """Staff judge a detected conflict not to recuse the reviewer, and say why. A conflict the
    reviewer declared cannot be waived: only they know the relationship, and a reviewer who
    has said they cannot judge a candidate fairly is not asked to anyway."""
    conflict = (
        Conflict.objects.select_for_update(of=("self",))
        .select_related("reviewer__cohort")
        .get(pk=conflict.pk)
    )
    reason = (reason or "").strip()
    if conflict.source == ConflictSource.DECLARED:
        raise ValidationError(_("A conflict the reviewer declared cannot be waived."))
    if conflict.waived_at is not None:
        raise ValidationError(_("This conflict is already waived."))
    if not reason:
        raise ValidationError({"reason": _("Say why this conflict does not recuse the reviewer.")})
    if len(reason) > TEXT_MAX:
        raise ValidationError({"reason": _("At most %(count)s characters.") % {"count": TEXT_MAX}})
    conflict.waived_at = timezone.now()
    conflict.waived_by = by
    conflict.waiver_reason = reason
    conflict.save(update_fields=["waived_at", "waived_by", "waiver_reason", "updated_at"])
    tasks.board_refresh_later(conflict.reviewer.cohort_id)
    programmes.log(
        cohort=conflict.reviewer.cohort,
        kind=LogKind.CONFLICT,
        by=by,
        nomination=conflict.nomination,
        reason=_("Conflict waived (%(source)s, %(reviewer)s): %(reason)s")
        % {
            "source": conflict.get_source_display(),
            "reviewer": conflict.reviewer.user.display_name,
            "reason": reason,
        },
    )
    return conflict


def _recusals_apply(*, cohort: Cohort, conflicts: list[Conflict], by) -> None:
    """What a new conflict does: log it; withdraw the reviewer's unsubmitted reviews of the
    candidate (and find the candidate another reviewer in the first pass); set a submitted
    review aside (the selectors leave it out of aggregation) and log that."""
    if not conflicts:
        return
    tasks.board_refresh_later(cohort.pk)
    reopen: set[int] = set()
    reviewers = {c.reviewer_id: c.reviewer for c in conflicts}
    for conflict in conflicts:
        reviewer = reviewers[conflict.reviewer_id]
        programmes.log(
            cohort=cohort,
            kind=LogKind.CONFLICT,
            by=by,
            nomination=conflict.nomination,
            reason=_("Conflict of interest (%(source)s): %(reviewer)s. %(detail)s")
            % {
                "source": ConflictSource(conflict.source).label,
                "reviewer": reviewer.user.display_name,
                "detail": conflict.detail,
            },
        )
        reviews = Review.objects.filter(reviewer=reviewer, nomination=conflict.nomination)
        for review in reviews:
            if review.submitted_at is None:
                if review.phase == ReviewPhase.FIRST_PASS:
                    reopen.add(conflict.nomination_id)
                review.delete()
            else:
                programmes.log(
                    cohort=cohort,
                    kind=LogKind.CONFLICT,
                    by=by,
                    nomination=conflict.nomination,
                    reason=_(
                        "%(reviewer)s's submitted review (%(phase)s) is set aside: "
                        "it no longer counts."
                    )
                    % {"reviewer": reviewer.user.display_name, "phase": review.get_phase_display()},
                )
    if reopen and cohort.phase == CohortPhase.FIRST_PASS:
        _assign(cohort=cohort, by=by, only=reopen)


# ---------------------------------------------------------------- phases and assignment


def phase_entered(*, cohort: Cohort, phase: str, by) -> None:
    """Make the review assignments a phase opens with. Called by
    `programmes.cohort_phase_advance` inside its transaction, before the phase is saved.

    - calibration: every reviewer gets a calibration review of each of the 3–5 calibration
      dossiers (recused pairs skipped);
    - first pass: conflicts are looked for again, then each applied candidate who is not a
      calibration dossier gets the cohort's number of reviewers;
    - discussion: nothing is made; reviewers may revise a submitted review (`review_revise`).
    """
    if phase == CohortPhase.CALIBRATION:
        _calibration_open(cohort=cohort, by=by)
    elif phase == CohortPhase.FIRST_PASS:
        conflicts_detect(cohort=cohort, by=by)
        _assign(cohort=cohort, by=by)


def _anchors(cohort: Cohort):
    return Nomination.objects.filter(
        cohort=cohort, calibration_anchor=True, status=NominationStatus.APPLIED
    )


def _calibration_open(*, cohort: Cohort, by) -> None:
    version = cohort.rubric_version
    if (
        version is None
        or not RubricVersion.objects.filter(pk=version.pk, frozen_at__isnull=False).exists()
    ):
        raise ValidationError(_("The cohort's rubric must be frozen before calibration."))
    anchors = _anchors(cohort).count()
    if not ANCHORS_MIN <= anchors <= ANCHORS_MAX:
        raise ValidationError(
            _(
                "Calibration needs %(low)s to %(high)s applied candidates marked as calibration "
                "dossiers; this cohort has %(count)s."
            )
            % {"low": ANCHORS_MIN, "high": ANCHORS_MAX, "count": anchors}
        )
    reviewers = list(Reviewer.objects.filter(cohort=cohort).select_related("user"))
    if not reviewers:
        raise ValidationError(_("Add the cohort's reviewers before calibration."))
    conflicts_detect(cohort=cohort, by=by)
    made = Counter(
        {
            reviewer.pk: _calibration_reviews(cohort=cohort, reviewers=[reviewer])
            for reviewer in reviewers
        }
    )
    _notify_later(cohort, made)


def _rubric(cohort: Cohort) -> int:
    if cohort.rubric_version_id is None:
        raise ValidationError(_("Choose the cohort's rubric before reviews start."))
    return cohort.rubric_version_id


def _calibration_reviews(*, cohort: Cohort, reviewers: list[Reviewer]) -> int:
    version = _rubric(cohort)
    standing = set(
        Conflict.objects.filter(reviewer__in=reviewers, waived_at__isnull=True).values_list(
            "reviewer_id", "nomination_id"
        )
    )
    existing = set(
        Review.objects.filter(reviewer__in=reviewers, phase=ReviewPhase.CALIBRATION).values_list(
            "reviewer_id", "nomination_id"
        )
    )
    rows = [
        Review(
            reviewer=reviewer,
            nomination_id=anchor,
            phase=ReviewPhase.CALIBRATION,
            rubric_version_id=version,
        )
        for reviewer in reviewers
        for anchor in _anchors(cohort).values_list("pk", flat=True)
        if (reviewer.pk, anchor) not in standing | existing
    ]
    Review.objects.bulk_create(rows)
    return len(rows)


@dataclass
class AssignmentReport:
    made: int = 0
    short: dict[int, int] = field(default_factory=dict)  # nomination id -> reviewers missing
    connected: bool = True


@transaction.atomic
def assignments_make(*, cohort: Cohort, by) -> AssignmentReport:
    """Top the first pass up: candidates who lack reviewers (a new candidate, a recusal, a
    reviewer added late) get them. Existing assignments stay."""
    if cohort.phase != CohortPhase.FIRST_PASS:
        raise ValidationError(_("Candidates are assigned to reviewers in the first pass."))
    return _assign(cohort=cohort, by=by)


def _assign(*, cohort: Cohort, by, only: Iterable[int] | None = None) -> AssignmentReport:
    candidates = Nomination.objects.filter(
        cohort=cohort, status=NominationStatus.APPLIED, calibration_anchor=False
    )
    if only is not None:
        candidates = candidates.filter(pk__in=list(only))
    candidate_ids = list(candidates.order_by("pk").values_list("pk", flat=True))
    reviewers = dict(
        Reviewer.objects.filter(cohort=cohort).order_by("pk").values_list("pk", "max_load")
    )
    if not reviewers:
        if candidate_ids:
            raise ValidationError(_("Add the cohort's reviewers before assigning candidates."))
        return AssignmentReport()
    conflicts = {
        (nomination, reviewer)
        for reviewer, nomination in Conflict.objects.filter(
            reviewer__cohort=cohort, waived_at__isnull=True
        ).values_list("reviewer_id", "nomination_id")
    }
    existing = [
        (nomination, reviewer)
        for reviewer, nomination in Review.objects.filter(
            reviewer__cohort=cohort, phase=ReviewPhase.FIRST_PASS
        ).values_list("reviewer_id", "nomination_id")
        if (nomination, reviewer) not in conflicts
    ]
    result = assignment.assign(
        candidates=candidate_ids,
        reviewers=reviewers,
        conflicts=conflicts,
        k=cohort.reviews_per_candidate,
        seed=cohort.pk,
        existing=existing,
    )
    version = _rubric(cohort)
    Review.objects.bulk_create(
        Review(
            reviewer_id=reviewer,
            nomination_id=nomination,
            phase=ReviewPhase.FIRST_PASS,
            rubric_version_id=version,
        )
        for nomination, reviewer in result.pairs
    )
    _notify_later(cohort, Counter(reviewer for _nomination, reviewer in result.pairs))
    return AssignmentReport(made=len(result.pairs), short=result.short, connected=result.connected)


# ---------------------------------------------------------------- the assignment notice


def _notify_later(cohort: Cohort, counts: Counter) -> None:
    counts = Counter({pk: n for pk, n in counts.items() if n})
    if counts:
        transaction.on_commit(partial(assignment_notice_send, cohort.pk, dict(counts)))


def assignment_notice_send(cohort_id: int, counts: Mapping[int, int]) -> int:
    """E-mail each reviewer how many new reviews wait for them, with the link to their
    queue, and nothing else: no candidate, no nominator, no one's scores. A mail failure is
    logged; the reviews are there either way. Returns how many were sent."""
    sent = 0
    cohort = Cohort.objects.select_related("programme").get(pk=cohort_id)
    url = settings.SITE_URL.rstrip("/") + reverse("programs:review_queue", args=[cohort.pk])
    for reviewer in Reviewer.objects.filter(pk__in=list(counts)).select_related("user"):
        user = reviewer.user
        if not user.email or not user.is_active:
            continue
        language = (getattr(user, "language", "") or settings.LANGUAGE_CODE)[:2]
        with translation.override(language):
            context = {"cohort": cohort, "count": counts[reviewer.pk], "url": url}
            subject = _("New reviews for you in “%(cohort)s”") % {"cohort": cohort.name}
            body = render_to_string("programs/reviews/email/assigned.txt", context)
        try:
            send_mail(subject, body, None, [user.email])
        except Exception:
            logger.exception("Could not e-mail reviewer %s", reviewer.pk)
            continue
        sent += 1
    return sent


# ---------------------------------------------------------------- reviews


@dataclass(frozen=True)
class ScoreIn:
    criterion_id: int
    score: int | None = None
    cannot_judge: bool = False
    evidence: str = ""
    confidence: int = Confidence.MEDIUM


def _writable(review: Review, by) -> None:
    """Who and when: the reviewer, not recused, the review not submitted, its phase open (a
    calibration review until the discussion, a first-pass review in the first pass and the
    discussion, a revision in the discussion), and calibration done before the first pass."""
    reviewer = review.reviewer
    if by is None or reviewer.user_id != by.pk:
        raise ValidationError(_("Only the reviewer writes their review."))
    if Conflict.objects.filter(
        reviewer=reviewer, nomination_id=review.nomination_id, waived_at__isnull=True
    ).exists():
        raise ValidationError(_("You are recused from this candidate."))
    if review.submitted_at is not None:
        raise ValidationError(_("This review is submitted and can no longer change."))
    phase = reviewer.cohort.phase
    open_in = {
        ReviewPhase.CALIBRATION: (CohortPhase.CALIBRATION, CohortPhase.FIRST_PASS),
        ReviewPhase.FIRST_PASS: (CohortPhase.FIRST_PASS, CohortPhase.DISCUSSION),
        ReviewPhase.DISCUSSION: (CohortPhase.DISCUSSION,),
    }[ReviewPhase(review.phase)]
    if phase not in open_in:
        raise ValidationError(_("This review's phase is closed."))
    if review.phase == ReviewPhase.FIRST_PASS and not calibration_done(reviewer=reviewer):
        raise ValidationError(_("Submit your calibration reviews first."))


def calibration_done(*, reviewer: Reviewer) -> bool:
    # A recusal withdraws the unsubmitted reviews it touches, so what is left is owed.
    return not Review.objects.filter(
        reviewer=reviewer, phase=ReviewPhase.CALIBRATION, submitted_at__isnull=True
    ).exists()


def _checked_scores(
    review: Review, scores: Iterable[ScoreIn], submit: bool
) -> dict[int, ScoreIn | None]:
    """Each criterion's new state (None: nothing entered), or ValidationError keyed by
    `score_<criterion id>` with every problem at once."""
    version = review.rubric_version
    criteria = {c.pk: c for c in version.criteria.all()}
    errors: dict[str, list[str]] = {}
    given: dict[int, ScoreIn | None] = {}
    for item in scores:
        key = f"score_{item.criterion_id}"
        if item.criterion_id not in criteria:
            errors.setdefault("__all__", []).append(_("A criterion is not in this rubric."))
            continue
        if item.cannot_judge and item.score is not None:
            errors.setdefault(key, []).append(_("Give a score or choose “cannot judge”, not both."))
        elif item.score is not None and not version.scale_min <= item.score <= version.scale_max:
            errors.setdefault(key, []).append(
                _("A score is from %(low)s to %(high)s.")
                % {"low": version.scale_min, "high": version.scale_max}
            )
        if item.confidence not in Confidence.values:
            errors.setdefault(f"confidence_{item.criterion_id}", []).append(
                _("Choose low, medium or high confidence.")
            )
        if len(item.evidence or "") > TEXT_MAX:
            errors.setdefault(f"evidence_{item.criterion_id}", []).append(
                _("At most %(count)s characters.") % {"count": TEXT_MAX}
            )
        entered = item.score is not None or item.cannot_judge
        given[item.criterion_id] = item if entered or item.evidence.strip() else None
    if submit and not errors:
        stored = {
            s.criterion_id: s
            for s in CriterionScore.objects.filter(review=review)
            .order_by()
            .only("criterion_id", "score", "cannot_judge")
        }
        scored = 0
        for pk, criterion in criteria.items():
            state: ScoreIn | CriterionScore | None = (
                given.get(pk) if pk in given else stored.get(pk)
            )
            complete = state is not None and (state.score is not None or state.cannot_judge)
            if not complete:
                errors.setdefault(f"score_{pk}", []).append(
                    _("Score “%(criterion)s” or choose “cannot judge”.")
                    % {"criterion": criterion.name}
                )
            elif state is not None and state.score is not None:
                scored += 1
        if not errors and scored == 0:
            errors.setdefault("__all__", []).append(
                _("Score at least one criterion: a review of “cannot judge” only says nothing.")
            )
    if errors:
        raise ValidationError(errors)
    return given


@transaction.atomic
def review_save(
    *,
    review: Review,
    by,
    scores: Iterable[ScoreIn] = (),
    note: str | None = None,
    submit: bool = False,
) -> Review:
    """Save a draft (what is entered so far) or submit. Submitting needs every criterion
    scored or marked "cannot judge"; after that the review is read-only (a reviewer changes
    their mind in a discussion revision, which leaves the blind first pass as it was)."""
    review = (
        Review.objects.select_for_update(of=("self",))
        .select_related("reviewer__cohort", "rubric_version")
        .get(pk=review.pk)
    )
    _writable(review, by)
    note = (note if note is not None else review.note).strip()
    if len(note) > TEXT_MAX:
        raise ValidationError({"note": _("At most %(count)s characters.") % {"count": TEXT_MAX}})
    given = _checked_scores(review, list(scores), submit)
    for criterion_id, item in given.items():
        if item is None or (item.score is None and not item.cannot_judge):
            # Evidence without a score yet is kept only once there is a score to hold it.
            CriterionScore.objects.filter(
                review=review, criterion_id=criterion_id
            ).order_by().delete()
            continue
        CriterionScore.objects.update_or_create(
            review=review,
            criterion_id=criterion_id,
            defaults={
                "score": item.score,
                "cannot_judge": item.cannot_judge,
                "evidence": item.evidence.strip(),
                "confidence": item.confidence,
            },
        )
    review.note = note
    fields = ["note", "updated_at"]
    if submit:
        review.submitted_at = timezone.now()
        fields.append("submitted_at")
    review.save(update_fields=fields)
    if submit:
        tasks.board_refresh_later(review.reviewer.cohort_id)
    return review


@transaction.atomic
def review_revise(*, review: Review, by) -> Review:
    """In the discussion, start a revised review from a submitted one (its scores copied).
    The original stays as it was submitted."""
    review = Review.objects.select_related("reviewer__cohort").get(pk=review.pk)
    reviewer = review.reviewer
    if by is None or reviewer.user_id != by.pk:
        raise ValidationError(_("Only the reviewer revises their review."))
    if reviewer.cohort.phase != CohortPhase.DISCUSSION:
        raise ValidationError(_("Reviews are revised during the discussion."))
    if review.submitted_at is None or review.phase == ReviewPhase.DISCUSSION:
        raise ValidationError(_("Only a submitted review can be revised."))
    if Conflict.objects.filter(
        reviewer=reviewer, nomination_id=review.nomination_id, waived_at__isnull=True
    ).exists():
        raise ValidationError(_("You are recused from this candidate."))
    revision = Review.objects.filter(
        reviewer=reviewer, nomination_id=review.nomination_id, phase=ReviewPhase.DISCUSSION
    ).first()
    if revision is not None:
        return revision
    try:
        with transaction.atomic():
            revision = Review.objects.create(
                reviewer=reviewer,
                nomination_id=review.nomination_id,
                phase=ReviewPhase.DISCUSSION,
                rubric_version_id=review.rubric_version_id,
                note=review.note,
            )
    except IntegrityError:
        return Review.objects.get(
            reviewer=reviewer, nomination_id=review.nomination_id, phase=ReviewPhase.DISCUSSION
        )
    CriterionScore.objects.bulk_create(
        CriterionScore(
            review=revision,
            criterion_id=score.criterion_id,
            score=score.score,
            cannot_judge=score.cannot_judge,
            evidence=score.evidence,
            confidence=score.confidence,
        )
        for score in review.scores.order_by("pk")
    )
    return revision


# ---------------------------------------------------------------- the discussion record


@transaction.atomic
def discussion_note_add(*, nomination: Nomination, by, text: str, allowed: bool) -> DiscussionNote:
    """Add to a candidate's discussion record. `allowed` is `visibility.discussion_visible`
    for the writer (the caller has the viewer at hand); the phase is checked here."""
    if not allowed:
        raise ValidationError(_("You cannot take part in this candidate's discussion."))
    cohort = nomination.cohort
    if cohort.phase not in (CohortPhase.DISCUSSION, CohortPhase.RECOMMENDATION):
        raise ValidationError(_("The discussion is open in the discussion phase."))
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write the note.")})
    if len(text) > TEXT_MAX:
        raise ValidationError({"text": _("At most %(count)s characters.") % {"count": TEXT_MAX}})
    return DiscussionNote.objects.create(nomination=nomination, author=by, text=text)
