"""Writes that define a results framework: the framework and its versions, results,
strategies, contribution claims, indicators and their definition versions, geography,
baselines, targets, judgement forecasts, data-sharing agreements, validation rules and
turn-the-curve sessions. Each caller has already passed the object's gate."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from meshutaf.accounts.models import User
from meshutaf.core.services import model_save, model_update
from meshutaf.directory.models import Organisation
from meshutaf.meetings import services as meeting_services
from meshutaf.meetings.models import Meeting, OutcomeKind

from .. import indexing, rules
from ..geography import (
    COUNTRY_CODE,
    COUNTRY_NAMES,
    Locality,
    district_code,
    locality_code,
    sub_district_code,
)
from ..keys import SchemaError, schema_from_json
from ..models import (
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
    Result,
    SharingAgreement,
    Strategy,
    Target,
    ValidationRule,
)
from ..periods import PeriodError, parse_period

# ---------------------------------------------------------------- framework and indicators


def framework_create(*, initiative, by: User, name: str, **fields: Any) -> Framework:
    framework = model_save(Framework(initiative=initiative, name=name, **fields), by=by)
    indexing.index_framework(framework)
    return framework


def framework_update(*, framework: Framework, by: User, data: dict) -> Framework:
    fields = ["name", "status", "description", "area", "public_dashboard"]
    framework, _changed = model_update(instance=framework, fields=fields, data=data, by=by)
    indexing.index_framework(framework)
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
    framework.status = FrameworkStatus.ARCHIVED
    indexing.index_framework(framework)
    indexing.index_framework(copy)
    return copy


def result_create(*, framework: Framework, by: User, **fields: Any) -> Result:
    result = model_save(Result(framework=framework, **fields), by=by)
    indexing.index_result(result)
    return result


def result_update(*, result: Result, by: User, data: dict) -> Result:
    fields = ["order", "title", "population", "geography", "story"]
    result, _changed = model_update(instance=result, fields=fields, data=data, by=by)
    indexing.index_result(result)
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
    indicator = model_save(indicator, by=by)
    indexing.index_indicator(indicator)
    return indicator


def indicator_update(*, indicator: Indicator, by: User, data: dict) -> Indicator:
    if "dimensions" in data:
        _dimensions_check(Indicator(dimensions=data["dimensions"]))
    fields = [name for name in data if name not in ("framework", "definition_version", "code")]
    indicator, _changed = model_update(instance=indicator, fields=fields, data=data, by=by)
    indexing.index_indicator(indicator)
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
