"""Importing indicator values from CSV, XLSX and the Open SDG data format: every row checked
against its indicator (`entries.entry_check`), conflicts and missing cells reported, and the
values written in bulk (`services.observations_write_many`) or not at all.

The columns (headers in Hebrew, Arabic or English: `opensdg.FIELDS`): indicator (its code),
geography (a unit's code; empty is the framework's area; "472" is also tried as "L472"),
period, disaggregation (a typed key, `sex=female|age=0-17`) or one column per dimension
(headed by its name or label; an empty cell is that dimension's total), value, numerator,
denominator, standard_error, status (final, provisional, estimated; Open SDG's A, P, E) and
source. An Open SDG file has `Year`, `GeoCode`, `Value`, `Observation status`; its indicator is
the one given, else the one its name says (`indicator_1-2-1.csv` is "1.2.1"); `Units` and
`Series` are read only where the indicator declares them as dimensions.

What is refused, row by row (each message with the row's number): "N/A" or any text in a
number's cell, a numerator above its denominator, an unknown disaggregation value, a period of
the wrong type, an unknown indicator or geography, a cell that cannot be changed now (approved,
locked, another partner's). The same cell twice with different values is a **conflict**,
listed with its values and never resolved by the import; the same cell twice with the same
values is counted once, with a warning. Parts missing from a declared disaggregation (and
parts that do not add up to their total) are warnings. One refused row writes nothing unless
the caller skips bad rows (`skip_bad`), which writes the others; a conflict's rows are all
bad rows.

Who writes what
---------------
The command line (`meshutaf measurement import`, `import_file`) acts as the backbone: the
operator at the console, or `--as USER`, a facilitator. Its values are the backbone's own
drafts (approved later on the review page), or with `--partner ORG` that partner's, submitted;
`--approve` approves them on import (a public source such as the CBS). A partner's upload on
the reporting pages writes that partner's values, submitted.

How a page uses it
------------------
One step: `checked = import_check_for(upload=, framework=, role=, partner=)` (the partner an
upload reports for; None for the backbone); show `checked.problem`, or `checked.rows`
(ObservationRow: .number, .values, .errors, .warnings) and `checked.rows.warnings`; then on
confirm `import_apply(checked, framework=, by=, role=, partner=, skip_bad=)`: an ImportReport,
or a ValidationError with nothing written. Staged (`core.imports`): `stage_receive(request,
spec=OBSERVATIONS_IMPORT, scope=, upload=)`, `stage.check(framework=, role=, partner=,
round=)`, `stage_apply(request, stage=, checked=, framework=, by=, role=, partner=, round=,
skip_bad=)`. With a round, only the indicators its task gives the partner are taken, for the
round's period. Geography codes are those `geographies_in` finds.
"""

from __future__ import annotations

import dataclasses
import functools
import gc
from collections import defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from meshutaf.core import imports
from meshutaf.core.access import Role
from meshutaf.core.text import normalize_name
from meshutaf.directory.models import Organisation

from . import opensdg, services
from .aggregation import FlagCode
from .entries import CleanEntry, entry_check
from .keys import SchemaError, key_check, key_frozen, key_string, schema_from_json, typed_cells
from .models import Framework, Geography, Indicator, ReportingRound
from .permissions import is_backbone, may_report_for

FORMATS = ("csv", "xlsx", "open-sdg")
MAX_BYTES = 64 * 1024 * 1024  # a file named on the command line
MAX_ROWS = 200_000
UPLOAD_MAX_BYTES = 20 * 1024 * 1024  # an upload on the reporting pages
UPLOAD_MAX_ROWS = 100_000
MAX_MESSAGES = 20  # in a refusal's ValidationError
MAX_WARNINGS = 1000

# ---------------------------------------------------------------- what a check gives


@dataclasses.dataclass
class ObservationRow(imports.ImportRow):
    """A row as the import sees it. `values` holds what will be stored, for a preview:
    indicator, geography, period (codes), disaggregation (the stored key), value, numerator,
    denominator. `errors` include the conflict's message (`conflict`); `duplicate_of` is the
    row this one repeats (counted once); `prepared` is what `services` writes."""

    warnings: list[str] = dataclasses.field(default_factory=list)
    prepared: services.Prepared | None = None
    cell: tuple[str, str, str, str] | None = None
    payload: tuple | None = None
    conflict: str = ""
    duplicate_of: int | None = None


class CheckedRows(list):
    """The rows of a check, with the warnings about the whole file (unread columns, missing
    cells), each {"row": N or None, "message": ...}."""

    def __init__(self, rows: Iterable[ObservationRow] = (), warnings: list[dict] | None = None):
        super().__init__(rows)
        self.warnings: list[dict] = warnings or []


@dataclasses.dataclass
class ImportReport:
    """What an import did; `as_json()` is the command line's contract (rows read, distinct
    valid observations, written, conflicts, errors). `warnings` (missing cells, repeated rows,
    unread columns) are apart; `refused`: nothing written for errors, conflicts or the write."""

    rows: int = 0
    observations: int = 0
    written: int = 0
    conflicts: list[dict] = dataclasses.field(default_factory=list)
    errors: list[dict] = dataclasses.field(default_factory=list)
    warnings: list[dict] = dataclasses.field(default_factory=list)
    refused: bool = False

    def as_json(self) -> dict:
        names = ("rows", "observations", "written", "conflicts", "errors")
        return {name: getattr(self, name) for name in names}


# ---------------------------------------------------------------- checking


@dataclasses.dataclass
class _IndicatorPlan:
    """An indicator's schema and how the file's dimension columns map onto it."""

    indicator: Indicator | None
    code: str
    schema: tuple = ()
    schema_error: str = ""
    columns: dict[int, tuple[str, dict[str, str]]] = dataclasses.field(default_factory=dict)

    @functools.cached_property
    def spellings(self) -> dict[str, dict[str, str]]:
        """Each dimension's values by their case-folded spelling."""
        return {d.name: {v.casefold(): v for v in d.values} for d in self.schema}

    @functools.cached_property
    def unkeyed(self) -> SimpleNamespace:
        """What `entry_check` reads of the indicator, without its schema (the key is checked
        once per file against `schema`, with the same function and words)."""
        fields = ("kind", "per", "period_type")
        return SimpleNamespace(dimensions=None, **{f: getattr(self.indicator, f) for f in fields})


def _gc_paused(function):
    """Run `function` without the cyclic garbage collector: a check makes several objects a
    row, none in a cycle, and the collector's passes over them cost a quarter of its time."""

    @functools.wraps(function)
    def paused(*args, **kwargs):
        enabled = gc.isenabled()
        gc.disable()
        try:
            return function(*args, **kwargs)
        finally:
            if enabled:
                gc.enable()

    return paused


@_gc_paused
def observations_check(
    table: imports.Table,
    *,
    framework: Framework | None = None,
    indicator: Indicator | str | None = None,
    partner: Organisation | None = None,
    role: Role | str | None = None,
    round: ReportingRound | None = None,
    open_sdg: bool | None = None,
) -> CheckedRows:
    """Every row of `table` checked: against the indicators and geography of `framework`
    when given (else numbers, periods and keys are checked for their form only), with
    `indicator` (an Indicator, or a code without a framework) for a file of one indicator.
    Nothing is written; a problem with the whole file is a ValidationError."""
    if framework is None and isinstance(indicator, Indicator):
        framework = indicator.framework
    headers = table.headers
    if open_sdg is None:
        open_sdg = opensdg.looks_open_sdg(headers)
    mapping = dict(table.mapping)
    if open_sdg and ("period" not in mapping or "value" not in mapping):
        raise ValidationError(
            _("An Open SDG file has the columns %(columns)s.")
            % {"columns": ", ".join((opensdg.YEAR, opensdg.GEOCODE, opensdg.VALUE))}
        )
    for field in ("period", "value"):
        if field not in mapping and not (field == "value" and "numerator" in mapping):
            raise ValidationError(
                _("Choose the column that holds the %(field)s.")
                % {"field": str(opensdg.LABELS[field]).lower()}
            )
    indicators: dict[str, Indicator] = {}
    if framework is not None:
        indicators = {i.code: i for i in Indicator.objects.filter(framework=framework)}
    fixed = _fixed_indicator(table, indicator, framework, indicators, open_sdg, mapping)
    warnings: list[dict] = []
    unmapped = [i for i in range(len(headers)) if i not in mapping.values() and headers[i]]
    plans = _plans(fixed, indicators, framework, headers, unmapped)
    dimension_columns = {
        column: headers[column] for plan in plans.values() for column in plan.columns
    }
    warnings += [
        {"row": None, "message": message}
        for message in opensdg.unread_columns(table, unmapped, dimension_columns)
    ]

    area = framework.area if framework is not None else None
    geographies = _geographies(table, mapping.get("geography"), framework)
    rows = CheckedRows(warnings=warnings)
    for number_, cells in enumerate(table.rows, start=table.first_number):
        row = ObservationRow(number=number_)
        rows.append(row)
        raw = {name: cells[column] for name, column in mapping.items()}
        plan = _row_plan(row, raw, fixed, plans, framework, indicators)
        geography = _row_geography(row, raw.get("geography", ""), framework, area, geographies)
        if plan is None:
            continue
        key_cells = _row_key(row, raw.get("disaggregation", ""), cells, plan, dimension_columns)
        if key_cells is None:
            continue
        status = opensdg.status_from(raw.get("status", ""))
        source = raw.get("source", "")
        is_address = source.startswith(("http://", "https://")) and len(source) <= 200
        if plan.indicator is not None:
            entry = _row_entry(row, plan, raw, key_cells, status, source, is_address)
        else:
            entry = opensdg.form_check(raw, key_cells, status, row.errors)
        if entry is None or row.errors:
            continue
        geography_code = geography.code if geography is not None else raw.get("geography", "")
        row.cell = (plan.code, geography_code, entry.period.code, entry.key)
        row.payload = tuple(getattr(entry, name) for name in opensdg.NUMBERS)
        row.values = {
            "indicator": plan.code,
            "geography": geography_code,
            "period": entry.period.code,
            "disaggregation": entry.key,
            **{name: getattr(entry, name) for name in opensdg.NUMBERS},
            "status": entry.status,
        }
        if plan.indicator is not None and geography is not None:
            row.prepared = services.Prepared(plan.indicator, geography, entry)
    _conflicts_mark(rows)
    if framework is not None:
        _blocked_mark(rows, role=role, partner=partner, round=round)
        _missing_warn(rows, plans)
    return rows


def _fixed_indicator(
    table: imports.Table,
    indicator: Indicator | str | None,
    framework: Framework | None,
    indicators: dict[str, Indicator],
    open_sdg: bool,
    mapping: dict[str, int],
) -> _IndicatorPlan | None:
    """The one indicator of the whole file, if there is one."""
    if isinstance(indicator, Indicator):
        if framework is not None and indicator.framework_id != framework.pk:
            raise PermissionDenied
        return _IndicatorPlan(indicator, indicator.code)
    code = (indicator or "").strip()
    if not code and open_sdg:
        codes = opensdg.indicator_codes_from_filename(table.filename)
        if framework is None:
            code = codes[0] if codes else ""
        else:
            slug = codes[-1] if codes else None  # the name's own spelling
            named = [c for c in indicators if c in codes or opensdg.code_slug(c) == slug]
            code = named[0] if len(named) == 1 else ""
            if not code and "indicator" not in mapping:
                raise ValidationError(
                    _(
                        "Say which indicator the file is for: its name does not name an "
                        "indicator of this framework."
                    )
                )
    if code:
        if framework is None:
            return _IndicatorPlan(None, code)
        if code not in indicators:
            raise ValidationError(
                _("No indicator of this framework has the code %(code)s.") % {"code": code}
            )
        return _IndicatorPlan(indicators[code], code)
    if "indicator" not in mapping and framework is not None:
        raise ValidationError(
            _("Choose the column that holds the %(field)s.")
            % {"field": str(opensdg.LABELS["indicator"]).lower()}
        )
    return None


def _plans(
    fixed: _IndicatorPlan | None,
    indicators: dict[str, Indicator],
    framework: Framework | None,
    headers: Sequence[str],
    unmapped: Sequence[int],
) -> dict[str, _IndicatorPlan]:
    """A plan per indicator the rows may name (by code), with its dimension columns. Without
    a framework, every unmapped column headed like a dimension name is one."""
    if framework is None:
        plan = fixed or _IndicatorPlan(None, "")
        presentation = {normalize_name(p) for p in opensdg.PRESENTATION_COLUMNS}
        for column in unmapped:
            header = normalize_name(headers[column])
            name = header.replace(" ", "_")
            if opensdg.DIMENSION_NAME.match(name) and header not in presentation:
                plan.columns[column] = (name, {})
        return {"": plan} if fixed is None else {plan.code: plan}
    chosen = [fixed] if fixed is not None else [_IndicatorPlan(i, c) for c, i in indicators.items()]
    plans = {}
    for plan in chosen:
        if plan.indicator is None:  # a framework's plans always have their indicator
            continue
        try:
            plan.schema = schema_from_json(plan.indicator.dimensions)
        except SchemaError as error:
            plan.schema_error = str(error)
        labels = {
            str(item.get("name", "")): str(item.get("label", ""))
            for item in plan.indicator.dimensions or []
            if isinstance(item, dict)
        }
        for dimension in plan.schema:
            names = {normalize_name(dimension.name), normalize_name(labels.get(dimension.name, ""))}
            names.discard("")
            for column in unmapped:
                if normalize_name(headers[column]) in names and column not in plan.columns:
                    values = {value.casefold(): value for value in dimension.values}
                    plan.columns[column] = (dimension.name, values)
        plans[plan.code] = plan
    return plans


def geographies_in(framework: Framework, codes: Iterable[str]) -> dict[str, Geography]:
    """The units of `codes` a value of `framework` may be for, by code: shared units and the
    framework's initiative's own, at or under its area. Another initiative's neighbourhood
    is not found, like a code nobody has. A query per 500 codes, then one per level above."""
    allowed = Q(initiative__isnull=True) | Q(initiative_id=framework.initiative_id)
    wanted = sorted(set(codes))
    found = {
        unit.code: unit
        for start in range(0, len(wanted), 500)
        for unit in Geography.objects.filter(allowed, code__in=wanted[start : start + 500])
    }
    area_id = framework.area_id
    parent_of = {unit.pk: unit.parent_id for unit in found.values()}
    pending = {p for p in parent_of.values() if p is not None} - set(parent_of)
    while pending and area_id is not None:  # the units' ancestors, a level at a time
        above = dict(Geography.objects.filter(pk__in=pending).values_list("pk", "parent_id"))
        parent_of.update(above)
        pending = {p for p in above.values() if p is not None} - set(parent_of)

    def under(unit_id: int | None) -> bool:
        for _step in range(len(parent_of) + 1):  # bounded, whatever the tree holds
            if unit_id is None or unit_id == area_id:
                return unit_id is not None
            unit_id = parent_of.get(unit_id)
        return False

    return {code: unit for code, unit in found.items() if area_id is None or under(unit.pk)}


def _geographies(
    table: imports.Table, column: int | None, framework: Framework | None
) -> dict[str, Geography]:
    """The units the file names, by the code written in it ("472" also read as "L472")."""
    if column is None or framework is None:
        return {}
    written = {row[column] for row in table.rows if row[column]}
    found = geographies_in(framework, written | {f"L{c}" for c in written if c.isdigit()})
    return {c: found.get(c) or found[f"L{c}"] for c in written if c in found or f"L{c}" in found}


def _row_plan(
    row: ObservationRow,
    raw: dict[str, str],
    fixed: _IndicatorPlan | None,
    plans: dict[str, _IndicatorPlan],
    framework: Framework | None,
    indicators: dict[str, Indicator],
) -> _IndicatorPlan | None:
    code = raw.get("indicator", "").strip()
    if fixed is not None:
        if code and code != fixed.code:
            row.errors.append(
                _("The file is for the indicator %(code)s; this row names %(other)s.")
                % {"code": fixed.code, "other": code[:40]}
            )
            return None
        plan = fixed
    elif framework is None:
        plan = dataclasses.replace(plans[""], code=code)
    elif not code:
        row.errors.append(_("%(field)s is required.") % {"field": _("The indicator")})
        return None
    elif code not in plans:
        row.errors.append(
            _("No indicator of this framework has the code %(code)s.") % {"code": code[:40]}
        )
        return None
    else:
        plan = plans[code]
    if plan.schema_error:
        row.errors.append(plan.schema_error)
        return None
    return plan


def _row_geography(
    row: ObservationRow,
    code: str,
    framework: Framework | None,
    area: Geography | None,
    geographies: dict[str, Geography],
) -> Geography | None:
    if framework is None:
        return None
    if not code:
        if area is None:
            row.errors.append(
                _("Say which geography unit the value is for: the framework has no area.")
            )
        return area
    unit = geographies.get(code)
    if unit is None:
        row.errors.append(_("No geography unit has the code %(code)s.") % {"code": code[:40]})
    return unit


def _row_key(
    row: ObservationRow,
    text: str,
    cells: list[str],
    plan: _IndicatorPlan,
    dimension_columns: dict[int, str],
) -> dict[str, str] | None:
    """The row's disaggregation cells (dimension → value), from the typed key and the
    dimension columns; values matched to the schema's spelling regardless of case."""
    try:
        found = typed_cells(text)
        for column, header in dimension_columns.items():
            if not cells[column]:
                continue
            if column not in plan.columns:  # another indicator's dimension
                allowed = ", ".join(d.name for d in plan.schema) or "—"
                raise SchemaError(
                    _("“%(name)s” is not a disaggregation of this indicator (it has: %(allowed)s).")
                    % {"name": header[:40], "allowed": allowed}
                )
            name = plan.columns[column][0]
            if name in found:
                raise SchemaError(_("The dimension %(name)s appears twice.") % {"name": name[:40]})
            found[name] = cells[column]
    except SchemaError as error:
        row.errors.append(str(error))
        return None
    spellings = plan.spellings
    for name, value in found.items():
        found[name] = spellings.get(name, {}).get(value.casefold(), value)
    if plan.indicator is None:
        for name, value in found.items():
            if not opensdg.DIMENSION_NAME.match(name):
                row.errors.append(
                    _(
                        "“%(name)s” is not a dimension name: use lower-case Latin letters, "
                        "digits and _."
                    )
                    % {"name": name[:40]}
                )
            elif not opensdg.DIMENSION_VALUE.match(value):
                row.errors.append(
                    _("The values of %(name)s must be distinct, without “=” or “|”.")
                    % {"name": name}
                )
    return found


def _row_entry(
    row: ObservationRow,
    plan: _IndicatorPlan,
    raw: dict[str, str],
    key: dict[str, str],
    status: str,
    source: str,
    is_address: bool,
) -> CleanEntry | None:
    try:
        stored_key = key_check(key, plan.schema)
    except SchemaError as error:
        row.errors.append(str(error))
        stored_key = None
    try:
        # The key is checked above against the schema read once, not again for every row.
        entry = entry_check(
            plan.unkeyed,
            period=raw.get("period", ""),
            value=raw.get("value"),
            numerator=raw.get("numerator"),
            denominator=raw.get("denominator"),
            standard_error=raw.get("standard_error"),
            status=status,
            source_dataset="" if is_address else source,
            source_url=source if is_address else "",
        )
    except ValidationError as error:
        row.errors.extend(error.messages)
        return None
    if stored_key is None:
        return None
    return dataclasses.replace(entry, key=stored_key) if stored_key else entry


def _conflicts_mark(rows: Sequence[ObservationRow]) -> None:
    """The same cell twice: with the same numbers, the later rows repeat the first (counted
    once); with different numbers, every row of the cell is a conflict."""
    groups: dict[tuple, list[ObservationRow]] = defaultdict(list)
    for row in rows:
        if row.cell is not None and not row.errors:
            groups[row.cell].append(row)
    for group in groups.values():
        if len(group) < 2:
            continue
        if len({row.payload for row in group}) == 1:
            for row in group[1:]:
                row.duplicate_of = group[0].number
                row.warnings.append(
                    _("Row %(row)s repeats row %(first)s; it is counted once.")
                    % {"row": row.number, "first": group[0].number}
                )
            continue
        numbers, cell = ", ".join(str(row.number) for row in group), group[0].cell or ()
        message = _(
            "Rows %(rows)s give different values for the same cell (%(cell)s); the import "
            "does not choose between them: correct the file."
        ) % {"rows": numbers, "cell": " ".join(part for part in cell if part)}
        for row in group:
            row.conflict = message
            row.errors.append(message)


def _blocked_mark(
    rows: Sequence[ObservationRow],
    *,
    role: Role | str | None,
    partner: Organisation | None,
    round: ReportingRound | None,
) -> None:
    ready = [r for r in rows if r.prepared is not None and not r.errors and r.duplicate_of is None]
    blocked = services.observations_blocked(
        rows=[row.prepared for row in ready if row.prepared is not None],
        role=role,
        partner=partner,
        round=round,
    )
    for position, reason in blocked.items():
        ready[position].errors.append(reason)


def _missing_warn(rows: CheckedRows, plans: dict[str, _IndicatorPlan]) -> None:
    """Warnings for parts missing from a declared disaggregation, and for parts that do not
    add up to their total, per indicator × geography × period."""
    groups: dict[tuple, dict] = defaultdict(dict)
    first_row: dict[tuple, ObservationRow] = {}
    frozen: dict[str, frozenset] = {}
    for row in rows:
        if row.prepared is None or row.errors or row.duplicate_of is not None:
            continue
        indicator, entry = row.prepared.indicator, row.prepared.entry
        if indicator.dimensions:
            group = (indicator.code, row.prepared.geography.code, entry.period.code)
            if entry.key not in frozen:
                frozen[entry.key] = key_frozen(entry.key)
            groups[group][frozen[entry.key]] = entry
            first_row.setdefault(group, row)
    for group, cells in groups.items():
        plan = plans[group[0]]
        kind, per = (plan.indicator.kind, plan.indicator.per) if plan.indicator else ("", 1)
        for flag in opensdg.disaggregation_gaps(plan.schema, cells, kind=kind, per=per):
            place = " ".join(group)
            where = key_string(dict(flag.where))  # type: ignore[call-overload]
            if flag.code is FlagCode.MISSING_CELL:
                message = _(
                    "%(place)s: the cell %(cell)s is missing (a part of %(dimension)s)."
                ) % {"place": place, "cell": where, "dimension": flag.dimension}
            else:
                message = f"{place} {where or _('total')}: {flag.message}"
            row = first_row[group]
            row.warnings.append(message)
            if len(rows.warnings) < MAX_WARNINGS:
                rows.warnings.append({"row": row.number, "message": message})


# ---------------------------------------------------------------- reporting and writing


def report_of(rows: Sequence[ObservationRow], *, written: int = 0) -> ImportReport:
    """The report of checked rows (and of how many were written)."""
    conflicts: dict[tuple, list] = {}
    errors = []
    observations = 0
    for row in rows:
        if not row.errors and row.duplicate_of is None:
            observations += 1
        for message in row.errors:
            if message != row.conflict:
                errors.append({"row": row.number, "message": message})
        if row.conflict and row.cell is not None:
            values = conflicts.setdefault(row.cell, [])
            value = opensdg.payload_json(row.payload)
            if value not in values:
                values.append(value)
    warnings = list(getattr(rows, "warnings", []))
    warnings += [
        {"row": row.number, "message": message}
        for row in rows
        if row.duplicate_of is not None
        for message in row.warnings
    ]
    return ImportReport(
        rows=len(rows),
        observations=observations,
        written=written,
        conflicts=[
            {
                "key": {
                    "indicator": cell[0],
                    "geography": cell[1],
                    "period": cell[2],
                    "disaggregation": cell[3],
                },
                "values": values,
            }
            for cell, values in conflicts.items()
        ],
        errors=errors,
        warnings=warnings,
    )


def _refusal(rows: Sequence[ObservationRow]) -> ValidationError:
    messages = [
        _("Row %(row)s: %(message)s") % {"row": row.number, "message": message}
        for row in rows
        for message in dict.fromkeys(row.errors)
    ]
    shown = messages[:MAX_MESSAGES]
    if len(messages) > len(shown):
        shown.append(_("… and %(count)s more.") % {"count": len(messages) - len(shown)})
    return ValidationError(shown)


def observations_apply(
    checked: imports.Checked,
    *,
    framework: Framework,
    by: Any,
    role: Role | str | None,
    partner: Organisation | None = None,
    round: ReportingRound | None = None,
    skip_bad: bool = False,
    approve: bool = False,
) -> ImportReport:
    """Write the checked rows (call inside a transaction: `stage_apply` and `import_apply`
    do). ValidationError, nothing written, when the file has a problem, when a row is refused
    and `skip_bad` is false, or when a cell cannot be changed any more; PermissionDenied when
    `by` may not report for `partner` (None: the backbone's own values)."""
    if checked.problem:
        raise ValidationError(checked.problem)
    if by is not None and not may_report_for(
        user=by, role=role, partner_id=partner.pk if partner else None
    ):
        raise PermissionDenied
    if by is None and not is_backbone(role):
        raise PermissionDenied
    rows: Sequence[ObservationRow] = checked.rows
    bad = [row for row in rows if row.errors]
    if bad and not skip_bad:
        raise _refusal(bad)
    prepared = [
        row.prepared
        for row in rows
        if not row.errors and row.duplicate_of is None and row.prepared is not None
    ]
    if any(p.indicator.framework_id != framework.pk for p in prepared):
        raise PermissionDenied
    written = services.observations_write_many(
        rows=prepared, by=by, role=role, partner=partner, approve=approve, round=round
    )
    return report_of(rows, written=written)


OBSERVATIONS_IMPORT = imports.ImportSpec(
    key="measurement.observations",
    fields=opensdg.FIELDS,
    check=observations_check,
    apply=observations_apply,
    max_bytes=UPLOAD_MAX_BYTES,
    max_rows=UPLOAD_MAX_ROWS,
)


def import_check_for(*, upload: Any, framework: Framework, **context: Any) -> imports.Checked:
    """An upload read and checked for `framework` (whose gate the caller passed), nothing
    written; `context` (role, partner, indicator, round) as `observations_check` takes it."""
    return imports.import_check(
        spec=OBSERVATIONS_IMPORT, upload=upload, framework=framework, **context
    )


def import_apply(checked: imports.Checked, **options: Any) -> ImportReport:
    """`observations_apply(checked, **options)` in one transaction: all the values or none."""
    with transaction.atomic():
        return observations_apply(checked, **options)


# ---------------------------------------------------------------- files (command line, bench)


def import_file(path: str | Path, **options: Any) -> ImportReport:
    """Import the file at `path`: `import_data(data, name, **options)`; ImportFileError (a
    message for the user) when it cannot be read."""
    try:
        with Path(path).open("rb") as stream:
            data = stream.read(MAX_BYTES + 1)
    except OSError as error:
        raise imports.ImportFileError(
            _("Cannot read %(path)s: %(reason)s")
            % {"path": path, "reason": error.strerror or error}
        ) from None
    if len(data) > MAX_BYTES:
        raise imports.ImportFileError(_("%(path)s is larger than 64 MB.") % {"path": path})
    return import_data(data, Path(path).name, **options)


@_gc_paused
def import_data(
    data: bytes,
    filename: str,
    *,
    format: str = "csv",
    framework: Framework | None = None,
    indicator: Indicator | str | None = None,
    by: Any = None,
    role: Role | str | None = Role.FACILITATOR,
    partner: Organisation | None = None,
    dry_run: bool = False,
    skip_bad: bool = False,
    approve: bool = False,
) -> ImportReport:
    """Read `data` as `format` ("csv", "xlsx" or "open-sdg"), check it (against
    `framework` when given) and, unless `dry_run` or without a framework, write it in one
    transaction. Rows refused or in conflict write nothing unless `skip_bad`; a write refused
    (a cell approved or locked meanwhile) is an error of row None, and `refused` is set.
    ImportFileError when the file cannot be read or lacks a needed column."""
    if format not in FORMATS:
        raise ValueError(format)
    name = filename
    if format == "xlsx" and not name.lower().endswith(".xlsx"):
        name += ".xlsx"
    table = OBSERVATIONS_IMPORT.table(data, name, max_rows=MAX_ROWS)
    try:
        open_sdg = True if format == "open-sdg" else None
        rows = observations_check(
            table, framework=framework, indicator=indicator, partner=partner, role=role,
            open_sdg=open_sdg,
        )  # fmt: skip
    except ValidationError as error:
        raise imports.ImportFileError(" ".join(error.messages)) from None
    report = report_of(rows)
    if framework is None or dry_run:
        report.refused = bool(report.errors or report.conflicts)
        return report
    if (report.errors or report.conflicts) and not skip_bad:
        report.refused = True
        return report
    try:
        written = import_apply(
            imports.Checked(table, rows), framework=framework, by=by, role=role,
            partner=partner, skip_bad=skip_bad, approve=approve,
        ).written  # fmt: skip
    except ValidationError as error:
        report.errors += [{"row": None, "message": message} for message in error.messages]
        report.refused = True
        return report
    report.written = written
    return report
