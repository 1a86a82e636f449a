"""Reads of shared measurement, always for one `Viewer` (permissions.Viewer).

Two filters stand between the stored values and every page, API response, export, report and
search result, and both are applied here and nowhere else:

1. **Visibility.** The backbone sees every current value in any state. A reporting partner
   sees its own organisations' values in any state. Everyone else sees approved (or locked)
   values only, and only where the agreement allows: a partner's value needs a data-sharing
   agreement for that indicator, unexpired, whose visibility is "partners" (members) or
   "public" (members and the public dashboard); the backbone's own values follow the
   indicator's `visibility`. No agreement means backbone only.
2. **Small numbers** (`suppression`). Counts from 1 to k−1, and rates built on them, are
   hidden from everyone but the backbone and the value's reporting partner; in tables with
   totals (the geography tree, the disaggregations) complementary cells are hidden too, so no
   hidden count can be worked out by subtraction. A table is suppressed as a whole (every
   geography unit × disaggregation cell of one indicator and period), and every page reads its
   cells from that one computation, so two pages never hide different cells of one table.
   The area's total is hidden only when it is itself small (the heuristic never chooses a
   grand total while another cell will do), so the scorecard can suppress totals alone.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, NamedTuple, cast

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from . import curves, progress, suppression
from .aggregation import Kind, ObservationValue, roll_up
from .intervals import Interval, interval_for
from .keys import all_keys, key_cells, schema_from_json
from .models import (
    Baseline,
    CurveSession,
    Forecast,
    Framework,
    Geography,
    Indicator,
    Observation,
    ObservationEvent,
    ReportingRound,
    ReportingTask,
    RoundState,
    SharingAgreement,
    State,
    Target,
    Visibility,
)
from .periods import parse_period
from .permissions import Viewer

PUBLISHED = (State.APPROVED, State.LOCKED)


# ---------------------------------------------------------------- visibility


def _allowed(viewer: Viewer) -> list[str]:
    return [Visibility.PUBLIC] if viewer.public else [Visibility.PUBLIC, Visibility.PARTNERS]


def observations_visible(
    viewer: Viewer, queryset: QuerySet[Observation] | None = None
) -> QuerySet[Observation]:
    """Current values `viewer` may see (before small-number suppression)."""
    queryset = (queryset if queryset is not None else Observation.objects.all()).filter(
        current=True
    )
    if viewer.backbone:
        return queryset
    today = timezone.localdate()
    agreement = SharingAgreement.objects.filter(
        partner=OuterRef("partner"),
        indicator=OuterRef("indicator"),
        visibility__in=_allowed(viewer),
    ).filter(Q(expires_on__isnull=True) | Q(expires_on__gte=today))
    published = Q(state__in=PUBLISHED) & (
        (Q(partner__isnull=True) & Q(indicator__visibility__in=_allowed(viewer)))
        | Q(Exists(agreement))
    )
    own = Q(partner_id__in=viewer.organisations) if viewer.organisations else Q(pk__in=[])
    return queryset.filter(published | own)


def sees_in_full(viewer: Viewer, partner_id: int | None) -> bool:
    """The backbone and a value's reporting partner see it unsuppressed."""
    return viewer.backbone or (partner_id is not None and partner_id in viewer.organisations)


# ---------------------------------------------------------------- one shown value


@dataclass(frozen=True)
class Shown:
    """A value as one viewer sees it."""

    value: float | None
    hidden: bool = False
    marker: str | None = None  # "<10" or "suppressed" when hidden
    small: bool = False  # a small count the viewer may see (marked for them)
    interval: Interval | None = None
    numerator: float | None = None
    denominator: float | None = None
    observation_id: int | None = None
    state: str = ""
    status: str = ""
    aggregated: bool = False


def _f(number: Decimal | None) -> float | None:
    return None if number is None else float(number)


def _count_of(indicator: Indicator, row) -> int | None:
    """The count suppression looks at: a count's value, a ratio's numerator."""
    number = (
        row.value if indicator.kind == Kind.COUNT else row.numerator if indicator.is_ratio else None
    )
    return None if number is None else max(0, round(float(number)))


def _interval(
    indicator: Indicator, value: float | None, numerator, denominator, standard_error, n=None
) -> Interval | None:
    try:
        return interval_for(
            indicator.kind,
            value=value,
            numerator=numerator,
            denominator=denominator,
            per=indicator.per if indicator.kind == Kind.RATE else 1.0,
            standard_error=standard_error,
            n=n,
        )
    except (ValueError, TypeError):
        return None


def shown_value(
    viewer: Viewer,
    indicator: Indicator,
    row,
    *,
    cell: suppression.ShownCell | None = None,
    with_interval: bool = True,
) -> Shown:
    """One stored value (an Observation or a row with its fields) for `viewer`: primary
    suppression, or the given table `cell`'s verdict when the value sits in a table. Without
    `with_interval` (a sparkline's points), the interval is not computed."""
    full = sees_in_full(viewer, row.partner_id)
    count = _count_of(indicator, row)
    value = _f(row.value)
    common = {
        "observation_id": row.pk,
        "state": row.state,
        "status": row.status,
    }
    if count is not None:
        if cell is None:
            cell = suppression.cell_view(
                key=row.pk, count=count, k=indicator.suppression_k, viewer_may_see_all=full
            )
        elif full and cell.hidden:
            cell = suppression.ShownCell(key=cell.key, count=count, reason=cell.reason, k=cell.k)
        if indicator.is_ratio:
            rate = suppression.rate_view(
                numerator=count,
                denominator=max(0, round(float(row.denominator or 0))),
                per=1.0,
                k=indicator.suppression_k,
                viewer_may_see_all=full,
                cells=[cell],
                proportion=indicator.kind == Kind.PROPORTION,
            )
            if rate.hidden:
                # Never "<10" for a rate: it would read as a value below ten (per cent).
                return Shown(value=None, hidden=True, marker="suppressed", **common)
        elif cell.hidden:
            return Shown(value=None, hidden=True, marker=cell.marker, **common)
    interval = (
        _interval(indicator, value, _f(row.numerator), _f(row.denominator), _f(row.standard_error))
        if with_interval
        else None
    )
    return Shown(
        value=value,
        small=bool(cell and cell.reason is not suppression.Reason.SHOWN),
        interval=interval,
        numerator=_f(row.numerator),
        denominator=_f(row.denominator),
        **common,
    )


# ---------------------------------------------------------------- series and scorecard


@dataclass(frozen=True)
class SeriesPoint:
    period: str
    time: float
    segment: int
    shown: Shown


def series(
    viewer: Viewer, indicator: Indicator, *, geography: Geography, key: str = ""
) -> list[SeriesPoint]:
    """One cell's values over time, as `viewer` sees them (one query)."""
    rows = observations_visible(
        viewer,
        Observation.objects.filter(indicator=indicator, geography=geography, disaggregation=key),
    ).order_by("period_start")
    return [
        SeriesPoint(
            row.period,
            parse_period(row.period).time,
            row.definition_version,
            shown_value(viewer, indicator, row),
        )
        for row in rows
    ]


def _direction(indicator: Indicator) -> progress.Direction:
    return "down" if indicator.direction == "down" else "up"


@dataclass(frozen=True)
class Progress:
    baseline: Baseline | None
    target: Target | None
    assessment: progress.Assessment | None
    curve: curves.CurveTest | None
    curve_checked: bool  # False: too few points to tell
    problem: str = ""


def progress_of(
    indicator: Indicator,
    points: Sequence[SeriesPoint],
    *,
    baseline: Baseline | None,
    target: Target | None,
) -> Progress:
    """The ESCAP assessment against the target and the run-chart test, from what the viewer
    sees (hidden points are left out: a verdict never rests on a number the viewer may not
    see)."""
    visible = [p for p in points if p.shown.value is not None]
    last_segment = max((p.segment for p in visible), default=1)
    segment = [p for p in visible if p.segment == last_segment]
    curve = None
    baseline_time = parse_period(baseline.period).time if baseline else None
    if baseline_time is not None:
        before = sum(1 for p in segment if p.time <= baseline_time)
        if before:
            curve = curves.curve_test(
                [cast(float, p.shown.value) for p in segment],
                baseline_points=before,
                direction=_direction(indicator),
            )
    if baseline is None or target is None:
        return Progress(
            baseline,
            target,
            None,
            curve,
            curve is not None,
            problem=_("Set a baseline and a target to assess progress.")
            if not (baseline and target)
            else "",
        )
    try:
        assessment = progress.assess(
            [progress.Point(p.time, cast(float, p.shown.value), p.segment) for p in segment],
            baseline=float(baseline.value),
            target=float(target.value),
            target_time=float(target.year + 1),
            direction=_direction(indicator),
            since=baseline_time,
        )
    except ValueError as error:
        return Progress(baseline, target, None, curve, curve is not None, problem=str(error))
    return Progress(baseline, target, assessment, curve, curve is not None)


class _Row(NamedTuple):
    """The fields of a value the scorecard needs, read without building model instances
    (a scorecard reads every indicator's whole series)."""

    pk: int
    indicator_id: int
    period: str
    definition_version: int
    value: Decimal | None
    numerator: Decimal | None
    denominator: Decimal | None
    standard_error: Decimal | None
    partner_id: int | None
    state: str
    status: str


_ROW_FIELDS = _Row._fields


@dataclass
class ScorecardRow:
    indicator: Indicator
    points: list[SeriesPoint]
    latest: SeriesPoint | None
    progress: Progress
    forecast: Forecast | None
    sessions: list[CurveSession] = field(default_factory=list)


def scorecard(viewer: Viewer, framework: Framework) -> list[ScorecardRow]:
    """Every indicator of the framework with its area-total series, latest value, target and
    verdicts. A fixed number of queries however many indicators there are.

    Approved (and locked) values only, for everyone, the backbone included: the scorecard is
    the shared picture the partners talk about, and a submitted or returned value is not yet
    part of it (the review queue and the indicator page show those)."""
    indicators = list(
        framework.indicators.select_related("result", "strategy").prefetch_related(
            Prefetch(
                "sessions",
                queryset=CurveSession.objects.select_related("meeting").order_by("-created_at"),
            )
        )
    )
    area_id = framework.area_id
    rows_by: dict[int, list[_Row]] = defaultdict(list)
    baselines: dict[int, Baseline] = {}
    targets: dict[int, Target] = {}
    forecasts: dict[int, Forecast] = {}
    if area_id is not None:
        query = (
            observations_visible(
                viewer,
                Observation.objects.filter(
                    indicator__framework=framework,
                    geography_id=area_id,
                    disaggregation="",
                    state__in=PUBLISHED,
                ),
            )
            .order_by("indicator_id", "period_start")
            .values_list(*_ROW_FIELDS)
        )
        for fields in query:
            row = _Row(*fields)
            rows_by[row.indicator_id].append(row)
        for baseline in Baseline.objects.filter(
            indicator__framework=framework, geography_id=area_id
        ).order_by("created_at", "pk"):
            baselines[baseline.indicator_id] = baseline  # the latest wins
        for target in (
            Target.objects.filter(indicator__framework=framework, geography_id=area_id)
            .select_related("decision__meeting")
            .order_by("year", "pk")
        ):
            targets.setdefault(target.indicator_id, target)  # the nearest year
        for forecast in Forecast.objects.filter(
            indicator__framework=framework, geography_id=area_id, method=Forecast.Method.JUDGEMENT
        ).order_by("as_of", "pk"):
            forecasts[forecast.indicator_id] = forecast
    hidden_totals = _totals_hidden_by_own_cells(viewer, framework)
    result = []
    for indicator in indicators:
        rows = rows_by.get(indicator.pk, [])
        # Only the latest value shows its interval; the sparkline's points need none.
        points = [
            SeriesPoint(
                row.period,
                parse_period(row.period).time,
                row.definition_version,
                Shown(value=None, hidden=True, marker="suppressed", observation_id=row.pk)
                if (indicator.pk, row.period) in hidden_totals
                else shown_value(viewer, indicator, row, with_interval=index == len(rows) - 1),
            )
            for index, row in enumerate(rows)
        ]
        latest = points[-1] if points else None
        result.append(
            ScorecardRow(
                indicator=indicator,
                points=points,
                latest=latest,
                progress=progress_of(
                    indicator,
                    points,
                    baseline=baselines.get(indicator.pk),
                    target=targets.get(indicator.pk),
                ),
                forecast=forecasts.get(indicator.pk),
                sessions=list(indicator.sessions.all()),
            )
        )
    return result


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


# ---------------------------------------------------------------- reporting


def reporting_inbox(
    viewer: Viewer, framework: Framework
) -> list[tuple[ReportingRound, ReportingTask]]:
    """The open rounds' tasks of the viewer's organisations (all of them for the backbone)."""
    tasks = (
        ReportingTask.objects.filter(round__framework=framework, round__state=RoundState.OPEN)
        .select_related("round", "partner")
        .prefetch_related("round__indicators")
        .order_by("round__due_date", "partner__name_he")
    )
    if not viewer.backbone:
        tasks = tasks.filter(partner_id__in=viewer.organisations)
    return [(task.round, task) for task in tasks]


def review_queue(framework: Framework) -> list[tuple[Observation, Observation | None]]:
    """Submitted values with the previous period's current value of the same cell, for the
    backbone (two queries)."""
    submitted = list(
        Observation.objects.filter(
            indicator__framework=framework, current=True, state=State.SUBMITTED
        )
        .select_related("indicator", "geography", "partner", "created_by")
        .order_by("indicator__order", "indicator__code", "period_start", "pk")
    )
    previous_periods = {
        (o.indicator_id, o.geography_id, o.disaggregation, parse_period(o.period).previous().code)
        for o in submitted
    }
    earlier: dict[tuple, Observation] = {}
    if previous_periods:
        for row in Observation.objects.filter(
            current=True,
            indicator_id__in={p[0] for p in previous_periods},
            period__in={p[3] for p in previous_periods},
            geography_id__in={p[1] for p in previous_periods},
        ):
            earlier[(row.indicator_id, row.geography_id, row.disaggregation, row.period)] = row
    return [
        (
            o,
            earlier.get(
                (
                    o.indicator_id,
                    o.geography_id,
                    o.disaggregation,
                    parse_period(o.period).previous().code,
                )
            ),
        )
        for o in submitted
    ]


def history(observation: Observation) -> list[Observation]:
    """Every value this cell has had, newest first, each with its events."""
    return list(
        Observation.objects.filter(
            indicator_id=observation.indicator_id,
            geography_id=observation.geography_id,
            period=observation.period,
            disaggregation=observation.disaggregation,
        )
        .select_related("created_by", "reviewed_by", "partner")
        .prefetch_related(
            Prefetch("events", queryset=ObservationEvent.objects.select_related("by"))
        )
        .order_by("-pk")
    )


def frameworks_of(initiative) -> QuerySet[Framework]:
    return (
        Framework.objects.filter(initiative=initiative)
        .select_related("area")
        .order_by("name", "-version")
    )


def key_label(key: str) -> str:
    """A key as people read it: "sex: female · age: 0-17"; the total says so."""
    cells = key_cells(key)
    return " · ".join(f"{name}: {value}" for name, value in cells.items()) if cells else _("Total")


def keys_of(indicator: Indicator) -> list[str]:
    return all_keys(schema_from_json(indicator.dimensions))


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
