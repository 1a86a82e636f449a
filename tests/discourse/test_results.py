"""The index's typed results: one JSON form with a format number, the form written before it
had one, and clear errors for anything else."""

import json
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from meshutaf.discourse.results import (
    FORMAT,
    DiscourseIndex,
    IndexCell,
    IndexFormatError,
    TargetEstimate,
)


def _estimate(estimate=0.25, low=0.2, high=0.3, rank=(1.0, 2.0)) -> TargetEstimate:
    return TargetEstimate(
        n_audit=12,
        mean_score=0.31,
        estimate=estimate,
        ci_low=low,
        ci_high=high,
        best_rank=rank[0],
        worst_rank=rank[1],
    )


def _index() -> DiscourseIndex:
    return DiscourseIndex(
        model_version=3,
        by=("month", "community"),
        targets=("incivility", "index"),
        target_labels={"incivility": "Incivility", "index": "Discourse Index (0–100)"},
        cells=(
            IndexCell(
                key={"month": "2026-01", "community": "12"},
                labels={"month": "2026-01", "community": "כללי"},
                n_items=40,
                small=False,
                results={"incivility": _estimate(), "index": _estimate(55.5, 50.0, 61.25)},
            ),
            IndexCell(
                key={"month": "2026-02", "community": "—"},
                labels={"month": "2026-02", "community": "—"},
                n_items=3,
                small=True,
                results={"incivility": _estimate(0.4, math.nan, math.nan, (math.nan, math.nan))},
            ),
        ),
        n_items=43,
        n_audit=12,
    )


def test_the_json_form_and_back():
    index = _index()
    data = index.to_json()
    assert data["format"] == FORMAT
    first = data["cells"][0]
    # The parts' labels at the top of a cell, as before; their values under "key".
    assert (first["community"], first["key"]["community"]) == ("כללי", "12")
    assert first["values"]["incivility"] == {
        "estimate": 0.25,
        "ci_low": 0.2,
        "ci_high": 0.3,
        "mean_probability": 0.31,
        "n_audit": 12,
        "rank": [1, 2],
    }
    uncorrected = data["cells"][1]["values"]["incivility"]
    assert (uncorrected["ci_low"], uncorrected["rank"]) == (None, None)
    json.dumps(data, allow_nan=False)
    back = DiscourseIndex.from_json(json.loads(json.dumps(data)))
    assert back.to_json() == data
    assert back.cells[0] == index.cells[0]
    assert not back.cells[1].results["incivility"].corrected
    assert back.cells[0].label("community") == "כללי"


def test_the_form_without_a_format_number_is_read():
    data = _index().to_json()
    del data["format"], data["target_labels"]
    for cell in data["cells"]:
        del cell["key"]
    index = DiscourseIndex.from_json(data)
    assert index.model_version == 3
    assert index.target_labels == {"incivility": "incivility", "index": "index"}
    # Only the labels were written: they stand for the key too.
    assert index.cells[0].key == {"month": "2026-01", "community": "כללי"}
    assert index.cells[0].results["index"].estimate == 55.5


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("[1, 2]", "not a JSON object"),
        ({"format": 2}, "format 2; this version reads format 1"),
        ({"format": 1, "by": ["month"]}, "damaged: missing 'targets'"),
        ({**_index().to_json(), "n_items": "many"}, "damaged: 'many' is not a whole number"),
        ({**_index().to_json(), "cells": [{"month": "2026-01"}]}, "damaged: missing"),
    ],
)
def test_damaged_data_is_refused_clearly(data, message):
    with pytest.raises(IndexFormatError, match=message):
        DiscourseIndex.from_json(data)


def test_an_unscored_index():
    index = DiscourseIndex(model_version=None, by=("month",))
    assert not index.scored
    assert DiscourseIndex.from_json(index.to_json()) == index


figures = st.one_of(st.just(math.nan), st.floats(min_value=-1e6, max_value=1e6))


@given(estimate=figures, low=figures, high=figures, mean=figures, n_audit=st.integers(0, 10**6))
def test_writing_what_was_read_changes_nothing(estimate, low, high, mean, n_audit):
    result = TargetEstimate(n_audit, mean, estimate, low, high, 1.0, 3.0)
    data = result.to_json()
    assert TargetEstimate.from_json(data).to_json() == data
