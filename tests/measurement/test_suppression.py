"""Small numbers: primary suppression, complementary suppression, and an outsider's algebra.

The property tests check the module's promise independently of its own exact check: they build
the published system with numpy and ask whether e_j lies in the row space of the hidden columns
(a rank comparison), for every hidden cell of random tables.
"""

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from meshutaf.measurement import suppression
from meshutaf.measurement.suppression import (
    Reason,
    Relation,
    Table,
    cell_view,
    rate_view,
    recoverable_cells,
    suppress,
    table_from_hierarchies,
)


def determined_by_outsider(table: Table, hidden: frozenset) -> set:
    """The hidden cells fixed by the published ones: e_j in the row space of A_H."""
    keys = sorted(hidden, key=repr)
    if not keys:
        return set()
    column = {key: i for i, key in enumerate(keys)}
    rows = []
    for relation in table.relations:
        row = np.zeros(len(keys))
        for key, sign in [(relation.total, 1.0)] + [(part, -1.0) for part in relation.parts]:
            if key in column:
                row[column[key]] = sign
        if row.any():
            rows.append(row)
    if not rows:
        return set()
    matrix = np.array(rows)
    rank = np.linalg.matrix_rank(matrix)
    found = set()
    for key in keys:
        unit = np.zeros(len(keys))
        unit[column[key]] = 1.0
        if np.linalg.matrix_rank(np.vstack([matrix, unit])) == rank:
            found.add(key)
    return found


def assert_protected(table: Table, k: int = 10) -> frozenset:
    result = suppress(table, k=k)
    hidden = result.hidden_from_partners
    small = {key for key, count in table.counts.items() if 0 < count < k}
    assert small <= hidden
    assert determined_by_outsider(table, hidden) == set()
    assert recoverable_cells(table, hidden) == frozenset()
    for key, cell in result.cells.items():
        assert cell.hidden == (key in hidden)
        assert cell.count == (None if cell.hidden else table.counts[key])
    return hidden


# The primary rule.


@pytest.mark.parametrize(
    ("count", "hidden"), [(0, False), (1, True), (5, True), (9, True), (10, False), (250, False)]
)
def test_counts_from_1_to_k_minus_1_are_hidden_and_zero_is_shown(count, hidden):
    cell = cell_view(key="x", count=count)
    assert cell.hidden is hidden
    assert cell.marker == ("<10" if hidden else None)
    assert cell.count == (None if hidden else count)


def test_the_threshold_is_the_indicators_k():
    assert cell_view(key="x", count=4, k=5).hidden
    assert not cell_view(key="x", count=5, k=5).hidden
    assert cell_view(key="x", count=4, k=5).marker == "<5"


def test_privileged_viewers_see_small_counts_flagged():
    cell = cell_view(key="x", count=3, viewer_may_see_all=True)
    assert (cell.hidden, cell.count, cell.small, cell.marker) == (False, 3, True, None)


# Rates.


def test_a_rate_on_a_small_numerator_or_denominator_is_suppressed():
    assert rate_view(numerator=3, denominator=200).hidden
    assert rate_view(numerator=0, denominator=7).hidden
    assert rate_view(numerator=30, denominator=200, per=1000).value == pytest.approx(150)
    assert rate_view(numerator=0, denominator=200).value == 0


def test_a_rate_on_a_complementary_cell_is_suppressed():
    table = Table(
        counts={"all": 40, "girls": 3, "boys": 37},
        relations=(Relation(total="all", parts=("girls", "boys")),),
    )
    boys = suppress(table)["boys"]
    rate = rate_view(numerator=37, denominator=40, cells=[boys])
    assert (rate.hidden, rate.reason, rate.value) == (True, Reason.COMPLEMENTARY, None)


def test_privileged_viewers_see_rates_on_small_counts_flagged():
    rate = rate_view(numerator=3, denominator=200, viewer_may_see_all=True)
    assert (rate.hidden, rate.reason, rate.value) == (False, Reason.SMALL, pytest.approx(0.015))


def test_a_rate_over_zero_is_undefined_not_hidden():
    rate = rate_view(numerator=0, denominator=0)
    assert (rate.hidden, rate.reason, rate.value) == (False, Reason.UNDEFINED, None)


# Complementary suppression.


def test_one_small_part_of_two_forces_its_sibling_hidden_not_the_total():
    table = Table(
        counts={"all": 40, "girls": 3, "boys": 37},
        relations=(Relation(total="all", parts=("girls", "boys")),),
    )
    result = suppress(table)
    assert result["girls"].marker == "<10"
    assert (result["boys"].reason, result["boys"].marker) == (Reason.COMPLEMENTARY, "suppressed")
    assert result["all"].count == 40


def test_the_smallest_sibling_is_the_one_hidden():
    table = Table(
        counts={"all": 100, "a": 4, "b": 50, "c": 12, "d": 34},
        relations=(Relation(total="all", parts=("a", "b", "c", "d")),),
    )
    assert suppress(table).hidden_from_partners == {"a", "c"}


def test_a_table_without_small_counts_is_shown_whole():
    table = Table(
        counts={"all": 40, "girls": 13, "boys": 27},
        relations=(Relation(total="all", parts=("girls", "boys")),),
    )
    assert suppress(table).hidden_from_partners == frozenset()


def test_zero_is_shown_and_may_protect_a_small_sibling():
    table = Table(
        counts={"all": 30, "a": 5, "b": 0, "c": 25},
        relations=(Relation(total="all", parts=("a", "b", "c")),),
    )
    assert not suppress(Table(counts={"b": 0}))["b"].hidden
    # The zero is the cheapest partner for the 5: hiding it protects like any other cell.
    assert suppress(table).hidden_from_partners == {"a", "b"}


def test_rows_by_columns_with_margins_hides_a_rectangle():
    """The textbook case (Hundepool et al., ch. 4): one sensitive cell in a two-way table with
    margins needs three partners on the corners of a rectangle; no margin goes."""
    interior = [[20, 50, 10], [8, 19, 32], [17, 32, 12]]
    leaves = {(f"r{i}", f"c{j}"): v for i, row in enumerate(interior) for j, v in enumerate(row)}
    table = table_from_hierarchies(
        leaves, [{"rows": ["r0", "r1", "r2"]}, {"columns": ["c0", "c1", "c2"]}]
    )
    hidden = assert_protected(table)
    assert hidden == {("r1", "c0"), ("r1", "c1"), ("r2", "c0"), ("r2", "c1")}
    assert suppress(table)[("rows", "columns")].count == 200


def test_two_rectangles_joined_by_one_cell_are_caught_by_the_exact_check():
    # Every line below has two hidden cells, yet the cell linking the two blocks is determined.
    table = table_from_hierarchies(
        {(r, c): 50 for r in "abcd" for c in "wxyz"},
        [{"rows": list("abcd")}, {"columns": list("wxyz")}],
    )
    hidden = {("a", "w"), ("a", "x"), ("b", "w"), ("b", "y"), ("c", "y"), ("c", "z")}
    hidden |= {("d", "z"), ("d", "x")}
    assert recoverable_cells(table, hidden) == frozenset()
    bridge = {("a", "w"), ("a", "x"), ("b", "w"), ("b", "x"), ("b", "y"), ("c", "y"), ("c", "z")}
    bridge |= {("d", "y"), ("d", "z")}  # the cell (b, y) is a bridge between two rectangles
    assert ("b", "y") in recoverable_cells(table, bridge)
    assert ("b", "y") in determined_by_outsider(table, frozenset(bridge))


def test_privileged_viewers_see_everything_with_the_reasons():
    table = Table(
        counts={"all": 40, "girls": 3, "boys": 37},
        relations=(Relation(total="all", parts=("girls", "boys")),),
    )
    result = suppress(table, viewer_may_see_all=True)
    assert {key: cell.count for key, cell in result.cells.items()} == dict(table.counts)
    assert result["girls"].small
    assert result["boys"].reason is Reason.COMPLEMENTARY
    assert result.hidden_from_partners == {"girls", "boys"}


def test_a_lone_small_cell_in_no_relation_is_hidden_alone():
    table = Table(counts={"a": 3, "b": 30})
    assert suppress(table).hidden_from_partners == {"a"}


def test_bad_tables_are_refused():
    with pytest.raises(ValueError, match="whole number"):
        Table(counts={"a": -1})
    with pytest.raises(ValueError, match="does not have"):
        Table(counts={"a": 1}, relations=(Relation(total="a", parts=("b",)),))
    with pytest.raises(ValueError, match="each cell once"):
        Table(counts={"a": 1}, relations=(Relation(total="a", parts=("a",)),))


def test_table_from_hierarchies_sums_every_total():
    geography = {"town": ["north", "south"], "north": ["n1", "n2"], "south": ["s1"]}
    table = table_from_hierarchies(
        {("n1", "f"): 1, ("n1", "m"): 2, ("n2", "f"): 3, ("s1", "m"): 4},
        [geography, {"all": ["f", "m"]}],
    )
    assert table.counts[("town", "all")] == 10
    assert table.counts[("north", "f")] == 4
    assert table.counts[("s1", "f")] == 0
    for relation in table.relations:
        parts = sum(table.counts[part] for part in relation.parts)
        assert table.counts[relation.total] == parts


# Property tests: random tables, checked by an outsider's linear algebra.

counts = st.integers(min_value=0, max_value=40)


@settings(max_examples=60, deadline=None)
@given(st.lists(counts, min_size=2, max_size=8))
def test_one_way_tables_leave_nothing_recoverable(values):
    leaves = {(f"v{i}",): v for i, v in enumerate(values)}
    dimension = {"all": [f"v{i}" for i in range(len(values))]}
    assert_protected(table_from_hierarchies(leaves, [dimension]))


@settings(max_examples=60, deadline=None)
@given(st.integers(2, 5), st.integers(2, 5), st.data())
def test_two_way_tables_with_margins_leave_nothing_recoverable(rows, columns, data):
    cells = list(itertools.product(range(rows), range(columns)))
    values = data.draw(st.lists(counts, min_size=len(cells), max_size=len(cells)))
    table = table_from_hierarchies(
        dict(zip(cells, values, strict=True)),
        [{"R": list(range(rows))}, {"C": list(range(columns))}],
    )
    assert_protected(table)


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 3), st.integers(1, 3), st.integers(2, 3), st.data())
def test_two_level_hierarchies_by_a_disaggregation_leave_nothing_recoverable(
    districts, per_district, values_per_cell, data
):
    geography = {"town": [f"d{d}" for d in range(districts)]}
    for d in range(districts):
        geography[f"d{d}"] = [f"d{d}n{n}" for n in range(per_district)]
    neighbourhoods = [n for d in range(districts) for n in geography[f"d{d}"]]
    categories = [f"s{s}" for s in range(values_per_cell)]
    cells = list(itertools.product(neighbourhoods, categories))
    values = data.draw(st.lists(counts, min_size=len(cells), max_size=len(cells)))
    table = table_from_hierarchies(
        dict(zip(cells, values, strict=True)), [geography, {"all": categories}]
    )
    assert_protected(table)


@pytest.mark.parametrize("seed", range(5))
def test_three_way_tables_with_every_margin_leave_nothing_recoverable(seed):
    rng = np.random.default_rng(seed)
    shape = [int(rng.integers(2, 5)), int(rng.integers(2, 4)), int(rng.integers(2, 4))]
    dimensions = [{"all": [f"{d}{i}" for i in range(n)]} for d, n in zip("xyz", shape, strict=True)]
    leaves = {
        cell: int(rng.exponential(15))
        for cell in itertools.product(*(dimension["all"] for dimension in dimensions))
    }
    assert_protected(table_from_hierarchies(leaves, dimensions))


def test_a_neighbourhood_table_of_thousands_of_cells_is_protected():
    rng = np.random.default_rng(7)
    geography = {"town": [f"n{i}" for i in range(60)]}
    dimensions = [geography, {"all": ["f", "m"]}, {"all": list("abcd")}, {"all": list("xyz")}]
    leaves = {
        cell: int(rng.exponential(30))
        for cell in itertools.product(geography["town"], "fm", "abcd", "xyz")
    }
    table = table_from_hierarchies(leaves, dimensions)
    assert len(table.counts) == 3660
    result = suppress(table)
    assert recoverable_cells(table, result.hidden_from_partners) == frozenset()
    assert result[("town", "all", "all", "all")].count == sum(leaves.values())


def test_when_closing_lines_is_not_enough_the_linear_programme_finishes_the_job():
    interior = [[18, 23, 29, 10], [7, 6, 2, 21], [26, 16, 6, 24], [2, 23, 14, 5]]
    leaves = {(f"r{i}", f"c{j}"): v for i, row in enumerate(interior) for j, v in enumerate(row)}
    table = table_from_hierarchies(
        leaves, [{"rows": [f"r{i}" for i in range(4)]}, {"columns": [f"c{j}" for j in range(4)]}]
    )
    system = suppression._System(table)
    after_step_one = {i for i, count in enumerate(system.counts) if 0 < count < 10}
    suppression._close_single_hidden_relations(system, after_step_one)
    assert suppression._recoverable(system, after_step_one)  # a bridge the line rule misses
    hidden = assert_protected(table)
    assert ("rows", "columns") not in hidden


@settings(max_examples=60, deadline=None)
@given(st.integers(2, 4), st.integers(2, 4), st.data())
def test_cells_a_viewer_knows_never_protect_the_others(rows, columns, data):
    """A partner knows its own cells. Hidden cells must stay unrecoverable from what the page
    shows plus what the partner knows, except a cell the known cells alone give away (no
    hiding helps there); and the known cells are shown to that partner."""
    cells = list(itertools.product(range(rows), range(columns)))
    values = data.draw(st.lists(counts, min_size=len(cells), max_size=len(cells)))
    table = table_from_hierarchies(
        dict(zip(cells, values, strict=True)),
        [{"R": list(range(rows))}, {"C": list(range(columns))}],
    )
    known = set(data.draw(st.lists(st.sampled_from(sorted(table.counts, key=repr)), max_size=4)))
    result = suppress(table, known=known)
    hidden = {key for key, cell in result.cells.items() if cell.hidden}
    assert not hidden & known
    assert all(result.cells[key].count == table.counts[key] for key in known)
    small = {key for key, count in table.counts.items() if 0 < count < 10} - known
    assert small <= hidden
    beyond_help = recoverable_cells(table, set(table.counts) - known)
    assert recoverable_cells(table, hidden) <= beyond_help
