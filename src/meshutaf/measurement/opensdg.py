"""The file formats of the measurement import, without the database: which header holds which
field (in Hebrew, Arabic and English), the typed disaggregation key, status words, the check of
a row's form when no indicator is known, and the Open SDG data format, which many national SDG
platforms publish: one CSV file per indicator with the columns `Year`, any disaggregation
columns, `Units`, `Series`, `Observation status`, `GeoCode` and `Value` (an empty
disaggregation cell is the total). `importing.py` reads files with these; `write` makes an
Open SDG file from plain rows.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from pathlib import PurePath
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from meshutaf.core import imports
from meshutaf.core.exports import csv_safe
from meshutaf.core.text import normalize_name

from .aggregation import (
    RATIO_KINDS,
    Dimension,
    DisaggregationKey,
    FlagCode,
    Kind,
    QualityFlag,
)
from .entries import CleanEntry, number
from .keys import key_cells, key_string
from .periods import PeriodError, parse_period

DIMENSION_NAME = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
DIMENSION_VALUE = re.compile(r"^[^=|]{1,60}$")
NUMBERS = ("value", "numerator", "denominator", "standard_error")
# Header names per field, in English, Hebrew and Arabic ("|" between them), compared after
# `normalize_name`; the first field to claim a column keeps it.
_GUESSES = {
    "indicator": "indicator|indicator code|code|indicator id|מדד|קוד מדד|המדד|קוד|المؤشر|مؤشر"
    "|رمز المؤشر|الرمز",
    "geography": "geography|geocode|geo code|area|place|locality|unit|גאוגרפיה|גיאוגרפיה|אזור"
    "|יישוב|ישוב|קוד יישוב|מקום|المنطقة|الموقع|البلدة|رمز المنطقة",
    "period": "period|year|time|date|תקופה|שנה|الفترة|السنة",
    "disaggregation": "disaggregation|breakdown|key|cell|פילוח|פירוק|חתך|التصنيف|تفصيل|التفصيل",
    "value": "value|obs value|observation|ערך|הערך|القيمة|قيمة",
    "numerator": "numerator|מונה|البسط",
    "denominator": "denominator|מכנה|المقام",
    "standard_error": "standard error|se|std error|טעות תקן|الخطأ المعياري",
    "status": "status|observation status|obs status|סטטוס|מעמד|מצב|الحالة",
    "source": "source|data source|dataset|מקור|מקור הנתונים|المصدر",
}
LABELS = {
    "indicator": gettext_lazy("Indicator"),
    "geography": gettext_lazy("Geography"),
    "period": gettext_lazy("Period"),
    "disaggregation": gettext_lazy("Disaggregation"),
    "value": gettext_lazy("Value"),
    "numerator": gettext_lazy("Numerator"),
    "denominator": gettext_lazy("Denominator"),
    "standard_error": gettext_lazy("Standard error"),
    "status": gettext_lazy("Status"),
    "source": gettext_lazy("Source"),
}
FIELDS = tuple(
    imports.Field(name, LABELS[name], required=name == "period", guesses=tuple(text.split("|")))
    for name, text in _GUESSES.items()
)

YEAR, UNITS, SERIES, STATUS, GEOCODE, VALUE = (
    "Year",
    "Units",
    "Series",
    "Observation status",
    "GeoCode",
    "Value",
)
# Columns of the format that are neither a disaggregation nor one of the import's own fields.
PRESENTATION_COLUMNS = (UNITS, SERIES)
_FILE_NAME = re.compile(r"^indicator_([0-9a-z]+(?:-[0-9a-z]+)*)$|^(\d+(?:-[0-9a-z]+)+)$", re.I)

# The observation status as Open SDG files write it (SDMX OBS_STATUS codes or words), and ours.
STATUS_IN = {
    "": "final",
    "a": "final",
    "normal": "final",
    "normal value": "final",
    "final": "final",
    "p": "provisional",
    "provisional": "provisional",
    "provisional value": "provisional",
    "e": "estimated",
    "estimated": "estimated",
    "estimated value": "estimated",
    "estimate": "estimated",
    # Hebrew and Arabic, for files from local offices.
    "סופי": "final",
    "זמני": "provisional",
    "ארעי": "provisional",
    "אומדן": "estimated",
    "מוערך": "estimated",
    "نهائي": "final",
    "مؤقت": "provisional",
    "أولي": "provisional",
    "تقديري": "estimated",
    "مقدر": "estimated",
}
STATUS_OUT = {"final": "A", "provisional": "P", "estimated": "E"}


def status_from(text: str) -> str:
    """Our status for a cell of an `Observation status` column (or any status column); the
    text itself when it is unknown, for the entry check to refuse with its message."""
    cleaned = " ".join(str(text or "").split()).casefold()
    return STATUS_IN.get(cleaned, cleaned)


def code_slug(code: str) -> str:
    """An indicator's code as Open SDG file names write it: "1.2.1" → "1-2-1"; ASCII only."""
    return re.sub(r"[^0-9A-Za-z]+", "-", code).strip("-")


def indicator_codes_from_filename(filename: str) -> list[str]:
    """The codes a file named like Open SDG's own may stand for, best first:
    `indicator_1-2-1.csv` (or `1-2-1.csv`) is "1.2.1" or "1-2-1", `indicator_EDU1.csv` is
    "EDU1"; the last is the name's own spelling (`code_slug` of the code). None for another
    name."""
    match = _FILE_NAME.match(PurePath(filename or "").stem)
    if not match:
        return []
    slug = match.group(1) or match.group(2)
    dotted = slug.replace("-", ".")
    return [dotted, slug] if dotted != slug else [slug]


def write(
    rows: Iterable[Mapping],
    *,
    dimensions: Sequence[str],
    labels: Mapping[str, str] | None = None,
    units: str = "",
    series: str = "",
    area_code: str = "",
) -> str:
    """CSV text in the Open SDG format. Each row: `period`, `geography` (its code; the
    framework's area, `area_code`, is written as an empty GeoCode), `key` (the stored
    disaggregation key), `value` (a number or None) and `status`. The disaggregation columns
    are headed by the dimensions' `labels` (else their names), in the order given."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    headers = [(labels or {}).get(name, name) for name in dimensions]
    writer.writerow([YEAR, *(csv_safe(h) for h in headers), UNITS, SERIES, STATUS, GEOCODE, VALUE])
    for row in rows:
        cells = key_cells(row.get("key", "") or "")
        geography = row.get("geography", "") or ""
        writer.writerow(
            [
                row["period"],
                # Text a partner or the backbone typed may start like a formula.
                *(csv_safe(cells.get(name, "")) for name in dimensions),
                csv_safe(units),
                csv_safe(series),
                STATUS_OUT.get(row.get("status", "final"), ""),
                csv_safe("" if geography == area_code else geography),
                _number_text(row.get("value")),
            ]
        )
    return out.getvalue()


def _number_text(value) -> str:
    if value is None:
        return ""
    number = Decimal(str(value))
    if number == number.to_integral_value():
        return str(number.quantize(Decimal(1)))
    return format(number.normalize(), "f")


def unread_columns(table: Any, unmapped: Sequence[int], read: Mapping[int, str]) -> list[str]:
    """Warnings about the columns of `table` (an `imports.Table`) that no field maps and that
    are not `read` as dimensions; Open SDG's Units and Series only when they hold several
    values (then rows that differ only there are conflicts)."""
    presentation = {normalize_name(p) for p in PRESENTATION_COLUMNS}
    warnings = []
    for column in unmapped:
        header = table.headers[column]
        if column in read:
            continue
        if normalize_name(header) not in presentation:
            warnings.append(_("The column “%(column)s” is not read.") % {"column": header})
            continue
        values = sorted({row[column] for row in table.rows if row[column]})
        if len(values) > 1:
            warnings.append(
                _(
                    "The column “%(column)s” holds several values (%(values)s) but is not a "
                    "disaggregation of the indicator; rows that differ only there are conflicts."
                )
                % {"column": header, "values": ", ".join(values[:5])}
            )
    return warnings


def looks_open_sdg(headers: Sequence[str]) -> bool:
    names = {normalize_name(header) for header in headers}
    special = {normalize_name(name) for name in (*PRESENTATION_COLUMNS, GEOCODE)}
    return normalize_name(YEAR) in names and bool(names & special)


def form_check(
    raw: Mapping[str, str], key: Mapping[str, str], status: str, errors: list[str]
) -> CleanEntry | None:
    """Without an indicator: the period, the numbers and the status checked for their form
    only; what is wrong is appended to `errors`."""
    try:
        period = parse_period(raw.get("period", ""))
    except PeriodError as error:
        errors.append(str(error))
        period = None
    labels = {
        "value": _("The value"),
        "numerator": _("The numerator"),
        "denominator": _("The denominator"),
        "standard_error": _("The standard error"),
    }
    numbers: dict[str, Decimal | None] = {}
    for name, label in labels.items():
        try:
            numbers[name] = number(raw.get(name), str(label))
        except ValidationError as error:
            errors.extend(error.messages)
            numbers[name] = None
    top, bottom = numbers["numerator"], numbers["denominator"]
    if not errors:
        if numbers["value"] is None and top is None and bottom is None:
            errors.append(_("%(field)s is required.") % {"field": labels["value"]})
        elif (top is None) != (bottom is None):
            missing = labels["numerator"] if top is None else labels["denominator"]
            errors.append(_("%(field)s is required.") % {"field": missing})
        elif bottom is not None and bottom < 0:
            errors.append(_("%(field)s cannot be negative.") % {"field": labels["denominator"]})
        if numbers["standard_error"] is not None and numbers["standard_error"] < 0:
            errors.append(_("The standard error cannot be negative."))
    if status not in ("provisional", "estimated", "final"):
        errors.append(_("The status must be provisional, estimated or final."))
    if errors or period is None:
        return None
    return CleanEntry(
        period=period,
        key=key_string(key),
        value=numbers["value"],
        numerator=top,
        denominator=bottom,
        standard_error=numbers["standard_error"],
        status=status,
    )


def disaggregation_gaps(
    schema: Sequence[Dimension],
    cells: Mapping[DisaggregationKey, CleanEntry],
    *,
    kind: str,
    per: float = 1,
) -> list[QualityFlag]:
    """What `aggregation.check_disaggregation` flags, over checked entries and cheaper (an
    import checks 100,000 rows): for every reported cell and every dimension that sums to the
    total and is not in its key, once any part is reported all must be (MISSING_CELL); when
    all are, a count's parts must add up to it, and a proportion's or rate's numerators and
    denominators (PARTS_DO_NOT_ADD_UP). Means and indices are checked for missing parts only."""
    flags: list[QualityFlag] = []
    flagged: set[DisaggregationKey] = set()
    for key, entry in cells.items():
        names = {name for name, _value in key}
        for dimension in schema:
            if not dimension.sums_to_total or dimension.name in names:
                continue
            parts = [key | {(dimension.name, value)} for value in dimension.values]
            present = [cells[part] for part in parts if part in cells]
            if not present:
                continue
            missing = [part for part in parts if part not in cells and part not in flagged]
            flags += [QualityFlag(FlagCode.MISSING_CELL, part, dimension.name) for part in missing]
            flagged.update(missing)
            if len(present) < len(parts) or kind not in (*RATIO_KINDS, Kind.COUNT):
                continue
            reported: Decimal | None = entry.value
            expected: Decimal | None
            if kind == Kind.COUNT:
                expected = sum((part.value or Decimal(0) for part in present), Decimal(0))
            else:
                top = sum((part.numerator or Decimal(0) for part in present), Decimal(0))
                bottom = sum((part.denominator or Decimal(0) for part in present), Decimal(0))
                if (top, bottom) == (entry.numerator, entry.denominator):
                    continue
                multiplier = Decimal(per) if kind == Kind.RATE else Decimal(1)
                expected = top / bottom * multiplier if bottom else None
            if reported != expected:
                flags.append(
                    QualityFlag(
                        FlagCode.PARTS_DO_NOT_ADD_UP,
                        key,
                        dimension.name,
                        None if reported is None else float(reported),
                        None if expected is None else float(expected),
                    )
                )
    return flags


def payload_json(payload: tuple | None) -> Any:
    """A conflicting value for the report: the number, or its numerator and denominator (and
    the value computed from them) for a proportion or rate."""
    if payload is None:
        return None
    value, numerator, denominator, standard_error = (json_number(n) for n in payload)
    if numerator is None and denominator is None and standard_error is None:
        return value
    shown = {"value": value, "numerator": numerator, "denominator": denominator}
    if standard_error is not None:
        shown["standard_error"] = standard_error
    return shown


def json_number(number: Decimal | None) -> int | float | None:
    if number is None:
        return None
    return int(number) if number == number.to_integral_value() else float(number)
