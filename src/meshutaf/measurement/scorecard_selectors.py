"""Reads for the scorecard's companion pages (the indicator page and its drill-down, data
quality and history), built on `selectors`, whose visibility and suppression they never
bypass: every value comes from `observations_visible`, `observations_shown` or `table`."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import cast

from django.db.models import Prefetch, QuerySet, Subquery
from django.utils.translation import gettext as _

from . import progress, selectors
from .aggregation import (
    TOTAL,
    DisaggregationKey,
    Kind,
    ObservationValue,
    check_disaggregation,
    roll_up,
)
from .keys import SchemaError, key_frozen, key_string, schema_from_json
from .models import (
    Baseline,
    CurveSession,
    DefinitionVersion,
    Forecast,
    Geography,
    Indicator,
    Observation,
    ObservationEvent,
    Target,
)
from .periods import PeriodError, parse_period
from .permissions import Viewer
from .progress import Projection
from .selectors import (
    Progress,
    SeriesPoint,
    Shown,
    TreeNode,
    geography_tree,
    observations_shown,
    observations_visible,
    progress_of,
    table,
)


def baseline_value(viewer: Viewer, indicator: Indicator, baseline: Baseline | None) -> float | None:
    """A baseline's value as `viewer` may see it: a small count (1 to k−1) is a small number
    like any other, hidden from all but the backbone."""
    if baseline is None:
        return None
    value = float(baseline.value)
    small = indicator.kind == Kind.COUNT and 1 <= value < indicator.suppression_k
    return None if small and not viewer.backbone else value


def forecast_cone(
    points: Sequence[SeriesPoint],
    *,
    baseline: Baseline | None,
    target: Target | None,
    steps: int = 12,
) -> list[Projection]:
    """The trend of the current segment (the values since the baseline `viewer` sees, as
    `progress_of` fits them) projected from its last value to the end of the target year,
    with the 95% prediction interval at each step: the forecast cone. Empty without a target
    or with fewer than 3 values."""
    if target is None:
        return []
    visible = [p for p in points if p.shown.value is not None]
    last_segment = max((p.segment for p in visible), default=1)
    since = parse_period(baseline.period).time if baseline else None
    fitted = [
        progress.Point(p.time, p.shown.value, p.segment)  # type: ignore[arg-type]
        for p in visible
        if p.segment == last_segment and (since is None or p.time >= since)
    ]
    end = float(target.year + 1)
    if len(fitted) < progress.MIN_POINTS or end <= fitted[-1].time:
        return []
    start = fitted[-1].time
    cone = []
    for step in range(steps + 1):
        projection = progress.project(fitted, time=start + (end - start) * step / steps)
        if projection is not None:
            cone.append(projection)
    return cone


def indicator_periods(viewer: Viewer, indicator: Indicator) -> list[str]:
    """The periods in which `viewer` sees any value of the indicator, oldest first."""
    rows = (
        observations_visible(viewer, Observation.objects.filter(indicator=indicator))
        .order_by("period_start", "period")
        .values_list("period", flat=True)
        .distinct()
    )
    return list(dict.fromkeys(rows))


def _revisions(viewer: Viewer, cells: QuerySet[Observation], by: str) -> dict:
    """Every value each of `cells` has had, newest first, with its events (who, when, why),
    grouped by the field `by` that tells the cells apart: only the cells `viewer` sees in full
    (the backbone, or the value's reporting partner). Two queries however many cells."""
    current = cells.filter(current=True)
    if not viewer.backbone:
        if not viewer.organisations:
            return {}
        current = current.filter(partner_id__in=viewer.organisations)
    rows = (
        cells.filter(**{f"{by}__in": Subquery(current.values(by))})
        .select_related("created_by", "reviewed_by", "partner")
        .prefetch_related(
            Prefetch("events", queryset=ObservationEvent.objects.select_related("by"))
        )
        .order_by(by, "-pk")
    )
    found: dict = defaultdict(list)
    for row in rows:
        found[getattr(row, by)].append(row)
    return dict(found)


def histories(
    viewer: Viewer, indicator: Indicator, *, geography: Geography, key: str = ""
) -> dict[str, list[Observation]]:
    """Each period's history of one series (see `_revisions`), by period."""
    cells = Observation.objects.filter(indicator=indicator, geography=geography, disaggregation=key)
    return _revisions(viewer, cells, "period")


def period_histories(
    viewer: Viewer, indicator: Indicator, *, period: str, key: str = ""
) -> dict[int, list[Observation]]:
    """Each geography unit's history of one period (the drill-down's), by unit id."""
    cells = Observation.objects.filter(indicator=indicator, period=period, disaggregation=key)
    return _revisions(viewer, cells, "geography_id")


@dataclass(frozen=True)
class PageFlag:
    """A data-quality flag of one period, where it is: a unit and a cell (its key, "" the
    total). `code` is an `aggregation.FlagCode`."""

    code: str
    unit: Geography
    key: str
    dimension: str | None
    reported: float | None
    expected: float | None


def quality_flags(
    viewer: Viewer, indicator: Indicator, *, period: str, area: Geography
) -> list[PageFlag]:
    """The period's data-quality flags, from the cells `viewer` sees: in each unit, parts of a
    disaggregation that do not add up to their total and parts missing; over the tree, a
    unit whose reported value differs from its parts'. A hidden (suppressed) cell is never
    flagged nor used, so a flag never gives a hidden number away."""
    children, units = geography_tree(area, initiative_id=indicator.framework.initiative_id)
    cells = table(viewer, indicator, period=period, area=area)
    hidden = {cell for cell, shown in cells.items() if shown.shown.hidden}
    values: dict[int, dict] = defaultdict(dict)
    for (geography_id, key), cell in cells.items():
        if cell.shown.hidden:
            continue
        value = _value_of(indicator, cell.shown)
        if value is not None:
            values[geography_id][key_frozen(key)] = value
    try:
        schema = schema_from_json(indicator.dimensions)
    except SchemaError:
        schema = ()
    flags: list[PageFlag] = []
    for geography_id in sorted(values, key=lambda pk: list(units).index(pk)):
        try:
            found = check_disaggregation(schema=schema, observations=values[geography_id])
        except ValueError:
            continue  # a key of an earlier schema: nothing to check it against
        for flag in found:
            key = key_string(dict(cast(DisaggregationKey, flag.where)))
            if (geography_id, key) in hidden:
                continue
            flags.append(
                PageFlag(
                    flag.code,
                    units[geography_id],
                    key,
                    flag.dimension,
                    flag.reported,
                    flag.expected,
                )
            )
    totals = {pk: cell[TOTAL] for pk, cell in values.items() if TOTAL in cell}
    try:
        rolled = roll_up(children=children, observations=totals)
    except ValueError:
        return flags  # a mean without its n, say: its parts cannot be added up
    for flag in rolled.flags:
        flags.append(
            PageFlag(
                flag.code, units[cast(int, flag.where)], "", None, flag.reported, flag.expected
            )
        )
    return flags


@dataclass(frozen=True)
class Multiple:
    """One small chart: a dimension's value (its key) and its series at the area."""

    value: str
    key: str
    points: list[SeriesPoint]


@dataclass(frozen=True)
class DimensionMultiples:
    name: str
    label: str
    sums_to_total: bool
    multiples: list[Multiple]


@dataclass
class IndicatorPage:
    indicator: Indicator
    area: Geography | None
    points: list[SeriesPoint] = field(default_factory=list)
    latest: SeriesPoint | None = None
    progress: Progress | None = None
    baseline_value: float | None = None
    forecast: Forecast | None = None
    cone: list[Projection] = field(default_factory=list)
    versions: list[DefinitionVersion] = field(default_factory=list)
    dimensions: list[DimensionMultiples] = field(default_factory=list)
    sessions: list[CurveSession] = field(default_factory=list)


def indicator_page(viewer: Viewer, indicator: Indicator) -> IndicatorPage:
    """An indicator at its framework's area as `viewer` sees it: the total's series with its
    progress, baseline, target, forecast cone and judgement line, the definition versions
    (series breaks), and each disaggregation value's series for small multiples, every cell
    suppressed as part of its period's whole table (`observations_shown`)."""
    framework = indicator.framework
    area = framework.area
    page = IndicatorPage(
        indicator=indicator,
        area=area,
        versions=list(indicator.definition_versions.order_by("number")),
        sessions=list(
            indicator.sessions.select_related("meeting")
            .prefetch_related("partners__organisation", "actions")
            .order_by("-created_at")
        ),
    )
    if area is None:
        return page
    rows = list(
        observations_visible(
            viewer, Observation.objects.filter(indicator=indicator, geography=area)
        ).order_by("period_start", "pk")
    )
    for row in rows:
        row.indicator = indicator
    by_key: dict[str, list[SeriesPoint]] = defaultdict(list)
    for item in observations_shown(viewer, framework, rows):
        row = item.observation
        by_key[row.disaggregation].append(
            SeriesPoint(
                row.period, parse_period(row.period).time, row.definition_version, item.shown
            )
        )
    baseline = (
        Baseline.objects.filter(indicator=indicator, geography=area)
        .order_by("-created_at", "-pk")
        .first()
    )
    target = (
        Target.objects.filter(indicator=indicator, geography=area)
        .select_related("decision__meeting")
        .order_by("year", "pk")
        .first()
    )
    page.forecast = (
        Forecast.objects.filter(
            indicator=indicator, geography=area, method=Forecast.Method.JUDGEMENT
        )
        .order_by("-as_of", "-pk")
        .first()
    )
    page.points = by_key.get("", [])
    page.latest = next(
        (p for p in reversed(page.points) if p.shown.value is not None or p.shown.hidden), None
    )
    page.progress = progress_of(indicator, page.points, baseline=baseline, target=target)
    page.baseline_value = baseline_value(viewer, indicator, baseline)
    page.cone = forecast_cone(page.points, baseline=baseline, target=target)
    labels = {
        item.get("name"): item.get("label") or item.get("name")
        for item in indicator.dimensions or []
        if isinstance(item, dict)
    }
    try:
        schema = schema_from_json(indicator.dimensions)
    except SchemaError:
        schema = ()
    for dimension in schema:
        multiples = []
        for value in dimension.values:
            key = key_string({dimension.name: value})
            multiples.append(Multiple(value, key, by_key.get(key, [])))
        page.dimensions.append(
            DimensionMultiples(
                dimension.name,
                str(labels.get(dimension.name) or dimension.name),
                dimension.sums_to_total,
                multiples,
            )
        )
    return page


def _value_of(indicator: Indicator, shown: Shown) -> ObservationValue | None:
    """A shown (not hidden) value as the aggregation module takes it."""
    try:
        if indicator.is_ratio:
            if shown.numerator is None or shown.denominator is None:
                return None
            return ObservationValue(
                kind=Kind(indicator.kind),
                numerator=shown.numerator,
                denominator=shown.denominator,
                per=float(indicator.per) if indicator.kind == Kind.RATE else 1.0,
            )
        if shown.value is None:
            return None
        return ObservationValue(kind=Kind(indicator.kind), value=shown.value)
    except ValueError:
        return None


def drill_down_reported(
    viewer: Viewer, indicator: Indicator, *, period: str, area: Geography, key: str = ""
) -> list[TreeNode]:
    """The geography tree with each unit's reported value only, nothing aggregated: what the
    drill-down shows when the values cannot be added up (a mean reported without its n)."""
    children, units = geography_tree(area, initiative_id=indicator.framework.initiative_id)
    cells = table(viewer, indicator, period=period, area=area)
    nodes: list[TreeNode] = []
    stack = [(area.pk, 0)]
    while stack:
        unit_id, depth = stack.pop()
        cell = cells.get((unit_id, key))
        nodes.append(
            TreeNode(units[unit_id], depth, cell.shown if cell else None, cell is not None)
        )
        stack.extend((kid, depth + 1) for kid in reversed(children.get(unit_id, [])))
    return nodes


def baseline_segment(page: IndicatorPage, points) -> int | None:
    """The definition version the baseline's period falls under: its own point's, else the
    last version starting at or before it (v1, the indicator's start, when none does)."""
    baseline = page.progress.baseline if page.progress else None
    if baseline is None:
        return None
    for point in points:
        if point.period == baseline.period:
            return point.segment
    try:
        when = parse_period(baseline.period).time
    except PeriodError:
        return None
    number = 1
    for version in page.versions:
        try:
            if parse_period(version.starts).time <= when:
                number = version.number
        except PeriodError:
            continue
    return number


def versions_of(page: IndicatorPage) -> list[dict]:
    """Every definition version, v1 included: v1 is implicit, the indicator's start."""
    found = [
        {"number": v.number, "starts": v.starts, "note": v.note}
        for v in page.versions
        if v.number != 1
    ]
    first = next((v for v in page.versions if v.number == 1), None)
    start = page.points[0].period if page.points else ""
    found.insert(
        0,
        {
            "number": 1,
            "starts": first.starts if first else start,
            "note": first.note if first else _("The indicator's first definition."),
        },
    )
    return found if len(found) > 1 else []


def key_label_of(indicator: Indicator, key: str) -> str:
    """A disaggregation key with its dimensions' labels ("Sex: female"), the total so named."""
    return selectors.key_label(key, indicator)
