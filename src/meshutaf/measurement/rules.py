"""Validation rules over indicator expressions, parsed and evaluated without a database.

A rule is `left operator right`. Each side is arithmetic (+ − × ÷, parentheses, numbers) over
terms naming values of the same geography unit and period:

    EDU1                  the indicator's total
    EDU1[sex=female]      one cell of its disaggregation
    EDU1.numerator        a proportion's or rate's numerator (.denominator likewise)
    {1-1-1}               a code with characters other than letters, digits and _

Examples: `EDU1[sex=female] + EDU1[sex=male] == EDU1`; `EDU1.numerator <= EDU1.denominator`.
The operator `change` compares the left side with its own value in the previous period: the
rule holds when it changed by at most `right` per cent. A term whose value is missing makes the
rule not apply (it is neither met nor broken), so a partner can enter one cell at a time.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from .keys import SchemaError, key_string, typed_cells

OPERATORS = ("==", "<=", ">=", "<", ">", "change")
TOLERANCE = 1e-9
_TOKEN = re.compile(
    r"\s*(?:(?P<number>\d+(?:\.\d+)?)|(?P<braced>\{[^{}]{1,60}\})|(?P<name>[A-Za-z][A-Za-z0-9_]{0,39})"
    r"|(?P<cell>\[[^\[\]]{1,200}\])|(?P<part>\.(?:numerator|denominator))|(?P<op>[-+*/()]))"
)


class RuleError(ValueError):
    """An expression that cannot be read; the message says where."""


@dataclass(frozen=True)
class Term:
    code: str
    key: str  # the disaggregation key as typed, checked by the caller against the schema
    part: str  # "value", "numerator" or "denominator"


Lookup = Callable[[Term], float | None]


@dataclass(frozen=True)
class Expression:
    text: str
    tree: tuple

    @property
    def terms(self) -> list[Term]:
        found: list[Term] = []

        def walk(node: tuple) -> None:
            if node[0] == "term":
                found.append(node[1])
            elif node[0] in ("+", "-", "*", "/"):
                walk(node[1])
                walk(node[2])
            elif node[0] == "neg":
                walk(node[1])

        walk(self.tree)
        return found

    def evaluate(self, lookup: Lookup) -> float | None:
        return _evaluate(self.tree, lookup)


def _tokens(text: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    position = 0
    text = text.rstrip()
    while position < len(text):
        match = _TOKEN.match(text, position)
        if not match or match.end() == position:
            raise RuleError(
                _("The expression cannot be read from “%(rest)s”.")
                % {"rest": text[position:][:30].strip()}
            )
        kind = match.lastgroup or ""
        tokens.append((kind, match.group(kind)))
        position = match.end()
    return tokens


def parse(text: str) -> Expression:
    if len(text) > 500:
        raise RuleError(_("An expression can be at most 500 characters long."))
    tokens = _tokens(text)
    if not tokens:
        raise RuleError(_("The expression is empty."))
    tree, rest = _sum(tokens, 0)
    if rest != len(tokens):
        raise RuleError(
            _("The expression cannot be read from “%(rest)s”.") % {"rest": tokens[rest][1]}
        )
    return Expression(text=text.strip(), tree=tree)


def _sum(tokens, i):
    left, i = _product(tokens, i)
    while i < len(tokens) and tokens[i] in (("op", "+"), ("op", "-")):
        operator = tokens[i][1]
        right, i = _product(tokens, i + 1)
        left = (operator, left, right)
    return left, i


def _product(tokens, i):
    left, i = _unary(tokens, i)
    while i < len(tokens) and tokens[i] in (("op", "*"), ("op", "/")):
        operator = tokens[i][1]
        right, i = _unary(tokens, i + 1)
        left = (operator, left, right)
    return left, i


def _unary(tokens, i):
    if i < len(tokens) and tokens[i] == ("op", "-"):
        inner, i = _unary(tokens, i + 1)
        return ("neg", inner), i
    return _atom(tokens, i)


def _atom(tokens, i):
    if i >= len(tokens):
        raise RuleError(_("The expression ends too early."))
    kind, text = tokens[i]
    if kind == "number":
        return ("number", float(text)), i + 1
    if kind == "op" and text == "(":
        inner, i = _sum(tokens, i + 1)
        if i >= len(tokens) or tokens[i] != ("op", ")"):
            raise RuleError(_("A parenthesis is not closed."))
        return inner, i + 1
    if kind in ("name", "braced"):
        code = text[1:-1].strip() if kind == "braced" else text
        key, part = "", "value"
        i += 1
        if i < len(tokens) and tokens[i][0] == "cell":
            key = tokens[i][1][1:-1].strip()
            i += 1
        if i < len(tokens) and tokens[i][0] == "part":
            part = tokens[i][1][1:]
            i += 1
        return ("term", Term(code=code, key=key, part=part)), i
    raise RuleError(_("The expression cannot be read from “%(rest)s”.") % {"rest": text})


def _evaluate(node: tuple, lookup: Lookup) -> float | None:
    kind = node[0]
    if kind == "number":
        return node[1]
    if kind == "term":
        return lookup(node[1])
    if kind == "neg":
        inner = _evaluate(node[1], lookup)
        return None if inner is None else -inner
    left, right = _evaluate(node[1], lookup), _evaluate(node[2], lookup)
    if left is None or right is None:
        return None
    if kind == "+":
        return left + right
    if kind == "-":
        return left - right
    if kind == "*":
        return left * right
    return None if right == 0 else left / right


def holds(
    operator: str, left: float | None, right: float | None, *, previous: float | None = None
) -> bool | None:
    """Whether `left operator right` holds; None when a side (or, for "change", the previous
    value) is missing, so the rule does not apply."""
    if operator == "change":
        if left is None or right is None or previous is None:
            return None
        if previous == 0:
            return left == 0
        return abs(left - previous) / abs(previous) * 100 <= right + TOLERANCE
    if left is None or right is None:
        return None
    scale = max(1.0, abs(left), abs(right)) * TOLERANCE
    return {
        "==": abs(left - right) <= scale,
        "<=": left <= right + scale,
        ">=": left >= right - scale,
        "<": left < right - scale,
        ">": left > right + scale,
    }[operator]


# A stored cell's numbers, by (indicator id, period, stored key): {"value", "numerator",
# "denominator"}. One geography unit's cells: rules compare values of the same unit.
Cells = Mapping[tuple[int, str, str], Mapping[str, Any]]


def cells_reader(codes: Mapping[str, int], cells: Cells) -> Callable[[Term, str], float | None]:
    """`value_of(term, period)`: the number a term names in `cells` (None when absent)."""

    def value_of(term: Term, period: str) -> float | None:
        indicator_id = codes.get(term.code)
        if indicator_id is None:
            return None
        try:
            key = key_string(typed_cells(term.key))
        except SchemaError:
            return None  # checked when the rule was saved
        row = cells.get((indicator_id, period, key))
        number = None if row is None else row.get(term.part)
        return None if number is None else float(number)

    return value_of


def check(
    operator: str,
    left: Expression,
    right: Expression,
    value_of: Callable[[Term, str], float | None],
    *,
    period: str,
    previous_period: str | None,
) -> bool | None:
    """Whether a rule holds for one unit and period (None: it does not apply)."""

    def now(term: Term) -> float | None:
        return value_of(term, period)

    previous = None
    if operator == "change":
        if previous_period is None:
            return None

        def before(term: Term) -> float | None:
            return value_of(term, previous_period)

        previous = left.evaluate(before)
    return holds(operator, left.evaluate(now), right.evaluate(now), previous=previous)
