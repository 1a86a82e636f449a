"""The stored opinion map (`meshutaf.deliberation.results`): one conversion to and from JSON,
maps stored before formats were numbered still read, a broken one refused with a clear error;
and the API's explicit, versioned shape (`OpinionMapV1`)."""

import copy
import json

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from meshutaf.deliberation import selectors, services
from meshutaf.deliberation.api import OpinionMapV1
from meshutaf.deliberation.opinion import VoteTable, analyze
from meshutaf.deliberation.results import (
    FORMAT,
    KState,
    OpinionGroup,
    OpinionMap,
    Position,
    RepresentativeStatement,
    StatementFigures,
    StoredMapError,
    Tally,
)

from ..conftest import client_for
from .conftest import vote_all

# What services stored before the format key existed (marked "version": 1): two groups of
# one, three participants (one not clustered), two statements.
LEGACY = {
    "version": 1,
    "participants": {"11": [0.5, -1.25, 0], "12": [-0.5, 1.0, 1], "13": [0.0, 0.0, None]},
    "groups": [
        {
            "id": 0,
            "size": 1,
            "center": [0.5, -1.25],
            "representative": [
                {
                    "statement": 101,
                    "direction": "agree",
                    "score": 1.5,
                    "probability": 0.6667,
                    "ratio": 1.333,
                    "n_success": 1,
                    "n_trials": 1,
                }
            ],
        },
        {"id": 1, "size": 1, "center": [-0.5, 1.0], "representative": []},
    ],
    "consensus": {"agree": [102], "disagree": []},
    "group_informed_consensus": {"101": 0.22222, "102": 0.44444},
    "group_informed_disagreement": {"101": 0.22222, "102": 0.11111},
    "divisive": [101],
    "statements": {
        "101": {
            "agree": 1,
            "disagree": 1,
            "pass": 0,
            "moderated_out": False,
            "groups": [
                {"agree": 1, "disagree": 0, "pass": 0},
                {"agree": 0, "disagree": 1, "pass": 0},
            ],
        },
        "102": {
            "agree": 3,
            "disagree": 0,
            "pass": 0,
            "moderated_out": False,
            "groups": [
                {"agree": 1, "disagree": 0, "pass": 0},
                {"agree": 1, "disagree": 0, "pass": 0},
            ],
        },
    },
    "priorities": {"101": 12.5, "102": 3.25},
    "silhouette": 0.8,
    "k_state": [2, 1, 2],
    "n_participants": 3,
    "n_clustered": 2,
    "n_statements": 2,
    "n_votes": 5,
    "seconds": 0.0123,
}


def test_a_map_stored_before_formats_were_numbered_is_read():
    result = OpinionMap.from_json(LEGACY)
    assert result.positions[13] == Position(0.0, 0.0, None)
    assert result.positions[11].group == 0
    assert [group.size for group in result.groups] == [1, 1]
    rep = result.groups[0].representative[0]
    assert (rep.statement, rep.direction, rep.n_success, rep.n_trials) == (101, "agree", 1, 1)
    assert result.consensus_agree == (102,)
    assert result.group_informed_consensus == {101: 0.22222, 102: 0.44444}
    assert result.statements[101].groups == (Tally(1, 0, 0), Tally(0, 1, 0))
    assert result.statements[102].seen == 3
    assert result.priorities[101] == 12.5
    assert result.k_state == KState(last_k=2, count=1, smoothed_k=2)
    assert (result.n_participants, result.n_clustered, result.n_votes) == (3, 2, 5)
    # Written again, it is the same map marked with the format instead of the old version.
    stored = result.to_json()
    assert stored["format"] == FORMAT
    assert "version" not in stored
    assert {k: v for k, v in LEGACY.items() if k != "version"} == {
        k: v for k, v in stored.items() if k != "format"
    }


def test_an_analysis_survives_the_round_trip_through_json():
    votes = [(p, s, 1 if (p < 6) == (s < 3) else -1) for p in range(12) for s in range(6)]
    votes += [(p, 6, 1) for p in range(12)]  # everyone agrees with one statement
    result = OpinionMap.from_analysis(analyze(VoteTable.from_votes(votes), seed=0))
    assert len(result.groups) == 2
    assert result.n_clustered == 12
    stored = json.loads(json.dumps(result.to_json()))
    assert stored["format"] == FORMAT
    assert OpinionMap.from_json(stored) == result
    assert OpinionMap.from_json(stored).to_json() == stored


def test_an_empty_analysis_round_trips_and_is_not_ready():
    result = OpinionMap.from_analysis(analyze(VoteTable.from_votes([]), seed=0))
    assert not result.ready
    assert OpinionMap.from_json(result.to_json()) == result
    assert OpinionMap.empty().to_json()["participants"] == {}


def test_ids_must_be_primary_keys():
    analysis = analyze(VoteTable.from_votes([("p", "s", 1)]), seed=0)
    with pytest.raises(TypeError, match="primary keys"):
        OpinionMap.from_analysis(analysis)


ids = st.integers(min_value=1, max_value=10**9)
numbers = st.floats(allow_nan=False, allow_infinity=False, width=32)
counts = st.integers(min_value=0, max_value=10**6)
tallies = st.builds(Tally, counts, counts, counts)


@st.composite
def opinion_maps(draw) -> OpinionMap:
    n_groups = draw(st.integers(min_value=0, max_value=5))
    statement_ids = draw(st.lists(ids, unique=True, max_size=8))
    statement = st.sampled_from(statement_ids) if statement_ids else ids
    groups = tuple(
        OpinionGroup(
            id=g,
            size=draw(counts),
            center=(draw(numbers), draw(numbers)),
            representative=tuple(
                draw(
                    st.lists(
                        st.builds(
                            RepresentativeStatement,
                            statement=statement,
                            direction=st.sampled_from(["agree", "disagree"]),
                            score=numbers,
                            probability=numbers,
                            ratio=numbers,
                            n_success=counts,
                            n_trials=counts,
                        ),
                        max_size=5,
                    )
                )
            ),
        )
        for g in range(n_groups)
    )
    group_id = st.none() | (st.integers(0, n_groups - 1) if n_groups else st.none())
    by_statement = st.dictionaries(statement, numbers) if statement_ids else st.just({})
    return OpinionMap(
        positions=draw(st.dictionaries(ids, st.builds(Position, numbers, numbers, group_id))),
        groups=groups,
        consensus_agree=tuple(draw(st.lists(statement, max_size=5))),
        consensus_disagree=tuple(draw(st.lists(statement, max_size=5))),
        group_informed_consensus=draw(by_statement),
        group_informed_disagreement=draw(by_statement),
        divisive=tuple(draw(st.lists(statement, max_size=5))),
        statements={
            sid: StatementFigures(
                agree=draw(counts),
                disagree=draw(counts),
                passed=draw(counts),
                moderated_out=draw(st.booleans()),
                groups=tuple(draw(tallies) for _ in range(n_groups)),
            )
            for sid in statement_ids
        },
        priorities=draw(by_statement),
        silhouette=draw(st.none() | numbers),
        k_state=draw(st.none() | st.builds(KState, counts, counts, counts)),
        n_participants=draw(counts),
        n_clustered=draw(counts),
        n_statements=draw(counts),
        n_votes=draw(counts),
        seconds=draw(numbers),
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(opinion_maps())
def test_any_map_round_trips_through_stored_json(result):
    stored = json.loads(json.dumps(result.to_json()))
    assert OpinionMap.from_json(stored) == result


def _broken(change):
    data = copy.deepcopy(LEGACY)
    change(data)
    return data


@pytest.mark.parametrize(
    ("change", "where"),
    [
        (lambda d: d.pop("groups"), "groups should be present"),
        (lambda d: d.update(format=99), "format 99"),
        (lambda d: d.update(version=2), "version 2"),
        (lambda d: d.update(participants=[]), "participants should be an object"),
        (
            lambda d: d["participants"].update({"x": [0, 0, None]}),
            "participants should be keyed by ids",
        ),
        (lambda d: d["participants"].update({"14": [0, 0]}), "participants['14']"),
        (lambda d: d["participants"].update({"14": [0, 0, 7]}), "a group of the map"),
        (lambda d: d["groups"][0].update(size="1"), "groups[0].size should be a whole number"),
        (lambda d: d["groups"][0].pop("center"), "groups[0].center"),
        (
            lambda d: d["groups"][0]["representative"][0].update(direction="up"),
            "groups[0].representative[0].direction",
        ),
        (lambda d: d["consensus"].update(agree=["102"]), "consensus.agree[0]"),
        (lambda d: d["statements"]["101"].pop("pass"), "statements['101'].pass"),
        (lambda d: d["statements"]["101"].update(moderated_out=0), "moderated_out"),
        (lambda d: d.update(k_state=[2, 1]), "k_state"),
        (lambda d: d.update(silhouette="high"), "silhouette should be a number"),
        (lambda d: d.update(n_votes=True), "n_votes should be a whole number"),
    ],
)
def test_a_broken_map_is_refused_naming_what_is_wrong(change, where):
    with pytest.raises(StoredMapError, match="The stored opinion map") as error:
        OpinionMap.from_json(_broken(change))
    assert where in str(error.value)


def test_something_that_is_not_a_map_is_refused():
    for data in (None, [], "map", 3):
        with pytest.raises(StoredMapError, match="the map should be an object"):
            OpinionMap.from_json(data)


# --- In the app ----------------------------------------------------------------------------


@pytest.fixture
def analysed(conversation, django_capture_on_commit_callbacks):
    participants = [services.participant_create(conversation=conversation) for _ in range(12)]
    with django_capture_on_commit_callbacks(execute=True):
        vote_all(conversation, participants, [[1, 1, -1, -1]] * 6 + [[-1, -1, 1, 1]] * 6)
    conversation.refresh_from_db()
    return conversation


def test_the_worker_stores_the_current_format(analysed):
    assert analysed.analysis["format"] == FORMAT
    result = selectors.stored_map(conversation=analysed)
    assert result is not None
    assert result.ready
    assert result.to_json() == analysed.analysis


def test_a_broken_stored_map_is_a_clear_error_and_the_worker_replaces_it(analysed, owner):
    analysed.analysis = {**analysed.analysis, "groups": "two"}
    analysed.save(update_fields=["analysis"])
    with pytest.raises(StoredMapError, match="groups should be a list"):
        selectors.opinion_map(conversation=analysed)
    # Voting goes on: every statement counts as new until the map is recomputed.
    participant = services.participant_create(conversation=analysed)
    assert selectors.next_statement(participant=participant) is not None
    services.conversation_analyze(conversation_id=analysed.pk)
    analysed.refresh_from_db()
    assert selectors.stored_map(conversation=analysed).ready


def test_a_conversation_without_a_map_has_none(conversation):
    assert selectors.stored_map(conversation=conversation) is None
    assert selectors.opinion_map(conversation=conversation) is None


# --- The API -------------------------------------------------------------------------------


def test_the_api_answers_in_its_own_versioned_shape(analysed, owner):
    response = client_for(owner).get(f"/api/v1/conversations/{analysed.pk}/opinion-map")
    assert response.status_code == 200
    body = response.json()
    OpinionMapV1.model_validate(body)
    assert body["version"] == 1
    assert body["ready"] is True
    assert "format" not in body  # storage's marker is not part of the API
    stored = analysed.analysis
    # The field names are those the API always had.
    for name in ("participants", "groups", "consensus", "statements", "priorities", "k_state"):
        assert body[name] == stored[name], name
    assert body["n_participants"] == 12
    statement = next(iter(body["statements"].values()))
    assert set(statement) == {"agree", "disagree", "pass", "moderated_out", "groups"}


def test_the_api_before_anyone_voted(conversation, owner):
    response = client_for(owner).get(f"/api/v1/conversations/{conversation.pk}/opinion-map")
    body = response.json()
    OpinionMapV1.model_validate(body)
    assert (body["version"], body["ready"], body["participants"], body["groups"]) == (
        1,
        False,
        {},
        [],
    )


def test_the_openapi_document_lists_the_versioned_schema(db):
    spec = Client().get("/api/openapi.json").json()
    schemas = spec["components"]["schemas"]
    version = schemas["OpinionMapV1"]["properties"]["version"]
    assert version.get("const", (version.get("enum") or [None])[0]) == 1
    assert "pass" in schemas["VoteCountsV1"]["properties"]
    path = spec["paths"]["/api/v1/conversations/{conversation_id}/opinion-map"]["get"]
    answer = path["responses"]["200"]["content"]["application/json"]["schema"]
    assert answer["$ref"].endswith("/OpinionMapV1")
