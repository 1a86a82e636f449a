"""Small numbers: which counts a viewer may not see, and which others must be hidden with them.

Issue 14 ("The math" → Small numbers). A count from 1 to k−1 (k defaults to 10; 0 is shown) can
point at a handful of people, so anyone other than the backbone and the reporting partner sees
"<k" instead (*primary suppression*), and a rate or proportion built on such a count is hidden
too. Hiding the small cell is not enough when the page also publishes totals: with "total 40,
boys 37" anyone recovers "girls 3" by subtraction. *Complementary suppression* hides further
cells until no hidden cell can be worked out exactly from what is published.

The method. A table is a set of cells (a key and a count) and the additive relations between
them, each `total = part₁ + … + partₙ`: a geography parent and its children, a disaggregation
total and its values, several dimensions at once (a multi-dimensional table with its margins).
Written as a linear system A·x = 0 (one row per relation: +1 for the total, −1 for each part),
an outsider who knows the published values x_P faces A_H·x_H = −A_P·x_P for the hidden ones. A
hidden cell j is *recoverable* exactly when every solution has the same x_j, that is when the
unit vector e_j lies in the row space of A_H (the columns of the hidden cells). `recoverable_cells`
decides that in exact integer arithmetic: a sparse Gauss–Jordan elimination of A_H, in which j is
determined when it is a pivot column whose reduced row has no other entry. Relations that share
no hidden cell never meet in the elimination, so each connected part of the table is solved alone.

The choice of the extra cells, greedy and cheap first (the heuristic):
1. A relation with exactly one hidden cell gives it away, so while one exists, the published cell
   of that relation to hide is chosen by: never the grand total (a cell that is a total and never
   a part) if anything else will do; then a cell that also closes another relation with a single
   hidden cell (in a rows × columns table this turns the chain into the classic rectangle); then
   the least information lost: the smallest count, its cost multiplied by the number of relations
   it totals so sub-totals are spared. A zero may be hidden: hiding it protects like any cell.
2. Every relation now has no hidden cell or at least two, which is necessary but not enough (two
   protected rectangles joined by one cell leave that cell determined). The exact check finds
   what is still recoverable; for each such cell a small linear programme (SciPy's HiGHS) finds
   the cheapest pattern of cells that can move together without changing any published value:
   minimise Σ cost·|x| over the published cells, subject to A·x = 0 and x_j = 1. Its support is
   hidden, which frees j for good: hiding more never makes a hidden cell recoverable again.
3. The two steps repeat until the exact check finds nothing, so the result is verified, not
   assumed. The LP step is the "one perturbation per sensitive cell" idea of Fischetti & Salazar's
   cell suppression models, kept to its first requirement.

What it does not promise. This protects against *exact* recovery by subtraction, which is what
the issue asks. A hidden cell may still be narrowed to an interval (a published total of 12 bounds
each of its hidden parts by 12); protection against such interval attacks needs protection levels
and a full optimisation model, as in τ-ARGUS. See Hundepool et al., *Statistical Disclosure
Control* (Wiley, 2012), chapter 4 (cell suppression), and Fischetti & Salazar, "Solving the cell
suppression problem on tabular data with linear constraints", Management Science 47 (2001).
"""

from __future__ import annotations

import enum
from collections import defaultdict, deque
from collections.abc import Collection, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import product
from math import gcd
from typing import Any

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_array, hstack

DEFAULT_K = 10
Key = Hashable


@dataclass(frozen=True)
class Relation:
    """`total = Σ parts`, between cells of one table."""

    total: Key
    parts: tuple[Key, ...]


@dataclass(frozen=True)
class Table:
    """The cells of a table (key → count) and the additive relations between them."""

    counts: Mapping[Any, int]  # keyed by any hashable cell; Any as Mapping keys are invariant
    relations: tuple[Relation, ...] = ()

    def __post_init__(self) -> None:
        for key, count in self.counts.items():
            if isinstance(count, bool) or not isinstance(count, int) or count < 0:
                raise ValueError(f"The count of {key!r} must be a whole number ≥ 0, not {count!r}.")
        for relation in self.relations:
            keys = (relation.total, *relation.parts)
            if not relation.parts or len(set(keys)) != len(keys):
                raise ValueError(f"{relation!r} needs parts, each cell once.")
            if missing := [key for key in keys if key not in self.counts]:
                raise ValueError(f"{relation!r} names cells the table does not have: {missing!r}.")


class Reason(enum.StrEnum):
    """Why a cell is (or, for a privileged viewer, would be) hidden."""

    SHOWN = "shown"
    SMALL = "small"  # primary: a count from 1 to k−1
    COMPLEMENTARY = "complementary"  # hidden so that a small one cannot be worked out
    UNDEFINED = "undefined"  # a rate over a zero denominator


@dataclass(frozen=True)
class ShownCell:
    """A cell as one viewer sees it: the count, or None with the reason it is hidden."""

    key: Key
    count: int | None
    reason: Reason
    k: int

    @property
    def hidden(self) -> bool:
        return self.count is None

    @property
    def small(self) -> bool:
        """True for a small count even when this viewer may see it, so pages can mark it."""
        return self.reason is Reason.SMALL

    @property
    def marker(self) -> str | None:
        """What stands in the cell when it is hidden: "<k", or the code "suppressed" (a
        template renders it with a translated word)."""
        if not self.hidden:
            return None
        return f"<{self.k}" if self.reason is Reason.SMALL else "suppressed"


@dataclass(frozen=True)
class ShownRate:
    """A rate or proportion as one viewer sees it; `value` is None when hidden or undefined."""

    value: float | None
    reason: Reason
    hidden: bool


@dataclass(frozen=True)
class SuppressedTable:
    """Every cell of a table as one viewer sees it."""

    cells: Mapping[Key, ShownCell]
    k: int
    viewer_may_see_all: bool
    hidden_from_partners: frozenset[Key] = field(default_factory=frozenset)

    def __getitem__(self, key: Key) -> ShownCell:
        return self.cells[key]


def is_small(count: int, *, k: int = DEFAULT_K) -> bool:
    """A count that points at too few people: 1 to k−1 (0 is shown: it names nobody)."""
    return 0 < count < k


def cell_view(
    *, key: Key, count: int, k: int = DEFAULT_K, viewer_may_see_all: bool = False
) -> ShownCell:
    """One count outside any table (no totals to protect): primary suppression only."""
    reason = Reason.SMALL if is_small(count, k=k) else Reason.SHOWN
    hidden = reason is Reason.SMALL and not viewer_may_see_all
    return ShownCell(key=key, count=None if hidden else count, reason=reason, k=k)


def rate_view(
    *,
    numerator: int,
    denominator: int,
    per: float = 1.0,
    k: int = DEFAULT_K,
    viewer_may_see_all: bool = False,
    cells: Sequence[ShownCell] = (),
    proportion: bool = False,
) -> ShownRate:
    """A rate or proportion (numerator ÷ denominator × per) as one viewer sees it.

    Hidden when the numerator or the denominator is a small count, and when any of `cells` (the
    table cells it is built on, as this viewer sees them) is hidden: a published rate over a
    published denominator would give a hidden numerator back. A `proportion` is also hidden when
    those *not* counted are few (12 of 17 eligible names the 5 who are not). A privileged viewer
    sees the value, flagged small."""
    small = (
        is_small(numerator, k=k)
        or is_small(denominator, k=k)
        or (proportion and is_small(denominator - numerator, k=k))
    )
    reason = Reason.SMALL if small else Reason.SHOWN
    if reason is Reason.SMALL and not viewer_may_see_all:
        return ShownRate(value=None, reason=reason, hidden=True)
    for cell in cells:
        if cell.hidden:
            return ShownRate(value=None, reason=cell.reason, hidden=True)
        if reason is Reason.SHOWN and cell.reason is not Reason.SHOWN:
            reason = cell.reason
    if denominator == 0:
        return ShownRate(value=None, reason=Reason.UNDEFINED, hidden=False)
    return ShownRate(value=numerator / denominator * per, reason=reason, hidden=False)


def suppress(
    table: Table,
    *,
    k: int = DEFAULT_K,
    viewer_may_see_all: bool = False,
    known: Collection[Key] = (),
    small_also: Collection[Key] = (),
) -> SuppressedTable:
    """The table as a viewer sees it. Partners and the public (`viewer_may_see_all=False`) get
    small counts as "<k" and the complementary cells as "suppressed"; the backbone and the
    reporting partner see every count, each still flagged with the reason it is hidden from
    others.

    `known` are the cells this viewer sees in full anyway (a partner's own values): they are
    shown, and never chosen to protect another cell, since hiding from someone a number they
    know protects nothing (with "total 50, mine 47, theirs <10", the total must go).
    `small_also` are cells to hide as if small though their count is not (a proportion whose
    complement is small)."""
    if k < 1:
        raise ValueError("k must be at least 1.")
    system = _System(table, known=known)
    also = {system.index[key] for key in small_also if key in system.index}
    primary = {
        i
        for i, count in enumerate(system.counts)
        if (is_small(count, k=k) or i in also) and i not in system.known
    }
    hidden = _complementary(system, primary)
    cells = {}
    for i, key in enumerate(system.keys):
        reason = (
            Reason.SMALL
            if is_small(system.counts[i], k=k) or i in also
            else Reason.COMPLEMENTARY
            if i in hidden
            else Reason.SHOWN
        )
        shown = viewer_may_see_all or i in system.known or i not in hidden
        cells[key] = ShownCell(
            key=key, count=system.counts[i] if shown else None, reason=reason, k=k
        )
    return SuppressedTable(
        cells=cells,
        k=k,
        viewer_may_see_all=viewer_may_see_all,
        hidden_from_partners=frozenset(system.keys[i] for i in hidden),
    )


def recoverable_cells(table: Table, hidden: Collection[Key]) -> frozenset[Key]:
    """The hidden cells an outsider can work out exactly from the published cells and the
    table's relations (exact arithmetic; see the module's docstring)."""
    system = _System(table)
    indices = {system.index[key] for key in hidden}
    return frozenset(system.keys[i] for i in _recoverable(system, indices))


def table_from_hierarchies(
    leaves: Mapping[tuple[Key, ...], int], hierarchies: Sequence[Mapping[Key, Sequence[Key]]]
) -> Table:
    """A multi-dimensional table with every total, from the counts of its finest cells.

    Each dimension is a hierarchy, parent → children: `{"all": ["girls", "boys"]}` for a flat
    one, `{"town": ["north", "south"], "north": ["n1", "n2"], "south": ["s1"]}` for two levels.
    A cell is keyed by one node of each dimension; a leaf combination missing from `leaves` counts
    0. There is one relation per dimension, parent and combination of the other coordinates."""
    descendants: list[dict[Key, list[Key]]] = []
    for hierarchy in hierarchies:
        nodes = list(dict.fromkeys([*hierarchy, *(c for cs in hierarchy.values() for c in cs)]))
        below: dict[Key, list[Key]] = {}

        def leaves_of(node: Key, hierarchy: Mapping[Key, Sequence[Key]] = hierarchy) -> list[Key]:
            if node not in hierarchy:
                return [node]
            return [leaf for child in hierarchy[node] for leaf in leaves_of(child)]

        for node in nodes:
            below[node] = leaves_of(node)
        descendants.append(below)
    counts: dict[Key, int] = {
        cell: sum(
            leaves.get(combo, 0)
            for combo in product(*(d[n] for d, n in zip(descendants, cell, strict=True)))
        )
        for cell in product(*(list(d) for d in descendants))
    }
    relations = []
    for dimension, hierarchy in enumerate(hierarchies):
        others = [list(d) for d in descendants]
        for parent, children in hierarchy.items():
            others[dimension] = [parent]
            for cell in product(*others):
                before, after = cell[:dimension], cell[dimension + 1 :]
                parts = tuple((*before, child, *after) for child in children)
                relations.append(Relation(total=cell, parts=parts))
    return Table(counts=counts, relations=tuple(relations))


class _System:
    """A table in integer indices: each relation as (cell, coefficient) pairs, each cell's cost."""

    def __init__(self, table: Table, known: Collection[Key] = ()) -> None:
        self.keys = list(table.counts)
        self.index = {key: i for i, key in enumerate(self.keys)}
        # Cells the viewer knows: never hidden to protect another, never perturbed.
        self.known = {self.index[key] for key in known if key in self.index}
        self.counts = [table.counts[key] for key in self.keys]
        self.rows = [
            [(self.index[r.total], 1)] + [(self.index[p], -1) for p in r.parts]
            for r in table.relations
        ]
        self.relations_of: list[list[int]] = [[] for _ in self.keys]
        totals = [0] * len(self.keys)
        is_part = [False] * len(self.keys)
        for r, row in enumerate(self.rows):
            totals[row[0][0]] += 1
            for cell, _ in row:
                self.relations_of[cell].append(r)
            for cell, _ in row[1:]:
                is_part[cell] = True
        self.grand = [totals[i] > 0 and not is_part[i] for i in range(len(self.keys))]
        cost = [(count + 1) * (1 + totals[i]) for i, count in enumerate(self.counts)]
        # Above the cost of hiding every other cell: a grand total goes only if nothing else can.
        penalty = sum(cost) + 1
        self.cost = [c + penalty if self.grand[i] else c for i, c in enumerate(cost)]


def _complementary(system: _System, primary: set[int]) -> set[int]:
    """The primary cells and the cells hidden to protect them (steps 1 to 3 of the docstring)."""
    hidden = set(primary)
    # Cells the viewer could work out from the cells they know alone: nothing hidden helps.
    beyond_help: set[int] = set()
    for _ in range(len(system.keys) + 1):
        _close_single_hidden_relations(system, hidden)
        exposed = _recoverable(system, hidden) - beyond_help
        if not exposed:
            return hidden
        freed: set[int] = set()
        for cell in sorted(exposed):
            if cell in freed:
                continue
            try:
                support = _cheapest_perturbation(system, hidden, cell)
            except ValueError:
                beyond_help.add(cell)
                continue
            freed |= support
            added = support - hidden
            if not added:
                # The LP's answer did not survive exact arithmetic: hide a neighbour instead.
                try:
                    added = {_cheapest_neighbour(system, hidden, cell)}
                except ValueError:
                    beyond_help.add(cell)
                    continue
            hidden |= added
    raise RuntimeError("Complementary suppression did not settle.")  # pragma: no cover


def _close_single_hidden_relations(system: _System, hidden: set[int]) -> None:
    hidden_in = [sum(cell in hidden for cell, _ in row) for row in system.rows]
    queue = deque(r for r, n in enumerate(hidden_in) if n == 1)
    while queue:
        relation = queue.popleft()
        if hidden_in[relation] != 1:
            continue
        candidates = [
            cell
            for cell, _ in system.rows[relation]
            if cell not in hidden and cell not in system.known
        ]
        if not candidates:
            continue  # every other cell is the viewer's own: nothing to hide here

        def preference(cell: int, relation: int = relation) -> tuple[bool, bool, int, int]:
            closes_another = any(
                hidden_in[r] == 1 for r in system.relations_of[cell] if r != relation
            )
            return (system.grand[cell], not closes_another, system.cost[cell], cell)

        chosen = min(candidates, key=preference)
        hidden.add(chosen)
        for r in system.relations_of[chosen]:
            hidden_in[r] += 1
            if hidden_in[r] == 1:
                queue.append(r)


def _cheapest_neighbour(system: _System, hidden: set[int], cell: int) -> int:
    neighbours = {
        other
        for r in system.relations_of[cell]
        for other, _ in system.rows[r]
        if other not in hidden and other not in system.known
    }
    if not neighbours:
        raise ValueError(
            f"The relations themselves fix {system.keys[cell]!r}; it cannot be hidden."
        )
    return min(neighbours, key=lambda other: (system.cost[other], other))


def _recoverable(system: _System, hidden: set[int]) -> set[int]:
    """Exact: the hidden cells whose unit vector lies in the row space of A_H."""
    rows = []
    for relation in system.rows:
        restricted = {cell: coefficient for cell, coefficient in relation if cell in hidden}
        if restricted:
            rows.append(restricted)
    rows.sort(key=len)
    # How many rows still to come mention each column: pivoting on a rare column (Markowitz's
    # rule) keeps the rows sparse.
    waiting: dict[int, int] = defaultdict(int)
    for row in rows:
        for c in row:
            waiting[c] += 1
    # Incremental Gauss–Jordan in integers: a reduced row per pivot column, which no other
    # reduced row mentions; `occurs` maps each column to the pivot rows that mention it.
    reduced: dict[int, dict[int, int]] = {}
    occurs: dict[int, set[int]] = defaultdict(set)
    for row in rows:
        for c in row:
            waiting[c] -= 1
        for column in [c for c in row if c in reduced]:
            row = _eliminate(row, reduced[column], column)
        if not row:
            continue
        pivot = min(row, key=lambda c: (abs(row[c]) != 1, len(occurs[c]) + waiting[c], c))
        for other in list(occurs[pivot]):
            before = reduced[other]
            after = _eliminate(before, row, pivot)
            for c in before.keys() - after.keys():
                occurs[c].discard(other)
            for c in after.keys() - before.keys():
                occurs[c].add(other)
            reduced[other] = after
        reduced[pivot] = row
        for c in row:
            occurs[c].add(pivot)
    return {pivot for pivot, row in reduced.items() if len(row) == 1}


def _eliminate(row: dict[int, int], pivot_row: dict[int, int], column: int) -> dict[int, int]:
    """`row` with `column` cancelled by a multiple of `pivot_row`, in integers."""
    a, b = pivot_row[column], row[column]
    combined = dict(row) if a == 1 else {c: a * v for c, v in row.items()}
    for c, v in pivot_row.items():
        if value := combined.get(c, 0) - b * v:
            combined[c] = value
        else:
            combined.pop(c, None)
    if abs(a) != 1 and combined:  # keep the numbers small
        divisor = gcd(*combined.values())
        if divisor > 1:
            combined = {c: v // divisor for c, v in combined.items()}
    return combined


def _cheapest_perturbation(system: _System, hidden: set[int], cell: int) -> set[int]:
    """The cells of the cheapest x with A·x = 0 and x_cell = 1 (cost: published cells only).

    Sought first among the cells at most two, then four relations away (cells further out stay
    0, so any answer is a true perturbation of the whole table), then in the whole component."""
    for radius in (2, 4, None):
        if (support := _perturbation_within(system, hidden, cell, radius)) is not None:
            return support
    raise ValueError(f"The relations themselves fix {system.keys[cell]!r}; it cannot be hidden.")


def _perturbation_within(
    system: _System, hidden: set[int], cell: int, radius: int | None
) -> set[int] | None:
    cells = _neighbourhood(system, cell, radius)
    local = {c: i for i, c in enumerate(cells)}
    relations = sorted({r for c in cells for r in system.relations_of[c]})
    data, row_index, column_index = [], [], []
    for i, r in enumerate(relations):
        for c, coefficient in system.rows[r]:
            if c in local:
                data.append(coefficient)
                row_index.append(i)
                column_index.append(local[c])
    n = len(cells)
    matrix = coo_array((data, (row_index, column_index)), shape=(len(relations), n))
    cost = np.array([0.0 if c in hidden else float(system.cost[c]) for c in cells])
    # x = up − down with both ≥ 0, so Σ cost·(up + down) is Σ cost·|x|. No integrality: an LP.
    lower, upper = np.zeros(2 * n), np.full(2 * n, np.inf)
    lower[local[cell]] = upper[local[cell]] = 1.0
    upper[n + local[cell]] = 0.0
    for c in cells:
        if c in system.known and c != cell:
            upper[local[c]] = upper[n + local[c]] = 0.0  # the viewer knows it: it cannot move
    result = milp(
        np.concatenate([cost, cost]),
        constraints=LinearConstraint(hstack([matrix, -matrix]).tocsr(), 0.0, 0.0),
        bounds=Bounds(lower, upper),
    )
    if result.status != 0 or result.x is None:
        return None
    x = result.x[:n] - result.x[n:]
    scale = max(1.0, float(np.abs(x).max()))
    return {cells[i] for i in np.flatnonzero(np.abs(x) > 1e-9 * scale)}


def _neighbourhood(system: _System, cell: int, radius: int | None) -> list[int]:
    """The cells at most `radius` relations away from `cell` (all of its component for None)."""
    seen, frontier, steps = {cell}, [cell], 0
    while frontier and (radius is None or steps < radius):
        steps += 1
        reached = []
        for current in frontier:
            for r in system.relations_of[current]:
                for other, _ in system.rows[r]:
                    if other not in seen:
                        seen.add(other)
                        reached.append(other)
        frontier = reached
    return sorted(seen)
