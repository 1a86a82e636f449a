"""The summary report's scorecard: each indicator of the initiative's frameworks in use, its
latest area-wide value up to the end of the report's range *as the report's reader sees it*,
the target and the verdict.

Values come from `measurement.selectors.scorecard` for the reader's `Viewer`, so the
agreements' visibility and small-number suppression hold in the report (HTML, DOCX and PDF)
as on the pages: a value the reader may not see is "—", a small count is "<10". Points after
the range are left out and the verdict is assessed again on what is left, so a report on a
past year does not change when later values come in.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils.translation import get_language, gettext_lazy, pgettext
from django.utils.translation import gettext as _

from meshutaf.measurement import charts as measurement_charts
from meshutaf.measurement import selectors as measurement
from meshutaf.measurement.models import Framework, FrameworkStatus, Indicator, TargetKind
from meshutaf.measurement.periods import PeriodError, parse_period
from meshutaf.measurement.permissions import Viewer

VERDICT_LABELS = {
    "on_track": gettext_lazy("On track"),
    "needs_acceleration": gettext_lazy("Needs acceleration"),
    "regressing": gettext_lazy("Regressing"),
    "uncertain": gettext_lazy("Uncertain"),
    "insufficient_data": gettext_lazy("Insufficient data"),
}
TARGET_KIND_LABELS = dict(TargetKind.choices)


@dataclass(frozen=True)
class ScorecardLine:
    code: str
    name: str
    period: str  # of the latest value, "" when there is none
    latest: str  # as the reader sees it: a number, "<10", "suppressed" in words, or "—"
    hidden: bool
    target: str
    verdict: str  # a label, or "" when no verdict can be called
    verdict_code: str
    note: str  # why there is no verdict, when there is none


@dataclass(frozen=True)
class FrameworkScorecard:
    name: str
    version: int
    lines: list[ScorecardLine]


def _name(indicator: Indicator) -> str:
    named = {"ar": indicator.name_ar, "en": indicator.name_en}.get((get_language() or "he")[:2])
    return named or indicator.name


def _number(indicator: Indicator, value: float | None) -> str:
    return measurement_charts.format_number(value, kind=indicator.kind, decimals=indicator.decimals)


def _until(points: list[measurement.SeriesPoint], last_day: datetime.date):
    kept = []
    for point in points:
        try:
            if parse_period(point.period).start <= last_day:
                kept.append(point)
        except PeriodError:
            continue
    return kept


def _line(row: measurement.ScorecardRow, *, last_day: datetime.date) -> ScorecardLine:
    indicator = row.indicator
    points = _until(row.points, last_day)
    progress = row.progress
    if len(points) != len(row.points):
        progress = measurement.progress_of(
            indicator, points, baseline=progress.baseline, target=progress.target
        )
    latest = next(
        (p for p in reversed(points) if p.shown.value is not None or p.shown.hidden), None
    )
    if latest is None:
        text, hidden = "—", False
    elif latest.shown.hidden:
        marker = latest.shown.marker or "suppressed"
        text = marker if marker.startswith("<") else pgettext("hidden value", "suppressed")
        hidden = True
    else:
        text, hidden = _number(indicator, latest.shown.value), False
    target = progress.target
    target_text = (
        _("%(value)s by %(year)s (%(kind)s)")
        % {
            "value": _number(indicator, float(target.value)),
            "year": target.year,
            "kind": TARGET_KIND_LABELS.get(target.kind, target.kind),
        }
        if target is not None
        else "—"
    )
    assessment = progress.assessment
    verdict_code = assessment.verdict if assessment is not None else ""
    return ScorecardLine(
        code=indicator.code,
        name=_name(indicator),
        period=latest.period if latest is not None else "",
        latest=text,
        hidden=hidden,
        target=target_text,
        verdict=str(VERDICT_LABELS.get(verdict_code, "")) if verdict_code else "",
        verdict_code=verdict_code,
        note="" if assessment is not None else progress.problem,
    )


def scorecards(*, viewer: Viewer, initiative, date_to: datetime.date) -> list[FrameworkScorecard]:
    """The scorecard of each framework in use, as `viewer` sees it, up to `date_to`."""
    frameworks = (
        Framework.objects.filter(initiative=initiative, status=FrameworkStatus.ACTIVE)
        .select_related("area")
        .order_by("name", "-version")
    )
    result = []
    for framework in frameworks:
        lines = [_line(row, last_day=date_to) for row in measurement.scorecard(viewer, framework)]
        if lines:
            result.append(FrameworkScorecard(framework.name, framework.version, lines))
    return result
