"""Tables of one indicator and period: every geography unit × disaggregation cell, suppressed
as a whole for one viewer (complementary suppression, the viewer's own cells counted as
known), the drill-down over the geography tree, and lists of values suppressed as cells of
their tables (the API and the exports). See `selectors` for the rules.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

from django.db.models import Q, QuerySet

from . import suppression
from .aggregation import Kind, ObservationValue, roll_up
from .keys import key_cells, schema_from_json
from .models import (
    Framework,
    Geography,
    Indicator,
    Observation,
)
from .permissions import Viewer
from .visibility import (
    Shown,
    _count_of,
    _interval,
    observations_visible,
    sees_in_full,
    shown_value,
)


def _totals_hidden_by_own_cells(viewer: Viewer, framework: Framework) -> set[tuple[int, str]]:
    """(indicator, period) pairs whose area total a reporting partner may not see.

    A total is hidden from others only when it is small; but a partner knows its own cells,
    which then cannot protect anyone else's, and the whole-table suppression may have to hide
    the total instead ("total 50, mine 47, theirs <10"). So for the tables where the viewer
    has cells of its own, the total is read off the whole table. A fixed number of queries."""
    if viewer.backbone or not viewer.organisations or framework.area_id is None:
        return set()
    own = set(
        Observation.objects.filter(
            indicator__framework=framework, current=True, partner_id__in=viewer.organisations
        ).values_list("indicator_id", "period")
    )
    if not own:
        return set()
    totals = [
        row
        for row in observations_visible(
            viewer,
            Observation.objects.filter(
                indicator__framework=framework,
                geography_id=framework.area_id,
                disaggregation="",
                indicator_id__in={pair[0] for pair in own},
                period__in={pair[1] for pair in own},
            ).select_related("indicator"),
        )
        if (row.indicator_id, row.period) in own
    ]
    return {
        (shown.observation.indicator_id, shown.observation.period)
        for shown in observations_shown(viewer, framework, totals)
        if shown.shown.hidden
    }


# ------------------------------------------------------------- tables: geography × disaggregation


def geography_tree(
    area: Geography, *, initiative_id: int | None = None
) -> tuple[dict[int, list[int]], dict[int, Geography]]:
    """The units under `area` (itself included), parent id → child ids, by level. Shared
    units and the initiative's own neighbourhoods; one query per level of depth."""
    units = {area.pk: area}
    children: dict[int, list[int]] = defaultdict(list)
    frontier = [area.pk]
    while frontier:
        below = (
            Geography.objects.filter(parent_id__in=frontier)
            .filter(Q(initiative__isnull=True) | Q(initiative_id=initiative_id))
            .order_by("name")
        )
        frontier = []
        for unit in below:
            units[unit.pk] = unit
            children[cast(int, unit.parent_id)].append(unit.pk)
            frontier.append(unit.pk)
    return dict(children), units


def _counts(
    indicator: Indicator, by_cell: dict[tuple[int, str], Any]
) -> dict[tuple[int, str], int]:
    """The counts suppression looks at, per (geography, key) cell that has one."""
    counts = {}
    for cell, row in by_cell.items():
        count = _count_of(indicator, row)
        if count is not None:
            counts[cell] = count
    return counts


def _small_complements(
    indicator: Indicator, by_cell: dict[tuple[int, str], Any]
) -> set[tuple[int, str]]:
    """A proportion's cells whose complement (denominator − numerator) is a small count: hidden
    like a small count, and protected in the table like one."""
    if indicator.kind != Kind.PROPORTION:
        return set()
    k = indicator.suppression_k
    return {
        cell
        for cell, row in by_cell.items()
        if row.numerator is not None
        and row.denominator is not None
        and suppression.is_small(round(float(row.denominator - row.numerator)), k=k)
    }


def _known(viewer: Viewer, by_cell: dict[tuple[int, str], Any]) -> set[tuple[int, str]]:
    """The cells a partner sees in full (its own values): they never protect another cell,
    for a number hidden from someone who knows it protects nothing. The backbone's tables are
    worked out as the partners see them, so its pages can mark what others cannot see."""
    if viewer.backbone:
        return set()
    return {cell for cell, row in by_cell.items() if sees_in_full(viewer, row.partner_id)}


@dataclass(frozen=True)
class TableCell:
    geography_id: int
    key: str
    shown: Shown


def table(
    viewer: Viewer, indicator: Indicator, *, period: str, area: Geography
) -> dict[tuple[int, str], TableCell]:
    """Every reported (geography, key) cell of one indicator and period under `area`, as
    `viewer` sees it, with complementary suppression over the whole table."""
    children, units = geography_tree(area, initiative_id=indicator.framework.initiative_id)
    rows = list(
        observations_visible(
            viewer,
            Observation.objects.filter(indicator=indicator, period=period, geography_id__in=units),
        )
    )
    by_cell = {(row.geography_id, row.disaggregation): row for row in rows}
    table_cells: dict[tuple[int, str], suppression.ShownCell] = {}
    counts = _counts(indicator, by_cell)
    if counts:
        relations = _relations(indicator, children, counts)
        suppressed = suppression.suppress(
            suppression.Table(counts=counts, relations=tuple(relations)),
            k=indicator.suppression_k,
            viewer_may_see_all=False,
            known=_known(viewer, by_cell),
            small_also=_small_complements(indicator, by_cell),
        )
        table_cells = cast(dict[tuple[int, str], suppression.ShownCell], dict(suppressed.cells))
    return {
        cell: TableCell(
            cell[0], cell[1], shown_value(viewer, indicator, row, cell=table_cells.get(cell))
        )
        for cell, row in by_cell.items()
    }


def _relations(
    indicator: Indicator, children: dict[int, list[int]], counts: dict[tuple[int, str], int]
) -> list[suppression.Relation]:
    """The additive relations among the reported cells: each geography parent is the sum of
    its children (same key) and each key is the sum of its values along a dimension that sums
    to the total (same geography), where every part was reported (an unreported part makes
    the published sum no relation at all)."""
    relations = []
    keys_at: dict[int, set[str]] = defaultdict(set)
    for geography_id, key in counts:
        keys_at[geography_id].add(key)
    for parent, kids in children.items():
        for key in keys_at.get(parent, ()):
            parts = tuple((kid, key) for kid in kids)
            if all(part in counts for part in parts):
                relations.append(suppression.Relation((parent, key), parts))
    schema = schema_from_json(indicator.dimensions)
    for geography_id, keys in keys_at.items():
        for key in keys:
            cells = key_cells(key)
            for dimension in schema:
                if not dimension.sums_to_total or dimension.name in cells:
                    continue
                parts = tuple(
                    (
                        geography_id,
                        "|".join(
                            f"{n}={v}" for n, v in sorted({**cells, dimension.name: value}.items())
                        ),
                    )
                    for value in dimension.values
                )
                if all(part in counts for part in parts):
                    relations.append(suppression.Relation((geography_id, key), parts))
    return relations


@dataclass(frozen=True)
class TreeNode:
    unit: Geography
    depth: int
    shown: Shown | None  # None: nothing reported or aggregable here
    reported: bool


def drill_down(
    viewer: Viewer, indicator: Indicator, *, period: str, area: Geography, key: str = ""
) -> list[TreeNode]:
    """The geography tree under `area` for one period and key: each unit's reported value,
    or else the aggregate of its children (sums of numerators and denominators), marked as
    aggregated. Suppressed like the table it is part of; an aggregate built on a hidden cell
    is hidden too."""
    children, units = geography_tree(area, initiative_id=indicator.framework.initiative_id)
    cells = table(viewer, indicator, period=period, area=area)
    observed: dict[int, ObservationValue] = {}
    hidden_below: set[int] = set()
    for (geography_id, cell_key), cell in cells.items():
        if cell_key != key:
            continue
        if cell.shown.hidden:
            hidden_below.add(geography_id)
            continue
        value = _observation_value(indicator, cell.shown)
        if value is not None:
            observed[geography_id] = value
    rolled = roll_up(children=children, observations=observed)
    nodes: list[TreeNode] = []

    def visit(unit_id: int, depth: int) -> bool:
        """Adds the unit and its subtree; returns whether anything below is hidden."""
        index = len(nodes)
        nodes.append(None)  # type: ignore[arg-type]
        hidden = unit_id in hidden_below
        for kid in children.get(unit_id, []):
            hidden = visit(kid, depth + 1) or hidden
        node = rolled.nodes.get(unit_id)
        reported = (unit_id, key) in cells
        if reported:
            shown = cells[(unit_id, key)].shown
        elif node is not None and node.value is not None and not hidden:
            value = node.value
            shown = Shown(
                value=value.value,
                interval=_interval(
                    indicator,
                    value.value,
                    value.numerator,
                    value.denominator,
                    value.standard_error,
                    value.n,
                ),
                aggregated=True,
            )
        elif hidden and node is not None and node.value is not None:
            shown = Shown(value=None, hidden=True, marker="suppressed", aggregated=True)
        else:
            shown = None
        nodes[index] = TreeNode(units[unit_id], depth, shown, reported)
        return hidden

    visit(area.pk, 0)
    return nodes


def _observation_value(indicator: Indicator, shown: Shown) -> ObservationValue | None:
    if shown.value is None and not indicator.is_ratio:
        return None
    try:
        if indicator.is_ratio:
            return ObservationValue(
                kind=Kind(indicator.kind),
                numerator=shown.numerator,
                denominator=shown.denominator,
                per=float(indicator.per) if indicator.kind == Kind.RATE else 1.0,
            )
        if indicator.kind == Kind.MEAN:
            # A mean is weighted by its n, which a value entry does not carry: a parent's
            # mean cannot be worked out from its children's, so it is left unaggregated.
            return None
        return ObservationValue(kind=Kind(indicator.kind), value=shown.value)
    except ValueError:
        return None


# ---- api and exports (C)


@dataclass(frozen=True)
class ShownObservation:
    """A stored value with what one viewer sees of it."""

    observation: Observation
    shown: Shown


def observations_listed(
    viewer: Viewer,
    framework: Framework,
    *,
    indicator_id: int | None = None,
    period: str | None = None,
    geography_id: int | None = None,
    key: str | None = None,
) -> QuerySet[Observation]:
    """The framework's current values `viewer` may see, filtered, in a stable order (indicator,
    period, geography, key). What they may see *of* each is `observations_shown`'s business."""
    query = Observation.objects.filter(indicator__framework=framework)
    if indicator_id is not None:
        query = query.filter(indicator_id=indicator_id)
    if period:
        query = query.filter(period=period)
    if geography_id is not None:
        query = query.filter(geography_id=geography_id)
    if key is not None:
        query = query.filter(disaggregation=key)
    return (
        observations_visible(viewer, query)
        .select_related("indicator", "geography", "partner")
        .order_by(
            "indicator__order",
            "indicator__code",
            "period_start",
            "geography__code",
            "disaggregation",
            "pk",
        )
    )


def observations_shown(
    viewer: Viewer, framework: Framework, rows: Sequence[Observation]
) -> list[ShownObservation]:
    """`rows` (of `framework`, with their indicators) as `viewer` sees them. Each is suppressed
    as a cell of its whole table (indicator × period over the framework's area, exactly as
    `table` computes it), so a filtered or paged list hides the same cells as the pages and
    no hidden count can be recovered from the rest. A fixed number of queries per call."""
    if viewer.backbone or not rows:
        return [ShownObservation(row, shown_value(viewer, row.indicator, row)) for row in rows]
    cells: dict[tuple[int, str], dict[tuple[int, str], suppression.ShownCell]] = {}
    area = framework.area
    if area is not None:
        children, units = geography_tree(area, initiative_id=framework.initiative_id)
        pairs = {(row.indicator_id, row.period) for row in rows}
        indicators = {row.indicator_id: row.indicator for row in rows}
        by_pair: dict[tuple[int, str], dict[tuple[int, str], Observation]] = defaultdict(dict)
        for stored in observations_visible(
            viewer,
            Observation.objects.filter(
                indicator_id__in={pair[0] for pair in pairs},
                period__in={pair[1] for pair in pairs},
                geography_id__in=units,
            ),
        ):
            pair = (stored.indicator_id, stored.period)
            if pair in pairs:
                by_pair[pair][(stored.geography_id, stored.disaggregation)] = stored
        for pair, by_cell in by_pair.items():
            indicator = indicators[pair[0]]
            counts = _counts(indicator, by_cell)
            if counts:
                suppressed = suppression.suppress(
                    suppression.Table(
                        counts=counts, relations=tuple(_relations(indicator, children, counts))
                    ),
                    k=indicator.suppression_k,
                    viewer_may_see_all=False,
                    known=_known(viewer, by_cell),
                    small_also=_small_complements(indicator, by_cell),
                )
                cells[pair] = cast(
                    dict[tuple[int, str], suppression.ShownCell], dict(suppressed.cells)
                )
    return [
        ShownObservation(
            row,
            shown_value(
                viewer,
                row.indicator,
                row,
                cell=cells.get((row.indicator_id, row.period), {}).get(
                    (row.geography_id, row.disaggregation)
                ),
            ),
        )
        for row in rows
    ]


def observations_shown_all(
    viewer: Viewer, framework: Framework, *, indicator_id: int | None = None, chunk: int = 2000
):
    """Every value of the framework (or one indicator) `viewer` may see, suppressed, in the
    order of `observations_listed`, read a chunk at a time (for exports)."""
    query = observations_listed(viewer, framework, indicator_id=indicator_id)
    last = 0
    ids = list(query.values_list("pk", flat=True))
    while last < len(ids):
        page = ids[last : last + chunk]
        last += chunk
        rows = query.filter(pk__in=page)
        yield from observations_shown(viewer, framework, list(rows))
