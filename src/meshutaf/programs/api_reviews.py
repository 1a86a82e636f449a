"""API for a reviewer's own reviews: list them, read one (its dossier as `visibility`
allows, and the caller's own scores, never anyone else's), save scores, submit. A review of
a candidate the caller is recused from answers 404, as does anyone else's review."""

from __future__ import annotations

from django.http import Http404
from ninja import Body, Field, Router, Schema

from meshutaf.core.access import Action
from meshutaf.core.schemas import ErrorOut

from .models import Review
from .permissions import review_get_for_user
from .selectors import reviews as selectors
from .services import reviews as services
from .visibility import Dossier, candidate_visible, viewer_for

router = Router(tags=["programs"])


class ReviewListOut(Schema):
    id: int
    cohort_id: int
    phase: str
    candidate_name: str
    organisation: str
    submitted: bool


class ScoreOut(Schema):
    criterion_id: int
    score: int | None
    cannot_judge: bool
    evidence: str
    confidence: int


class LevelOut(Schema):
    score: int
    anchor: str


class CriterionOut(Schema):
    id: int
    code: str
    name: str
    weight: float
    levels: list[LevelOut]


# Not RefereeOut: api_nominations.py has that name, with the contacts this one leaves out,
# and the OpenAPI document files schemas by name.
class DossierRefereeOut(Schema):
    name: str
    role_title: str
    relation: str


class NominatorOut(Schema):
    name: str
    role: str
    statement: str


class DossierOut(Schema):
    candidate_name: str
    organisation: str
    role_title: str
    rank: str
    statement: str
    leadership_example: str
    referees: list[DossierRefereeOut]
    has_cv: bool
    nominator: NominatorOut | None = Field(
        description="Hidden (null) until the caller submits their own review of the candidate."
    )


class ReviewOut(Schema):
    id: int
    cohort_id: int
    phase: str
    submitted: bool
    scale_min: int
    scale_max: int
    note: str
    criteria: list[CriterionOut]
    scores: list[ScoreOut]
    dossier: DossierOut | None


class ScoreIn(Schema):
    criterion_id: int = Field(ge=1)
    score: int | None = Field(None, ge=0, le=1000)
    cannot_judge: bool = False
    evidence: str = Field("", max_length=services.TEXT_MAX)
    confidence: int = Field(2, ge=1, le=3)


class ReviewIn(Schema):
    note: str | None = Field(None, max_length=services.TEXT_MAX)
    scores: list[ScoreIn] = Field(default_factory=list, max_length=100)


def _own(request, review_id: int) -> Review:
    """The caller's own review of a candidate they are not recused from (else 404)."""
    review, _role = review_get_for_user(user=request.user, pk=review_id, action=Action.CONTRIBUTE)
    if review.reviewer.user_id != request.user.pk:
        raise Http404
    return review


def _dossier(dossier: Dossier | None) -> dict | None:
    if dossier is None:
        return None
    return {
        "candidate_name": dossier.candidate_name,
        "organisation": dossier.organisation,
        "role_title": dossier.role_title,
        "rank": dossier.rank,
        "statement": dossier.statement,
        "leadership_example": dossier.leadership_example,
        "referees": [vars(r) for r in dossier.referees],
        "has_cv": dossier.has_cv,
        "nominator": vars(dossier.nominator) if dossier.nominator else None,
    }


def _detail(request, review: Review) -> dict:
    cohort = review.reviewer.cohort
    view = viewer_for(cohort=cohort, user=request.user, staff=False)
    if not candidate_visible(view, review.nomination_id):
        raise Http404
    page = selectors.review_page(review=review, view=view)
    version = review.rubric_version
    return {
        "id": review.pk,
        "cohort_id": cohort.pk,
        "phase": review.phase,
        "submitted": review.submitted_at is not None,
        "scale_min": version.scale_min,
        "scale_max": version.scale_max,
        "note": review.note,
        "criteria": [
            {
                "id": row.criterion.pk,
                "code": row.criterion.code,
                "name": row.criterion.name,
                "weight": float(row.criterion.weight),
                "levels": [{"score": lv.score, "anchor": lv.anchor} for lv in row.levels],
            }
            for row in page.criteria
        ],
        # Only the caller's own scores: the others' are never in this API.
        "scores": [
            {
                "criterion_id": row.current.criterion_id,
                "score": row.current.score,
                "cannot_judge": row.current.cannot_judge,
                "evidence": row.current.evidence,
                "confidence": row.current.confidence,
            }
            for row in page.criteria
            if row.current is not None
        ],
        "dossier": _dossier(page.dossier),
    }


@router.get("/programs/my-reviews", response=list[ReviewListOut])
def my_reviews(request):
    return [
        {
            "id": review.pk,
            "cohort_id": review.reviewer.cohort_id,
            "phase": review.phase,
            "candidate_name": review.nomination.candidate_name,
            "organisation": review.nomination.organisation.name,
            "submitted": review.submitted_at is not None,
        }
        for review in selectors.my_reviews(user=request.user)
    ]


# 403: an observer or participant of the initiative (reviewing is for partners and staff).
@router.get("/programs/reviews/{review_id}", response={200: ReviewOut, 403: ErrorOut})
def review_get(request, review_id: int):
    return _detail(request, _own(request, review_id))


@router.put("/programs/reviews/{review_id}", response=ReviewOut)
def review_put(request, review_id: int, payload: ReviewIn):
    review = _own(request, review_id)
    services.review_save(
        review=review,
        by=request.user,
        scores=[services.ScoreIn(**item.dict()) for item in payload.scores],
        note=payload.note,
    )
    return _detail(request, _own(request, review_id))


@router.post("/programs/reviews/{review_id}/submit", response=ReviewOut)
def review_submit(request, review_id: int, payload: ReviewIn = Body(None)):  # noqa: B008
    review = _own(request, review_id)
    services.review_save(
        review=review,
        by=request.user,
        scores=[services.ScoreIn(**item.dict()) for item in payload.scores] if payload else [],
        note=payload.note if payload else None,
        submit=True,
    )
    return _detail(request, _own(request, review_id))
