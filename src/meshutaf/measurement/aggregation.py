"""Adding indicator values up honestly: over partners, over the geography tree, over
disaggregations. Pure Python, no database; the selectors feed it plain values.

What each kind of indicator adds up to (issue 14, "The math"):

- **count**: counts add.
- **proportion** and **rate per N**: numerators add and denominators add, and the value is
  computed again from the sums. 15/50 (30%) and 15/100 (15%) make 30/150 = 20%, never the
  22.5% that averaging the percentages gives. Averaging percentages is the mistake Akvo RSR
  made when it aggregated partners' results; Results-Based Accountability (Friedman, "Trying
  Hard Is Not Good Enough") asks for the population-level figure, which is the pooled one.
- **mean**: means are weighted by their n, so every part needs its n.
- **index** (a composite score, a Gini coefficient…): never aggregated, even with every n. An
  index of a union is not a weighted average of the parts' indices (Decidim's unchecked
  weighted progress is the warning). Recompute it from pooled data, or declare a mean score a
  mean.

A proportion's or rate's value is computed from its numerator and denominator, never typed
(Akvo RSR stored "N/A" in numeric fields). An aggregated value says so (`aggregated`, `parts`),
so pages tell it from a reported one. Standard errors combine as for independent parts.

Aggregation is associative (aggregate(aggregate(A), aggregate(B)) = aggregate(A + B)), so a
roll-up over the tree equals the flat aggregate of its leaves. A node that reports its own value
keeps it, with a data-quality flag if its children's aggregate differs (as DHIS2's validation
rules do); likewise for disaggregations whose parts must add up to the total.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Generic, TypeVar

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

Node = TypeVar("Node", bound=Hashable)
DisaggregationKey = frozenset[tuple[str, str]]
TOTAL: DisaggregationKey = frozenset()


class Kind(StrEnum):
    COUNT = "count"
    PROPORTION = "proportion"
    RATE = "rate"
    MEAN = "mean"
    INDEX = "index"


RATIO_KINDS = frozenset({Kind.PROPORTION, Kind.RATE})
# Field names for error messages, translated only if an error is shown.
_NUMERATOR, _DENOMINATOR = gettext_lazy("The numerator"), gettext_lazy("The denominator")
_MULTIPLIER, _VALUE = gettext_lazy("The multiplier"), gettext_lazy("The value")
_STANDARD_ERROR = gettext_lazy("The standard error")


def _number(name: object, value: object, *, minimum: float | None = 0.0) -> float:
    """A finite real number (at least `minimum`), or a ValueError saying which field is wrong."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value):
        wrong = _("%(name)s must be a number, not %(value)r.")
        raise ValueError(wrong % {"name": name, "value": value})
    number = float(value)
    if minimum is not None and number < minimum:
        raise ValueError(_("%(name)s cannot be negative.") % {"name": name})
    return number


def value_of(
    *, kind: Kind | str, numerator: object, denominator: object, per: object = 1
) -> float | None:
    """The value of a proportion (numerator / denominator, a fraction 0…1) or a rate
    (numerator / denominator × per). None when the denominator is 0: there is no value."""
    kind = Kind(kind)
    if kind not in RATIO_KINDS:
        raise ValueError(_("Only proportions and rates have a numerator and a denominator."))
    top = _number(_NUMERATOR, numerator)
    bottom = _number(_DENOMINATOR, denominator)
    if (multiplier := _number(_MULTIPLIER, per)) <= 0:
        raise ValueError(_("The multiplier of a rate must be positive."))
    if kind is Kind.PROPORTION and top > bottom:
        raise ValueError(
            _("The numerator (%(numerator)g) cannot be above the denominator (%(denominator)g).")
            % {"numerator": top, "denominator": bottom}
        )
    if bottom == 0:
        return None
    return top / bottom * (multiplier if kind is Kind.RATE else 1.0)


@dataclass(frozen=True)
class ObservationValue:
    """One value of an indicator, reported or aggregated (`aggregated`, standing for `parts`
    reported values). A proportion's or rate's `value` is computed from its numerator and
    denominator; a typed one that disagrees is refused. `n` is a mean's (or index's) sample
    size, `per` a rate's multiplier (1000 for "per 1,000")."""

    kind: Kind
    value: float | None = None
    numerator: float | None = None
    denominator: float | None = None
    n: int | None = None
    per: float = 1.0
    standard_error: float | None = None
    aggregated: bool = False
    parts: int = 1

    def __post_init__(self) -> None:
        kind = Kind(self.kind)
        fields: dict[str, object] = {"kind": kind, "per": _number(_MULTIPLIER, self.per)}
        if kind in RATIO_KINDS:
            if self.numerator is None or self.denominator is None:
                raise ValueError(_("A proportion or a rate needs a numerator and a denominator."))
            computed = value_of(
                kind=kind, numerator=self.numerator, denominator=self.denominator, per=self.per
            )
            if self.value is not None and not math.isclose(self.value, computed or math.nan):
                raise ValueError(_("The value of a proportion or a rate is computed, not typed."))
            fields |= {"value": computed, "numerator": float(self.numerator)}
            fields["denominator"] = float(self.denominator)
        elif self.numerator is not None or self.denominator is not None:
            raise ValueError(_("Only proportions and rates have a numerator and a denominator."))
        else:
            minimum = 0.0 if kind is Kind.COUNT else None
            fields["value"] = _number(_VALUE, self.value, minimum=minimum)
        if kind is not Kind.RATE and fields["per"] != 1.0:
            raise ValueError(_("Only rates have a multiplier (per N)."))
        if self.n is not None and kind not in (Kind.MEAN, Kind.INDEX):
            raise ValueError(_("Only means and indices carry an n."))
        if self.n is not None and (not isinstance(self.n, numbers.Integral) or self.n < 1):
            raise ValueError(_("n must be a whole number of at least 1."))
        if self.standard_error is not None:
            fields["standard_error"] = _number(_STANDARD_ERROR, self.standard_error)
        if self.parts < 1:
            raise ValueError(_("parts must be at least 1."))
        for name, value in fields.items():
            object.__setattr__(self, name, value)

    @classmethod
    def count(cls, value: float) -> ObservationValue:
        return cls(Kind.COUNT, value)

    @classmethod
    def proportion(cls, numerator: float, denominator: float) -> ObservationValue:
        return cls(Kind.PROPORTION, numerator=numerator, denominator=denominator)

    @classmethod
    def rate(cls, numerator: float, denominator: float, per: float) -> ObservationValue:
        return cls(Kind.RATE, numerator=numerator, denominator=denominator, per=per)

    @classmethod
    def mean(cls, value: float, n: int | None) -> ObservationValue:
        return cls(Kind.MEAN, value, n=n)


def aggregate(observations: Iterable[ObservationValue]) -> ObservationValue:
    """One value for all the parts, marked `aggregated` with the number of reported `parts`
    it stands for. Mixing kinds or rate multipliers, an index, or a mean without its n is
    refused with a ValueError saying why."""
    items = list(observations)
    if not items:
        raise ValueError(_("There is nothing to aggregate."))
    kind = items[0].kind
    if any(item.kind is not kind for item in items):
        raise ValueError(_("Values of different kinds cannot be aggregated together."))
    if kind is Kind.INDEX:
        # Not even with every part's n: the index of a whole (a Gini, a composite score) is not
        # an average of its parts' indices. Indices that are mean scores are declared means.
        raise ValueError(_("An index cannot be aggregated: compute it again from pooled data."))
    fields: dict[str, Any]
    if kind is Kind.COUNT:
        weights = [1.0] * len(items)
        fields = {"value": math.fsum(item.value or 0.0 for item in items)}
    elif kind in RATIO_KINDS:
        if any(item.per != items[0].per for item in items):
            raise ValueError(_("Rates per different N cannot be aggregated together."))
        denominator = math.fsum(item.denominator or 0.0 for item in items)
        weights = [(item.denominator or 0.0) / (denominator or 1.0) for item in items]
        numerator = math.fsum(item.numerator or 0.0 for item in items)
        fields = {"numerator": numerator, "denominator": denominator, "per": items[0].per}
    else:
        if any(item.n is None for item in items):
            raise ValueError(_("Means are weighted by their n: every part needs its n."))
        total = sum(item.n or 0 for item in items)
        weights = [(item.n or 0) / total for item in items]
        value = math.fsum((item.n or 0) * (item.value or 0.0) for item in items) / total
        fields = {"value": value, "n": total}
    errors = [item.standard_error for item in items]
    # The result is a fixed-weight sum of independent parts (weights 1 for counts, den/Σden for
    # ratios, n/Σn for means): SE = √Σ(wᵢ·SEᵢ)². None without every part's SE, or with no value.
    if all(error is not None for error in errors) and any(weights):
        pairs = zip(weights, errors, strict=True)
        fields["standard_error"] = math.sqrt(math.fsum((w * (e or 0.0)) ** 2 for w, e in pairs))
    parts = sum(item.parts for item in items)
    return ObservationValue(kind, aggregated=True, parts=parts, **fields)


class FlagCode(StrEnum):
    REPORTED_DIFFERS_FROM_PARTS = "reported_differs_from_parts"
    PARTS_DO_NOT_ADD_UP = "parts_do_not_add_up"
    MISSING_CELL = "missing_cell"


@dataclass(frozen=True)
class QualityFlag:
    """A data-quality problem: where (a geography node or a disaggregation key), which
    dimension for disaggregations, the reported value and the one its parts give."""

    code: FlagCode
    where: Hashable
    dimension: str | None = None
    reported: float | None = None
    expected: float | None = None

    @property
    def message(self) -> str:
        """The problem in words, in the active language."""
        if self.code is FlagCode.MISSING_CELL:
            return _("A part of %(dimension)s is missing.") % {"dimension": self.dimension}
        return _("The reported value is %(reported)s; its parts give %(expected)s.") % {
            "reported": "—" if self.reported is None else f"{self.reported:g}",
            "expected": "—" if self.expected is None else f"{self.expected:g}",
        }


def _differs(reported: ObservationValue, parts: ObservationValue, tolerance: float) -> bool:
    """Whether two values disagree beyond `tolerance` (relative, with an absolute floor of
    1e-9 for zeros), in value, numerator, denominator and n."""
    pairs = [
        (reported.value, parts.value),
        (reported.numerator, parts.numerator),
        (reported.denominator, parts.denominator),
    ]
    if reported.n is not None and parts.n is not None:
        pairs.append((reported.n, parts.n))
    for left, right in pairs:
        if (left is None) != (right is None):
            return True
        close = left is None or math.isclose(left, right or 0.0, rel_tol=tolerance, abs_tol=1e-9)
        if not close:
            return True
    return False


def _aggregate_unless_indices(values: Sequence[ObservationValue]) -> ObservationValue | None:
    if not values or all(value.kind is Kind.INDEX for value in values):
        return None
    return aggregate(values)


@dataclass(frozen=True)
class NodeValue(Generic[Node]):
    """A node of the tree: the value pages show (its own reported one, else its children's
    aggregate), whether it was reported, and how many direct children had a value."""

    node: Node
    value: ObservationValue | None
    reported: bool
    children: int
    children_with_value: int
    children_aggregate: ObservationValue | None


@dataclass(frozen=True)
class RollUp(Generic[Node]):
    nodes: Mapping[Node, NodeValue[Node]]
    flags: tuple[QualityFlag, ...]


def roll_up(
    *,
    children: Mapping[Node, Iterable[Node]],
    observations: Mapping[Node, ObservationValue],
    tolerance: float = 1e-9,
) -> RollUp[Node]:
    """Every node's value over a tree (parent → children), bottom-up and without recursion,
    in O(nodes). A node with a reported value keeps it; if all its children have values and
    their aggregate differs beyond the tolerance, a flag says so. A child with two parents or
    a cycle is a ValueError. An index's parents keep only their own reported values."""
    kids = {parent: list(nodes) for parent, nodes in children.items()}
    parent_of: dict[Node, Node] = {}
    every: dict[Node, None] = dict.fromkeys(kids)
    for parent, nodes in kids.items():
        for child in nodes:
            if child in parent_of:
                raise ValueError(_("%(node)r has two parents: not a tree.") % {"node": child})
            parent_of[child] = parent
            every[child] = None
    every.update(dict.fromkeys(observations))
    order: list[Node] = []
    stack = [node for node in every if node not in parent_of]
    while stack:
        node = stack.pop()
        order.append(node)
        stack.extend(kids.get(node, ()))
    if len(order) != len(every):
        raise ValueError(_("The geography has a cycle: this is not a tree."))
    results: dict[Node, NodeValue[Node]] = {}
    flags: list[QualityFlag] = []
    for node in reversed(order):
        own_children = kids.get(node, [])
        values = (results[child].value for child in own_children)
        with_value = [value for value in values if value is not None]
        children_aggregate = _aggregate_unless_indices(with_value)
        reported = observations.get(node)
        if (
            reported is not None
            and children_aggregate is not None
            and len(with_value) == len(own_children)
            and _differs(reported, children_aggregate, tolerance)
        ):
            code = FlagCode.REPORTED_DIFFERS_FROM_PARTS
            flags.append(QualityFlag(code, node, None, reported.value, children_aggregate.value))
        results[node] = NodeValue(
            node=node,
            value=reported if reported is not None else children_aggregate,
            reported=reported is not None,
            children=len(own_children),
            children_with_value=len(with_value),
            children_aggregate=children_aggregate,
        )
    return RollUp(nodes=results, flags=tuple(reversed(flags)))


@dataclass(frozen=True)
class Dimension:
    """A disaggregation dimension (sex, age band, neighbourhood…) with its allowed values;
    `sums_to_total` is False where the values overlap or do not cover everyone."""

    name: str
    values: tuple[str, ...]
    sums_to_total: bool = True


def disaggregation_key(cells: Mapping[str, str] | None = None) -> DisaggregationKey:
    """The key of a cell, e.g. {"sex": "female", "age": "0-17"}; {} or None is the total."""
    return frozenset((cells or {}).items())


def _validate_key(key: DisaggregationKey, schema: Mapping[str, Dimension]) -> set[str]:
    names = set()
    for name, value in key:
        dimension = schema.get(name)
        if dimension is None or value not in dimension.values:
            wrong = _("%(name)s = %(value)r is not in the disaggregation schema.")
            raise ValueError(wrong % {"name": name, "value": value})
        if name in names:
            raise ValueError(_("A cell has %(name)s twice.") % {"name": name})
        names.add(name)
    return names


def check_disaggregation(
    *,
    schema: Sequence[Dimension],
    observations: Mapping[DisaggregationKey, ObservationValue],
    tolerance: float = 1e-9,
) -> tuple[QualityFlag, ...]:
    """Flags for cells whose parts do not add up to them, and for missing parts.

    For every reported cell (the total, or a cross-cell such as "female") and every dimension
    that sums to the total and is not yet in the cell's key: once any part along that
    dimension is reported, all must be (else `missing_cell` for each absent one), and their
    aggregate must equal the cell (else `parts_do_not_add_up`). Indices are not summed. An
    unknown dimension or value is a ValueError.
    """
    by_name = {dimension.name: dimension for dimension in schema}
    names_of = {key: _validate_key(key, by_name) for key in observations}
    flags: list[QualityFlag] = []
    flagged_missing: set[DisaggregationKey] = set()
    for key, reported in observations.items():
        for dimension in schema:
            if not dimension.sums_to_total or dimension.name in names_of[key]:
                continue
            cells = [key | {(dimension.name, value)} for value in dimension.values]
            present = [observations[cell] for cell in cells if cell in observations]
            missing = [cell for cell in cells if cell not in observations]
            if not present:
                continue
            new = [cell for cell in missing if cell not in flagged_missing]
            flags += [QualityFlag(FlagCode.MISSING_CELL, cell, dimension.name) for cell in new]
            flagged_missing.update(new)
            parts = _aggregate_unless_indices(present)
            if missing or parts is None or reported.kind is Kind.INDEX:
                continue
            if _differs(reported, parts, tolerance):
                code = FlagCode.PARTS_DO_NOT_ADD_UP
                flags.append(QualityFlag(code, key, dimension.name, reported.value, parts.value))
    return tuple(flags)
