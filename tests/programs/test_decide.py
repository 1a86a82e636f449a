"""The decision's explicit rules (`decide`): rank order, capacity, quota maximums and
minimums, the committee's recommendation, ties, and a reason for every departure."""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from meshutaf.programs import decide
from meshutaf.programs.decide import Candidate, QuotaRule


def candidate(pk, adjusted, *, org="a", gender="woman", raw=None, rec="", eligible=True, name=None):
    return Candidate(
        id=pk,
        name=name or f"c{pk:02d}",
        eligible=eligible,
        adjusted=adjusted,
        raw_mean=raw if raw is not None else adjusted,
        groups={"organisation": org, "gender": gender, "sector": "government"},
        recommendation=rec,
    )


def outcomes(proposal):
    return {p.id: p.outcome for p in proposal.placements}


def codes(proposal, pk):
    return {r.code for r in next(p for p in proposal.placements if p.id == pk).reasons}


def test_rank_order_and_capacity():
    people = [candidate(i, 5 - i * 0.1) for i in range(1, 7)]
    proposal = decide.decide(people, capacity=3, waitlist_size=2)
    assert [p.id for p in proposal.of(decide.SELECTED)] == [1, 2, 3]
    assert [p.id for p in proposal.of(decide.WAITLISTED)] == [4, 5]
    assert [p.waitlist_position for p in proposal.of(decide.WAITLISTED)] == [1, 2]
    assert [p.id for p in proposal.of(decide.NOT_SELECTED)] == [6]
    assert proposal.departures == []
    assert proposal.unfilled == 0


def test_quota_maximum_pushes_the_next_candidate_in():
    people = [
        candidate(1, 4.9, org="a"),
        candidate(2, 4.8, org="a"),
        candidate(3, 4.7, org="a"),
        candidate(4, 4.6, org="b"),
    ]
    quota = QuotaRule(id=10, kind="organisation", value="a", maximum=2)
    proposal = decide.decide(people, capacity=3, quotas=[quota], waitlist_size=1)
    assert outcomes(proposal) == {
        1: decide.SELECTED,
        2: decide.SELECTED,
        3: decide.WAITLISTED,
        4: decide.SELECTED,
    }
    assert codes(proposal, 3) == {decide.QUOTA_MAXIMUM}
    held = next(p for p in proposal.placements if p.id == 3)
    assert held.reasons[0].quota_id == 10
    assert codes(proposal, 4) == {decide.PLACE_FREED}
    assert {p.id for p in proposal.departures} == {3, 4}


def test_quota_minimum_pulls_one_up_and_displaces_the_last():
    people = [
        candidate(1, 4.9, gender="man"),
        candidate(2, 4.8, gender="man"),
        candidate(3, 4.7, gender="man"),
        candidate(4, 3.0, gender="woman"),
        candidate(5, 2.0, gender="woman"),
    ]
    quota = QuotaRule(id=7, kind="gender", value="woman", minimum=1)
    proposal = decide.decide(people, capacity=3, quotas=[quota], waitlist_size=1)
    assert [p.id for p in proposal.of(decide.SELECTED)] == [1, 2, 4]
    assert codes(proposal, 4) == {decide.QUOTA_MINIMUM}
    assert codes(proposal, 3) == {decide.DISPLACED}
    assert [p.id for p in proposal.of(decide.WAITLISTED)] == [3]
    assert codes(proposal, 5) == set()
    assert {p.id for p in proposal.departures} == {3, 4}


def test_minimum_that_cannot_be_met_is_reported_not_forced():
    people = [candidate(1, 4.0, org="a"), candidate(2, 3.0, org="a")]
    quota = QuotaRule(id=3, kind="organisation", value="b", minimum=2)
    proposal = decide.decide(people, capacity=2, quotas=[quota])
    assert [p.id for p in proposal.of(decide.SELECTED)] == [1, 2]
    assert proposal.unmet == (decide.UnmetMinimum(quota_id=3, minimum=2, reached=0),)


def test_maximum_holds_back_even_a_minimum_pull():
    people = [candidate(1, 4.0, org="a", gender="woman"), candidate(2, 3.0, org="b", gender="man")]
    quotas = [
        QuotaRule(id=1, kind="organisation", value="a", maximum=0),
        QuotaRule(id=2, kind="gender", value="woman", minimum=1),
    ]
    proposal = decide.decide(people, capacity=1, quotas=quotas)
    assert [p.id for p in proposal.of(decide.SELECTED)] == [2]
    assert decide.QUOTA_MAXIMUM in codes(proposal, 1)
    assert proposal.unmet[0].quota_id == 2


def test_capacity_larger_than_the_pool_leaves_places_unfilled():
    proposal = decide.decide([candidate(1, 3.0)], capacity=4)
    assert proposal.unfilled == 3


def test_committee_recommendation_and_eligibility():
    people = [
        candidate(1, 4.9, rec=decide.DO_NOT_RECOMMEND),
        candidate(2, 4.8, rec=decide.WAITLIST),
        candidate(3, 4.7),
        candidate(4, 4.6),
        candidate(5, 4.95, eligible=False),
        candidate(6, math.nan),
    ]
    proposal = decide.decide(people, capacity=2, waitlist_size=0)
    assert [p.id for p in proposal.of(decide.SELECTED)] == [3, 4]
    assert [p.id for p in proposal.of(decide.WAITLISTED)] == [2]
    assert codes(proposal, 1) == {decide.NOT_RECOMMENDED}
    assert codes(proposal, 2) == {decide.COMMITTEE_WAITLIST}
    assert codes(proposal, 5) == {decide.INELIGIBLE}
    assert codes(proposal, 6) == {decide.NOT_SCORED}
    assert codes(proposal, 3) == codes(proposal, 4) == {decide.PLACE_FREED}
    ineligible = next(p for p in proposal.placements if p.id == 5)
    assert ineligible.rank is None
    assert not ineligible.departs


def test_ties_by_raw_mean_then_name():
    people = [
        candidate(1, 4.0, raw=3.5, name="Zohar"),
        candidate(2, 4.0, raw=3.9, name="Yael"),
        candidate(3, 4.0, raw=3.9, name="Avi"),
    ]
    ordered = decide.rank_order(people)
    assert [c.id for c in ordered] == [3, 2, 1]
    proposal = decide.decide(people, capacity=1)
    assert [p.id for p in proposal.of(decide.SELECTED)] == [3]
    # The tie decided who got the place: said so.
    assert decide.TIE in codes(proposal, 3)
    assert decide.TIE in codes(proposal, 1)


def test_bad_input_refused():
    with pytest.raises(ValueError, match="negative"):
        decide.decide([], capacity=-1)
    with pytest.raises(ValueError, match="once"):
        decide.decide([candidate(1, 1.0), candidate(1, 2.0)], capacity=1)


groups = st.sampled_from(["a", "b", "c"])


@st.composite
def selections(draw):
    n = draw(st.integers(0, 14))
    people = [
        candidate(
            i,
            draw(st.one_of(st.none(), st.floats(1, 5, allow_nan=False))),
            org=draw(groups),
            gender=draw(st.sampled_from(["woman", "man"])),
            rec=draw(
                st.sampled_from(
                    ["", "", decide.RECOMMEND, decide.WAITLIST, decide.DO_NOT_RECOMMEND]
                )
            ),
            eligible=draw(st.booleans()) or draw(st.booleans()),
        )
        for i in range(1, n + 1)
    ]
    quotas = [
        QuotaRule(
            id=k,
            kind=draw(st.sampled_from(["organisation", "gender"])),
            value=draw(st.sampled_from(["a", "b", "woman"])),
            minimum=(low := draw(st.integers(0, 3))),
            maximum=draw(st.one_of(st.none(), st.integers(low, 5))),
        )
        for k in range(draw(st.integers(0, 3)))
    ]
    return people, quotas, draw(st.integers(0, 6)), draw(st.integers(0, 4))


@settings(max_examples=300, deadline=None)
@given(selections())
def test_every_departure_is_explained_and_the_rules_hold(case):
    people, quotas, capacity, waitlist = case
    proposal = decide.decide(people, capacity=capacity, quotas=quotas, waitlist_size=waitlist)
    assert sorted(p.id for p in proposal.placements) == sorted(c.id for c in people)
    selected = proposal.of(decide.SELECTED)
    assert len(selected) <= capacity
    for placement in proposal.departures:
        assert placement.reasons, placement
    by_id = {c.id: c for c in people}
    for q in quotas:
        if q.maximum is not None:
            assert sum(q.covers(by_id[p.id]) for p in selected) <= q.maximum
    for p in selected:
        assert by_id[p.id].eligible
        assert by_id[p.id].recommendation not in (decide.DO_NOT_RECOMMEND, decide.WAITLIST)
