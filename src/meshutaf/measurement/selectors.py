"""Reads of shared measurement, always for one `Viewer` (permissions.Viewer).

Two filters stand between the stored values and every page, API response, export, report and
search result, and both are applied in the reads of this module and of the two it builds on,
`visibility` (which values, and one value's suppression) and `tables` (whole tables), and
nowhere else:

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
   A proportion whose complement is small (12 of 17) is hidden like a small count. A
   partner's own cells are known to it, so they never protect anyone else's: the table is
   suppressed for what that viewer knows. The area's total is otherwise hidden only when it is
   itself small (the heuristic never chooses a grand total while another cell will do), so the
   scorecard suppresses totals alone, except where the viewer has cells of its own.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple, cast

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from . import curves, progress
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
    State,
    Target,
)
from .periods import parse_period
from .permissions import Viewer
from .tables import (
    ShownObservation,
    TableCell,
    TreeNode,
    _totals_hidden_by_own_cells,
    drill_down,
    geography_tree,
    observations_listed,
    observations_shown,
    observations_shown_all,
    table,
)
from .visibility import (
    PUBLISHED,
    Shown,
    observations_visible,
    sees_in_full,
    shown_value,
)

# The reads the pages, the API, exports and reports use (some live in `tables`, `visibility`).
__all__ = [
    "PUBLISHED",
    "Progress",
    "ScorecardRow",
    "SeriesPoint",
    "Shown",
    "ShownObservation",
    "TableCell",
    "TreeNode",
    "drill_down",
    "frameworks_of",
    "geography_tree",
    "history",
    "key_label",
    "keys_of",
    "observations_listed",
    "observations_shown",
    "observations_shown_all",
    "observations_visible",
    "progress_of",
    "reporting_inbox",
    "review_queue",
    "scorecard",
    "sees_in_full",
    "series",
    "shown_value",
    "table",
]


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


def key_label(key: str, indicator: Indicator | None = None) -> str:
    """A stored key as people read it: "Sex: female · Age: 0-17" (each dimension's label where
    the indicator's schema gives one); the empty key is the total."""
    cells = key_cells(key)
    if not cells:
        return _("Total")
    labels = {}
    if indicator is not None and isinstance(indicator.dimensions, list):
        labels = {
            item.get("name"): item.get("label")
            for item in indicator.dimensions
            if isinstance(item, dict) and item.get("label")
        }
    return " · ".join(f"{labels.get(name) or name}: {value}" for name, value in cells.items())


def keys_of(indicator: Indicator) -> list[str]:
    return all_keys(schema_from_json(indicator.dimensions))
