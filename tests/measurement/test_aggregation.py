"""Aggregation: pooled ratios (never averaged percentages), weighted means, roll-ups over the
geography tree and the disaggregation totals check."""

import math
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from meshutaf.measurement.aggregation import (
    Dimension,
    FlagCode,
    Kind,
    ObservationValue,
    aggregate,
    check_disaggregation,
    disaggregation_key,
    roll_up,
    value_of,
)

COUNTS = st.builds(ObservationValue.count, st.integers(min_value=0, max_value=10**6))


@st.composite
def ratios(draw, kind=Kind.PROPORTION):
    denominator = draw(st.integers(min_value=0, max_value=10**6))
    top = denominator if kind is Kind.PROPORTION else 10**6
    numerator = draw(st.integers(min_value=0, max_value=top))
    if kind is Kind.RATE:
        return ObservationValue.rate(numerator, denominator, per=1000)
    return ObservationValue.proportion(numerator, denominator)


MEANS = st.builds(
    ObservationValue.mean,
    st.floats(min_value=-1e3, max_value=1e3, allow_nan=False),
    st.integers(min_value=1, max_value=10**4),
)
ANY_KIND = st.one_of(
    st.lists(COUNTS, min_size=2, max_size=12),
    st.lists(ratios(), min_size=2, max_size=12),
    st.lists(ratios(Kind.RATE), min_size=2, max_size=12),
    st.lists(MEANS, min_size=2, max_size=12),
)


def assert_same(left: ObservationValue, right: ObservationValue) -> None:
    assert left.kind is right.kind
    assert left.parts == right.parts
    assert left.n == right.n
    for a, b in [
        (left.value, right.value),
        (left.numerator, right.numerator),
        (left.denominator, right.denominator),
    ]:
        assert (a is None) == (b is None)
        if a is not None:
            assert a == pytest.approx(b, rel=1e-9, abs=1e-9)


def test_percentages_are_never_averaged():
    pooled = aggregate([ObservationValue.proportion(15, 50), ObservationValue.proportion(15, 100)])
    assert (pooled.numerator, pooled.denominator) == (30, 150)
    assert pooled.value == pytest.approx(0.20)  # not 22.5%
    assert pooled.aggregated
    assert pooled.parts == 2
    assert not ObservationValue.proportion(15, 50).aggregated


def test_value_of_proportions_and_rates():
    assert value_of(kind=Kind.PROPORTION, numerator=15, denominator=50) == pytest.approx(0.3)
    assert value_of(kind="rate", numerator=3, denominator=1500, per=1000) == pytest.approx(2.0)
    assert value_of(kind=Kind.PROPORTION, numerator=0, denominator=0) is None
    assert value_of(kind=Kind.RATE, numerator=4, denominator=0, per=1000) is None
    with pytest.raises(ValueError, match="cannot be above the denominator"):
        value_of(kind=Kind.PROPORTION, numerator=51, denominator=50)
    with pytest.raises(ValueError, match="must be a number"):
        value_of(kind=Kind.PROPORTION, numerator="N/A", denominator=50)
    with pytest.raises(ValueError, match="Only proportions and rates"):
        value_of(kind=Kind.COUNT, numerator=1, denominator=2)


def test_the_value_of_a_ratio_is_computed_never_typed():
    assert ObservationValue(Kind.PROPORTION, numerator=1, denominator=4).value == 0.25
    assert ObservationValue(Kind.PROPORTION, 0.25, 1, 4).value == 0.25  # agrees: accepted
    with pytest.raises(ValueError, match="computed, not typed"):
        ObservationValue(Kind.PROPORTION, 0.5, 1, 4)
    with pytest.raises(ValueError, match="must be a number"):
        ObservationValue(Kind.COUNT, "see description")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="cannot be negative"):
        ObservationValue.count(-1)
    with pytest.raises(ValueError, match="Only rates have a multiplier"):
        ObservationValue(Kind.COUNT, 3, per=100)
    with pytest.raises(ValueError, match="Only means and indices"):
        ObservationValue(Kind.COUNT, 3, n=4)
    with pytest.raises(ValueError, match="needs a numerator"):
        ObservationValue(Kind.RATE, numerator=3)


def test_aggregating_refuses_what_cannot_be_added():
    with pytest.raises(ValueError, match="nothing to aggregate"):
        aggregate([])
    with pytest.raises(ValueError, match="different kinds"):
        aggregate([ObservationValue.count(3), ObservationValue.proportion(1, 2)])
    with pytest.raises(ValueError, match="different N"):
        aggregate([ObservationValue.rate(1, 10, 1000), ObservationValue.rate(1, 10, 100_000)])
    with pytest.raises(ValueError, match="index cannot be aggregated"):
        aggregate([ObservationValue(Kind.INDEX, 0.3, n=10), ObservationValue(Kind.INDEX, 0.4, n=9)])
    with pytest.raises(ValueError, match="every part needs its n"):
        aggregate([ObservationValue.mean(3.0, 10), ObservationValue.mean(4.0, None)])


@settings(max_examples=150, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=10**9), min_size=1, max_size=20))
def test_counts_add(values):
    total = aggregate(ObservationValue.count(value) for value in values)
    assert total.value == sum(values)
    assert total.parts == len(values)


@settings(max_examples=150, deadline=None)
@given(st.lists(MEANS, min_size=1, max_size=12))
def test_means_are_weighted_by_n(means):
    pooled = aggregate(means)
    total = sum(mean.n for mean in means)
    expected = sum(mean.n * mean.value for mean in means) / total
    assert pooled.n == total
    assert pooled.value == pytest.approx(expected, rel=1e-9, abs=1e-9)


@settings(max_examples=200, deadline=None)
@given(ANY_KIND, st.randoms(use_true_random=False), st.data())
def test_any_order_and_any_grouping_give_the_same_value(values, shuffler, data):
    flat = aggregate(values)
    shuffled = list(values)
    shuffler.shuffle(shuffled)
    assert_same(aggregate(shuffled), flat)
    cut = data.draw(st.integers(min_value=1, max_value=len(values) - 1))
    grouped = aggregate([aggregate(shuffled[:cut]), aggregate(shuffled[cut:])])
    assert_same(grouped, flat)


def test_standard_errors_combine_with_fixed_weights():
    parts = [
        ObservationValue(Kind.PROPORTION, numerator=30, denominator=100, standard_error=0.05),
        ObservationValue(Kind.PROPORTION, numerator=20, denominator=100, standard_error=0.04),
    ]
    pooled = aggregate(parts)
    assert pooled.standard_error == pytest.approx(math.sqrt(0.025**2 + 0.02**2))
    assert aggregate([*parts, ObservationValue.proportion(1, 10)]).standard_error is None


def _random_tree(nodes: int, seed: int) -> dict[int, list[int]]:
    chooser = random.Random(seed)  # noqa: S311 (a reproducible test tree)
    children: dict[int, list[int]] = {0: []}
    for node in range(1, nodes):
        children.setdefault(chooser.randrange(node), []).append(node)
        children.setdefault(node, [])
    return children


@settings(max_examples=40, deadline=None)
@given(st.integers(min_value=2, max_value=300), st.integers(), st.sampled_from(["count", "ratio"]))
def test_the_roll_up_equals_a_flat_aggregate_of_the_leaves(nodes, seed, kind):
    children = _random_tree(nodes, seed)
    chooser = random.Random(seed)  # noqa: S311 (a reproducible test tree)
    leaves = [node for node, kids in children.items() if not kids]
    observations = {}
    for leaf in leaves:
        if kind == "count":
            observations[leaf] = ObservationValue.count(chooser.randrange(1000))
        else:
            denominator = chooser.randrange(1, 1000)
            observations[leaf] = ObservationValue.proportion(
                chooser.randrange(denominator + 1), denominator
            )
    result = roll_up(children=children, observations=observations)
    assert_same(result.nodes[0].value, aggregate(observations.values()))
    assert result.nodes[0].value.parts == len(leaves)
    assert result.flags == ()
    assert all(result.nodes[leaf].reported for leaf in leaves)


def test_a_deep_tree_rolls_up_without_recursion():
    children = {node: [node + 1] for node in range(5000)}
    result = roll_up(children=children, observations={5000: ObservationValue.count(7)})
    assert result.nodes[0].value.value == 7
    assert not result.nodes[0].reported


def test_a_reported_parent_is_kept_and_flagged_when_its_children_disagree():
    children = {"district": ["town", "village"], "town": ["north", "south"]}
    observations = {
        "north": ObservationValue.proportion(15, 50),
        "south": ObservationValue.proportion(15, 100),
        "town": ObservationValue.proportion(40, 150),  # the parts give 30/150
        "village": ObservationValue.proportion(5, 50),
    }
    result = roll_up(children=children, observations=observations)
    town = result.nodes["town"]
    assert town.reported
    assert town.value.numerator == 40
    assert town.children_aggregate.value == pytest.approx(0.2)
    assert [(flag.code, flag.where) for flag in result.flags] == [
        (FlagCode.REPORTED_DIFFERS_FROM_PARTS, "town")
    ]
    assert "0.2" in result.flags[0].message
    # The district uses the town's reported value.
    district = result.nodes["district"].value
    assert (district.numerator, district.denominator) == (45, 200)


def test_a_parent_with_missing_children_is_not_compared_and_says_its_coverage():
    children = {"town": ["north", "south", "east"]}
    observations = {"town": ObservationValue.count(100), "north": ObservationValue.count(30)}
    result = roll_up(children=children, observations=observations)
    assert result.flags == ()
    assert (result.nodes["town"].children, result.nodes["town"].children_with_value) == (3, 1)
    assert result.nodes["east"].value is None


def test_a_tolerance_allows_rounding():
    children = {"town": ["north", "south"]}
    observations = {
        "town": ObservationValue.count(1000),
        "north": ObservationValue.count(600),
        "south": ObservationValue.count(401),
    }
    assert roll_up(children=children, observations=observations).flags != ()
    assert roll_up(children=children, observations=observations, tolerance=0.01).flags == ()


def test_an_index_rolls_up_to_reported_values_only():
    children = {"town": ["north", "south"]}
    observations = {
        "north": ObservationValue(Kind.INDEX, 0.3),
        "south": ObservationValue(Kind.INDEX, 0.4),
    }
    assert roll_up(children=children, observations=observations).nodes["town"].value is None


def test_a_graph_that_is_not_a_tree_is_refused():
    with pytest.raises(ValueError, match="two parents"):
        roll_up(children={"a": ["c"], "b": ["c"]}, observations={})
    with pytest.raises(ValueError, match="cycle"):
        roll_up(children={"root": [], "a": ["b"], "b": ["a"]}, observations={})


SEX = Dimension("sex", ("female", "male"))
AGE = Dimension("age", ("0-17", "18+"))
COMMUNITY = Dimension("community", ("jewish", "arab", "other"), sums_to_total=False)


def cell(**cells: str):
    return disaggregation_key(cells)


def test_parts_that_add_up_raise_no_flag():
    observations = {
        cell(): ObservationValue.count(100),
        cell(sex="female"): ObservationValue.count(55),
        cell(sex="male"): ObservationValue.count(45),
        cell(sex="female", age="0-17"): ObservationValue.count(20),
        cell(sex="female", age="18+"): ObservationValue.count(35),
        cell(community="arab"): ObservationValue.count(30),
    }
    assert check_disaggregation(schema=[SEX, AGE, COMMUNITY], observations=observations) == ()


def test_parts_that_do_not_add_up_and_missing_cells_are_flagged():
    observations = {
        cell(): ObservationValue.proportion(22, 100),
        cell(sex="female"): ObservationValue.proportion(10, 40),
        cell(sex="male"): ObservationValue.proportion(13, 60),  # 23/100, not 22/100
        cell(age="0-17"): ObservationValue.proportion(5, 30),  # 18+ is missing
    }
    flags = check_disaggregation(schema=[SEX, AGE], observations=observations)
    assert [(flag.code, flag.where, flag.dimension) for flag in flags] == [
        (FlagCode.PARTS_DO_NOT_ADD_UP, cell(), "sex"),
        (FlagCode.MISSING_CELL, cell(age="18+"), "age"),
    ]
    assert flags[0].reported == pytest.approx(0.22)
    assert flags[0].expected == pytest.approx(0.23)
    assert "age" in flags[1].message


def test_unknown_dimensions_and_values_are_refused():
    with pytest.raises(ValueError, match="not in the disaggregation schema"):
        check_disaggregation(
            schema=[SEX], observations={cell(sex="unknown"): ObservationValue.count(1)}
        )
    with pytest.raises(ValueError, match="not in the disaggregation schema"):
        check_disaggregation(
            schema=[SEX], observations={cell(region="north"): ObservationValue.count(1)}
        )
    with pytest.raises(ValueError, match="twice"):
        check_disaggregation(
            schema=[SEX],
            observations={
                frozenset({("sex", "female"), ("sex", "male")}): ObservationValue.count(1)
            },
        )
