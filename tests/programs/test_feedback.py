"""Feedback and self-assessment: one anonymous answer per participant, nothing shown below
the cohort's threshold on the page, in the export (and the API, in test_sessions_api.py),
and the response-shift-aware changes."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from meshutaf.programs import feedback
from meshutaf.programs.models import FeedbackResponse, Participant, SelfAssessment
from meshutaf.programs.services import sessions as services
from tests.factories import PersonFactory

from .test_sessions import add_session

GOOD = {"relevance": 5, "quality": 4, "facilitation": 4, "usefulness": 3}
NOT_ENOUGH = "Not enough responses yet (4 of the 5 needed)."


@pytest.fixture
def past_session(cohort, owner):
    return add_session(cohort, owner, starts_at=timezone.now() - dt.timedelta(days=1))


@pytest.fixture
def people(cohort):
    return [Participant.objects.create(cohort=cohort, person=PersonFactory()) for _ in range(5)]


def answer(people, session, count):
    for number, person in enumerate(people[:count]):
        services.feedback_submit(
            participant=person,
            session=session,
            ratings={**GOOD, "usefulness": 1 + number % 5},
            comment=f"{'zeta' if number == 0 else 'alpha'} comment {number}",
        )


def test_the_pure_figures():
    responses = [({"overall": 5, "recommend": 4, "network": 3}, "b"), ({"overall": 3}, " a ")]
    results = feedback.feedback_results(
        responses=responses, questions=feedback.FinalQuestion, minimum=2
    )
    overall = results.questions[0]
    assert overall.mean == 4.0
    assert overall.distribution == {1: 0, 2: 0, 3: 1, 4: 0, 5: 1}
    assert results.comments == ["a", "b"]
    few = feedback.feedback_results(
        responses=responses, questions=feedback.FinalQuestion, minimum=3
    )
    assert not few.enough
    assert few.questions == []
    assert few.comments == []
    assert few.message == "Not enough responses yet (2 of the 3 needed)."


def test_the_respondent_key_cannot_be_told_from_the_participant(settings):
    key = feedback.respondent_key(participant_id=7, session_id=3)
    assert key == feedback.respondent_key(participant_id=7, session_id=3)
    assert key != feedback.respondent_key(participant_id=7, session_id=None)
    assert key != feedback.respondent_key(participant_id=8, session_id=3)
    assert "7" not in key[:2] or len(key) == 64


@pytest.mark.parametrize("count", [4, 5])
def test_threshold_on_the_page_and_in_the_export(
    as_user, cohort, owner, past_session, people, count
):
    answer(people, past_session, count)
    page = as_user(owner).get(reverse("programs:feedback_results", args=[cohort.pk]))
    export = as_user(owner).get(reverse("programs:feedback_export", args=[cohort.pk]))
    body, csv_text = page.content.decode(), export.content.decode()
    if count == 4:
        assert NOT_ENOUGH in body
        assert NOT_ENOUGH in csv_text
        assert "alpha comment" not in body
        assert "alpha comment" not in csv_text
        assert "How relevant" not in body
        assert "How relevant" not in csv_text
    else:
        assert NOT_ENOUGH not in body
        assert NOT_ENOUGH not in csv_text
        assert "How relevant was the session to your work?" in body
        assert "How relevant was the session to your work?,5.0,0,0,0,0,5" in csv_text
        # sorted by text, never by arrival: the first answer ("zeta") comes last
        assert body.index("alpha comment 1") < body.index("zeta comment 0")
        assert csv_text.index("alpha comment 1") < csv_text.index("zeta comment 0")
    assert "created" not in csv_text.lower()


def test_results_and_export_are_for_staff_only(
    as_user, cohort, member, outsider, participant, enrolled
):
    for name in ("programs:feedback_results", "programs:feedback_export"):
        url = reverse(name, args=[cohort.pk])
        assert as_user(member).get(url).status_code == 403
        assert as_user(participant).get(url).status_code == 403
        assert as_user(outsider).get(url).status_code == 404


def test_a_participant_answers_once_through_the_page(
    as_user, past_session, participant, enrolled, member, outsider
):
    url = reverse("programs:feedback_session", args=[past_session.pk])
    client = as_user(participant)
    assert client.get(url).status_code == 200
    assert client.post(url, {**GOOD, "comment": "טוב מאוד"}).status_code == 302
    row = FeedbackResponse.objects.get()
    assert row.ratings == GOOD
    assert row.comment == "טוב מאוד"
    assert str(enrolled.pk) not in row.respondent_key[:3] or len(row.respondent_key) == 64
    again = client.post(url, {**GOOD, "comment": "again"})
    assert "You have answered this feedback" in again.content.decode()
    with pytest.raises(ValidationError, match="already answered"):
        services.feedback_submit(participant=enrolled, session=past_session, ratings=GOOD)
    assert FeedbackResponse.objects.count() == 1
    assert as_user(member).get(url).status_code == 403  # not a participant
    assert as_user(outsider).get(url).status_code == 404


@pytest.mark.parametrize(
    "bad",
    [
        {"relevance": 6, "quality": 4, "facilitation": 4, "usefulness": 3},
        {"relevance": 0, "quality": 4, "facilitation": 4, "usefulness": 3},
        {"relevance": "x", "quality": 4, "facilitation": 4, "usefulness": 3},
        {"quality": 4, "facilitation": 4, "usefulness": 3},
    ],
)
def test_bad_ratings_are_refused_and_nothing_written(
    as_user, past_session, participant, enrolled, bad
):
    response = as_user(participant).post(
        reverse("programs:feedback_session", args=[past_session.pk]), bad
    )
    assert response.status_code == 400
    assert "valid choice" in response.content.decode() or "Choose a rating" in (
        response.content.decode()
    )
    with pytest.raises(ValidationError):
        services.feedback_submit(participant=enrolled, session=past_session, ratings=bad)
    with pytest.raises(ValidationError):
        services.feedback_submit(
            participant=enrolled, session=past_session, ratings={**GOOD, "extra": 3}
        )
    assert not FeedbackResponse.objects.exists()


def test_session_feedback_waits_for_the_session_and_final_for_the_last(cohort, owner, enrolled):
    coming = add_session(cohort, owner, starts_at=timezone.now() + dt.timedelta(days=1))
    with pytest.raises(ValidationError, match="opens when the session begins"):
        services.feedback_submit(participant=enrolled, session=coming, ratings=GOOD)
    final = {"overall": 5, "recommend": 5, "network": 4}
    with pytest.raises(ValidationError, match="last session begins"):
        services.feedback_submit(participant=enrolled, ratings=final)
    later = timezone.now() + dt.timedelta(days=2)
    services.feedback_submit(participant=enrolled, ratings=final, now=later)
    with pytest.raises(ValidationError, match="already answered"):
        services.feedback_submit(participant=enrolled, ratings=final, now=later)


# ---------------------------------------------------------------- self-assessment


def test_the_shift_figures():
    answers = {
        1: {"before": {"lead": 4}, "then": {"lead": 2}, "after": {"lead": 4}},
        2: {"before": {"lead": 3}, "then": {"lead": 3}, "after": {"lead": 5}},
        3: {"before": {"lead": 3}},
    }
    summary = feedback.self_assessment_shift(by_participant=answers, criteria=["lead"])
    row = summary.criteria[0]
    assert (row.before, row.then, row.after) == (3.33, 2.5, 4.5)
    assert row.change == 1.0
    assert row.change_then == 2.0
    thresholded = feedback.self_assessment_shift(
        by_participant=answers, criteria=["lead"], minimum=3
    )
    assert thresholded.criteria[0].before == 3.33
    assert thresholded.criteria[0].after is None
    assert thresholded.message("after") == "Not enough responses yet (2 of the 3 needed)."


def test_self_assessment_before_and_at_the_end(as_user, cohort, owner, participant, enrolled):
    session = add_session(cohort, owner, starts_at=timezone.now() + dt.timedelta(days=3))
    codes = list(cohort.rubric_version.criteria.values_list("code", flat=True))
    url = reverse("programs:self_assessment", args=[cohort.pk])
    client = as_user(participant)
    data = {f"before-{code}": 2 for code in codes}
    assert client.post(url, data).status_code == 302
    assert SelfAssessment.objects.get().ratings == dict.fromkeys(codes, 2)
    bad = client.post(url, {**data, f"before-{codes[0]}": 9})
    assert bad.status_code == 400
    assert SelfAssessment.objects.get().ratings == dict.fromkeys(codes, 2)
    with pytest.raises(ValidationError, match="last session begins"):
        services.self_assessment_save(
            participant=enrolled, moment="after", ratings=dict.fromkeys(codes, 4)
        )
    end = session.ends_at + dt.timedelta(minutes=1)
    services.self_assessments_save(
        participant=enrolled,
        answers={"after": dict.fromkeys(codes, 4), "then": dict.fromkeys(codes, 1)},
        now=end,
    )
    with pytest.raises(ValidationError, match="first session ended"):
        services.self_assessment_save(
            participant=enrolled, moment="before", ratings=dict.fromkeys(codes, 3), now=end
        )
    page = client.get(url).content.decode()
    assert "+2.0" in page
    assert "+3.0" in page


def test_self_assessment_pages_by_role(
    as_user, cohort, owner, member, outsider, participant, enrolled
):
    own = reverse("programs:self_assessment", args=[cohort.pk])
    results = reverse("programs:self_assessment_results", args=[cohort.pk])
    assert as_user(participant).get(own).status_code == 200
    assert as_user(member).get(own).status_code == 403
    assert as_user(outsider).get(own).status_code == 404
    page = as_user(owner).get(results)
    assert page.status_code == 200
    assert "Not enough responses yet (0 of the 5 needed)." in page.content.decode()
    assert as_user(member).get(results).status_code == 403
    assert as_user(participant).get(results).status_code == 403
    assert as_user(outsider).get(results).status_code == 404
