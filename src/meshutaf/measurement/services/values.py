"""Writes of values: one cell at a time or many (an import), the review workflow, and
reporting rounds. Each caller has already passed the object's gate (`permissions.py`); these
check the workflow's own rules: who may change a value in which state, and why not.

The value workflow::

    draft ──submit──▶ submitted ──approve──▶ approved ──lock──▶ locked
      ▲                  │                      │                  │
      └──── revise ◀── returned ◀──return───────┘◀─────unlock──────┘

A change of a value is a new row that supersedes the old one (the chain keeps who and when);
review actions change the state of the current row and write an `ObservationEvent`.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Model
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from meshutaf.accounts.models import User
from meshutaf.core.access import Role
from meshutaf.core.services import model_save
from meshutaf.directory.models import Organisation
from meshutaf.notifications.models import Kind as NoticeKind
from meshutaf.notifications.services import notify_later

from .. import rules, tasks
from ..entries import CleanEntry
from ..models import (
    DefinitionVersion,
    Framework,
    Geography,
    Indicator,
    Observation,
    ObservationEvent,
    ReportingRound,
    ReportingTask,
    RoundState,
    Severity,
    SharingAgreement,
    State,
    ValidationRule,
)
from ..periods import PeriodError, parse_period
from ..permissions import is_backbone
from .definitions import version_for

Event = ObservationEvent.Action
EDITABLE = (State.DRAFT, State.SUBMITTED, State.RETURNED)


# ---------------------------------------------------------------- values


@dataclass(frozen=True)
class Problem:
    rule: str
    severity: str
    message: str


def why_not_editable(
    observation: Observation | None, *, round: ReportingRound | None, backbone: bool
) -> str | None:
    """Why the viewer cannot change this cell now, in words they can act on; None if they
    can. Three different reasons, never one vague "locked"."""
    if observation is not None and observation.state == State.LOCKED:
        event = _last_event(observation, Event.LOCKED)
        if backbone:
            return _(
                "Locked by %(who)s on %(when)s: the period is closed for changes. Unlock it, "
                "with a reason that is recorded, to change it."
            ) % _who_when(event, observation)
        return _(
            "Locked by %(who)s on %(when)s: the period is closed for changes. The backbone "
            "can unlock it, which is recorded."
        ) % _who_when(event, observation)
    if observation is not None and observation.state == State.APPROVED:
        who_when = {
            "who": _name(observation.reviewed_by),
            "when": _date(observation.reviewed_at),
        }
        if backbone:
            return _("Approved by %(who)s on %(when)s. Return or unlock it to change it.") % (
                who_when
            )
        return (
            _("Approved by %(who)s on %(when)s. To change it, ask the backbone to return it.")
            % who_when
        )
    if not backbone and round is not None and round.state == RoundState.CLOSED:
        return _("Entry closed: the reporting round for %(period)s closed on %(when)s.") % {
            "period": round.period,
            "when": _date(round.closed_at),
        }
    return None


def _name(user: User | None) -> str:
    if user is None:
        return _("someone no longer registered")
    return user.get_full_name() or user.get_username()


def _date(when: dt.datetime | None) -> str:
    return formats.date_format(timezone.localtime(when), "SHORT_DATE_FORMAT") if when else "—"


def _last_event(observation: Observation, action: str) -> ObservationEvent | None:
    """The latest event of `action`; from the prefetched events when a page fetched them
    (an entry sheet of a closed round asks for every locked cell)."""
    prefetched = getattr(observation, "_prefetched_objects_cache", {}).get("events")
    if prefetched is not None:
        found = [event for event in prefetched if event.action == action]
        return max(found, key=lambda event: (event.at, event.pk), default=None)
    return (
        observation.events.filter(action=action).select_related("by").order_by("-at", "-pk").first()
    )


def _who_when(event: ObservationEvent | None, observation: Observation) -> dict[str, str]:
    if event is None:
        return {"who": _name(observation.reviewed_by), "when": _date(observation.reviewed_at)}
    return {"who": _name(event.by), "when": _date(event.at)}


def _rules_check(
    indicator: Indicator, geography: Geography, entry: CleanEntry, *, confirm_warnings: bool
) -> list[Problem]:
    """Evaluate the framework's rules for this cell's geography and period, with the new
    value in place of the stored one. Errors refuse; warnings refuse until confirmed."""
    framework_rules = list(ValidationRule.objects.filter(framework_id=indicator.framework_id))
    if not framework_rules:
        return []
    codes = dict(
        Indicator.objects.filter(framework_id=indicator.framework_id).values_list("code", "pk")
    )
    stored = Observation.objects.filter(
        indicator__framework_id=indicator.framework_id,
        geography=geography,
        period__in=[entry.period.code, entry.period.previous().code],
        current=True,
    ).values("indicator_id", "period", "disaggregation", "value", "numerator", "denominator")
    cells: dict[tuple[int, str, str], Any] = {
        (row["indicator_id"], row["period"], row["disaggregation"]): row for row in stored
    }
    cells[(indicator.pk, entry.period.code, entry.key)] = {
        "value": entry.value,
        "numerator": entry.numerator,
        "denominator": entry.denominator,
    }
    value_of = rules.cells_reader(codes, cells)
    problems: list[Problem] = []
    for rule in framework_rules:
        try:
            left = rules.parse(rule.left)
            right = rules.parse(rule.right)
        except rules.RuleError:
            continue  # checked when the rule was saved; an indicator renamed since skips it
        if indicator.code not in {term.code for term in left.terms + right.terms}:
            continue
        verdict = rules.check(
            rule.operator,
            left,
            right,
            value_of,
            period=entry.period.code,
            previous_period=entry.period.previous().code,
        )
        if verdict is False:
            problems.append(
                Problem(
                    rule.name,
                    rule.severity,
                    _("The rule “%(rule)s” is not met (%(left)s %(op)s %(right)s).")
                    % {
                        "rule": rule.name,
                        "left": rule.left,
                        "op": rule.get_operator_display(),
                        "right": rule.right,
                    },
                )
            )
    errors = [p.message for p in problems if p.severity == Severity.ERROR]
    warnings = [p.message for p in problems if p.severity == Severity.WARNING]
    if errors:
        raise ValidationError({"value": errors})
    if warnings and not confirm_warnings:
        raise ValidationError(
            {
                "confirm": [
                    *warnings,
                    _("Check the value; if it is right, confirm it and submit again."),
                ]
            }
        )
    return problems


@transaction.atomic
def observation_record(
    *,
    indicator: Indicator,
    by: User,
    role: Role | str | None,
    geography: Geography,
    entry: CleanEntry,
    partner: Organisation | None,
    round: ReportingRound | None = None,
    submit: bool = False,
    confirm_warnings: bool = False,
) -> Observation:
    """Enter or revise one cell's value. The earlier value, if any, stays readable as the
    one this revises. Refused with the exact reason when the cell cannot be changed now."""
    backbone = is_backbone(role)
    earlier = (
        Observation.objects.select_for_update(of=("self",))
        .select_related("reviewed_by")
        .filter(
            indicator=indicator,
            geography=geography,
            period=entry.period.code,
            disaggregation=entry.key,
            current=True,
        )
        .first()
    )
    if (
        earlier is not None
        and not backbone
        and earlier.partner_id != (partner.pk if partner else None)
    ):
        raise PermissionDenied(_("Another partner reports this value."))
    reporting = partner if partner is not None else (earlier.partner if earlier else None)
    if round is not None:
        _round_check(round, reporting, [(indicator, entry.period.code)])
    # Without a round the value stays in its earlier one, and that round's state holds.
    in_round = round or (earlier.round if earlier else None)
    if reason := why_not_editable(earlier, round=in_round, backbone=backbone):
        raise ValidationError(reason)
    _rules_check(indicator, geography, entry, confirm_warnings=confirm_warnings)
    if earlier is not None:
        Observation.objects.filter(pk=earlier.pk).update(current=False)
    observation = Observation.objects.create(
        indicator=indicator,
        geography=geography,
        period=entry.period.code,
        period_start=entry.period.start,
        disaggregation=entry.key,
        definition_version=version_for(indicator, entry.period.code),
        value=entry.value,
        numerator=entry.numerator,
        denominator=entry.denominator,
        standard_error=entry.standard_error,
        status=entry.status,
        source_dataset=entry.source_dataset,
        source_url=entry.source_url,
        retrieved_on=entry.retrieved_on,
        partner=reporting,
        round=in_round,
        state=State.SUBMITTED if submit else State.DRAFT,
        supersedes=earlier,
        current=True,
        created_by=by,
    )
    _event(observation, Event.REVISED if earlier else Event.ENTERED, by)
    if submit:
        _event(observation, Event.SUBMITTED, by)
        _task_touch(observation, by)
    return observation


def _event(
    observation: Observation, action: str, by: User | None, note: str = ""
) -> ObservationEvent:
    return ObservationEvent.objects.create(observation=observation, action=action, by=by, note=note)


def task_indicator_ids(round: ReportingRound, partner_id: int | None) -> set[int] | None:
    """The indicators (ids) `partner_id`'s task in `round` asks for; None when the partner
    has no task in it."""
    task = ReportingTask.objects.filter(round=round, partner_id=partner_id or 0).first()
    if task is None:
        return None
    return set(task.indicators.values_list("pk", flat=True))


def _round_mismatch(
    round: ReportingRound,
    partner: Organisation | None,
    assigned: set[int] | None,
    indicator: Indicator,
    period: str,
) -> str | None:
    """Why a value of `indicator` for `period` does not belong to `partner`'s task in
    `round`, or None when it does."""
    if indicator.framework_id != round.framework_id:
        return _("Choose a reporting round of this framework.")
    if partner is None or assigned is None:
        return _("The round asks its partners for values; this one has no task in it.")
    if period != round.period:
        return _("The round is for %(period)s; this value is for %(other)s.") % {
            "period": round.period,
            "other": period,
        }
    if indicator.pk not in assigned:
        return _("%(partner)s does not report %(indicator)s in this round.") % {
            "partner": partner.name,
            "indicator": indicator.code,
        }
    return None


def _round_check(
    round: ReportingRound,
    partner: Organisation | None,
    cells: Iterable[tuple[Indicator, str]],
) -> None:
    """ValidationError unless every (indicator, period) is asked of `partner` in `round`."""
    assigned = task_indicator_ids(round, partner.pk if partner else None)
    for indicator, period in dict.fromkeys(cells):
        if why := _round_mismatch(round, partner, assigned, indicator, period):
            raise ValidationError({"round_id": [why]})


def _task_touch(observation: Observation, by: User) -> None:
    if observation.round_id and observation.partner_id:
        ReportingTask.objects.filter(
            round_id=observation.round_id, partner_id=observation.partner_id
        ).update(submitted_at=timezone.now())
        _notify_reported(observation.round, observation.partner, by)


def _notify_reported(
    round: ReportingRound | None, partner: Organisation | None, by: User | None
) -> None:
    """Who opened the round and the initiative's facilitators hear that a partner reported."""
    if round is None or partner is None:
        return
    notify_later(
        kind=NoticeKind.VALUE_REPORTED,
        recipients=[round.opened_by_id] if round.opened_by_id else [],
        roles=[Role.FACILITATOR],
        initiative=round.framework.initiative_id,
        params={"partner": partner.name, "title": round.period},
        url=reverse("measurement:round", args=[round.pk]),
        actor=by,
    )


def _locked_current(observation: Observation) -> Observation:
    fresh = (
        Observation.objects.select_for_update(of=("self",))
        .select_related("reviewed_by")
        .get(pk=observation.pk)
    )
    if not fresh.current:
        raise ValidationError(_("This value has been revised since; review the current one."))
    return fresh


@transaction.atomic
def observation_submit(*, observation: Observation, by: User) -> Observation:
    observation = _locked_current(observation)
    if observation.state not in (State.DRAFT, State.RETURNED):
        raise ValidationError(_("Only a draft or a returned value can be submitted."))
    observation.state = State.SUBMITTED
    observation.save(update_fields=["state"])
    _event(observation, Event.SUBMITTED, by)
    _task_touch(observation, by)
    return observation


@transaction.atomic
def observation_return(*, observation: Observation, by: User, reason: str) -> Observation:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {"reason": _("Say why the value goes back, so the partner can fix it.")}
        )
    observation = _locked_current(observation)
    if observation.state != State.SUBMITTED:
        raise ValidationError(_("Only a submitted value can be returned."))
    observation.state, observation.return_reason = State.RETURNED, reason[:2000]
    observation.reviewed_by, observation.reviewed_at = by, timezone.now()
    observation.save(update_fields=["state", "return_reason", "reviewed_by", "reviewed_at"])
    _event(observation, Event.RETURNED, by, reason)
    return observation


@transaction.atomic
def observation_approve(*, observation: Observation, by: User) -> Observation:
    """Approve a submitted value (or the backbone's own draft). Approval locks the cell for
    the partner; the value shows on the scorecard from now on."""
    observation = _locked_current(observation)
    allowed = (State.SUBMITTED,) if observation.partner_id else (State.SUBMITTED, State.DRAFT)
    if observation.state not in allowed:
        raise ValidationError(_("Only a submitted value can be approved."))
    observation.state, observation.return_reason = State.APPROVED, ""
    observation.reviewed_by, observation.reviewed_at = by, timezone.now()
    observation.save(update_fields=["state", "return_reason", "reviewed_by", "reviewed_at"])
    _event(observation, Event.APPROVED, by)
    return observation


@transaction.atomic
def observation_lock(*, observation: Observation, by: User) -> Observation:
    observation = _locked_current(observation)
    if observation.state != State.APPROVED:
        raise ValidationError(_("Only an approved value can be locked."))
    observation.state = State.LOCKED
    observation.save(update_fields=["state"])
    _event(observation, Event.LOCKED, by)
    return observation


@transaction.atomic
def observation_unlock(*, observation: Observation, by: User, reason: str) -> Observation:
    """Open an approved or locked value for correction: it goes back to its partner as
    returned, and the unlocking is recorded with its reason."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the value is unlocked; it is recorded.")})
    observation = _locked_current(observation)
    if observation.state not in (State.APPROVED, State.LOCKED):
        raise ValidationError(_("Only an approved or locked value can be unlocked."))
    observation.state, observation.return_reason = State.RETURNED, reason[:2000]
    observation.save(update_fields=["state", "return_reason"])
    _event(observation, Event.UNLOCKED, by, reason)
    return observation


def observations_review(
    *, observations: Iterable[Observation], by: User, action: str, reason: str = ""
) -> int:
    """Approve or return several values at once; all or none."""
    with transaction.atomic():
        count = 0
        for observation in observations:
            if action == "approve":
                observation_approve(observation=observation, by=by)
            elif action == "return":
                observation_return(observation=observation, by=by, reason=reason)
            else:
                raise ValidationError(_("Choose approve or return."))
            count += 1
    return count


# ---------------------------------------------------------------- many values at once


@dataclass(frozen=True)
class Prepared:
    """One checked row of an import, with its indicator and geography resolved."""

    indicator: Indicator
    geography: Geography
    entry: CleanEntry


def _current_cells(part: Sequence[Prepared], *, lock: bool) -> dict[tuple, Observation]:
    """The current values of the cells `part` writes, by (indicator, geography, period, key):
    one query for the whole part."""
    keys = {(r.indicator.pk, r.geography.pk, r.entry.period.code, r.entry.key) for r in part}
    if not keys:
        return {}
    query = Observation.objects.filter(
        current=True,
        indicator_id__in={k[0] for k in keys},
        geography_id__in={k[1] for k in keys},
        period__in={k[2] for k in keys},
    ).select_related("reviewed_by")
    if lock:
        query = query.select_for_update(of=("self",))
    found = {}
    for observation in query:
        key = (
            observation.indicator_id,
            observation.geography_id,
            observation.period,
            observation.disaggregation,
        )
        if key in keys:
            found[key] = observation
    return found


def _why_blocked(
    observation: Observation,
    *,
    backbone: bool,
    partner: Organisation | None,
    round: ReportingRound | None,
) -> str | None:
    """Why an import cannot replace this current value, or None."""
    if not backbone and observation.partner_id != (partner.pk if partner else None):
        return _("Another partner reports this value.")
    return why_not_editable(observation, round=round, backbone=backbone)


def observations_blocked(
    *,
    rows: Sequence[Prepared],
    role: Role | str | None,
    partner: Organisation | None,
    round: ReportingRound | None = None,
    chunk: int = 2000,
) -> dict[int, str]:
    """Which of `rows` (by position) an import could not write now, and why (another
    partner's value, approved, locked, the round closed): the preview's check, in one query
    per `chunk` rows. `observations_write_many` checks again under lock when it writes."""
    backbone = is_backbone(role)
    if not backbone and round is not None and round.state == RoundState.CLOSED:
        reason = why_not_editable(None, round=round, backbone=False) or ""
        return dict.fromkeys(range(len(rows)), reason)
    blocked: dict[int, str] = {}
    if round is not None:
        assigned = task_indicator_ids(round, partner.pk if partner else None)
        for position, r in enumerate(rows):
            why = _round_mismatch(round, partner, assigned, r.indicator, r.entry.period.code)
            if why:
                blocked[position] = why
    for start in range(0, len(rows), chunk):
        part = rows[start : start + chunk]
        current = _current_cells(part, lock=False)
        for offset, r in enumerate(part):
            observation = current.get(
                (r.indicator.pk, r.geography.pk, r.entry.period.code, r.entry.key)
            )
            if observation is None or start + offset in blocked:
                continue
            why = _why_blocked(observation, backbone=backbone, partner=partner, round=round)
            if why:
                blocked[start + offset] = why
    return blocked


_OBSERVATION_COLUMNS = [
    *("indicator", "geography", "period", "period_start", "disaggregation"),
    *("definition_version", "value", "numerator", "denominator", "standard_error", "status"),
    *("source_dataset", "source_url", "retrieved_on", "partner", "round", "state"),
    *("return_reason", "supersedes", "current", "created_by", "created_at"),
    *("reviewed_by", "reviewed_at"),
]


def _insert_many(model: type[Model], names: Sequence[str], rows: Sequence[tuple]) -> None:
    """Insert `rows` (values already adapted for the database, in the order of the fields
    `names`) without building a model instance for each: an import of 100,000 values spends
    most of its time there otherwise. One prepared statement on SQLite, COPY on PostgreSQL,
    multi-row VALUES of up to the backend's parameter limit elsewhere."""
    if not rows:
        return
    quote = connection.ops.quote_name
    column_of = {field.name: str(field.column) for field in model._meta.concrete_fields}
    columns = ", ".join(quote(column_of[name]) for name in names)
    one = "(" + ", ".join(["%s"] * len(names)) + ")"
    insert = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES "  # noqa: S608
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.executemany(insert + one, rows)
            return
        if connection.vendor == "postgresql":
            table = quote(model._meta.db_table)
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        per = max(1, min(5000, (connection.features.max_query_params or 65535) // len(names)))
        for start in range(0, len(rows), per):
            batch = rows[start : start + per]
            cursor.execute(
                insert + ", ".join([one] * len(batch)), [value for row in batch for value in row]
            )


@transaction.atomic
def observations_write_many(
    *,
    rows: Sequence[Prepared],
    by: User | None,
    role: Role | str | None,
    partner: Organisation | None,
    approve: bool = False,
    round: ReportingRound | None = None,
    chunk: int = 2000,
) -> int:
    """Write many checked values in bulk (an import). Same rules as one value: a cell that
    cannot be changed refuses the whole import with its reason; earlier values are kept as
    superseded. The backbone may approve on import (values from a public source). `by` is
    None for the operator at the command line. Partners' values go into `round` when given
    (refused when it is closed)."""
    backbone = is_backbone(role)
    if approve and not backbone:
        raise PermissionDenied
    if not backbone and round is not None and round.state == RoundState.CLOSED:
        raise ValidationError(why_not_editable(None, round=round, backbone=False) or "")
    if round is not None:
        _round_check(round, partner, ((r.indicator, r.entry.period.code) for r in rows))
    state = str(State.APPROVED if approve else (State.SUBMITTED if partner else State.DRAFT))
    versions: dict[int, list[DefinitionVersion]] = {}
    for row in rows:
        versions.setdefault(row.indicator.pk, [])
    for version in DefinitionVersion.objects.filter(indicator_id__in=versions):
        versions[version.indicator_id].append(version)
    now = timezone.now()
    ops = connection.ops
    stamp = ops.adapt_datetimefield_value(now)
    dates: dict[dt.date, Any] = {}
    by_id = by.pk if by is not None else None
    partner_id = partner.pk if partner is not None else None
    round_id = round.pk if round is not None else None
    written = 0
    for start in range(0, len(rows), chunk):
        part = rows[start : start + chunk]
        earlier = _current_cells(part, lock=True)
        for observation in earlier.values():
            reason = _why_blocked(observation, backbone=backbone, partner=partner, round=round)
            if reason:
                raise ValidationError(
                    f"{observation.period} {observation.disaggregation}: {reason}"
                )
        Observation.objects.filter(pk__in=[o.pk for o in earlier.values()]).update(current=False)
        keys = [(r.indicator.pk, r.geography.pk, r.entry.period.code, r.entry.key) for r in part]
        _insert_many(
            Observation,
            _OBSERVATION_COLUMNS,
            [
                (
                    r.indicator.pk,
                    r.geography.pk,
                    r.entry.period.code,
                    dates.setdefault(
                        r.entry.period.start, ops.adapt_datefield_value(r.entry.period.start)
                    ),
                    r.entry.key,
                    version_for(r.indicator, r.entry.period.code, versions[r.indicator.pk])
                    if versions[r.indicator.pk]
                    else 1,
                    r.entry.value,
                    r.entry.numerator,
                    r.entry.denominator,
                    r.entry.standard_error,
                    r.entry.status,
                    r.entry.source_dataset,
                    r.entry.source_url,
                    ops.adapt_datefield_value(r.entry.retrieved_on),
                    partner_id,
                    round_id,
                    state,
                    "",
                    earlier[key].pk if key in earlier else None,
                    True,
                    by_id,
                    stamp,
                    by_id if approve else None,
                    stamp if approve else None,
                )
                for r, key in zip(part, keys, strict=True)
            ],
        )
        # The new rows' keys, by cell: the current value of each cell is unique.
        stored = Observation.objects.filter(
            current=True,
            indicator_id__in={k[0] for k in keys},
            geography_id__in={k[1] for k in keys},
            period__in={k[2] for k in keys},
        ).values_list("indicator_id", "geography_id", "period", "disaggregation", "pk")
        ids = {cell[:4]: cell[4] for cell in stored}
        new = [ids[key] for key in keys]
        actions = [str(Event.IMPORTED)] + ([str(Event.APPROVED)] if approve else [])
        _insert_many(
            ObservationEvent,
            ["observation", "action", "by", "at", "note"],
            [(pk, action, by_id, stamp, "") for action in actions for pk in new],
        )
        written += len(new)
    if partner is not None and round is not None and written:
        ReportingTask.objects.filter(round=round, partner=partner).update(submitted_at=now)
        _notify_reported(round, partner, by)
    return written


# ---------------------------------------------------------------- rounds


@transaction.atomic
def round_open(
    *,
    framework: Framework,
    by: User,
    period: str,
    due_date: dt.date,
    indicators: Sequence[Indicator],
    partners: Sequence[Organisation],
    assignments: dict[int, list[Indicator]] | None = None,
) -> ReportingRound:
    """Open a round of `period` asking `partners` for `indicators` by `due_date`. Each
    partner reports the indicators `assignments` gives it (partner id → indicators, all
    among the round's); by default those of the round it has a data-sharing agreement for in
    this framework, or all the round's indicators when it has none."""
    if not indicators:
        raise ValidationError({"indicators": _("Choose at least one indicator.")})
    if not partners:
        raise ValidationError({"partners": _("Choose at least one partner.")})
    types = {indicator.period_type for indicator in indicators}
    try:
        parsed = parse_period(period, expected=types.pop() if len(types) == 1 else None)
    except PeriodError as error:
        raise ValidationError({"period": str(error)}) from None
    if any(indicator.framework_id != framework.pk for indicator in indicators):
        raise ValidationError({"indicators": _("Choose indicators of this framework.")})
    partners = list(dict.fromkeys(partners))
    assigned = _assignments(framework, indicators, partners, assignments or {})
    round = model_save(
        ReportingRound(framework=framework, period=parsed.code, due_date=due_date, opened_by=by),
        by=by,
    )
    round.indicators.set(indicators)
    tasks_made = ReportingTask.objects.bulk_create(
        [ReportingTask(round=round, partner=partner) for partner in partners]
    )
    through = ReportingTask.indicators.through
    through.objects.bulk_create(
        [
            through(reportingtask_id=task.pk, indicator_id=indicator_id)
            for task in tasks_made
            for indicator_id in assigned[task.partner_id]
        ]
    )
    # The partners hear of it once the round is stored, however it was opened (page, API,
    # demo); then daily while it is due.
    transaction.on_commit(partial(tasks.reporting_reminders.enqueue, round.pk))
    return round


def _assignments(
    framework: Framework,
    indicators: Sequence[Indicator],
    partners: Sequence[Organisation],
    given: dict[int, list[Indicator]],
) -> dict[int, list[int]]:
    """Which of the round's indicators (ids) each partner reports."""
    chosen = [indicator.pk for indicator in dict.fromkeys(indicators)]
    partner_ids = {partner.pk for partner in partners}
    if set(given) - partner_ids:
        raise ValidationError({"partners": _("Assign indicators only to the round's partners.")})
    agreed: dict[int, set[int]] = defaultdict(set)
    for partner_id, indicator_id in SharingAgreement.objects.filter(
        framework=framework, partner_id__in=partner_ids, indicator_id__in=chosen
    ).values_list("partner_id", "indicator_id"):
        agreed[partner_id].add(indicator_id)
    result: dict[int, list[int]] = {}
    for partner in partners:
        if partner.pk in given:
            ids = list(dict.fromkeys(indicator.pk for indicator in given[partner.pk]))
            if not ids or any(pk not in chosen for pk in ids):
                raise ValidationError(
                    {
                        "indicators": _(
                            "Give %(partner)s at least one of the round's indicators, and "
                            "only those."
                        )
                        % {"partner": partner.name}
                    }
                )
            result[partner.pk] = ids
        else:
            result[partner.pk] = [pk for pk in chosen if pk in agreed[partner.pk]] or chosen
    return result


@transaction.atomic
def round_close(*, round: ReportingRound, by: User) -> int:
    """Close a round: partners can no longer enter its values, and its approved values are
    locked (each locking recorded). Returns how many were locked."""
    round = ReportingRound.objects.select_for_update().get(pk=round.pk)
    if round.state == RoundState.CLOSED:
        raise ValidationError(_("The round is already closed."))
    round.state, round.closed_at, round.closed_by = RoundState.CLOSED, timezone.now(), by
    round.save(update_fields=["state", "closed_at", "closed_by", "updated_at"])
    approved = list(Observation.objects.filter(round=round, current=True, state=State.APPROVED))
    for observation in approved:
        observation_lock(observation=observation, by=by)
    return len(approved)
