"""The reviews API: the caller's own reviews only; others' reviews, and reviews of candidates
the caller is recused from, answer 404; bad input refused with a message and nothing
written; never anyone else's scores."""

import pytest
from django.conf import settings
from django.urls import Resolver404, include, path, resolve
from ninja import NinjaAPI
from ninja.security import django_auth

from meshutaf.api.api import api as site_api
from meshutaf.programs.api_reviews import router
from meshutaf.programs.models import CriterionScore, Review, ReviewPhase
from meshutaf.programs.services import reviews as services

from . import test_reviews as shared

committee = shared.committee
calibrating = shared.calibrating
first_pass = shared.first_pass
second = shared.second
third = shared.third


def _mounted() -> bool:
    try:
        resolve("/api/v1/programs/my-reviews")
    except Resolver404:
        return False
    return True


# Until the site's API mounts the programs routers, the tests mount this one on an API with
# the site's authentication and error shapes.
local_api = NinjaAPI(auth=[django_auth], urls_namespace="programs-reviews-test")
local_api._exception_handlers = dict(site_api._exception_handlers)
local_api.add_router("/v1/", router)
urlpatterns = [path("api/", local_api.urls), path("", include(settings.ROOT_URLCONF))]


@pytest.fixture
def base(settings):
    if not _mounted():
        settings.ROOT_URLCONF = __name__
    return "/api/v1/programs"


@pytest.fixture
def api(as_user, base):
    return as_user


def _own_review(member):
    return Review.objects.filter(reviewer__user=member, phase=ReviewPhase.CALIBRATION).first()


def test_my_reviews_lists_only_the_callers(api, base, member, second, outsider, calibrating):
    mine = api(member).get(f"{base}/my-reviews")
    assert mine.status_code == 200
    ids = {item["id"] for item in mine.json()}
    assert ids == set(Review.objects.filter(reviewer__user=member).values_list("pk", flat=True))
    assert api(outsider).get(f"{base}/my-reviews").json() == []
    assert api(None).get(f"{base}/my-reviews").status_code == 401


def test_a_review_for_its_reviewer_only(api, base, owner, member, second, outsider, calibrating):
    review = _own_review(member)
    url = f"{base}/reviews/{review.pk}"
    body = api(member).get(url)
    assert body.status_code == 200
    assert body.json()["dossier"]["candidate_name"] == review.nomination.candidate_name
    assert len(body.json()["criteria"]) == 5
    assert api(second).get(url).status_code == 404
    assert api(outsider).get(url).status_code == 404
    assert api(owner).get(url).status_code == 404  # staff read reviews on the board, not here
    assert api(second).put(url, {"scores": []}, content_type="application/json").status_code == 404


def test_put_saves_scores_and_submit_submits(api, base, member, calibrating):
    review = _own_review(member)
    criteria = list(review.rubric_version.criteria.all())
    url = f"{base}/reviews/{review.pk}"
    client = api(member)
    payload = {
        "note": "טוב",
        "scores": [{"criterion_id": c.pk, "score": 4, "evidence": "ראיה"} for c in criteria[:2]],
    }
    response = client.put(url, payload, content_type="application/json")
    assert response.status_code == 200
    assert len(response.json()["scores"]) == 2
    incomplete = client.post(f"{url}/submit", {}, content_type="application/json")
    assert incomplete.status_code == 400
    assert incomplete.json()["errors"]
    review.refresh_from_db()
    assert review.submitted_at is None
    payload["scores"] = [{"criterion_id": c.pk, "cannot_judge": True} for c in criteria[2:]]
    done = client.post(f"{url}/submit", payload, content_type="application/json")
    assert done.status_code == 200
    assert done.json()["submitted"] is True
    again = client.put(url, {"scores": []}, content_type="application/json")
    assert again.status_code == 400


@pytest.mark.parametrize(
    "scores",
    [
        [{"criterion_id": "x", "score": 3}],
        [{"criterion_id": 1, "score": 9}],
        [{"criterion_id": 1, "score": 3, "confidence": 7}],
        [{"criterion_id": 999999, "score": 3}],
    ],
)
def test_bad_input_is_refused_and_nothing_written(api, base, member, calibrating, scores):
    review = _own_review(member)
    for item in scores:
        if item["criterion_id"] == 1:
            item["criterion_id"] = review.rubric_version.criteria.first().pk
    response = api(member).put(
        f"{base}/reviews/{review.pk}", {"scores": scores}, content_type="application/json"
    )
    assert response.status_code in (400, 422)
    assert response.json()["detail"]
    assert not CriterionScore.objects.exists()


def test_recused_reviewer_gets_404(api, base, member, calibrating):
    review = _own_review(member)
    services.conflict_declare(reviewer=review.reviewer, nomination=review.nomination, by=member)
    # The unsubmitted review is withdrawn; the id is gone for everyone.
    assert api(member).get(f"{base}/reviews/{review.pk}").status_code == 404
    listed = {item["id"] for item in api(member).get(f"{base}/my-reviews").json()}
    assert review.pk not in listed


def test_recused_after_submission_still_404(api, base, owner, member, calibrating, ministries):
    review = _own_review(member)
    shared.score_all(review, by=member)
    services.conflict_declare(reviewer=review.reviewer, nomination=review.nomination, by=member)
    assert Review.objects.filter(pk=review.pk).exists()
    assert api(member).get(f"{base}/reviews/{review.pk}").status_code == 404
    response = api(member).post(
        f"{base}/reviews/{review.pk}/submit", {}, content_type="application/json"
    )
    assert response.status_code == 404
