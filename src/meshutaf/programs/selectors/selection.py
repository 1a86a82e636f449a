"""Reads of the selection: the board (every candidate's raw and adjusted scores, rank band,
disagreement, conflicts, recommendation and decision; the reviewers' offsets; agreement per
criterion), the consensus queue, the decision's proposal and the decision log. Staff only:
every caller has passed the cohort's gate with MANAGE.

Which scores count: each reviewer's submitted review of a candidate in the latest phase they
reviewed it (after discussion over first pass over calibration: a calibration review of an
anchor dossier is that reviewer's review of the anchor until a later one replaces it), never a
reviewer recused from the candidate by a conflict that stands (not waived).

The statistics (`ranking.rank`) take about a second at 2,000 candidates, so they are kept in
the cache under a fingerprint of everything they read (the cohort's submitted reviews and their
latest change, its conflicts and their latest change, the rubric, the threshold): a new
submission, conflict or waiver makes a new key, so nothing stale is shown.
"""

from __future__ import annotations

import hashlib
import math
import pickle
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Count, Max, Q
from django.utils.translation import gettext as _

from meshutaf.core.text import pick_localized

from .. import decide, ranking
from ..models import (
    BoardSnapshot,
    Cohort,
    Conflict,
    Criterion,
    CriterionScore,
    DecisionLogEntry,
    Gender,
    Nomination,
    NominationStatus,
    Quota,
    RecommendationChoice,
    Review,
    Reviewer,
    ReviewPhase,
)

PHASE_RANK: dict[str, int] = {
    ReviewPhase.CALIBRATION: 0,
    ReviewPhase.FIRST_PASS: 1,
    ReviewPhase.DISCUSSION: 2,
}
CACHE_SECONDS = 6 * 3600
# Krippendorff's own reading: below 0.667 no conclusions, 0.667 to 0.8 tentative ones.
ALPHA_LOW = 0.667
ALPHA_GOOD = 0.8


def _number(value: float) -> float | None:
    return None if value is None or math.isnan(value) else float(value)


@dataclass(frozen=True)
class BoardRow:
    nomination_id: int
    name: str
    organisation_id: int
    organisation: str
    sector: str
    gender: str
    status: str
    eligible: bool
    raw_mean: float | None
    median: float | None
    spread: float | None
    adjusted: float | None
    low: float | None
    high: float | None
    rank: int | None
    band: tuple[int, int] | None
    disagreement: float | None
    n_reviews: int
    n_cannot_judge: int
    conflicts: int
    consensus: bool
    recommendation: str
    recommendation_label: str
    decision: str
    decision_label: str
    criterion_spread: dict[str, float | None] = field(default_factory=dict)


@dataclass(frozen=True)
class ReviewerRow:
    reviewer_id: int
    name: str
    n_candidates: int
    offset: float | None
    se: float | None

    @property
    def harsher(self) -> bool:
        return self.offset is not None and self.offset < 0

    @property
    def size(self) -> float | None:
        return None if self.offset is None else abs(self.offset)


@dataclass(frozen=True)
class Agreement:
    code: str
    name: str
    alpha: float | None
    reading: str  # "good", "tentative", "low", "undefined"


@dataclass(frozen=True)
class CriterionInfo:
    id: int
    code: str
    name: str
    weight: float


@dataclass(frozen=True)
class Board:
    cohort: Cohort
    rows: list[BoardRow]  # best adjusted score first; unscored candidates last
    reviewers: list[ReviewerRow]
    agreement: list[Agreement]
    alpha_overall: float | None
    criteria: list[CriterionInfo]
    scale: tuple[float, float]
    level: float
    residual_sd: float | None
    components: int
    threshold: float
    fingerprint: str

    @property
    def queue(self) -> list[BoardRow]:
        """The consensus queue: largest disagreement first."""
        rows = [row for row in self.rows if row.consensus]
        return sorted(rows, key=lambda r: (-(r.disagreement or 0.0), r.name))


def alpha_reading(alpha: float | None) -> str:
    if alpha is None:
        return "undefined"
    if alpha >= ALPHA_GOOD:
        return "good"
    return "tentative" if alpha >= ALPHA_LOW else "low"


def _criteria(cohort: Cohort) -> list[CriterionInfo]:
    if cohort.rubric_version_id is None:
        return []
    return [
        CriterionInfo(id=c.pk, code=c.code, name=c.name, weight=float(c.weight))
        for c in Criterion.objects.filter(version_id=cohort.rubric_version_id)
    ]


def _fingerprint(cohort: Cohort) -> str:
    reviews = Review.objects.filter(
        nomination__cohort=cohort, submitted_at__isnull=False
    ).aggregate(n=Count("pk"), submitted=Max("submitted_at"), changed=Max("updated_at"))
    conflicts = Conflict.objects.filter(nomination__cohort=cohort).aggregate(
        n=Count("pk"),
        standing=Count("pk", filter=Q(waived_at__isnull=True)),
        changed=Max("updated_at"),
    )
    parts = (
        cohort.pk,
        cohort.rubric_version_id,
        str(cohort.consensus_spread),
        reviews["n"],
        reviews["submitted"],
        reviews["changed"],
        conflicts["n"],
        conflicts["standing"],
        conflicts["changed"],
    )
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:32]


@dataclass(frozen=True)
class _Scores:
    """What the board computes from the scores, cached under the fingerprint."""

    result: ranking.Ranking
    reviews: dict[int, int]  # nomination → reviewers counted
    cannot_judge: dict[int, int]
    criterion_spread: dict[int, dict[str, float | None]]


def _read_scores(cohort: Cohort, criteria: list[CriterionInfo]) -> _Scores:
    code_of = {c.id: c.code for c in criteria}
    recused = set(
        Conflict.objects.filter(nomination__cohort=cohort, waived_at__isnull=True)
        .order_by()
        .values_list("reviewer_id", "nomination_id")
    )
    rows = (
        CriterionScore.objects.filter(
            review__nomination__cohort=cohort,
            review__submitted_at__isnull=False,
            criterion__version_id=cohort.rubric_version_id,
        )
        .order_by()
        .values_list(
            "review__reviewer_id",
            "review__nomination_id",
            "review__phase",
            "criterion_id",
            "score",
            "confidence",
        )
    )
    latest: dict[tuple[int, int], int] = {}
    kept: list[tuple] = []
    for row in rows:
        pair = (row[0], row[1])
        if pair in recused:
            continue
        phase = PHASE_RANK.get(row[2], 0)
        if latest.get(pair, -1) < phase:
            latest[pair] = phase
        kept.append(row)
    reviews: list[ranking.Review] = []
    counted: dict[int, set[int]] = {}
    cannot: dict[int, int] = {}
    by_criterion: dict[tuple[int, str], list[float]] = {}
    for reviewer_id, nomination_id, phase, criterion_id, score, confidence in kept:
        if PHASE_RANK.get(phase, 0) != latest[(reviewer_id, nomination_id)]:
            continue
        code = code_of[criterion_id]
        counted.setdefault(nomination_id, set()).add(reviewer_id)
        if score is None:
            cannot[nomination_id] = cannot.get(nomination_id, 0) + 1
        else:
            by_criterion.setdefault((nomination_id, code), []).append(float(score))
        reviews.append(
            ranking.Review(
                candidate=str(nomination_id),
                reviewer=str(reviewer_id),
                criterion=code,
                score=None if score is None else float(score),
                confidence=float(confidence) if confidence else None,
            )
        )
    version = cohort.rubric_version
    result = ranking.rank(
        reviews,
        weights={c.code: c.weight for c in criteria},
        scale=(float(version.scale_min), float(version.scale_max)) if version else None,
        consensus_threshold=float(cohort.consensus_spread),
    )
    spread: dict[int, dict[str, float | None]] = {}
    for (nomination_id, code), values in by_criterion.items():
        spread.setdefault(nomination_id, {})[code] = (
            max(values) - min(values) if len(values) >= 2 else None
        )
    return _Scores(
        result=result,
        reviews={k: len(v) for k, v in counted.items()},
        cannot_judge=cannot,
        criterion_spread=spread,
    )


def scores(cohort: Cohort, criteria: list[CriterionInfo] | None = None) -> tuple[_Scores, str]:
    """The cohort's statistics and their fingerprint: from this process's cache, else from
    the snapshot the worker stored (`board_refresh`) when nothing changed since, else
    computed here and stored for every other process."""
    fingerprint = _fingerprint(cohort)
    key = f"programs:board:{cohort.pk}:{fingerprint}"
    found = cache.get(key)
    if found is None:
        found = _snapshot_read(cohort, fingerprint)
    if found is None:
        found = _read_scores(cohort, criteria if criteria is not None else _criteria(cohort))
        _snapshot_write(cohort, fingerprint, found)
    cache.set(key, found, CACHE_SECONDS)
    return found, fingerprint


def _snapshot_read(cohort: Cohort, fingerprint: str) -> _Scores | None:
    payload = (
        BoardSnapshot.objects.filter(cohort=cohort, fingerprint=fingerprint)
        .values_list("payload", flat=True)
        .first()
    )
    if payload is None:
        return None
    # Only this module writes the row, from the database's own scores: it is trusted data.
    found = pickle.loads(bytes(payload))  # noqa: S301
    return found if isinstance(found, _Scores) else None


def _snapshot_write(cohort: Cohort, fingerprint: str, found: _Scores) -> None:
    BoardSnapshot.objects.update_or_create(
        cohort=cohort,
        defaults={"fingerprint": fingerprint, "payload": pickle.dumps(found, protocol=5)},
    )


def board_refresh(cohort: Cohort) -> bool:
    """Compute and store the board's statistics if they are out of date; True if it did."""
    fingerprint = _fingerprint(cohort)
    if BoardSnapshot.objects.filter(cohort=cohort, fingerprint=fingerprint).exists():
        return False
    _snapshot_write(cohort, fingerprint, _read_scores(cohort, _criteria(cohort)))
    return True


def board(cohort: Cohort, *, organisation_id: int | None = None, queue_only: bool = False) -> Board:
    criteria = _criteria(cohort)
    computed, fingerprint = scores(cohort, criteria)
    result = computed.result
    nominations = (
        Nomination.objects.filter(cohort=cohort)
        .order_by()
        .annotate(standing=Count("conflicts", filter=Q(conflicts__waived_at__isnull=True)))
        .values(
            "pk",
            "candidate_name",
            "organisation_id",
            "organisation__name_he",
            "organisation__name_ar",
            "organisation__name_en",
            "organisation__sector",
            "gender",
            "status",
            "decision",
            "recommendation__choice",
            "standing",
        )
    )
    if organisation_id is not None:
        nominations = nominations.filter(organisation_id=organisation_id)
    by_id = {str(n["pk"]): n for n in nominations}
    recommendation_labels = dict(RecommendationChoice.choices)
    decision_labels = dict(Nomination._meta.get_field("decision").choices or [])
    organisation_names: dict[int, str] = {}

    def organisation_name(n) -> str:
        if n["organisation_id"] not in organisation_names:
            from_names = {
                "he": n["organisation__name_he"],
                "ar": n["organisation__name_ar"],
                "en": n["organisation__name_en"],
            }
            organisation_names[n["organisation_id"]] = _pick(from_names)
        return organisation_names[n["organisation_id"]]

    rows: list[BoardRow] = []
    ranked = set()
    for c in result.candidates:
        n = by_id.get(c.id)
        if n is None:
            continue
        ranked.add(c.id)
        rows.append(_row(n, c, computed, organisation_name, recommendation_labels, decision_labels))
    rest = sorted(
        (n for key, n in by_id.items() if key not in ranked),
        key=lambda n: (n["candidate_name"].casefold(), n["pk"]),
    )
    rows.extend(
        _row(n, None, computed, organisation_name, recommendation_labels, decision_labels)
        for n in rest
    )
    if queue_only:
        rows = [row for row in rows if row.consensus]
    names = dict(_reviewer_names(cohort))
    reviewers = sorted(
        (
            ReviewerRow(
                reviewer_id=int(r.id),
                name=names.get(int(r.id), r.id),
                n_candidates=r.n_candidates,
                offset=_number(r.offset),
                se=_number(r.se),
            )
            for r in result.reviewers
        ),
        key=lambda r: (r.offset if r.offset is not None else math.inf, r.name),
    )
    agreement = [
        Agreement(
            code=c.code,
            name=c.name,
            alpha=_number(result.alpha.get(c.code, math.nan)),
            reading=alpha_reading(_number(result.alpha.get(c.code, math.nan))),
        )
        for c in criteria
    ]
    return Board(
        cohort=cohort,
        rows=rows,
        reviewers=reviewers,
        agreement=agreement,
        alpha_overall=_number(result.alpha_overall),
        criteria=criteria,
        scale=result.scale,
        level=result.level,
        residual_sd=_number(result.residual_sd),
        components=result.components,
        threshold=float(cohort.consensus_spread),
        fingerprint=fingerprint,
    )


def _pick(names: dict[str, str]) -> str:
    return pick_localized(names)


def _row(n, c, computed: _Scores, organisation_name, recommendation_labels, decision_labels):
    pk = n["pk"]
    recommendation = n["recommendation__choice"] or ""
    return BoardRow(
        nomination_id=pk,
        name=n["candidate_name"],
        organisation_id=n["organisation_id"],
        organisation=organisation_name(n),
        sector=n["organisation__sector"],
        gender=n["gender"],
        status=n["status"],
        eligible=n["status"] == NominationStatus.APPLIED,
        raw_mean=_number(c.raw_mean) if c else None,
        median=_number(c.median) if c else None,
        spread=_number(c.spread) if c else None,
        adjusted=_number(c.adjusted) if c else None,
        low=_number(c.low) if c else None,
        high=_number(c.high) if c else None,
        rank=c.rank if c else None,
        band=c.band if c else None,
        disagreement=_number(c.disagreement) if c else None,
        n_reviews=computed.reviews.get(pk, 0),
        n_cannot_judge=computed.cannot_judge.get(pk, 0),
        conflicts=n["standing"],
        consensus=bool(c.consensus) if c else False,
        recommendation=recommendation,
        recommendation_label=str(recommendation_labels.get(recommendation, "")),
        decision=n["decision"],
        decision_label=str(decision_labels.get(n["decision"], "")),
        criterion_spread=computed.criterion_spread.get(pk, {}),
    )


def _reviewer_names(cohort: Cohort):
    for reviewer in Reviewer.objects.filter(cohort=cohort).select_related("user", "person"):
        name = (
            reviewer.person.full_name
            if reviewer.person is not None
            else (reviewer.user.get_full_name() or reviewer.user.get_username())
        )
        yield reviewer.pk, name


# ---------------------------------------------------------------- the decision


def decision_inputs(
    cohort: Cohort,
) -> tuple[list[decide.Candidate], list[decide.QuotaRule], str]:
    """The candidates and binding quotas `decide.decide` needs, and the scores' fingerprint."""
    current = board(cohort)
    candidates = [
        decide.Candidate(
            id=row.nomination_id,
            name=row.name,
            eligible=row.eligible,
            adjusted=row.adjusted,
            raw_mean=row.raw_mean,
            groups={
                "organisation": str(row.organisation_id),
                "sector": row.sector,
                "gender": row.gender,
            },
            recommendation=row.recommendation,
        )
        for row in current.rows
    ]
    quotas = [
        decide.QuotaRule(
            id=q.pk,
            kind=q.kind,
            value=str(q.organisation_id) if q.organisation_id else q.value,
            minimum=q.minimum,
            maximum=q.maximum,
        )
        for q in Quota.objects.filter(cohort=cohort, binding=True)
    ]
    return candidates, quotas, current.fingerprint


def default_waitlist_size(cohort: Cohort) -> int:
    """Half the places, rounded up: a waiting list long enough for the usual withdrawals."""
    return (cohort.capacity + 1) // 2


def quota_labels(cohort: Cohort) -> dict[int, str]:
    labels = {}
    for q in Quota.objects.filter(cohort=cohort).select_related("organisation"):
        target = q.organisation.name if q.organisation is not None else q.value
        if q.kind == "gender":
            target = str(dict(Gender.choices).get(q.value, q.value))
        labels[q.pk] = f"{q.get_kind_display()}: {target}"
    return labels


def decided(cohort: Cohort) -> bool:
    """Whether the cohort's decision has been confirmed (it is confirmed once)."""
    return DecisionLogEntry.objects.filter(cohort=cohort, kind="decision").exists()


def decision_log(cohort: Cohort):
    return (
        DecisionLogEntry.objects.filter(cohort=cohort)
        .select_related("nomination", "by")
        .order_by("created_at", "pk")
    )


def reason_text(reason: decide.Reason, quotas: dict[int, str]) -> str:
    """A rule's reason in words, for the pages and the log."""
    quota = quotas.get(reason.quota_id or 0, "")
    texts = {
        decide.INELIGIBLE: _("Not eligible: the candidate did not apply or withdrew."),
        decide.NOT_SCORED: _("Not scored: no reviewer could judge the candidate."),
        decide.NOT_RECOMMENDED: _("The steering committee did not recommend the candidate."),
        decide.COMMITTEE_WAITLIST: _(
            "The steering committee recommended the candidate for the waiting list."
        ),
        decide.QUOTA_MAXIMUM: _("Held back: the quota's maximum was reached (%(quota)s).")
        % {"quota": quota},
        decide.QUOTA_MINIMUM: _("Moved up to meet the quota's minimum (%(quota)s).")
        % {"quota": quota},
        decide.PLACE_FREED: _(
            "Moved up into a place left by a higher-ranked candidate whom a rule held back."
        ),
        decide.DISPLACED: _(
            "Moved down: a place went to a candidate moved up by a quota's minimum or held "
            "for the waiting list by the committee."
        ),
        decide.TIE: _("Tied on the adjusted score: ordered by the raw mean, then by name."),
    }
    return str(texts.get(reason.code, reason.code))
