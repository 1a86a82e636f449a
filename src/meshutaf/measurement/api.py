"""API endpoints for shared measurement, through the same gates as the pages: an initiative's
results frameworks, their indicators, the values (read and write, through the review
workflow) and the scorecard.

Every value a response holds comes through `selectors.observations_shown` or the scorecard
selector, so the agreements' visibility and small-number suppression hold here as on the
pages: a hidden value is `null`, with `suppressed` set and `marker` "<10" (a small count) or
"suppressed" (hidden so that another cannot be worked out by subtraction).
"""

import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from meshutaf.core.access import Action
from meshutaf.core.schemas import MAX_ID, ErrorOut, Id
from meshutaf.directory.models import Organisation
from meshutaf.initiatives.permissions import initiative_get_for_user

from . import importing, scorecard_selectors, selectors, services
from .entries import entry_check
from .models import Framework, Geography, Indicator, Observation, ReportingRound, ValueStatus
from .periods import PeriodError, parse_period
from .permissions import (
    Viewer,
    framework_get_for_user,
    indicator_get_for_user,
    is_backbone,
    may_report_for,
    observation_get_for_user,
    reporting_organisations,
)

router = Router(tags=["measurement"])

# A string (or true/false, kept as given) is checked and refused with a message by entry_check.
Number = bool | int | float | str | None


# ---------------------------------------------------------------- schemas


class FrameworkOut(Schema):
    id: int
    initiative_id: int
    name: str
    version: int
    status: str
    description: str
    area_code: str | None
    area_name: str | None
    public_dashboard: bool

    @staticmethod
    def resolve_area_code(obj) -> str | None:
        if isinstance(obj, dict):  # already resolved (the detail builds a dict)
            return obj.get("area_code")
        return obj.area.code if obj.area_id else None

    @staticmethod
    def resolve_area_name(obj) -> str | None:
        if isinstance(obj, dict):
            return obj.get("area_name")
        return obj.area.name if obj.area_id else None


class ResultOut(Schema):
    id: int
    order: int
    title: str
    population: str
    story: str
    indicator_ids: list[int]


class StrategyOut(Schema):
    id: int
    order: int
    name: str
    description: str
    owner_organisation_id: int | None
    owner_group_id: int | None
    measure_ids: list[int]


class FrameworkDetailOut(FrameworkOut):
    results: list[ResultOut]
    strategies: list[StrategyOut]


class IndicatorOut(Schema):
    id: int
    framework_id: int
    result_id: int | None
    strategy_id: int | None
    category: str
    code: str
    name: str
    name_ar: str
    name_en: str
    kind: str
    per: int
    unit: str
    direction: str
    period_type: str
    definition_version: int
    suppression_k: int


class DefinitionVersionOut(Schema):
    number: int
    starts: str
    note: str


class IndicatorDetailOut(IndicatorOut):
    numerator_definition: str
    denominator_definition: str
    data_source: str
    dimensions: list[dict]
    decimals: int
    definition_versions: list[DefinitionVersionOut]


class IntervalOut(Schema):
    low: float
    high: float
    level: float
    method: str
    unreliable: bool


class ObservationOut(Schema):
    id: int
    indicator_id: int
    indicator_code: str
    geography_code: str
    geography_name: str
    period: str
    disaggregation: str
    definition_version: int
    value: float | None
    numerator: float | None
    denominator: float | None
    suppressed: bool = Field(description="Hidden from this caller; value and parts are null.")
    marker: str | None = Field(description='"<10" for a small count, "suppressed" otherwise.')
    interval: IntervalOut | None
    status: str
    state: str
    partner_id: int | None
    return_reason: str


class ObservationPage(Schema):
    items: list[ObservationOut]
    count: int


class ObservationFilters(Schema):
    indicator: Id | None = None
    period: str = Field("", max_length=16)
    geography: str = Field("", max_length=40, description="A geography unit's code.")
    disaggregation: str | None = Field(None, max_length=300)
    limit: int = Field(
        settings.NINJA_PAGINATION_PER_PAGE, ge=1, le=settings.NINJA_PAGINATION_MAX_LIMIT
    )
    offset: int = Field(0, ge=0, le=MAX_ID)


class Numbers(Schema):
    value: Number = None
    numerator: Number = None
    denominator: Number = None
    standard_error: Number = None
    status: str = ValueStatus.FINAL
    source_dataset: str = Field("", max_length=300)
    source_url: str = Field("", max_length=200)
    retrieved_on: datetime.date | None = None
    submit: bool = False
    confirm_warnings: bool = False


class ObservationIn(Numbers):
    geography: str = Field(max_length=40, description="A geography unit's code.")
    period: str = Field(max_length=16)
    disaggregation: dict[str, str] | str = ""
    partner_id: Id | None = Field(
        None, description="The organisation reported for; empty for the backbone's own value."
    )
    round_id: Id | None = None


class EventOut(Schema):
    action: str
    by: str | None
    at: datetime.datetime
    note: str


class RevisionOut(Schema):
    id: int
    current: bool
    value: float | None
    numerator: float | None
    denominator: float | None
    standard_error: float | None
    status: str
    state: str
    return_reason: str
    created_by: str | None
    created_at: datetime.datetime
    events: list[EventOut]


class ReasonIn(Schema):
    reason: str = Field(max_length=2000)


class TargetOut(Schema):
    value: float
    year: int
    kind: str


class LatestOut(Schema):
    period: str
    definition_version: int
    value: float | None
    suppressed: bool
    marker: str | None
    interval: IntervalOut | None
    status: str
    state: str


class ScorecardRowOut(Schema):
    indicator: IndicatorOut
    latest: LatestOut | None
    baseline: float | None
    target: TargetOut | None
    verdict: str | None = Field(
        description="on_track, needs_acceleration, regressing, uncertain or insufficient_data; "
        "null without a baseline and a target."
    )
    current_status: float | None = Field(
        description="The share of the required progress made; null when the baseline is "
        "hidden from the caller (a small count), since it would give the baseline away."
    )
    turned: bool | None = Field(description="Null: too early to tell.")
    problem: str


# ---------------------------------------------------------------- helpers


def _viewer(request, role) -> Viewer:
    return Viewer.of(user=request.user, role=role)


def _interval_out(shown: selectors.Shown) -> dict[str, Any] | None:
    interval = shown.interval
    if interval is None or shown.hidden:
        return None
    return {
        "low": interval.low,
        "high": interval.high,
        "level": interval.level,
        "method": str(interval.method),
        "unreliable": interval.unreliable,
    }


def _observation_out(item: selectors.ShownObservation, viewer: Viewer) -> dict[str, Any]:
    row, shown = item.observation, item.shown
    return {
        "id": row.pk,
        "indicator_id": row.indicator_id,
        "indicator_code": row.indicator.code,
        "geography_code": row.geography.code,
        "geography_name": row.geography.name,
        "period": row.period,
        "disaggregation": row.disaggregation,
        "definition_version": row.definition_version,
        "value": shown.value,
        "numerator": shown.numerator,
        "denominator": shown.denominator,
        "suppressed": shown.hidden,
        "marker": shown.marker,
        "interval": _interval_out(shown),
        "status": row.status,
        "state": row.state,
        "partner_id": row.partner_id,
        # Why a value went back is the partner's and the backbone's business.
        "return_reason": row.return_reason
        if selectors.sees_in_full(viewer, row.partner_id)
        else "",
    }


def _shown_one(request, role, observation: Observation) -> dict[str, Any]:
    viewer = _viewer(request, role)
    framework = observation.indicator.framework
    return _observation_out(
        selectors.observations_shown(viewer, framework, [observation])[0], viewer
    )


def _geography(code: str, framework: Framework, *, field: str = "geography") -> Geography:
    """The unit of `code` a value of `framework` may be for (`importing.geographies_in`):
    another initiative's unit, or one outside the framework's area, is as unknown as a code
    nobody has."""
    unit = importing.geographies_in(framework, [code.strip()]).get(code.strip())
    if unit is None:
        raise ValidationError(
            {field: [_("No geography unit has the code “%(code)s”.") % {"code": code[:40]}]}
        )
    return unit


def _reporting_partner(request, role, partner_id: int | None) -> Organisation | None:
    """The organisation a value is entered for, once the caller may report for it."""
    if partner_id is None:
        if is_backbone(role):
            return None
        own = reporting_organisations(user=request.user)
        if len(own) != 1:
            if not own:
                raise PermissionDenied
            raise ValidationError({"partner_id": [_("Say which organisation you report for.")]})
        partner_id = next(iter(own))
    if not may_report_for(user=request.user, role=role, partner_id=partner_id):
        raise PermissionDenied
    partner = Organisation.objects.filter(pk=partner_id).first()
    if partner is None:
        raise ValidationError({"partner_id": [_("Choose an organisation.")]})
    return partner


def _entry(indicator: Indicator, numbers: Numbers, *, period: str, key: Any):
    return entry_check(
        indicator,
        period=period,
        key=key,
        value=numbers.value,
        numerator=numbers.numerator,
        denominator=numbers.denominator,
        standard_error=numbers.standard_error,
        status=numbers.status,
        source_dataset=numbers.source_dataset,
        source_url=numbers.source_url,
        retrieved_on=numbers.retrieved_on,
    )


# ---------------------------------------------------------------- frameworks and indicators


@router.get("/initiatives/{initiative_id}/measurement/frameworks", response=list[FrameworkOut])
@paginate
def framework_list(request, initiative_id: Id):
    initiative = initiative_get_for_user(user=request.user, pk=initiative_id).obj
    return selectors.frameworks_of(initiative)


@router.get("/measurement/frameworks/{framework_id}", response=FrameworkDetailOut)
def framework_get(request, framework_id: Id):
    framework = framework_get_for_user(user=request.user, pk=framework_id).obj
    indicators = list(framework.indicators.only("pk", "result_id", "strategy_id"))
    result = FrameworkOut.from_orm(framework).dict()
    result["results"] = [
        {
            "id": item.pk,
            "order": item.order,
            "title": item.title,
            "population": item.population,
            "story": item.story,
            "indicator_ids": [i.pk for i in indicators if i.result_id == item.pk],
        }
        for item in framework.results.all()
    ]
    result["strategies"] = [
        {
            "id": item.pk,
            "order": item.order,
            "name": item.name,
            "description": item.description,
            "owner_organisation_id": item.owner_organisation_id,
            "owner_group_id": item.owner_group_id,
            "measure_ids": [i.pk for i in indicators if i.strategy_id == item.pk],
        }
        for item in framework.strategies.all()
    ]
    return result


@router.get("/measurement/frameworks/{framework_id}/indicators", response=list[IndicatorOut])
@paginate
def indicator_list(request, framework_id: Id):
    framework = framework_get_for_user(user=request.user, pk=framework_id).obj
    return framework.indicators.order_by("order", "code", "pk")


@router.get("/measurement/indicators/{indicator_id}", response=IndicatorDetailOut)
def indicator_get(request, indicator_id: Id):
    indicator = indicator_get_for_user(user=request.user, pk=indicator_id).obj
    result = IndicatorOut.from_orm(indicator).dict()
    result.update(
        numerator_definition=indicator.numerator_definition,
        denominator_definition=indicator.denominator_definition,
        data_source=indicator.data_source,
        dimensions=indicator.dimensions or [],
        decimals=indicator.decimals,
        definition_versions=[
            {"number": v.number, "starts": v.starts, "note": v.note}
            for v in indicator.definition_versions.all()
        ],
    )
    return result


# ---------------------------------------------------------------- values: read


@router.get("/measurement/frameworks/{framework_id}/observations", response=ObservationPage)
def observation_list(request, framework_id: Id, filters: Query[ObservationFilters]):
    """The framework's current values the caller may see, filtered by indicator (id), period
    (code), geography (code) and disaggregation (key, "" for totals)."""
    framework, role = framework_get_for_user(user=request.user, pk=framework_id)
    geography_id = None
    if filters.geography:
        geography_id = _geography(filters.geography, framework).pk
    period = None
    if filters.period.strip():
        try:
            period = parse_period(filters.period).code
        except PeriodError as error:
            raise ValidationError({"period": [str(error)]}) from None
    viewer = _viewer(request, role)
    query = selectors.observations_listed(
        viewer,
        framework,
        indicator_id=filters.indicator,
        period=period,
        geography_id=geography_id,
        key=filters.disaggregation,
    )
    count = query.count()
    rows = list(query[filters.offset : filters.offset + filters.limit])
    shown = selectors.observations_shown(viewer, framework, rows)
    return {"items": [_observation_out(item, viewer) for item in shown], "count": count}


@router.get("/measurement/observations/{observation_id}", response=ObservationOut)
def observation_get(request, observation_id: Id):
    observation, role = observation_get_for_user(user=request.user, pk=observation_id)
    viewer = _viewer(request, role)
    if not selectors.observations_visible(viewer).filter(pk=observation.pk).exists():
        raise Http404
    return _shown_one(request, role, observation)


def _who(user) -> str | None:
    return (user.get_full_name() or user.get_username()) if user is not None else None


def _decimal(number) -> float | None:
    return None if number is None else float(number)


@router.get(
    "/measurement/observations/{observation_id}/history",
    response={200: list[RevisionOut], 403: ErrorOut},
)
def observation_history(request, observation_id: Id):
    """Every value the cell has had, newest first, with who did what and when: for the
    backbone and the value's reporting partner, who see its values in full."""
    observation, role = observation_get_for_user(user=request.user, pk=observation_id)
    if not selectors.sees_in_full(_viewer(request, role), observation.partner_id):
        raise PermissionDenied
    return [
        {
            "id": revision.pk,
            "current": revision.current,
            "value": _decimal(revision.value),
            "numerator": _decimal(revision.numerator),
            "denominator": _decimal(revision.denominator),
            "standard_error": _decimal(revision.standard_error),
            "status": revision.status,
            "state": revision.state,
            "return_reason": revision.return_reason,
            "created_by": _who(revision.created_by),
            "created_at": revision.created_at,
            "events": [
                {"action": event.action, "by": _who(event.by), "at": event.at, "note": event.note}
                for event in revision.events.all()
            ],
        }
        for revision in selectors.history(observation)
    ]


# ---------------------------------------------------------------- values: write


@router.post("/measurement/indicators/{indicator_id}/observations", response={201: ObservationOut})
def observation_create(request, indicator_id: Id, payload: ObservationIn):
    """Enter a value, or revise the current value of the same cell (the earlier one is kept).
    A partner reports for its own organisation; the backbone for anyone, or for itself."""
    indicator, role = indicator_get_for_user(user=request.user, pk=indicator_id)
    partner = _reporting_partner(request, role, payload.partner_id)
    entry = _entry(indicator, payload, period=payload.period, key=payload.disaggregation)
    geography = _geography(payload.geography, indicator.framework)
    round = None
    if payload.round_id is not None:
        round = ReportingRound.objects.filter(
            pk=payload.round_id, framework_id=indicator.framework_id
        ).first()
        if round is None:
            raise ValidationError({"round_id": [_("Choose a reporting round of this framework.")]})
    observation = services.observation_record(
        indicator=indicator,
        by=request.user,
        role=role,
        geography=geography,
        entry=entry,
        partner=partner,
        round=round,
        submit=payload.submit,
        confirm_warnings=payload.confirm_warnings,
    )
    return Status(201, _shown_one(request, role, observation))


@router.post("/measurement/observations/{observation_id}/revise", response={201: ObservationOut})
def observation_revise(request, observation_id: Id, payload: Numbers):
    """A new value for the same cell; the one revised stays readable in its history."""
    observation, role = observation_get_for_user(
        user=request.user, pk=observation_id, action=Action.CONTRIBUTE
    )
    if not observation.current:
        raise ValidationError(_("This value has been revised since; revise the current one."))
    indicator = observation.indicator
    entry = _entry(indicator, payload, period=observation.period, key=observation.disaggregation)
    revised = services.observation_record(
        indicator=indicator,
        by=request.user,
        role=role,
        geography=observation.geography,
        entry=entry,
        partner=observation.partner,
        round=observation.round,
        submit=payload.submit,
        confirm_warnings=payload.confirm_warnings,
    )
    return Status(201, _shown_one(request, role, revised))


@router.post("/measurement/observations/{observation_id}/submit", response=ObservationOut)
def observation_submit(request, observation_id: Id):
    observation, role = observation_get_for_user(
        user=request.user, pk=observation_id, action=Action.CONTRIBUTE
    )
    return _shown_one(
        request, role, services.observation_submit(observation=observation, by=request.user)
    )


@router.post("/measurement/observations/{observation_id}/return", response=ObservationOut)
def observation_return(request, observation_id: Id, payload: ReasonIn):
    observation, role = observation_get_for_user(
        user=request.user, pk=observation_id, action=Action.MANAGE
    )
    returned = services.observation_return(
        observation=observation, by=request.user, reason=payload.reason
    )
    return _shown_one(request, role, returned)


@router.post("/measurement/observations/{observation_id}/approve", response=ObservationOut)
def observation_approve(request, observation_id: Id):
    observation, role = observation_get_for_user(
        user=request.user, pk=observation_id, action=Action.MANAGE
    )
    approved = services.observation_approve(observation=observation, by=request.user)
    return _shown_one(request, role, approved)


# ---------------------------------------------------------------- scorecard


@router.get("/measurement/frameworks/{framework_id}/scorecard", response=list[ScorecardRowOut])
def scorecard(request, framework_id: Id):
    """Each indicator's latest area-wide value as the caller sees it, the target and the
    verdicts."""
    framework, role = framework_get_for_user(user=request.user, pk=framework_id)
    viewer = _viewer(request, role)
    rows = selectors.scorecard(viewer, framework)
    result = []
    for row in rows:
        latest = None
        if row.latest is not None:
            shown = row.latest.shown
            latest = {
                "period": row.latest.period,
                "definition_version": row.latest.segment,
                "value": shown.value,
                "suppressed": shown.hidden,
                "marker": shown.marker,
                "interval": _interval_out(shown),
                "status": shown.status,
                "state": shown.state,
            }
        assessment = row.progress.assessment
        target = row.progress.target
        # As the pages show it: a small baseline is hidden from all but the backbone, and so
        # is the share of the way from it, which would give it away.
        baseline = scorecard_selectors.baseline_value(viewer, row.indicator, row.progress.baseline)
        baseline_hidden = row.progress.baseline is not None and baseline is None
        result.append(
            {
                "indicator": IndicatorOut.from_orm(row.indicator).dict(),
                "latest": latest,
                "baseline": baseline,
                "target": {"value": float(target.value), "year": target.year, "kind": target.kind}
                if target
                else None,
                "verdict": assessment.verdict if assessment else None,
                "current_status": assessment.current_status
                if assessment and not baseline_hidden
                else None,
                "turned": row.progress.curve.turned if row.progress.curve else None,
                "problem": row.progress.problem,
            }
        )
    return result
