"""Conflicts of interest: each source the directory reveals, declared conflicts, waivers,
and what a new conflict does to an assignment (withdrawn and given to someone else) or to a
submitted review (set aside, left out of the counts, logged)."""

import datetime as dt

import pytest
from django.urls import reverse

from meshutaf.programs.models import (
    CohortPhase,
    Conflict,
    ConflictSource,
    DecisionLogEntry,
    LogKind,
    Review,
    ReviewPhase,
)
from meshutaf.programs.selectors import reviews as selectors
from meshutaf.programs.services import reviews as services
from tests.factories import AffiliationFactory, PersonFactory

from . import test_reviews as shared
from .test_reviews import advance, calibrate, score_all

# The review tests' fixtures, shared.
committee = shared.committee
calibrating = shared.calibrating
first_pass = shared.first_pass
second = shared.second
third = shared.third


def sources(reviewer, nomination):
    return set(
        Conflict.objects.filter(reviewer=reviewer, nomination=nomination).values_list(
            "source", flat=True
        )
    )


def test_same_ministry(cohort, owner, reviewer, nominate, ministries):
    AffiliationFactory(person=reviewer.person, organisation=ministries[0])
    mine = nominate(organisation=ministries[0])
    other = nominate(organisation=ministries[1])
    assert services.conflicts_detect(cohort=cohort, by=owner) == 1
    assert sources(reviewer, mine) == {ConflictSource.SAME_ORGANISATION}
    assert not sources(reviewer, other)
    assert "Ministry of Welfare" in Conflict.objects.get().detail
    # Idempotent.
    assert services.conflicts_detect(cohort=cohort, by=owner) == 0


def test_a_past_job_at_the_ministry_is_not_same_ministry(
    cohort, owner, reviewer, nominate, ministries
):
    AffiliationFactory(
        person=reviewer.person,
        organisation=ministries[0],
        start_date=dt.date(2010, 1, 1),
        end_date=dt.date(2015, 1, 1),
    )
    nominate(organisation=ministries[0])
    assert services.conflicts_detect(cohort=cohort, by=owner) == 0


def test_the_nominating_director_general(cohort, owner, reviewer, member, nominate):
    by_person = nominate(nominator_person=reviewer.person)
    by_email = nominate(nominator_email=member.email.upper())
    nominate()
    assert services.conflicts_detect(cohort=cohort, by=owner) == 2
    assert sources(reviewer, by_person) == {ConflictSource.NOMINATOR}
    assert sources(reviewer, by_email) == {ConflictSource.NOMINATOR}


def test_a_reporting_line_either_way(cohort, owner, reviewer, nominate, ministries):
    boss_of = PersonFactory()
    AffiliationFactory(person=boss_of, organisation=ministries[2], reports_to=reviewer.person)
    reports_to = PersonFactory(email="manager@example.org")
    AffiliationFactory(person=reviewer.person, organisation=ministries[2], reports_to=reports_to)
    a = nominate(candidate_person=boss_of, organisation=ministries[1])
    # Matched through the candidate's e-mail, with no person linked.
    b = nominate(organisation=ministries[1])
    b.candidate_email = "Manager@example.org"
    b.save()
    services.conflicts_detect(cohort=cohort, by=owner)
    assert ConflictSource.REPORTING_LINE in sources(reviewer, a)
    assert ConflictSource.REPORTING_LINE in sources(reviewer, b)


def test_a_shared_affiliation_at_overlapping_times(cohort, owner, reviewer, nominate, ministries):
    candidate = PersonFactory()
    later = PersonFactory()
    AffiliationFactory(
        person=reviewer.person,
        organisation=ministries[2],
        start_date=dt.date(2015, 1, 1),
        end_date=dt.date(2019, 1, 1),
    )
    AffiliationFactory(person=candidate, organisation=ministries[2], start_date=dt.date(2018, 6, 1))
    AffiliationFactory(person=later, organisation=ministries[2], start_date=dt.date(2020, 1, 1))
    overlapping = nominate(candidate_person=candidate, organisation=ministries[1])
    apart = nominate(candidate_person=later, organisation=ministries[1])
    services.conflicts_detect(cohort=cohort, by=owner)
    assert sources(reviewer, overlapping) == {ConflictSource.AFFILIATION}
    assert not sources(reviewer, apart)


def test_declared_conflicts_cannot_be_waived_detected_ones_can(
    cohort, owner, member, reviewer, nominate, ministries
):
    known = nominate()
    declared = services.conflict_declare(reviewer=reviewer, nomination=known, by=member)
    with pytest.raises(Exception, match="cannot be waived"):
        services.conflict_waive(conflict=declared, by=owner, reason="לא רלוונטי")
    AffiliationFactory(person=reviewer.person, organisation=ministries[0])
    colleague = nominate(organisation=ministries[0])
    services.conflicts_detect(cohort=cohort, by=owner)
    detected = Conflict.objects.get(nomination=colleague)
    with pytest.raises(Exception, match="Say why"):
        services.conflict_waive(conflict=detected, by=owner, reason="  ")
    services.conflict_waive(conflict=detected, by=owner, reason="יחידה אחרת לגמרי")
    detected.refresh_from_db()
    assert detected.waived_at is not None
    assert DecisionLogEntry.objects.filter(
        kind=LogKind.CONFLICT, nomination=colleague, reason__contains="יחידה אחרת"
    ).exists()
    # Waived stays waived when detection runs again.
    assert services.conflicts_detect(cohort=cohort, by=owner) == 0


def test_only_the_reviewer_declares(cohort, owner, reviewer, nominate):
    with pytest.raises(Exception, match="Only the reviewer"):
        services.conflict_declare(reviewer=reviewer, nomination=nominate(), by=owner)
    assert not Conflict.objects.exists()


def test_conflicts_page_and_waiver_owner_member_outsider(
    as_user, owner, member, outsider, cohort, reviewer, nominate, ministries
):
    AffiliationFactory(person=reviewer.person, organisation=ministries[0])
    nominate(organisation=ministries[0])
    url = reverse("programs:conflicts", args=[cohort.pk])
    assert as_user(member).post(url).status_code == 403
    assert as_user(outsider).post(url).status_code == 404
    assert not Conflict.objects.exists()
    assert as_user(owner).post(url).status_code == 302
    conflict = Conflict.objects.get()
    assert as_user(owner).get(url).status_code == 200
    waive = reverse("programs:conflict_waive", args=[conflict.pk])
    assert as_user(member).post(waive, {"reason": "x"}).status_code == 403
    assert as_user(outsider).post(waive, {"reason": "x"}).status_code == 404
    response = as_user(owner).post(waive, {"reason": ""})
    assert response.status_code == 400
    conflict.refresh_from_db()
    assert conflict.waived_at is None
    assert as_user(owner).post(waive, {"reason": "אין קשר"}).status_code == 302
    conflict.refresh_from_db()
    assert conflict.waived_at is not None


def test_declaring_on_the_queue_recuses_and_reassigns(
    as_user, member, first_pass, committee, django_capture_on_commit_callbacks
):
    review = Review.objects.filter(reviewer__user=member, phase=ReviewPhase.FIRST_PASS).first()
    nomination = review.nomination
    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(member).post(
            reverse("programs:conflict_declare", args=[first_pass.pk]),
            {"nomination": nomination.pk, "detail": "שכנים"},
        )
    assert response.status_code == 302
    assert not Review.objects.filter(pk=review.pk).exists()
    reviewers_now = Review.objects.filter(nomination=nomination, phase=ReviewPhase.FIRST_PASS)
    assert reviewers_now.count() == 2
    assert not reviewers_now.filter(reviewer__user=member).exists()
    queue = as_user(member).get(reverse("programs:review_queue", args=[first_pass.pk]))
    assert nomination.candidate_name not in queue.content.decode()


def test_a_bad_declaration_is_refused(as_user, member, first_pass):
    url = reverse("programs:conflict_declare", args=[first_pass.pk])
    assert as_user(member).post(url, {"nomination": "abc"}).status_code == 302
    assert as_user(member).post(url, {"nomination": "999999"}).status_code == 404
    assert not Conflict.objects.filter(source=ConflictSource.DECLARED).exists()


def test_a_conflict_after_submission_sets_the_review_aside(
    owner, member, first_pass, committee, ministries
):
    calibrate(member, first_pass)
    review = Review.objects.filter(reviewer__user=member, phase=ReviewPhase.FIRST_PASS).first()
    score_all(review, by=member)
    counted = selectors.reviews_counted(cohort=first_pass)
    assert counted.filter(pk=review.pk).exists()
    reviewer = review.reviewer
    AffiliationFactory(person=reviewer.person, organisation=review.nomination.organisation)
    assert services.conflicts_detect(cohort=first_pass, by=owner) >= 1
    assert Review.objects.filter(pk=review.pk).exists()
    assert not selectors.reviews_counted(cohort=first_pass).filter(pk=review.pk).exists()
    assert selectors.reviews_set_aside(cohort=first_pass).filter(pk=review.pk).exists()
    assert DecisionLogEntry.objects.filter(
        kind=LogKind.CONFLICT, nomination=review.nomination, reason__contains="set aside"
    ).exists()
    # Waiving the conflict lets the review count again.
    for conflict in Conflict.objects.filter(reviewer=reviewer, nomination=review.nomination):
        services.conflict_waive(conflict=conflict, by=owner, reason="תפקיד אחר")
    assert selectors.reviews_counted(cohort=first_pass).filter(pk=review.pk).exists()


def test_calibration_skips_recused_pairs(cohort, owner, member, reviewer, committee):
    anchor = committee["anchors"][0]
    services.conflict_declare(reviewer=reviewer, nomination=anchor, by=member)
    advance(cohort, owner, CohortPhase.CALIBRATION)
    assert not Review.objects.filter(reviewer=reviewer, nomination=anchor).exists()
    assert Review.objects.filter(reviewer=reviewer, phase=ReviewPhase.CALIBRATION).count() == 2
