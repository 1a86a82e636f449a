"""A value as a partner types it, checked against its indicator before anything is written.

`entry_check` is shared by the reporting form, the API and the imports, so "N/A" in a numeric
cell, a numerator above its denominator or an unknown disaggregation value get the same
message everywhere. Pure apart from reading the indicator's fields: no queries.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .aggregation import RATIO_KINDS, Kind, value_of
from .keys import SchemaError, key_check, key_parse, schema_from_json
from .periods import Period, PeriodError, parse_period

MAX_ABS = Decimal("1e13")
PLACES = Decimal("0.000001")  # values are stored with six decimals

# Lazy, so that a message and the field it names are in the same language: the one active
# when the message is made.
LABELS = {
    "numerator": gettext_lazy("The numerator"),
    "denominator": gettext_lazy("The denominator"),
    "value": gettext_lazy("The value"),
    "standard_error": gettext_lazy("The standard error"),
}


@dataclass(frozen=True)
class CleanEntry:
    """A checked value, ready to be stored."""

    period: Period
    key: str
    value: Decimal | None
    numerator: Decimal | None
    denominator: Decimal | None
    standard_error: Decimal | None
    status: str = "final"
    source_dataset: str = ""
    source_url: str = ""
    retrieved_on: dt.date | None = None


def number(
    raw: Any, label: str | Promise, *, required: bool = False, exact: bool = False
) -> Decimal | None:
    """A plain number from a form, a file or JSON, or a ValidationError naming the field
    (`label`, translated when the message is made). Accepts 1234.5, "1,234.5" (thousands
    separators) and " 12 "; refuses "N/A", "see description", "12%", true and false,
    "1_000", anything not finite and a number too small to keep with six decimals ("1e-30").
    `exact`: also refuse any number that six decimals would round (a ratio's parts)."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        if required:
            raise ValidationError(_("%(field)s is required.") % {"field": str(label)})
        return None
    if isinstance(raw, bool) or (isinstance(raw, float) and not math.isfinite(raw)):
        raise ValidationError(_("%(field)s must be a number.") % {"field": str(label)})
    text = str(raw).strip().replace("\u2212", "-")
    if "," in text and "." not in text and text.count(",") == 1 and len(text.split(",")[1]) != 3:
        text = text.replace(",", ".")  # a decimal comma: 12,5
    else:
        text = text.replace(",", "")
    try:
        if "_" in text:  # Decimal reads "1_000" as 1000; a person did not mean that
            raise InvalidOperation
        result = Decimal(text)
    except InvalidOperation:
        raise ValidationError(
            _("%(field)s must be a number, not “%(value)s”.")
            % {"field": str(label), "value": str(raw)[:40]}
        ) from None
    if not result.is_finite() or abs(result) >= MAX_ABS:
        raise ValidationError(_("%(field)s must be a number.") % {"field": str(label)})
    kept = result.quantize(PLACES)
    if (kept == 0 and result != 0) or (exact and kept != result):
        raise ValidationError(
            _("%(field)s has more than six decimals; values are kept to six.")
            % {"field": str(label)}
        )
    return kept


def entry_check(
    indicator: Any,
    *,
    period: Any,
    key: Any = "",
    value: Any = None,
    numerator: Any = None,
    denominator: Any = None,
    standard_error: Any = None,
    status: str = "final",
    source_dataset: str = "",
    source_url: str = "",
    retrieved_on: dt.date | None = None,
) -> CleanEntry:
    """The entry once every field is right for `indicator`; a ValidationError with one message
    per field otherwise. Proportions and rates take a numerator and a denominator and their
    value is computed; other kinds take the value. `key` is a dict or a typed key string."""
    errors: dict[str, list[str]] = {}

    def wrong(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    try:
        parsed_period = parse_period(period, expected=indicator.period_type)
    except PeriodError as error:
        wrong("period", str(error))
        parsed_period = None
    try:
        schema = schema_from_json(indicator.dimensions)
        stored_key = (
            key_check(key, schema) if isinstance(key, dict) else key_parse(str(key or ""), schema)
        )
    except SchemaError as error:
        wrong("disaggregation", str(error))
        stored_key = ""
    numbers: dict[str, Decimal | None] = {}
    kind = Kind(indicator.kind)
    ratio = kind in RATIO_KINDS
    for field, raw, required in (
        ("numerator", numerator, ratio),
        ("denominator", denominator, ratio),
        ("value", value, not ratio),
        ("standard_error", standard_error, False),
    ):
        try:
            exact = ratio and field in ("numerator", "denominator")
            numbers[field] = number(raw, LABELS[field], required=required, exact=exact)
        except ValidationError as error:
            wrong(field, error.messages[0])
            numbers[field] = None
    computed = numbers["value"]
    if ratio and "numerator" not in errors and "denominator" not in errors:
        top, bottom = numbers["numerator"], numbers["denominator"]
        try:
            # Both are there: a ratio requires them, and a missing one is an error above.
            result = value_of(
                kind=kind,
                numerator=float(cast(Decimal, top)),
                denominator=float(cast(Decimal, bottom)),
                per=indicator.per,
            )
        except ValueError as error:
            wrong("numerator", str(error))
        else:
            computed = None if result is None else Decimal(repr(result)).quantize(PLACES)
            if (
                numbers["value"] is not None
                and computed is not None
                and abs(numbers["value"] - computed)
                > Decimal("0.0005") * max(Decimal(1), abs(computed))
            ):
                wrong(
                    "value",
                    _(
                        "The value is computed from the numerator and the denominator; "
                        "leave it empty."
                    ),
                )
    elif not ratio:
        for field in ("numerator", "denominator"):
            if numbers[field] is not None:
                wrong(field, _("This kind of indicator has no numerator or denominator."))
        if kind is Kind.COUNT and computed is not None:
            if computed < 0:
                wrong("value", _("A count cannot be negative."))
            elif computed != computed.to_integral_value():
                wrong("value", _("A count is a whole number."))
    if numbers["standard_error"] is not None and numbers["standard_error"] < 0:
        wrong("standard_error", _("The standard error cannot be negative."))
    if status not in ("provisional", "estimated", "final"):
        wrong("status", _("The status must be provisional, estimated or final."))
    if errors:
        raise ValidationError(errors)
    if parsed_period is None:  # unreachable: a bad period is an error above
        raise ValidationError({"period": _("Enter a period.")})
    return CleanEntry(
        period=parsed_period,
        key=stored_key,
        value=computed,
        numerator=numbers["numerator"],
        denominator=numbers["denominator"],
        standard_error=numbers["standard_error"],
        status=status,
        source_dataset=(source_dataset or "")[:300],
        source_url=(source_url or "")[:200],
        retrieved_on=retrieved_on,
    )
