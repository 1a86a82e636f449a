"""The blind rules, channel by channel (page, API, e-mail): before a reviewer submits their
own review of a candidate, neither the nominator nor another reviewer's scores or notes
reach them; after it, calibration shows the others' distribution and the discussion shows
the others' reviews in full; a recused reviewer sees nothing of the candidate anywhere."""

import pytest
from django.core import mail
from django.urls import reverse

from meshutaf.programs.models import CohortPhase, DiscussionNote, Review, ReviewPhase
from meshutaf.programs.services import reviews as services
from meshutaf.programs.visibility import (
    Others,
    candidate_visible,
    discussion_visible,
    nominator_visible,
    others_visible,
    viewer_for,
)

from . import test_reviews as shared
from .test_reviews import NOMINATOR, advance, calibrate, score_all
from .test_reviews_api import _mounted

committee = shared.committee
calibrating = shared.calibrating
first_pass = shared.first_pass
second = shared.second
third = shared.third

SECRET = "ראיה-סודית-של-דנה"


def page(client, review):
    return client.get(reverse("programs:review", args=[review.pk])).content.decode()


@pytest.fixture
def api_urls(settings):
    if not _mounted():
        settings.ROOT_URLCONF = "tests.programs.test_reviews_api"


def _calibration(user, anchor):
    return Review.objects.get(reviewer__user=user, nomination=anchor, phase=ReviewPhase.CALIBRATION)


def test_calibration_blind_until_submitted_then_the_distribution(
    as_user, member, second, calibrating, committee
):
    anchor = committee["anchors"][0]
    score_all(_calibration(second, anchor), by=second, score=5, evidence=SECRET)
    mine = _calibration(member, anchor)
    client = as_user(member)
    before = page(client, mine)
    assert anchor.candidate_name in before
    assert NOMINATOR not in before
    assert SECRET not in before
    assert "The others’ scores" not in before
    assert "The others' scores" not in before
    score_all(mine, by=member, score=2)
    after = page(client, mine)
    assert NOMINATOR in after
    assert "5 × 1" in after  # the distribution
    assert SECRET not in after  # no notes in calibration, no names
    assert "Dana" not in after


def test_the_api_never_shows_others_scores(
    as_user, member, second, calibrating, committee, api_urls
):
    anchor = committee["anchors"][0]
    score_all(_calibration(second, anchor), by=second, score=5, evidence=SECRET)
    mine = _calibration(member, anchor)
    client = as_user(member)
    url = f"/api/v1/programs/reviews/{mine.pk}"
    before = client.get(url)
    assert before.status_code == 200
    assert NOMINATOR not in before.content.decode()
    assert before.json()["dossier"]["nominator"] is None
    score_all(mine, by=member, score=2)
    after = client.get(url)
    assert after.json()["dossier"]["nominator"]["name"] == NOMINATOR
    assert SECRET not in after.content.decode()
    assert {s["score"] for s in after.json()["scores"]} == {2}
    listed = client.get("/api/v1/programs/my-reviews").content.decode()
    assert NOMINATOR not in listed
    assert SECRET not in listed


def test_first_pass_blind_then_discussion_in_full(
    as_user, owner, member, second, third, first_pass, committee
):
    for user in (member, second, third):
        calibrate(user, first_pass)
    mine = Review.objects.filter(reviewer__user=member, phase=ReviewPhase.FIRST_PASS).first()
    nomination = mine.nomination
    other = Review.objects.filter(nomination=nomination, phase=ReviewPhase.FIRST_PASS).exclude(
        pk=mine.pk
    )[0]
    score_all(other, by=other.reviewer.user, score=4, evidence=SECRET)
    client = as_user(member)
    before = page(client, mine)
    assert NOMINATOR not in before
    assert SECRET not in before
    queue = client.get(reverse("programs:review_queue", args=[first_pass.pk])).content.decode()
    assert NOMINATOR not in queue
    assert SECRET not in queue
    discussion = reverse("programs:discussion", args=[first_pass.pk, nomination.pk])
    assert client.get(discussion).status_code == 404
    score_all(mine, by=member, score=2)
    submitted = page(client, mine)
    assert NOMINATOR in submitted
    assert "4 × 1" in submitted
    assert SECRET not in submitted  # first pass: the distribution only
    advance(first_pass, owner, CohortPhase.DISCUSSION)
    full = page(client, mine)
    assert SECRET in full
    assert client.get(discussion).status_code == 200
    assert SECRET in client.get(discussion).content.decode()


def test_a_reviewer_who_has_not_submitted_stays_blind_in_the_discussion(
    as_user, owner, member, second, first_pass, committee
):
    calibrated = {member, second}
    for user in calibrated:
        calibrate(user, first_pass)
    mine = Review.objects.filter(reviewer__user=member, phase=ReviewPhase.FIRST_PASS).first()
    for other in Review.objects.filter(nomination=mine.nomination).exclude(pk=mine.pk):
        # Which reviewers the draw gives this candidate depends on the ids the database hands
        # out: the other one may be `second`, already calibrated (a submitted review is final).
        if other.reviewer.user not in calibrated:
            calibrate(other.reviewer.user, first_pass)
            calibrated.add(other.reviewer.user)
        score_all(other, by=other.reviewer.user, evidence=SECRET)
    advance(first_pass, owner, CohortPhase.DISCUSSION)
    client = as_user(member)
    text = page(client, mine)
    assert SECRET not in text
    assert NOMINATOR not in text
    discussion = reverse("programs:discussion", args=[first_pass.pk, mine.nomination_id])
    assert client.get(discussion).status_code == 404


def test_a_recused_reviewer_sees_nothing_anywhere(
    as_user, owner, member, second, third, first_pass, committee, api_urls
):
    for user in (member, second, third):
        calibrate(user, first_pass)
    mine = Review.objects.filter(reviewer__user=member, phase=ReviewPhase.FIRST_PASS).first()
    nomination = mine.nomination
    score_all(mine, by=member, evidence="ההערה שלי")
    for other in Review.objects.filter(nomination=nomination, phase=ReviewPhase.FIRST_PASS).exclude(
        pk=mine.pk
    ):
        score_all(other, by=other.reviewer.user, evidence=SECRET)
    advance(first_pass, owner, CohortPhase.DISCUSSION)
    DiscussionNote.objects.create(nomination=nomination, author=member, text="הערת דיון של עמיר")
    services.conflict_declare(reviewer=mine.reviewer, nomination=nomination, by=member)
    client = as_user(member)
    assert client.get(reverse("programs:review", args=[mine.pk])).status_code == 404
    discussion = reverse("programs:discussion", args=[first_pass.pk, nomination.pk])
    assert client.get(discussion).status_code == 404
    queue = client.get(reverse("programs:review_queue", args=[first_pass.pk])).content.decode()
    assert nomination.candidate_name not in queue
    assert client.get(f"/api/v1/programs/reviews/{mine.pk}").status_code == 404
    assert (
        nomination.candidate_name not in client.get("/api/v1/programs/my-reviews").content.decode()
    )
    # The discussion record, for staff and for the others, does not list the recused reviewer.
    for viewer in (owner, second):
        record = as_user(viewer).get(discussion)
        if record.status_code == 404:
            continue  # `second` may not review this candidate
        text = record.content.decode()
        assert "Amir" not in text
        assert "ההערה שלי" not in text
        assert "הערת דיון של עמיר" not in text
        assert SECRET in text
    view = viewer_for(cohort=first_pass, user=member, staff=False)
    assert not candidate_visible(view, nomination.pk)
    assert not nominator_visible(view, nomination.pk)
    assert others_visible(view, nomination.pk) == Others.NONE
    assert not discussion_visible(view, nomination.pk)


def test_assignment_emails_hold_only_the_link_and_counts(
    calibrating, owner, committee, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        advance(calibrating, owner, CohortPhase.FIRST_PASS)
    assert mail.outbox
    for message in mail.outbox:
        assert NOMINATOR not in message.body
        for nomination in committee["anchors"] + committee["candidates"]:
            assert nomination.candidate_name not in message.body
        assert reverse("programs:review_queue", args=[calibrating.pk]) in message.body


def test_members_who_do_not_review_cannot_open_a_discussion(
    as_user, owner, participant, outsider, first_pass, committee
):
    advance(first_pass, owner, CohortPhase.DISCUSSION)
    url = reverse("programs:discussion", args=[first_pass.pk, committee["candidates"][0].pk])
    assert as_user(owner).get(url).status_code == 200
    assert as_user(participant).get(url).status_code == 403
    assert as_user(outsider).get(url).status_code == 404
    assert as_user(owner).post(url, {"text": ""}).status_code == 400
    assert not DiscussionNote.objects.exists()
    assert as_user(owner).post(url, {"text": "נדון בוועדה"}).status_code == 302
    assert DiscussionNote.objects.count() == 1
