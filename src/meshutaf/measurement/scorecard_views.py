"""The read pages of shared measurement: the Results-Based Accountability scorecard, an
indicator's page (series chart, small multiples, drill-down, data quality, history) and the
dashboard for partners and, when the backbone allows it, the public.

Every number comes through the selectors for one `Viewer` (agreements' visibility and
small-number suppression); these views only turn it into words and charts.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence

from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.translation import get_language, gettext_lazy, pgettext
from django.utils.translation import gettext as _

from . import charts, scorecard_selectors, selectors
from .aggregation import FlagCode, Kind
from .models import Framework, Indicator, MeasureCategory, TargetKind, ValueStatus
from .periods import PeriodError, parse_period
from .permissions import Viewer, framework_get_for_user, indicator_get_for_user
from .templatetags.measurement_format import sentence

VERDICT_LABELS = {
    "on_track": gettext_lazy("On track"),
    "needs_acceleration": gettext_lazy("Needs acceleration"),
    "regressing": gettext_lazy("Regressing"),
    "uncertain": gettext_lazy("Uncertain"),
    "insufficient_data": gettext_lazy("Insufficient data"),
}


# ---------------------------------------------------------------- words for numbers


def indicator_name(indicator: Indicator) -> str:
    """The indicator's name in the interface language, else the Hebrew one."""
    language = (get_language() or "he")[:2]
    named = {"ar": indicator.name_ar, "en": indicator.name_en}.get(language)
    return named or indicator.name


def _number(indicator: Indicator, value: float | None) -> str:
    return charts.format_number(value, kind=indicator.kind, decimals=indicator.decimals)


def _formatter(indicator: Indicator, step: float):
    """Tick labels with as many decimals as the axis' step needs (a step of 0.25 shows two,
    a proportion's step of 0.05 none: 5%)."""
    shown_step = step * 100 if indicator.kind == "proportion" else step
    decimals = max(0, math.ceil(-math.log10(shown_step) - 1e-9)) if shown_step > 0 else 0
    if shown_step > 0 and not math.isclose(round(shown_step, decimals), shown_step):
        decimals += 1  # 2.5, 0.25: one more

    def formatted(value: float) -> str:
        return charts.format_number(value, kind=indicator.kind, decimals=min(decimals, 4))

    return formatted


def value_words(indicator: Indicator, shown: selectors.Shown | None) -> dict:
    """A shown value as the pages print it: the number and its interval, or the marker of a
    hidden one with the reason it is hidden, and what else the reader must know."""
    if shown is None:
        return {"text": "—", "empty": True}
    k = indicator.suppression_k
    if shown.hidden:
        marker = shown.marker or "suppressed"
        small = marker.startswith("<")
        return {
            "text": marker if small else pgettext("hidden value", "suppressed"),
            "hidden": True,
            "why": _("Fewer than %(k)s: small numbers are hidden so that no one can be recognised.")
            % {"k": k}
            if small and not indicator.is_ratio
            else _("Hidden: it rests on a count under %(k)s, too few to show.") % {"k": k}
            if small
            else _(
                "Hidden so that a small number elsewhere in the table cannot be worked out "
                "by subtraction."
            ),
        }
    notes = []
    if shown.status in (ValueStatus.PROVISIONAL, ValueStatus.ESTIMATED):
        notes.append(str(ValueStatus(shown.status).label))
    if shown.state and shown.state not in selectors.PUBLISHED:
        notes.append(_("not yet approved"))
    if shown.small:
        notes.append(_("a small number, hidden from others"))
    if shown.aggregated:
        notes.append(_("aggregated from its parts"))
    interval = shown.interval
    words = {
        "text": _number(indicator, shown.value),
        "notes": notes,
        "status": shown.status,
        "estimate": shown.status in (ValueStatus.PROVISIONAL, ValueStatus.ESTIMATED),
    }
    if interval is not None:
        words["interval"] = (
            f"{_number(indicator, interval.low)}–{_number(indicator, interval.high)}"
        )
        words["level"] = round(interval.level * 100)
        words["unreliable"] = interval.unreliable
    return words


def verdict_words(progress: selectors.Progress | None, indicator: Indicator) -> dict:
    """The ESCAP verdict, translated, and why: a verdict is called only when the whole
    interval of the projection is on one side of the threshold."""
    assessment = progress.assessment if progress else None
    if assessment is None:
        return {
            "code": "none",
            "label": _("Not assessed"),
            "why": (progress.problem if progress else "") or _("No values to assess."),
        }
    verdict = assessment.verdict
    target = progress.target if progress else None
    year = target.year if target else ""
    # Lazy: only the verdict's own reason is translated, once per row.
    reasons = {
        "on_track": gettext_lazy(
            "The whole 95%% interval of the value projected for the end of %(year)s reaches "
            "the target."
        ),
        "needs_acceleration": gettext_lazy(
            "The whole interval of the projection is past the baseline but short of the target."
        ),
        "regressing": gettext_lazy(
            "The whole interval of the projection is on the wrong side of the baseline."
        ),
        "insufficient_data": gettext_lazy(
            "Fewer than 3 values under the current definition since the baseline: no trend "
            "can be fitted with an interval."
        ),
    }
    if verdict == "uncertain":
        possible = set(assessment.possible)
        if possible >= {"on_track", "regressing"}:
            why = _("The interval includes both the baseline and the target.")
        elif "on_track" in possible:
            why = _(
                "The interval includes the target: it may be on track, or it may need acceleration."
            )
        else:
            why = _(
                "The interval includes the baseline: it may need acceleration, or it may be "
                "regressing."
            )
    else:
        why = str(reasons[verdict]) % {"year": year}
    words = {"code": verdict, "label": str(VERDICT_LABELS[verdict]), "why": why}
    projection = assessment.anticipated
    if projection is not None and _uninformative(indicator, projection):
        # An interval over nearly all that is possible says nothing: no number that reads
        # like a verdict.
        words["projected"] = sentence(
            _("Too uncertain to project to the end of %(year)s."), {"year": year}
        )
    elif projection is not None:
        words["projected"] = sentence(
            # The interval is one piece, isolated whole: "(9.3–23.7)" must not turn around.
            _("Projected for the end of %(year)s: %(value)s %(interval)s."),
            {
                "year": year,
                "value": _number(indicator, _bounded(indicator, projection.value)),
                "interval": f"({_number(indicator, _bounded(indicator, projection.low))}–"
                f"{_number(indicator, _bounded(indicator, projection.high))})",
            },
        )
    if assessment.current_status is not None:
        words["status"] = sentence(
            # The share with its sign, isolated: "38%", never "%38".
            _("%(share)s of the required progress made since the baseline."),
            {"share": f"{round(assessment.current_status * 100)}%"},
        )
    return words


def _uninformative(indicator: Indicator, projection) -> bool:
    """A projection's interval that runs into what the kind cannot pass (below 0, above
    100%) or, for a proportion, spans 40 points or more: too wide to say anything."""
    if _bounded(indicator, projection.low) != projection.low:
        return True
    if _bounded(indicator, projection.high) != projection.high:
        return True
    return indicator.kind == "proportion" and projection.high - projection.low >= 0.4


def curve_words(progress: selectors.Progress | None, indicator: Indicator) -> dict:
    """Has the curve turned? yes / not yet / too early to tell, with the rule that fired."""
    if progress is None or progress.baseline is None:
        return {
            "code": "early",
            "label": _("Too early to tell"),
            "why": _("There is no baseline to compare with."),
        }
    curve = progress.curve
    if curve is None:
        return {
            "code": "early",
            "label": _("Too early to tell"),
            "why": _("Fewer than 6 values after the baseline period."),
        }
    if not curve.turned:
        return {
            "code": "no",
            "label": _("Not yet"),
            "why": _(
                "No shift (6 values in a row on one side of the baseline median) and no trend "
                "(5 values in a row rising or falling)."
            ),
        }
    labels = {
        "better": _("Yes, for the better"),
        "worse": _("Yes, for the worse"),
        "mixed": _("Signals both ways"),
    }
    signals = []
    for signal in curve.signals:
        if signal.rule == "shift":
            text = (
                _("%(points)s values in a row above the baseline median (%(median)s)")
                if signal.side == "up"
                else _("%(points)s values in a row below the baseline median (%(median)s)")
            )
        else:
            text = (
                _("%(points)s values in a row rising")
                if signal.side == "up"
                else _("%(points)s values in a row falling")
            )
        signals.append(
            sentence(text, {"points": signal.points, "median": _number(indicator, curve.median)})
        )
    return {
        "code": {"better": "yes", "worse": "worse"}.get(curve.direction or "", "mixed"),
        "label": labels[curve.direction or "better"],
        "why": format_html_join("; ", "{}", ((signal,) for signal in signals)),
    }


def chart_points(points: Sequence[selectors.SeriesPoint]) -> list[charts.ChartPoint]:
    found = []
    for point in points:
        shown = point.shown
        interval = shown.interval if not shown.hidden else None
        found.append(
            charts.ChartPoint(
                time=point.time,
                label=point.period,
                value=shown.value,
                low=interval.low if interval else None,
                high=interval.high if interval else None,
                segment=point.segment,
                hidden=shown.hidden,
                marker=shown.marker or "",
                hollow=shown.status in (ValueStatus.PROVISIONAL, ValueStatus.ESTIMATED),
            )
        )
    return found


def _sparkline(indicator: Indicator, name: str, points, latest_text: str) -> str:
    if not points:
        return ""
    title = _("%(name)s: %(count)s values from %(first)s to %(last)s; the latest, %(value)s.") % {
        "name": name,
        "count": len(points),
        "first": points[0].period,
        "last": points[-1].period,
        "value": latest_text,
    }
    return charts.sparkline_svg(
        [(p.time, p.shown.value, p.segment) for p in points],
        chart_id=f"spark-{indicator.pk}",
        title=title,
    )


def target_words(indicator: Indicator, target, *, public: bool) -> dict | None:
    if target is None:
        return None
    words = {
        "value": _number(indicator, float(target.value)),
        "year": target.year,
        "kind": str(TargetKind(target.kind).label),
        "committed": target.kind == TargetKind.COMMITTED,
    }
    decision = target.decision
    if decision is not None and not public:
        words["decision"] = decision
        words["decision_url"] = (
            reverse("meetings:detail", args=[decision.meeting_id])
            + f"?tab=minutes#outcome-{decision.pk}"
        )
    return words


_SENTINEL = 987654321


def _indicator_url() -> str:
    """The indicator page's address with a placeholder for the id: `reverse` once per page,
    not once per row."""
    return reverse("measurement:indicator", args=[_SENTINEL])


def _row(row: selectors.ScorecardRow, *, public: bool, url: str = "") -> dict:
    indicator = row.indicator
    name = indicator_name(indicator)
    value = value_words(indicator, row.latest.shown if row.latest else None)
    return {
        "indicator": indicator,
        "name": name,
        "url": None if public else url.replace(str(_SENTINEL), str(indicator.pk)),
        "sparkline": _sparkline(indicator, name, row.points, value["text"]),
        "latest": row.latest,
        "value": value,
        "target": target_words(indicator, row.progress.target, public=public),
        "verdict": verdict_words(row.progress, indicator),
        "curve": curve_words(row.progress, indicator),
        "session": None if public else (row.sessions[0] if row.sessions else None),
        "forecast": row.forecast,
        "has_values": bool(row.points),
    }


def _history_words(indicator: Indicator, revisions) -> list[dict]:
    return [
        {
            "revision": revision,
            "value": _number(indicator, _float(revision.value)),
            "fraction": f"{_plain(revision.numerator)}/{_plain(revision.denominator)}"
            if indicator.is_ratio and revision.denominator is not None
            else "",
        }
        for revision in revisions
    ]


def _float(number) -> float | None:
    return None if number is None else float(number)


def _plain(number) -> str:
    return "—" if number is None else f"{float(number):g}"


def _viewer(request: HttpRequest, role) -> Viewer:
    return Viewer.of(user=request.user, role=role)


# ---------------------------------------------------------------- the scorecard


@login_required
def scorecard(request: HttpRequest, framework_id: int) -> HttpResponse:
    framework, role = framework_get_for_user(user=request.user, pk=framework_id)
    viewer = _viewer(request, role)
    url = _indicator_url()
    rows = [_row(row, public=False, url=url) for row in selectors.scorecard(viewer, framework)]
    by_result: dict[int, list[dict]] = defaultdict(list)
    by_strategy: dict[int, dict[str, list[dict]]] = defaultdict(lambda: defaultdict(list))
    others = []
    for row in rows:
        indicator = row["indicator"]
        if indicator.result_id:
            by_result[indicator.result_id].append(row)
        elif indicator.strategy_id:
            by_strategy[indicator.strategy_id][indicator.category or ""].append(row)
        else:
            others.append(row)
    results = [
        {"result": result, "rows": by_result.get(result.pk, [])}
        for result in framework.results.select_related("geography")
    ]
    categories = [(value, label) for value, label in MeasureCategory.choices] + [
        ("", _("Not yet tagged"))
    ]
    strategies = []
    for strategy in framework.strategies.select_related("owner_organisation", "owner_group"):
        measures = by_strategy.get(strategy.pk, {})
        strategies.append(
            {
                "strategy": strategy,
                "categories": [
                    {"label": label, "rows": measures[value]}
                    for value, label in categories
                    if measures.get(value)
                ],
            }
        )
    return render(
        request,
        "measurement/scorecard.html",
        {
            "initiative": framework.initiative,
            "framework": framework,
            "role": role,
            "backbone": viewer.backbone,
            "results": results,
            "strategies": strategies,
            "others": others,
            "empty": not rows,
        },
    )


# ---------------------------------------------------------------- the dashboard


def dashboard(request: HttpRequest, framework_id: int) -> HttpResponse:
    """Members see what the agreements allow partners; anyone else sees the public values,
    and only when the backbone made the dashboard public (else 404 for a signed-in outsider,
    and the sign-in page for anyone else, as on every other page)."""
    granted = None
    if request.user.is_authenticated:
        try:
            granted = framework_get_for_user(user=request.user, pk=framework_id)
        except Http404:
            granted = None
    if granted is not None:
        framework, role = granted
        viewer = _viewer(request, role)
    else:
        public_one = Framework.objects.filter(pk=framework_id, public_dashboard=True)
        if not request.user.is_authenticated and not public_one.exists():
            # As every other page: sign in first (which says nothing of what exists).
            return redirect_to_login(request.get_full_path())
        framework = get_object_or_404(
            Framework.objects.select_related("initiative", "area"),
            pk=framework_id,
            public_dashboard=True,
        )
        role, viewer = None, Viewer.anonymous()
    public = viewer.public
    url = _indicator_url()
    rows = [_row(row, public=public, url=url) for row in selectors.scorecard(viewer, framework)]
    shown = [row for row in rows if row["has_values"]] if public else rows
    return render(
        request,
        "measurement/dashboard.html",
        {
            "initiative": framework.initiative,
            "framework": framework,
            "role": role,
            "public": public,
            "rows": shown,
            "unshared": len(rows) - len(shown),
        },
    )


# ---------------------------------------------------------------- an indicator


def _period_choice(request: HttpRequest, indicator: Indicator, periods: list[str]):
    """The drill-down's period from ?period=, checked: (period, error message or "")."""
    default = periods[-1] if periods else None
    raw = request.GET.get("period", "").strip()
    if not raw:
        return default, ""
    try:
        period = parse_period(raw, expected=indicator.period_type).code
    except PeriodError as error:
        return default, str(error)
    if period not in periods:
        return default, _("There are no values for %(period)s that you may see.") % {
            "period": period
        }
    return period, ""


def _key_choice(request: HttpRequest, indicator: Indicator) -> tuple[str, str]:
    raw = request.GET.get("key", "").strip()
    if not raw:
        return "", ""
    if raw not in selectors.keys_of(indicator):
        return "", _("“%(key)s” is not a disaggregation of this indicator.") % {"key": raw[:60]}
    return raw, ""


def _flag_words(flag: scorecard_selectors.PageFlag, indicator: Indicator, *, backbone: bool) -> str:
    where = selectors.key_label(flag.key)
    if flag.code == FlagCode.MISSING_CELL:
        return (
            _("%(cell)s is missing: the other parts of %(dimension)s were reported.")
            if backbone
            else _(
                "%(cell)s is missing or not shared with you: the other parts of %(dimension)s "
                "were reported."
            )
        ) % {"cell": where, "dimension": flag.dimension}
    if flag.code == FlagCode.PARTS_DO_NOT_ADD_UP:
        return _(
            "The parts of %(dimension)s add up to %(expected)s, but %(cell)s is %(reported)s."
        ) % {
            "dimension": flag.dimension,
            "expected": _number(indicator, flag.expected),
            "cell": where,
            "reported": _number(indicator, flag.reported),
        }
    return _("The reported value is %(reported)s; the units below it add up to %(expected)s.") % {
        "reported": _number(indicator, flag.reported),
        "expected": _number(indicator, flag.expected),
    }


def _series_chart(page: scorecard_selectors.IndicatorPage, points) -> charts.SeriesChart:
    progress = page.progress
    target = progress.target if progress else None
    chart = charts.SeriesChart(
        points=chart_points(points),
        baseline=page.baseline_value,
        baseline_segment=scorecard_selectors.baseline_segment(page, points),
        break_labels={
            version.number: _("Definition v%(number)s") % {"number": version.number}
            for version in page.versions
        },
    )
    if target is not None:
        chart.target = (float(target.year + 1), float(target.value))
        chart.target_label = _("Target, end of %(year)s") % {"year": target.year}
    # Counts, proportions and rates cannot go below 0 (nor a proportion above 1): the
    # cone stops there rather than promise the impossible.
    indicator = page.indicator
    chart.cone = [
        charts.ConePoint(
            p.time,
            _bounded(indicator, p.value),
            _bounded(indicator, p.low),
            _bounded(indicator, p.high),
        )
        for p in page.cone
    ]
    if page.forecast is not None:
        chart.judgement = (float(page.forecast.year + 1), float(page.forecast.value))
    return chart


def _bounded(indicator: Indicator, value: float) -> float:
    """A projected value within what the kind allows: counts, proportions and rates are never
    below 0, a proportion never above 1 (the straight line's interval does not know that)."""
    if indicator.kind in ("count", "proportion", "rate"):
        value = max(0.0, value)
    if indicator.kind == "proportion":
        value = min(1.0, value)
    return value


def _description(indicator: Indicator, points, chart: charts.SeriesChart) -> str:
    visible = [p for p in points if p.shown.value is not None]
    if not points:
        return _("No values yet.")
    parts = [
        _("%(count)s values from %(first)s to %(last)s.")
        % {"count": len(points), "first": points[0].period, "last": points[-1].period}
    ]
    if visible:
        parts.append(
            _("The latest shown, for %(period)s: %(value)s.")
            % {"period": visible[-1].period, "value": _number(indicator, visible[-1].shown.value)}
        )
    hidden = sum(1 for p in points if p.shown.hidden)
    if hidden:
        parts.append(_("%(count)s hidden as small numbers.") % {"count": hidden})
    if len(charts.break_times(chart.points)):
        parts.append(_("The definition changed: the line is not joined across the change."))
    if chart.baseline is not None:
        parts.append(_("Baseline %(value)s.") % {"value": _number(indicator, chart.baseline)})
    if chart.target is not None:
        parts.append(chart.target_label + ": " + _number(indicator, chart.target[1]) + ".")
    if chart.cone:
        end = chart.cone[-1]
        parts.append(
            _("The trend's forecast: %(value)s (%(low)s–%(high)s).")
            % {
                "value": _number(indicator, end.value),
                "low": _number(indicator, end.low),
                "high": _number(indicator, end.high),
            }
        )
    if chart.judgement is not None:
        parts.append(
            _("A judgement line (people's estimate, not data) ends at %(value)s.")
            % {"value": _number(indicator, chart.judgement[1])}
        )
    parts.append(_("The table below lists every value."))
    return " ".join(parts)


@login_required
def indicator_detail(request: HttpRequest, indicator_id: int) -> HttpResponse:
    indicator, role = indicator_get_for_user(user=request.user, pk=indicator_id)
    viewer = _viewer(request, role)
    framework = indicator.framework
    page = scorecard_selectors.indicator_page(viewer, indicator)
    periods = scorecard_selectors.indicator_periods(viewer, indicator)
    period, period_error = _period_choice(request, indicator, periods)
    key, key_error = _key_choice(request, indicator)
    name = indicator_name(indicator)
    chart = _series_chart(page, page.points)
    y_range = charts.nice_range(chart.values())
    # Two drawings of one chart: the page shows the narrow one on a phone (CSS).
    series_svg, series_svg_narrow = (
        charts.series_svg(
            chart,
            chart_id=f"series-{indicator.pk}{suffix}",
            title=_("%(name)s over time") % {"name": name},
            description=_description(indicator, page.points, chart),
            formatter=_formatter(indicator, y_range[2]),
            y_range=y_range,
            narrow=bool(suffix),
        )
        for suffix in ("", "-narrow")
    )
    histories = (
        scorecard_selectors.histories(viewer, indicator, geography=page.area) if page.area else {}
    )
    table = [
        {
            "point": point,
            "value": value_words(indicator, point.shown),
            "history": _history_words(indicator, histories.get(point.period, [])),
        }
        for point in page.points
    ]
    multiples = _multiples(page, indicator)
    drill, drill_problem, flags = [], "", []
    if period and page.area is not None:
        problem = ""
        if indicator.kind == Kind.MEAN:
            # A value entry carries no n, and means are weighted by theirs.
            problem = _("Means are weighted by their n: every part needs its n.")
        else:
            try:
                nodes = selectors.drill_down(
                    viewer, indicator, period=period, area=page.area, key=key
                )
            except ValueError as error:
                problem = str(error)
        if problem:
            nodes = scorecard_selectors.drill_down_reported(
                viewer, indicator, period=period, area=page.area, key=key
            )
            drill_problem = " ".join(
                (problem, _("Only the reported values are shown; none is aggregated."))
            )
        drill_histories = scorecard_selectors.period_histories(
            viewer, indicator, period=period, key=key
        )
        drill = [
            {
                "node": node,
                "value": value_words(indicator, node.shown),
                "indent": node.depth,
                "history": _history_words(indicator, drill_histories.get(node.unit.pk, []))
                if node.reported
                else [],
            }
            for node in nodes
        ]
        flags = [
            {"flag": flag, "text": _flag_words(flag, indicator, backbone=viewer.backbone)}
            for flag in scorecard_selectors.quality_flags(
                viewer, indicator, period=period, area=page.area
            )
        ]
    progress = page.progress
    return render(
        request,
        "measurement/indicator_detail.html",
        {
            "initiative": framework.initiative,
            "framework": framework,
            "indicator": indicator,
            "name": name,
            "role": role,
            "backbone": viewer.backbone,
            "page": page,
            "series_svg": series_svg,
            "series_svg_narrow": series_svg_narrow,
            "legend": {
                "hollow": any(p.hollow for p in chart.points),
                "baseline": chart.baseline is not None,
                "target": chart.target is not None,
                "cone": bool(chart.cone),
                "judgement": chart.judgement is not None,
                "breaks": bool(charts.break_times(chart.points)),
                "hidden": any(p.hidden for p in chart.points),
            },
            "table": table,
            "latest": value_words(indicator, page.latest.shown if page.latest else None),
            "target": target_words(indicator, progress.target if progress else None, public=False),
            "verdict": verdict_words(progress, indicator),
            "curve": curve_words(progress, indicator),
            "baseline": progress.baseline if progress else None,
            "baseline_text": _number(indicator, page.baseline_value)
            if page.baseline_value is not None
            else None,
            "multiples": multiples,
            "periods": periods,
            "period": period,
            "period_error": period_error,
            "keys": [
                (k, scorecard_selectors.key_label_of(indicator, k))
                for k in selectors.keys_of(indicator)
            ],
            "versions": scorecard_selectors.versions_of(page),
            "key": key,
            "key_error": key_error,
            "drill": drill,
            "drill_problem": drill_problem,
            "flags": flags,
            "session": page.sessions[0] if page.sessions else None,
            "earlier_sessions": page.sessions[1:],
        },
    )


def _multiples(page: scorecard_selectors.IndicatorPage, indicator: Indicator) -> list[dict]:
    """One small chart per value of each dimension, all on one scale and one time axis."""
    found: list[dict] = []
    all_points = [
        charts.SeriesChart(points=chart_points(multiple.points))
        for dimension in page.dimensions
        for multiple in dimension.multiples
    ]
    values = [v for chart in all_points for v in chart.values()]
    times = [t for chart in all_points for t in chart.times()]
    if not values or not times:
        return []
    y_range = charts.nice_range(values, ticks=4)
    pad = (max(times) - min(times)) * 0.03 or 0.5
    t_range = (min(times) - pad, max(times) + pad)
    for dimension in page.dimensions:
        items: list[dict] = []
        for multiple in dimension.multiples:
            chart = charts.SeriesChart(points=chart_points(multiple.points))
            label = f"{dimension.label}: {multiple.value}"
            items.append(
                {
                    "label": label,
                    "value": multiple.value,
                    "svg": charts.series_svg(
                        chart,
                        chart_id=f"multiple-{indicator.pk}-{len(found)}-{len(items)}",
                        title=label,
                        description=_description(indicator, multiple.points, chart),
                        formatter=_formatter(indicator, y_range[2]),
                        y_range=y_range,
                        t_range=t_range,
                        compact=True,
                    ),
                }
            )
        periods = list(
            dict.fromkeys(
                point.period
                for point in sorted(
                    (p for multiple in dimension.multiples for p in multiple.points),
                    key=lambda p: p.time,
                )
            )
        )
        by_period = [
            {p.period: value_words(indicator, p.shown) for p in multiple.points}
            for multiple in dimension.multiples
        ]
        found.append(
            {
                "dimension": dimension,
                "items": items,
                "table": [
                    {
                        "period": period,
                        "cells": [
                            {"label": multiple.value, "value": cells.get(period)}
                            for multiple, cells in zip(dimension.multiples, by_period, strict=True)
                        ],
                    }
                    for period in periods
                ],
            }
        )
    return found
