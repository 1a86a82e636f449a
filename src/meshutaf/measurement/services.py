"""Writes of shared measurement. Views, the API, imports and commands call these; each
caller has already passed the object's gate (`permissions.py`), and these check the rules of
the workflow itself: who may change a value in which state, and why not.

The value workflow::

    draft ──submit──▶ submitted ──approve──▶ approved ──lock──▶ locked
      ▲                  │                      │                  │
      └──── revise ◀── returned ◀──return───────┘◀─────unlock──────┘

A change of a value is a new row that supersedes the old one (the chain keeps who and when);
review actions change the state of the current row and write an `ObservationEvent`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Model
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from meshutaf.accounts.models import User
from meshutaf.core.access import Role
from meshutaf.core.services import model_save, model_update
from meshutaf.directory.models import Organisation
from meshutaf.meetings import services as meeting_services
from meshutaf.meetings.models import Meeting, OutcomeKind

from . import rules
from .entries import CleanEntry
from .geography import (
    COUNTRY_CODE,
    COUNTRY_NAMES,
    Locality,
    district_code,
    locality_code,
    sub_district_code,
)
from .keys import SchemaError, key_string, schema_from_json
from .models import (
    Baseline,
    ContributionClaim,
    CurvePartner,
    CurveSession,
    DefinitionVersion,
    EvidenceItem,
    Forecast,
    Framework,
    FrameworkStatus,
    Geography,
    GeographyLevel,
    Indicator,
    Observation,
    ObservationEvent,
    ReportingRound,
    ReportingTask,
    Result,
    RoundState,
    Severity,
    SharingAgreement,
    State,
    Strategy,
    Target,
    ValidationRule,
)
from .periods import PeriodError, parse_period
from .permissions import is_backbone

Event = ObservationEvent.Action
EDITABLE = (State.DRAFT, State.SUBMITTED, State.RETURNED)


# ---------------------------------------------------------------- framework and indicators


def framework_create(*, initiative, by: User, name: str, **fields: Any) -> Framework:
    return model_save(Framework(initiative=initiative, name=name, **fields), by=by)


def framework_update(*, framework: Framework, by: User, data: dict) -> Framework:
    fields = ["name", "status", "description", "area", "public_dashboard"]
    framework, _changed = model_update(instance=framework, fields=fields, data=data, by=by)
    return framework


@transaction.atomic
def framework_new_version(*, framework: Framework, by: User) -> Framework:
    """A copy of the framework as its next version: results, strategies, indicators (with
    their definitions and schemas), claims and rules. Values, targets and baselines stay with
    the indicators of the version they were reported for; the old version is archived."""
    latest = (
        Framework.objects.filter(initiative=framework.initiative, name=framework.name)
        .order_by("-version")
        .first()
    )
    copy = model_save(
        Framework(
            initiative=framework.initiative,
            name=framework.name,
            version=(latest.version if latest else 0) + 1,
            description=framework.description,
            area=framework.area,
            public_dashboard=framework.public_dashboard,
        ),
        by=by,
    )
    results = {
        r.pk: Result.objects.create(
            framework=copy,
            order=r.order,
            title=r.title,
            population=r.population,
            geography=r.geography,
            story=r.story,
        )
        for r in framework.results.all()
    }
    strategies = {
        s.pk: Strategy.objects.create(
            framework=copy,
            order=s.order,
            name=s.name,
            description=s.description,
            owner_organisation=s.owner_organisation,
            owner_group=s.owner_group,
        )
        for s in framework.strategies.all()
    }
    indicators = {}
    for indicator in framework.indicators.all():
        old_pk = indicator.pk
        indicator.pk = None
        indicator.framework = copy
        result = results.get(indicator.result_id) if indicator.result_id else None
        strategy = strategies.get(indicator.strategy_id) if indicator.strategy_id else None
        indicator.result_id = result.pk if result else None
        indicator.strategy_id = strategy.pk if strategy else None
        indicator.save()
        indicators[old_pk] = indicator
    for claim in framework.claims.all():
        ContributionClaim.objects.create(
            framework=copy,
            result=results[claim.result_id],
            strategy=strategies[claim.strategy_id],
            measure=indicators.get(claim.measure_id) if claim.measure_id else None,
            mechanism=claim.mechanism,
            assumptions=claim.assumptions,
            evidence_grade=claim.evidence_grade,
        )
    for rule in framework.rules.all():
        ValidationRule.objects.create(
            framework=copy,
            name=rule.name,
            left=rule.left,
            operator=rule.operator,
            right=rule.right,
            severity=rule.severity,
        )
    Framework.objects.filter(pk=framework.pk).update(status=FrameworkStatus.ARCHIVED)
    return copy


def result_create(*, framework: Framework, by: User, **fields: Any) -> Result:
    return model_save(Result(framework=framework, **fields), by=by)


def result_update(*, result: Result, by: User, data: dict) -> Result:
    fields = ["order", "title", "population", "geography", "story"]
    result, _changed = model_update(instance=result, fields=fields, data=data, by=by)
    return result


def strategy_create(*, framework: Framework, by: User, **fields: Any) -> Strategy:
    strategy = Strategy(framework=framework, **fields)
    group = strategy.owner_group
    if group is not None and group.initiative_id != framework.initiative_id:
        raise ValidationError({"owner_group": _("Choose a committee or team of this initiative.")})
    return model_save(strategy, by=by)


def claim_create(
    *,
    framework: Framework,
    by: User,
    result: Result,
    strategy: Strategy,
    measure: Indicator | None = None,
    **fields: Any,
) -> ContributionClaim:
    if (
        result.framework_id != framework.pk
        or strategy.framework_id != framework.pk
        or (measure is not None and measure.strategy_id != strategy.pk)
    ):
        raise ValidationError(
            _(
                "The result, the strategy and the measure must belong to this framework, and "
                "the measure to the strategy."
            )
        )
    return model_save(
        ContributionClaim(
            framework=framework, result=result, strategy=strategy, measure=measure, **fields
        ),
        by=by,
    )


def evidence_add(
    *, claim: ContributionClaim, by: User, title: str, url: str = "", note: str = ""
) -> EvidenceItem:
    return model_save(EvidenceItem(claim=claim, title=title, url=url, note=note), by=by)


def indicator_create(*, framework: Framework, by: User, **fields: Any) -> Indicator:
    indicator = Indicator(framework=framework, **fields)
    for name in ("result", "strategy"):
        parent = getattr(indicator, name)
        if parent is not None and parent.framework_id != framework.pk:
            raise ValidationError({name: _("Choose one of this framework's.")})
    _dimensions_check(indicator)
    return model_save(indicator, by=by)


def indicator_update(*, indicator: Indicator, by: User, data: dict) -> Indicator:
    if "dimensions" in data:
        _dimensions_check(Indicator(dimensions=data["dimensions"]))
    fields = [name for name in data if name not in ("framework", "definition_version", "code")]
    indicator, _changed = model_update(instance=indicator, fields=fields, data=data, by=by)
    return indicator


def _dimensions_check(indicator: Indicator) -> None:
    try:
        schema_from_json(indicator.dimensions)
    except SchemaError as error:
        raise ValidationError({"dimensions": str(error)}) from None


@transaction.atomic
def definition_version_add(
    *, indicator: Indicator, by: User, starts: str, note: str
) -> DefinitionVersion:
    """A new definition: values from `starts` on belong to a new segment of the series."""
    try:
        parse_period(starts, expected=indicator.period_type)
    except PeriodError as error:
        raise ValidationError({"starts": str(error)}) from None
    if not (note or "").strip():
        raise ValidationError({"note": _("Say what changed in the definition.")})
    indicator = Indicator.objects.select_for_update().get(pk=indicator.pk)
    indicator.definition_version += 1
    indicator.save(update_fields=["definition_version", "updated_at"])
    return model_save(
        DefinitionVersion(
            indicator=indicator,
            number=indicator.definition_version,
            starts=starts.strip(),
            note=note.strip(),
            created_by=by,
        ),
        by=by,
    )


def version_for(
    indicator: Indicator, period_code: str, versions: Sequence[DefinitionVersion] | None = None
) -> int:
    """The definition version a period's value belongs to (the latest that starts by then)."""
    start = parse_period(period_code).start
    found = 1
    for version in versions if versions is not None else indicator.definition_versions.all():
        if parse_period(version.starts).start <= start:
            found = max(found, version.number)
    return found


# ---------------------------------------------------------------- geography


def geography_add(
    *, initiative, by: User, parent: Geography, name: str, level: str, code: str = ""
) -> Geography:
    """A neighbourhood or statistical area an initiative defines under one of its units."""
    code = code.strip() or f"{parent.code}-{Geography.objects.filter(parent=parent).count() + 1}"
    return model_save(
        Geography(code=code, level=level, name=name, parent=parent, initiative=initiative), by=by
    )


@transaction.atomic
def geography_import(*, rows: Sequence[Locality], by: User | None = None) -> dict[str, int]:
    """Create or update the shared tree country ("IL") → district ("D<id>") → sub-district
    ("SD<id>") → locality ("L<id>") from the CBS list (`geography.localities_read`), with
    each locality's population and municipal status. Running it again with the same list
    changes nothing; a unit an initiative added itself is never taken over. Returns how many
    units of each level the list holds and how many were created, updated and unchanged."""
    wanted: dict[str, dict[str, Any]] = {
        COUNTRY_CODE: {"level": GeographyLevel.COUNTRY, "parent": None, **COUNTRY_NAMES}
    }
    for row in rows:
        district, sub_district = (
            district_code(row.district_id),
            sub_district_code(row.sub_district_id),
        )
        wanted.setdefault(
            district,
            {"level": GeographyLevel.DISTRICT, "parent": COUNTRY_CODE, "name": row.district_name},
        )
        wanted.setdefault(
            sub_district,
            {
                "level": GeographyLevel.SUB_DISTRICT,
                "parent": district,
                "name": row.sub_district_name,
            },
        )
        wanted[locality_code(row.id)] = {
            "level": GeographyLevel.LOCALITY,
            "parent": sub_district,
            "name": row.name,
            "name_en": row.name_en,
            "population": row.population,
            "municipal_status": row.municipal_status,
        }
    existing = {
        unit.code: unit
        for unit in Geography.objects.select_for_update().filter(code__in=list(wanted))
    }
    taken = sorted(code for code, unit in existing.items() if unit.initiative_id is not None)
    if taken:
        raise ValidationError(
            _("An initiative already uses the code %(code)s for a unit of its own.")
            % {"code": taken[0]}
        )
    counts = dict.fromkeys(GeographyLevel.values, 0) | {
        "created": 0,
        "updated": 0,
        "unchanged": 0,
    }
    # Parents before children, so each level's parents have their keys.
    for level in (
        GeographyLevel.COUNTRY,
        GeographyLevel.DISTRICT,
        GeographyLevel.SUB_DISTRICT,
        GeographyLevel.LOCALITY,
    ):
        new, changed = [], []
        for code, fields in wanted.items():
            if fields["level"] != level:
                continue
            counts[level] += 1
            values = dict(fields, parent=existing[fields["parent"]] if fields["parent"] else None)
            unit = existing.get(code)
            if unit is None:
                new.append(Geography(code=code, **values))
                continue
            if not values.get("name_en"):
                values.pop("name_en", None)  # a name added by hand stays
            differs = [
                name
                for name, value in values.items()
                if (getattr(unit, f"{name}_id") if name == "parent" else getattr(unit, name))
                != (value.pk if name == "parent" and value is not None else value)
            ]
            if differs:
                for name in differs:
                    setattr(unit, name, values[name])
                changed.append(unit)
            else:
                counts["unchanged"] += 1
        Geography.objects.bulk_create(new, batch_size=500)
        for unit in new:
            existing[unit.code] = unit
        Geography.objects.bulk_update(
            changed,
            ["level", "name", "name_en", "name_ar", "parent", "population", "municipal_status"],
            batch_size=500,
        )
        counts["created"] += len(new)
        counts["updated"] += len(changed)
    return counts


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
        return _(
            "Locked by %(who)s on %(when)s: the period is closed for changes. The backbone "
            "can unlock it, which is recorded."
        ) % _who_when(event, observation)
    if observation is not None and observation.state == State.APPROVED:
        return _(
            "Approved by %(who)s on %(when)s. To change it, ask the backbone to return it."
        ) % {
            "who": _name(observation.reviewed_by),
            "when": _date(observation.reviewed_at),
        }
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

    def lookup_in(period: str):
        def lookup(term: rules.Term) -> float | None:
            indicator_id = codes.get(term.code)
            if indicator_id is None:
                return None
            cell_key = key_string(
                dict(
                    part.split("=", 1)
                    for part in term.key.replace(";", "|").split("|")
                    if "=" in part
                )
            )
            row = cells.get((indicator_id, period, cell_key))
            number = None if row is None else row.get(term.part)
            return None if number is None else float(number)

        return lookup

    problems: list[Problem] = []
    for rule in framework_rules:
        try:
            left = rules.parse(rule.left)
            right = rules.parse(rule.right)
        except rules.RuleError:
            continue  # checked when the rule was saved; an indicator renamed since skips it
        if indicator.code not in {term.code for term in left.terms + right.terms}:
            continue
        current = lookup_in(entry.period.code)
        previous = (
            left.evaluate(lookup_in(entry.period.previous().code))
            if rule.operator == "change"
            else None
        )
        verdict = rules.holds(
            rule.operator, left.evaluate(current), right.evaluate(current), previous=previous
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
    if reason := why_not_editable(earlier, round=round, backbone=backbone):
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
        partner=partner if partner is not None else (earlier.partner if earlier else None),
        round=round or (earlier.round if earlier else None),
        state=State.SUBMITTED if submit else State.DRAFT,
        supersedes=earlier,
        current=True,
        created_by=by,
    )
    _event(observation, Event.REVISED if earlier else Event.ENTERED, by)
    if submit:
        _event(observation, Event.SUBMITTED, by)
        _task_touch(observation)
    return observation


def _event(
    observation: Observation, action: str, by: User | None, note: str = ""
) -> ObservationEvent:
    return ObservationEvent.objects.create(observation=observation, action=action, by=by, note=note)


def _task_touch(observation: Observation) -> None:
    if observation.round_id and observation.partner_id:
        ReportingTask.objects.filter(
            round_id=observation.round_id, partner_id=observation.partner_id
        ).update(submitted_at=timezone.now())


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
    _task_touch(observation)
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
    for start in range(0, len(rows), chunk):
        part = rows[start : start + chunk]
        current = _current_cells(part, lock=False)
        for offset, r in enumerate(part):
            observation = current.get(
                (r.indicator.pk, r.geography.pk, r.entry.period.code, r.entry.key)
            )
            if observation is None:
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
) -> ReportingRound:
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
    round = model_save(
        ReportingRound(framework=framework, period=parsed.code, due_date=due_date, opened_by=by),
        by=by,
    )
    round.indicators.set(indicators)
    ReportingTask.objects.bulk_create(
        [ReportingTask(round=round, partner=partner) for partner in dict.fromkeys(partners)]
    )
    return round


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


# ---------------------------------------------------------------- baselines, targets, forecasts


def baseline_set(
    *,
    indicator: Indicator,
    by: User,
    geography: Geography,
    period: str,
    value: Any,
    method: str = "",
) -> Baseline:
    try:
        parse_period(period)
    except PeriodError as error:
        raise ValidationError({"period": str(error)}) from None
    return model_save(
        Baseline(
            indicator=indicator,
            geography=geography,
            period=str(period).strip(),
            value=value,
            method=method,
        ),
        by=by,
    )


def target_set(
    *,
    indicator: Indicator,
    by: User,
    geography: Geography,
    value: Any,
    year: int,
    kind: str = "committed",
    decision=None,
) -> Target:
    if decision is not None and decision.initiative_id != indicator.framework.initiative_id:
        raise ValidationError({"decision": _("Choose a decision of this initiative's meetings.")})
    if decision is not None and decision.kind != OutcomeKind.DECISION:
        raise ValidationError({"decision": _("Choose a decision, not another kind of outcome.")})
    return model_save(
        Target(
            indicator=indicator,
            geography=geography,
            value=value,
            year=year,
            kind=kind,
            decision=decision,
        ),
        by=by,
    )


def forecast_judgement_add(
    *, indicator: Indicator, by: User, geography: Geography, year: int, value: Any, note: str = ""
) -> Forecast:
    return model_save(
        Forecast(
            indicator=indicator,
            geography=geography,
            method=Forecast.Method.JUDGEMENT,
            as_of=timezone.localdate(),
            year=year,
            value=value,
            note=note,
            created_by=by,
        ),
        by=by,
    )


# ---------------------------------------------------------------- agreements and rules


def agreement_set(
    *, framework: Framework, by: User, partner: Organisation, indicator: Indicator, **fields: Any
) -> SharingAgreement:
    if indicator.framework_id != framework.pk:
        raise ValidationError({"indicator": _("Choose an indicator of this framework.")})
    agreement = SharingAgreement.objects.filter(
        partner=partner, indicator=indicator
    ).first() or SharingAgreement(framework=framework, partner=partner, indicator=indicator)
    for name, value in fields.items():
        setattr(agreement, name, value)
    return model_save(agreement, by=by)


def rule_create(
    *,
    framework: Framework,
    by: User,
    name: str,
    left: str,
    operator: str,
    right: str,
    severity: str,
) -> ValidationRule:
    errors = {}
    codes = set(framework.indicators.values_list("code", flat=True))
    for field, text in (("left", left), ("right", right)):
        try:
            expression = rules.parse(text)
        except rules.RuleError as error:
            errors[field] = str(error)
            continue
        unknown = [term.code for term in expression.terms if term.code not in codes]
        if unknown:
            errors[field] = _("No indicator of this framework has the code %(code)s.") % {
                "code": unknown[0]
            }
    if operator not in rules.OPERATORS:
        errors["operator"] = _("Choose an operator.")
    if errors:
        raise ValidationError(errors)
    return model_save(
        ValidationRule(
            framework=framework,
            name=name,
            left=left.strip(),
            operator=operator,
            right=right.strip(),
            severity=severity,
        ),
        by=by,
    )


# ---------------------------------------------------------------- turn the curve


@transaction.atomic
def curve_session_create(
    *,
    indicator: Indicator,
    meeting: Meeting,
    by: User,
    story: str,
    what_works: str = "",
    partners: Sequence[tuple[Organisation, str]] = (),
    actions: Sequence[dict] = (),
) -> CurveSession:
    """Record a turn-the-curve conversation held at `meeting`; its action items are the
    meeting's own (owner from the meeting's people, due date), made by the meetings module."""
    if meeting.initiative_id != indicator.framework.initiative_id:
        raise ValidationError({"meeting": _("Choose a meeting of this initiative.")})
    session = model_save(
        CurveSession(indicator=indicator, meeting=meeting, story=story, what_works=what_works),
        by=by,
    )
    CurvePartner.objects.bulk_create(
        [CurvePartner(session=session, organisation=o, role=r[:300]) for o, r in partners]
    )
    for action in actions:
        item = meeting_services.outcome_create(
            meeting=meeting,
            by=by,
            kind=OutcomeKind.ACTION,
            text=action["text"],
            owner=action.get("owner"),
            due_date=action.get("due_date"),
        )
        session.actions.add(item)
    return session
