"""The committee's recommendation and the decision: phases enforced, overrides only with a
reason, confirmed once, every departure in the log, the selected enrolled; bad input refused
with a message and nothing written."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from meshutaf.programs.models import (
    Cohort,
    CohortPhase,
    Decision,
    DecisionLogEntry,
    LogKind,
    NominationStatus,
    Participant,
    Quota,
    Recommendation,
    RecommendationChoice,
)
from meshutaf.programs.services import selection as services
from tests.factories import PersonFactory

from .test_board import _fresh_cache, panel, score  # noqa: F401 - fixtures


def at_phase(cohort, phase):
    Cohort.objects.filter(pk=cohort.pk).update(phase=phase)
    cohort.refresh_from_db()
    return cohort


@pytest.fixture
def field(cohort, nominate, panel, ministries):  # noqa: F811
    """Six candidates from two ministries, scored 5 down to 2.5 by all three reviewers."""
    people = []
    for i, level in enumerate([5, 4.5, 4, 3.5, 3, 2.5]):
        nomination = nominate(name=f"N{i}", organisation=ministries[i % 2])
        for reviewer in panel:
            score(reviewer, nomination, round(level + 0.01))
        people.append(nomination)
    return people


# ---------------------------------------------------------------- recommendation


def test_recommendation_only_in_its_phase(cohort, field, owner):
    with pytest.raises(ValidationError, match="recommendation phase"):
        services.recommendation_record(nomination=field[0], by=owner, choice="recommend")
    assert not Recommendation.objects.exists()


def test_recommendation_rules(cohort, field, owner):
    at_phase(cohort, CohortPhase.RECOMMENDATION)
    with pytest.raises(ValidationError):
        services.recommendation_record(nomination=field[0], by=owner, choice="maybe")
    with pytest.raises(ValidationError) as refused:
        services.recommendation_record(
            nomination=field[0], by=owner, choice=RecommendationChoice.DO_NOT_RECOMMEND
        )
    assert "rationale" in refused.value.message_dict
    assert not Recommendation.objects.exists()
    assert not DecisionLogEntry.objects.exists()
    services.recommendation_record(
        nomination=field[0],
        by=owner,
        choice=RecommendationChoice.DO_NOT_RECOMMEND,
        rationale="Not available for the sessions",
    )
    services.recommendation_record(nomination=field[0], by=owner, choice="recommend")
    assert Recommendation.objects.get().choice == "recommend"
    assert DecisionLogEntry.objects.filter(kind=LogKind.NOTE).count() == 2


def test_recommendation_page(cohort, field, as_user, owner, member, outsider):
    at_phase(cohort, CohortPhase.RECOMMENDATION)
    url = reverse("programs:recommendation", args=[field[0].pk])
    assert as_user(member).get(url).status_code == 403
    assert as_user(outsider).get(url).status_code == 404
    assert as_user(owner).get(url).status_code == 200
    refused = as_user(owner).post(url, {"choice": "waitlist", "rationale": ""})
    assert refused.status_code == 200
    assert "Say why" in refused.content.decode()
    assert not Recommendation.objects.exists()
    done = as_user(owner).post(url, {"choice": "waitlist", "rationale": "Next cohort"})
    assert done.status_code == 302
    assert Recommendation.objects.get().choice == "waitlist"
    board = as_user(owner).get(reverse("programs:board", args=[cohort.pk])).content.decode()
    assert "Recommend for the waiting list" in board


# ---------------------------------------------------------------- decision


def test_confirm_only_in_the_decision_phase(cohort, field, owner):
    with pytest.raises(ValidationError, match="decision phase"):
        services.decision_confirm(cohort=cohort, by=owner)
    assert not DecisionLogEntry.objects.exists()


def test_confirm_with_quota_writes_decisions_log_and_participants(cohort, field, owner, ministries):
    at_phase(cohort, CohortPhase.DECISION)
    Quota.objects.create(cohort=cohort, kind="organisation", organisation=ministries[0], maximum=1)
    field[3].candidate_person = PersonFactory(full_name="N3 in the directory")
    field[3].save()
    made = services.decision_propose(cohort=cohort, waitlist_size=1)
    selected = [p.id for p in made.proposal.of("selected")]
    # Ministry 0 holds N0, N2, N4: only N0 fits; N1, N3, N5 fill the rest.
    assert selected == [field[0].pk, field[1].pk, field[3].pk, field[5].pk]
    services.decision_confirm(
        cohort=cohort, by=owner, waitlist_size=1, fingerprint=made.fingerprint
    )
    decisions = {n.pk: n.decision for n in cohort.nominations.all()}
    assert decisions[field[0].pk] == Decision.SELECTED
    assert decisions[field[2].pk] == Decision.WAITLISTED
    assert decisions[field[4].pk] == Decision.NOT_SELECTED
    departures = DecisionLogEntry.objects.filter(kind=LogKind.DEPARTURE)
    assert {e.nomination_id for e in departures} == {field[2].pk, field[4].pk, field[5].pk}
    assert all(e.reason for e in departures)
    held = departures.get(nomination=field[2])
    assert "maximum" in held.reason
    assert DecisionLogEntry.objects.filter(kind=LogKind.DECISION).count() == 6
    participants = Participant.objects.filter(cohort=cohort)
    assert participants.count() == 4
    assert participants.get(nomination=field[3]).person.full_name == "N3 in the directory"
    made_up = participants.get(nomination=field[0]).person
    assert made_up.email == field[0].candidate_email


def test_confirming_twice_refused(cohort, field, owner):
    at_phase(cohort, CohortPhase.DECISION)
    services.decision_confirm(cohort=cohort, by=owner)
    count = DecisionLogEntry.objects.count()
    with pytest.raises(ValidationError, match="already"):
        services.decision_confirm(cohort=cohort, by=owner)
    assert DecisionLogEntry.objects.count() == count


def test_override_needs_a_reason(cohort, field, owner):
    at_phase(cohort, CohortPhase.DECISION)
    with pytest.raises(ValidationError, match="needs a reason"):
        services.decision_confirm(
            cohort=cohort, by=owner, overrides={field[5].pk: (Decision.SELECTED, "  ")}
        )
    assert not DecisionLogEntry.objects.exists()
    assert not Participant.objects.exists()
    assert set(cohort.nominations.values_list("decision", flat=True)) == {Decision.PENDING}


def test_override_logged_as_departure(cohort, field, owner):
    at_phase(cohort, CohortPhase.DECISION)
    services.decision_confirm(
        cohort=cohort,
        by=owner,
        overrides={
            field[0].pk: (Decision.WAITLISTED, "Asked to join next year"),
            field[4].pk: (Decision.SELECTED, "The committee's chair vouched"),
        },
    )
    field[4].refresh_from_db()
    assert field[4].decision == Decision.SELECTED
    entry = DecisionLogEntry.objects.get(kind=LogKind.DEPARTURE, nomination=field[4])
    assert "The committee's chair vouched" in entry.reason


def test_bad_overrides_refused(cohort, field, nominate, owner):
    at_phase(cohort, CohortPhase.DECISION)
    withdrawn = nominate(name="Gone")
    withdrawn.status = NominationStatus.WITHDRAWN
    withdrawn.save()
    cases = [
        {withdrawn.pk: (Decision.SELECTED, "Please")},
        {field[0].pk: ("promoted", "Why not")},
        {10**9: (Decision.SELECTED, "Unknown")},
        # A fifth selected for four places.
        {field[4].pk: (Decision.SELECTED, "One more")},
    ]
    for overrides in cases:
        with pytest.raises(ValidationError):
            services.decision_confirm(cohort=cohort, by=owner, overrides=overrides)
    assert not DecisionLogEntry.objects.exists()


def test_stale_proposal_refused(cohort, field, owner, panel):  # noqa: F811
    at_phase(cohort, CohortPhase.DECISION)
    made = services.decision_propose(cohort=cohort)
    score(panel[0], field[5], 5, phase="discussion")
    with pytest.raises(ValidationError, match="changed"):
        services.decision_confirm(cohort=cohort, by=owner, fingerprint=made.fingerprint)
    assert not DecisionLogEntry.objects.exists()


def test_decision_page_and_log(cohort, field, as_user, owner, member):
    at_phase(cohort, CohortPhase.DECISION)
    url = reverse("programs:decision", args=[cohort.pk])
    assert as_user(member).post(url, {}).status_code == 403
    page = as_user(owner).get(url)
    assert page.status_code == 200
    fingerprint = page.context["made"].fingerprint
    refused = as_user(owner).post(
        url,
        {"fingerprint": fingerprint, "waitlist_size": "1", f"override-{field[5].pk}": "selected"},
    )
    assert refused.status_code == 400
    assert "needs a reason" in refused.content.decode()
    assert not DecisionLogEntry.objects.exists()
    done = as_user(owner).post(
        url,
        {
            "fingerprint": fingerprint,
            "waitlist_size": "1",
            f"override-{field[5].pk}": "waitlisted",
            f"reason-{field[5].pk}": "Agreed at the meeting",
        },
    )
    assert done.status_code == 302
    log_page = as_user(owner).get(reverse("programs:decision_log", args=[cohort.pk]))
    assert "Agreed at the meeting" in log_page.content.decode()
    export = as_user(owner).get(reverse("programs:decision_log_export", args=[cohort.pk]))
    assert "Agreed at the meeting" in export.content.decode("utf-8-sig")
    again = as_user(owner).get(url)
    assert "has been confirmed" in again.content.decode()
