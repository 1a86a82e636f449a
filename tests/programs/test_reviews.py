"""Reviewing: reviewers, the phases' assignments, the reviewer's queue and the review form,
for the owner (staff), a member who reviews, a member who does not, and an outsider; bad
input refused with a message and nothing written.

The helpers here (`committee`, `score_all`) are shared by the other review tests."""

import pytest
from django.core import mail
from django.urls import reverse

from meshutaf.core.access import Role
from meshutaf.programs.models import (
    CohortPhase,
    CriterionScore,
    Review,
    Reviewer,
    ReviewPhase,
)
from meshutaf.programs.services import programmes
from meshutaf.programs.services import reviews as services
from tests.factories import MembershipFactory, PersonFactory, UserFactory

NOMINATOR = "ד״ר נעמה מנכ״לית"


def score_all(review, *, by, score=3, evidence="", submit=True):
    criteria = list(review.rubric_version.criteria.all())
    return services.review_save(
        review=review,
        by=by,
        scores=[
            services.ScoreIn(criterion_id=c.pk, score=score, evidence=evidence) for c in criteria
        ],
        submit=submit,
    )


@pytest.fixture
def second(initiative):
    user = UserFactory(username="second", first_name="Dana")
    MembershipFactory(initiative=initiative, user=user, role=Role.PARTNER)
    return user


@pytest.fixture
def third(initiative):
    user = UserFactory(username="third", first_name="Yael")
    MembershipFactory(initiative=initiative, user=user, role=Role.PARTNER)
    return user


@pytest.fixture
def committee(cohort, reviewer, second, third, nominate):
    """Three reviewers (the member first), three calibration dossiers and four candidates."""
    Reviewer.objects.create(cohort=cohort, user=second, person=PersonFactory(user=second))
    Reviewer.objects.create(cohort=cohort, user=third, person=PersonFactory(user=third))
    anchors = [
        nominate(name=f"עוגן {i}", calibration_anchor=True, nominator_name=NOMINATOR)
        for i in range(3)
    ]
    candidates = [nominate(name=f"מועמד {i}", nominator_name=NOMINATOR) for i in range(4)]
    cohort.reviews_per_candidate = 2
    cohort.save()
    return {"anchors": anchors, "candidates": candidates}


def advance(cohort, owner, to):
    return programmes.cohort_phase_advance(cohort=cohort, by=owner, to=to)


@pytest.fixture
def calibrating(cohort, owner, committee):
    return advance(cohort, owner, CohortPhase.CALIBRATION)


@pytest.fixture
def first_pass(calibrating, owner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return advance(calibrating, owner, CohortPhase.FIRST_PASS)


def calibrate(user, cohort):
    for review in Review.objects.filter(reviewer__user=user, phase=ReviewPhase.CALIBRATION):
        score_all(review, by=user)


# ---------------------------------------------------------------- reviewers page


def test_reviewers_page_owner_member_outsider(as_user, owner, member, outsider, cohort):
    url = reverse("programs:reviewers", args=[cohort.pk])
    assert as_user(owner).get(url).status_code == 200
    assert as_user(member).get(url).status_code == 403
    assert as_user(outsider).get(url).status_code == 404


def test_owner_adds_a_member_as_reviewer_but_not_an_outsider(as_user, owner, cohort, second):
    url = reverse("programs:reviewers", args=[cohort.pk])
    client = as_user(owner)
    response = client.post(url, {"user": second.pk, "max_load": "5"})
    assert response.status_code == 302
    added = Reviewer.objects.get(cohort=cohort, user=second)
    assert added.max_load == 5
    outsider = UserFactory(username="stranger")
    response = client.post(url, {"user": outsider.pk})
    assert response.status_code == 400
    assert not Reviewer.objects.filter(user=outsider).exists()
    response = client.post(url, {"user": second.pk, "max_load": "0"})
    assert response.status_code == 400
    assert Reviewer.objects.filter(cohort=cohort).count() == 1


def test_a_member_cannot_add_reviewers(as_user, member, cohort, second):
    url = reverse("programs:reviewers", args=[cohort.pk])
    assert as_user(member).post(url, {"user": second.pk}).status_code == 403
    assert not Reviewer.objects.exists()


# ---------------------------------------------------------------- phases


def test_calibration_gives_every_reviewer_every_anchor(calibrating, committee):
    reviews = Review.objects.filter(phase=ReviewPhase.CALIBRATION)
    assert reviews.count() == 3 * 3
    anchors = {n.pk for n in committee["anchors"]}
    assert set(reviews.values_list("nomination_id", flat=True)) == anchors


@pytest.mark.parametrize("anchors", [2, 6])
def test_calibration_needs_three_to_five_anchors(cohort, owner, reviewer, nominate, anchors):
    for i in range(anchors):
        nominate(name=f"עוגן {i}", calibration_anchor=True)
    with pytest.raises(Exception, match="3 to 5"):
        advance(cohort, owner, CohortPhase.CALIBRATION)
    cohort.refresh_from_db()
    assert cohort.phase == CohortPhase.NOMINATION
    assert not Review.objects.exists()


def test_calibration_needs_reviewers(cohort, owner, nominate):
    for i in range(3):
        nominate(name=f"עוגן {i}", calibration_anchor=True)
    with pytest.raises(Exception, match="reviewers"):
        advance(cohort, owner, CohortPhase.CALIBRATION)


def test_first_pass_assigns_k_reviewers_to_each_candidate_and_mails_counts(first_pass, committee):
    reviews = Review.objects.filter(phase=ReviewPhase.FIRST_PASS)
    per_candidate = {n.pk: reviews.filter(nomination=n).count() for n in committee["candidates"]}
    assert set(per_candidate.values()) == {2}
    assert not reviews.filter(nomination__calibration_anchor=True).exists()
    queue = reverse("programs:review_queue", args=[first_pass.pk])
    # Each reviewer is written to in their own language; the link is what every notice has.
    first_pass_mails = [m for m in mail.outbox if queue in m.body]
    assert first_pass_mails
    for message in first_pass_mails:
        assert NOMINATOR not in message.body
        assert "מועמד" not in message.body  # no candidate's name either
        assert reverse("programs:review_queue", args=[first_pass.pk]) in message.body


# ---------------------------------------------------------------- the queue


def test_queue_owner_member_reviewer_outsider(
    as_user, owner, member, participant, outsider, calibrating
):
    url = reverse("programs:review_queue", args=[calibrating.pk])
    assert as_user(member).get(url).status_code == 200
    assert as_user(participant).get(url).status_code == 403
    assert as_user(outsider).get(url).status_code == 404
    response = as_user(owner).get(url)
    assert response.status_code == 302
    assert response["Location"] == reverse("programs:reviewers", args=[calibrating.pk])


def test_first_pass_opens_after_calibration(as_user, member, first_pass):
    client = as_user(member)
    review = Review.objects.filter(reviewer__user=member, phase=ReviewPhase.FIRST_PASS).first()
    queue = client.get(reverse("programs:review_queue", args=[first_pass.pk])).content.decode()
    assert "opens once your calibration reviews are submitted" in queue
    with pytest.raises(Exception, match="calibration"):
        score_all(review, by=member)
    calibrate(member, first_pass)
    queue = client.get(reverse("programs:review_queue", args=[first_pass.pk])).content.decode()
    assert reverse("programs:review", args=[review.pk]) in queue
    score_all(review, by=member)
    review.refresh_from_db()
    assert review.submitted_at is not None


def test_queue_query_count_is_flat(
    as_user, member, cohort, owner, reviewer, nominate, django_assert_max_num_queries
):
    for i in range(3):
        nominate(name=f"עוגן {i}", calibration_anchor=True)
    advance(cohort, owner, CohortPhase.CALIBRATION)
    client = as_user(member)
    url = reverse("programs:review_queue", args=[cohort.pk])
    client.get(url)
    with django_assert_max_num_queries(20):
        assert client.get(url).status_code == 200
    for i in range(15):
        nominate(name=f"עוד {i}")
    with django_assert_max_num_queries(20):
        assert client.get(url).status_code == 200


# ---------------------------------------------------------------- the review form


def test_review_page_for_its_reviewer_staff_another_reviewer_and_outsiders(
    as_user, owner, member, second, participant, outsider, calibrating
):
    review = Review.objects.filter(reviewer__user=member).first()
    url = reverse("programs:review", args=[review.pk])
    page = as_user(member).get(url)
    assert page.status_code == 200
    assert 'type="radio"' in page.content.decode()
    assert as_user(owner).get(url).status_code == 200
    assert as_user(second).get(url).status_code == 404
    assert as_user(participant).get(url).status_code == 404
    assert as_user(outsider).get(url).status_code == 404
    # Staff read; they do not write someone's review.
    assert as_user(owner).post(url, {"draft": "1"}).status_code == 403


def _form_data(review, value="3", *, skip=None):
    data = {"note": "הערה"}
    for criterion in review.rubric_version.criteria.all():
        if criterion.pk == skip:
            continue
        data[f"score_{criterion.pk}"] = value
        data[f"evidence_{criterion.pk}"] = "ראיה"
        data[f"confidence_{criterion.pk}"] = "2"
    return data


def test_review_form_draft_then_submit(as_user, member, calibrating):
    review = Review.objects.filter(reviewer__user=member).first()
    url = reverse("programs:review", args=[review.pk])
    client = as_user(member)
    first = review.rubric_version.criteria.first()
    data = _form_data(review, skip=first.pk)
    assert client.post(url, {**data, "draft": "1"}).status_code == 302
    assert CriterionScore.objects.filter(review=review).count() == 4
    response = client.post(url, {**data, "submit": "1"})
    assert response.status_code == 400
    assert "or choose “cannot judge”" in response.content.decode()
    review.refresh_from_db()
    assert review.submitted_at is None
    data[f"score_{first.pk}"] = "cannot_judge"
    assert client.post(url, {**data, "submit": "1"}).status_code == 302
    review.refresh_from_db()
    assert review.submitted_at is not None
    assert CriterionScore.objects.get(review=review, criterion=first).cannot_judge
    # Read-only once submitted.
    assert client.post(url, {**data, "draft": "1"}).status_code == 403


@pytest.mark.parametrize(
    ("value", "message"),
    [("9", "Select a valid choice"), ("0", "Select a valid choice"), ("x", "Select a valid")],
)
def test_review_form_refuses_bad_scores_and_writes_nothing(
    as_user, member, calibrating, value, message
):
    review = Review.objects.filter(reviewer__user=member).first()
    response = as_user(member).post(
        reverse("programs:review", args=[review.pk]), {**_form_data(review, value), "draft": "1"}
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not CriterionScore.objects.filter(review=review).exists()


def test_review_messages_in_the_users_language(as_user, member, calibrating):
    member.language = "he"
    member.save()
    review = Review.objects.filter(reviewer__user=member).first()
    client = as_user(member)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "he"
    response = client.post(
        reverse("programs:review", args=[review.pk]), {**_form_data(review, "9"), "submit": "1"}
    )
    assert response.status_code == 400
    assert not CriterionScore.objects.filter(review=review).exists()


def test_service_refuses_a_score_outside_the_scale_and_both_score_and_cannot_judge(
    member, calibrating
):
    review = Review.objects.filter(reviewer__user=member).first()
    criterion = review.rubric_version.criteria.first()
    with pytest.raises(Exception, match="from 1 to 5"):
        services.review_save(
            review=review, by=member, scores=[services.ScoreIn(criterion.pk, score=6)]
        )
    with pytest.raises(Exception, match="not both"):
        services.review_save(
            review=review,
            by=member,
            scores=[services.ScoreIn(criterion.pk, score=3, cannot_judge=True)],
        )
    assert not CriterionScore.objects.exists()


def test_another_user_cannot_write_a_review(second, member, calibrating):
    review = Review.objects.filter(reviewer__user=member).first()
    with pytest.raises(Exception, match="Only the reviewer"):
        score_all(review, by=second)
    assert not CriterionScore.objects.exists()


def test_discussion_revision_keeps_the_first_version(owner, member, first_pass):
    calibrate(member, first_pass)
    review = Review.objects.filter(reviewer__user=member, phase=ReviewPhase.FIRST_PASS).first()
    score_all(review, by=member, score=2)
    advance(first_pass, owner, CohortPhase.DISCUSSION)
    revision = services.review_revise(review=review, by=member)
    assert revision.phase == ReviewPhase.DISCUSSION
    score_all(revision, by=member, score=4)
    assert set(review.scores.order_by().values_list("score", flat=True)) == {2}
    assert set(revision.scores.order_by().values_list("score", flat=True)) == {4}


def test_assign_and_remove_owner_member_outsider(
    as_user, owner, member, outsider, first_pass, second
):
    assign = reverse("programs:assign", args=[first_pass.pk])
    assert as_user(member).post(assign).status_code == 403
    assert as_user(outsider).post(assign).status_code == 404
    assert as_user(owner).post(assign).status_code == 302
    removable = Reviewer.objects.get(cohort=first_pass, user=second)
    remove = reverse("programs:reviewer_remove", args=[removable.pk])
    assert as_user(member).post(remove).status_code == 403
    assert as_user(outsider).post(remove).status_code == 404
    calibrate(second, first_pass)
    # A reviewer with submitted reviews stays.
    assert as_user(owner).post(remove).status_code == 302
    assert Reviewer.objects.filter(pk=removable.pk).exists()


def test_revise_only_in_the_discussion_and_only_ones_own(
    as_user, owner, member, second, first_pass
):
    calibrate(member, first_pass)
    review = Review.objects.filter(reviewer__user=member, phase=ReviewPhase.FIRST_PASS).first()
    score_all(review, by=member)
    url = reverse("programs:review_revise", args=[review.pk])
    as_user(member).post(url)
    assert not Review.objects.filter(phase=ReviewPhase.DISCUSSION).exists()
    advance(first_pass, owner, CohortPhase.DISCUSSION)
    assert as_user(second).post(url).status_code == 404
    assert as_user(member).post(url).status_code == 302
    assert Review.objects.filter(phase=ReviewPhase.DISCUSSION, reviewer__user=member).count() == 1
