"""The backbone's review queue, read: each submitted value with the change from the
previous period and its data-quality flags (a large change, a small count, the framework's
rules, disaggregation parts that do not add up). A fixed number of queries however long the
queue is. (Reads for one page; candidates for `selectors` once the page settles.)"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import formats
from django.utils.translation import gettext as _

from . import rules, selectors
from .aggregation import FlagCode, Kind, ObservationValue, check_disaggregation
from .keys import key_frozen, schema_from_json
from .models import Framework, Indicator, Observation, Severity, ValidationRule
from .periods import PeriodError, parse_period
from .reporting_forms import indicator_label, value_text
from .selectors import key_label

BIG_CHANGE = 50  # per cent: a change from the previous period this large is flagged


@dataclass
class ReviewRow:
    observation: Observation
    previous: Observation | None
    change: Decimal | None = None
    change_percent: float | None = None
    flags: list[str] = field(default_factory=list)

    @property
    def key_label(self) -> str:
        return key_label(self.observation.disaggregation, self.observation.indicator)

    @property
    def indicator_label(self) -> str:
        return indicator_label(self.observation.indicator)

    @property
    def value_text(self) -> str:
        return value_text(self.observation.indicator, self.observation)

    @property
    def previous_text(self) -> str:
        return value_text(self.observation.indicator, self.previous)

    @property
    def change_text(self) -> str:
        if self.change is None:
            return "—"
        indicator = self.observation.indicator
        proportion = indicator.kind == Kind.PROPORTION
        decimals = 0 if indicator.kind == Kind.COUNT else indicator.decimals
        shown = formats.number_format(self.change * (100 if proportion else 1), decimals)
        sign = "+" if self.change > 0 else ""
        text = _("%(change)s points") % {"change": sign + shown} if proportion else sign + shown
        if self.change_percent is not None:
            text += f" ({sign}{formats.number_format(self.change_percent, 0)}%)"
        return text


def review_rows(framework: Framework) -> list[ReviewRow]:
    """The queue with each value's change from the previous period and its data-quality
    flags: a large change, a small count, the framework's rules broken, and parts of a
    disaggregation that do not add up to their total. A fixed number of queries."""
    rows = [ReviewRow(o, p) for o, p in selectors.review_queue(framework)]
    for row in rows:
        value, before = row.observation.value, row.previous.value if row.previous else None
        if value is None or before is None:
            continue
        row.change = value - before
        if before != 0:
            row.change_percent = float(row.change / abs(before) * 100)
            if abs(row.change_percent) > BIG_CHANGE:
                row.flags.append(
                    _("Changed by more than %(percent)s%% from the previous period.")
                    % {"percent": BIG_CHANGE}
                )
    for row in rows:
        observation, indicator = row.observation, row.observation.indicator
        count = observation.value if indicator.kind == Kind.COUNT else observation.numerator
        if count is not None and 0 < count < indicator.suppression_k:
            row.flags.append(
                _("A small number: others will see it as “<%(k)s”.")
                % {"k": indicator.suppression_k}
            )
    if rows:
        _rule_flags(framework, rows)
    return rows


def _rule_flags(framework: Framework, rows: list[ReviewRow]) -> None:
    """Evaluate the framework's rules and the disaggregations' sums over the current values
    of the cells in the queue (and their previous periods), and flag the rows they touch."""
    periods: set[str] = set()
    for row in rows:
        periods.add(row.observation.period)
        try:
            periods.add(parse_period(row.observation.period).previous().code)
        except PeriodError:
            continue
    cells: dict[tuple[int, int, str, str], dict[str, Any]] = {}
    stored_cells = Observation.objects.filter(
        indicator__framework=framework,
        current=True,
        period__in=periods,
        geography_id__in={row.observation.geography_id for row in rows},
    ).values_list(
        "indicator_id",
        "geography_id",
        "period",
        "disaggregation",
        "value",
        "numerator",
        "denominator",
    )
    # Rules compare the values of one unit: its cells by (indicator, period, key).
    by_unit: dict[int, dict[tuple[int, str, str], dict[str, Any]]] = defaultdict(dict)
    for indicator_id, geography_id, period, key, value, numerator, denominator in stored_cells:
        stored = {"value": value, "numerator": numerator, "denominator": denominator}
        cells[(indicator_id, geography_id, period, key)] = stored
        by_unit[geography_id][(indicator_id, period, key)] = stored
    codes = dict(Indicator.objects.filter(framework=framework).values_list("code", "pk"))
    parsed = []
    for rule in ValidationRule.objects.filter(framework=framework):
        try:
            parsed.append((rule, rules.parse(rule.left), rules.parse(rule.right)))
        except rules.RuleError:
            continue
    by_table: dict[tuple[int, int, str], dict[str, dict[str, Any]]] = defaultdict(dict)
    for (indicator_id, geography_id, period, key), stored in cells.items():
        by_table[(indicator_id, geography_id, period)][key] = stored
    for row in rows:
        observation = row.observation
        value_of = rules.cells_reader(codes, by_unit[observation.geography_id])
        try:
            before: str | None = parse_period(observation.period).previous().code
        except PeriodError:
            before = None
        for rule, left, right in parsed:
            if observation.indicator.code not in {t.code for t in left.terms + right.terms}:
                continue
            verdict = rules.check(
                rule.operator,
                left,
                right,
                value_of,
                period=observation.period,
                previous_period=before,
            )
            if verdict is False:
                row.flags.append(
                    (
                        _("Rule not met: %(rule)s")
                        if rule.severity == Severity.ERROR
                        else _("Rule warning: %(rule)s")
                    )
                    % {"rule": rule.name}
                )
        _sum_flags(row, by_table)


def _sum_flags(row: ReviewRow, cells: dict) -> None:
    """Flag a row that is a total or a part of a disaggregation whose parts, all reported,
    do not add up to the total."""
    observation, indicator = row.observation, row.observation.indicator
    try:
        schema = schema_from_json(indicator.dimensions)
    except ValueError:
        return
    if not schema:
        return
    values = {}
    for key, stored in cells.get(
        (indicator.pk, observation.geography_id, observation.period), {}
    ).items():
        value = _value_of(indicator, stored)
        if value is not None:
            values[key_frozen(key)] = value
    try:
        flags = check_disaggregation(schema=schema, observations=values, tolerance=1e-6)
    except ValueError:
        return
    mine = key_frozen(observation.disaggregation)
    for flag in flags:
        if flag.code is not FlagCode.PARTS_DO_NOT_ADD_UP:
            continue
        where = flag.where
        if not isinstance(where, frozenset):
            continue
        extra = mine - where
        part = where < mine and len(extra) == 1 and next(iter(extra))[0] == flag.dimension
        if where == mine or part:
            row.flags.append(
                _("The parts of %(dimension)s do not add up: %(message)s")
                % {"dimension": flag.dimension, "message": flag.message}
            )


def _value_of(indicator: Indicator, stored: dict) -> ObservationValue | None:
    try:
        if indicator.is_ratio:
            if stored["numerator"] is None or stored["denominator"] is None:
                return None
            return ObservationValue(
                kind=Kind(indicator.kind),
                numerator=float(stored["numerator"]),
                denominator=float(stored["denominator"]),
                per=float(indicator.per) if indicator.kind == Kind.RATE else 1.0,
            )
        if stored["value"] is None or not math.isfinite(float(stored["value"])):
            return None
        return ObservationValue(kind=Kind(indicator.kind), value=float(stored["value"]))
    except ValueError:
        return None
