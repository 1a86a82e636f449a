"""Shared measurement for the demo's collective-impact town (Ein HaDekel): the town in the
geography tree with five neighbourhoods, a results framework (three results, thirteen
indicators, strategies of partners and of the initiative's committees and task teams,
contribution claims with evidence), five years of values (2021–2025, by quarter or year, by
neighbourhood and on some by sex, some neighbourhood counts small enough to be suppressed,
one definition change), baselines, targets decided at a meeting, sharing agreements,
validation rules, a reporting round in progress and a turn-the-curve session.

Part of `meshutaf demo`; the words are in data/measurement.toml, the numbers are generated
here with a fixed seed, so every machine gets the same values. Writes go through the
measurement and meetings services; the history is written in bulk and approved by the backbone.
"""

import datetime as dt
import random
import zoneinfo
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from meshutaf.accounts.models import User
from meshutaf.core.access import Role
from meshutaf.demo.data import data_read, text
from meshutaf.directory.models import Organisation, Person
from meshutaf.directory.services import affiliation_add
from meshutaf.initiatives.models import Group, Initiative, Membership
from meshutaf.initiatives.services import membership_add
from meshutaf.measurement import services
from meshutaf.measurement.entries import entry_check
from meshutaf.measurement.models import Framework, Geography, GeographyLevel, Indicator
from meshutaf.measurement.periods import parse_period
from meshutaf.meetings import services as meeting_services
from meshutaf.meetings.models import Meeting, MeetingStatus, OutcomeKind

ZONE = zoneinfo.ZoneInfo("Asia/Jerusalem")
YEARS = range(2021, 2026)
SEED = 14  # the measurement issue's number: the values never depend on the rest of the demo


@dataclass
class Town:
    locality: Geography
    neighbourhoods: list[tuple[Geography, float, float]]  # unit, population share, factor


def _periods(period_type: str) -> list[str]:
    if period_type == "year":
        return [str(year) for year in YEARS]
    return [f"{year}-Q{quarter}" for year in YEARS for quarter in range(1, 5)]


def _shared_unit(spec: dict[str, Any], level: str, parent: Geography | None) -> Geography:
    """A shared unit of the CBS tree: reused when an import already made it."""
    unit, _created = Geography.objects.get_or_create(
        code=text(spec, "code"),
        defaults={
            "level": level,
            "name": text(spec, "name"),
            "name_en": text(spec, "en", ""),
            "name_ar": text(spec, "ar", ""),
            "parent": parent,
            "population": spec.get("population"),
            "municipal_status": text(spec, "status", ""),
        },
    )
    return unit


def _town(initiative: Initiative, facilitator: User) -> Town:
    data = data_read("measurement")
    geography = data["geography"]
    country = _shared_unit(geography["country"], GeographyLevel.COUNTRY, None)
    district = _shared_unit(geography["district"], GeographyLevel.DISTRICT, country)
    sub_district = _shared_unit(geography["sub_district"], GeographyLevel.SUB_DISTRICT, district)
    locality = _shared_unit(geography["locality"], GeographyLevel.LOCALITY, sub_district)
    neighbourhoods = []
    for number, spec in enumerate(data["neighbourhood"], start=1):
        unit = services.geography_add(
            initiative=initiative,
            by=facilitator,
            parent=locality,
            name=text(spec, "name"),
            level=GeographyLevel.NEIGHBOURHOOD,
            code=f"{locality.code}-{number}",
        )
        Geography.objects.filter(pk=unit.pk).update(
            name_en=text(spec, "en"), population=round(locality.population * spec["weight"])
        )
        neighbourhoods.append((unit, float(spec["weight"]), float(spec["factor"])))
    return Town(locality, neighbourhoods)


# ---------------------------------------------------------------- the framework


def _framework(
    initiative: Initiative, facilitator: User, orgs: dict[str, Organisation], town: Town
) -> tuple[Framework, dict[str, Indicator]]:
    data = data_read("measurement")
    spec = data["framework"]
    framework = services.framework_create(
        initiative=initiative,
        by=facilitator,
        name=text(spec, "name"),
        description=text(spec, "description"),
        area=town.locality,
    )
    results = [
        services.result_create(
            framework=framework,
            by=facilitator,
            order=order,
            title=text(result, "title"),
            population=text(result, "population"),
            geography=town.locality,
            story=text(result, "story"),
        )
        for order, result in enumerate(data["result"], start=1)
    ]
    groups = {group.name: group for group in Group.objects.filter(initiative=initiative)}
    strategies = [
        services.strategy_create(
            framework=framework,
            by=facilitator,
            order=order,
            name=text(strategy, "name"),
            description=text(strategy, "description"),
            owner_organisation=orgs[strategy["organisation"]]
            if "organisation" in strategy
            else None,
            owner_group=groups[strategy["group"]] if "group" in strategy else None,
        )
        for order, strategy in enumerate(data["strategy"], start=1)
    ]
    indicators: dict[str, Indicator] = {}
    for order, item in enumerate(data["indicator"], start=1):
        dimensions = [
            {"name": "sex", "label": "מין", "values": ["female", "male"], "sums_to_total": True}
            for _dimension in item.get("dims", [])
        ]
        indicators[item["code"]] = services.indicator_create(
            framework=framework,
            by=facilitator,
            order=order,
            code=item["code"],
            name=text(item, "name"),
            name_en=text(item, "en"),
            name_ar=text(item, "ar"),
            kind=item["kind"],
            per=int(item.get("per", 1)),
            period_type=item["period"],
            result=results[item["result"] - 1] if "result" in item else None,
            strategy=strategies[item["strategy"] - 1] if "strategy" in item else None,
            category=text(item, "category", ""),
            unit=text(item, "unit", ""),
            numerator_definition=text(item, "numerator", ""),
            denominator_definition=text(item, "denominator", ""),
            direction=text(item, "direction", "up"),
            data_source=text(item, "source"),
            visibility=text(item, "visibility", "partners"),
            dimensions=dimensions,
            decimals=1 if item["kind"] != "count" else 0,
        )
        if "break" in item:
            services.definition_version_add(
                indicator=indicators[item["code"]],
                by=facilitator,
                starts=item["break"]["starts"],
                note=text(item["break"], "note"),
            )
    for claim in data["claim"]:
        made = services.claim_create(
            framework=framework,
            by=facilitator,
            result=results[claim["result"] - 1],
            strategy=strategies[claim["strategy"] - 1],
            measure=indicators[claim["measure"]],
            mechanism=text(claim, "mechanism"),
            assumptions=text(claim, "assumptions"),
            evidence_grade=text(claim, "grade"),
        )
        for evidence in claim["evidence"]:
            services.evidence_add(
                claim=made,
                by=facilitator,
                title=text(evidence, "title"),
                note=text(evidence, "note"),
            )
    for agreement in data["agreement"]:
        services.agreement_set(
            framework=framework,
            by=facilitator,
            partner=orgs[agreement["partner"]],
            indicator=indicators[agreement["code"]],
            purpose=text(agreement, "purpose"),
            visibility=text(agreement, "visibility"),
            consent=text(agreement, "consent"),
        )
    for rule in data["rule"]:
        services.rule_create(
            framework=framework,
            by=facilitator,
            name=text(rule, "name"),
            left=text(rule, "left"),
            operator=text(rule, "operator"),
            right=text(rule, "right"),
            severity=text(rule, "severity"),
        )
    return framework, indicators


# ---------------------------------------------------------------- five years of values


def _level(item: dict[str, Any], period: str) -> float:
    """The town's underlying level in `period`: a straight line from `start` (2021) to `end`
    (2025), raised by the definition change from its first period on."""
    time = parse_period(period).time
    share = (time - 2021) / 4.75 if "Q" in period else (time - 2021) / 4
    level = float(item["start"]) + (float(item["end"]) - float(item["start"])) * share
    if (
        "break" in item
        and parse_period(period).start >= parse_period(item["break"]["starts"]).start
    ):
        level *= float(item["break"]["jump"])
    return level


def _values(
    item: dict[str, Any], period: str, town: Town, rng: random.Random
) -> list[tuple[Geography, dict[str, str], dict[str, Any]]]:
    """One period's cells of an indicator: the neighbourhoods (when it has them), the town
    (their sum) and the town by sex. Each cell: (unit, key, entry fields)."""
    kind, level = item["kind"], _level(item, period)
    down = item.get("direction") == "down"
    parts = town.neighbourhoods if item.get("neighbourhoods") else [(town.locality, 1.0, 1.0)]
    cells: list[tuple[Geography, dict[str, str], dict[str, Any]]] = []
    if kind == "mean":
        value = round(level + rng.gauss(0, float(item["se"])), 2)
        return [(town.locality, {}, {"value": value, "standard_error": item["se"]})]
    if kind == "count":
        counts = [
            max(0, round(level * weight * rng.uniform(0.9, 1.1))) for _unit, weight, _f in parts
        ]
        total = sum(counts)
        if len(parts) > 1:
            cells += [
                (unit, {}, {"value": count})
                for (unit, _w, _f), count in zip(parts, counts, strict=True)
            ]
        cells.append((town.locality, {}, {"value": total}))
        if item.get("dims"):
            female = round(total * float(item["female"]) * rng.uniform(0.95, 1.05))
            cells.append((town.locality, {"sex": "female"}, {"value": female}))
            cells.append((town.locality, {"sex": "male"}, {"value": total - female}))
        return cells
    # Proportions and rates: numerators and denominators per part, the town their sums.
    base = float(item["base"])
    per = float(item.get("per", 1))
    tops, bottoms = [], []
    for _unit, weight, factor in parts:
        bottom = max(1, round(base * weight * rng.uniform(0.97, 1.03)))
        share = level / per * (1 / factor if down else factor) * rng.uniform(0.93, 1.07)
        tops.append(min(bottom, max(0, round(bottom * share))))
        bottoms.append(bottom)
    if len(parts) > 1:
        cells += [
            (unit, {}, {"numerator": top, "denominator": bottom})
            for (unit, _w, _f), top, bottom in zip(parts, tops, bottoms, strict=True)
        ]
    cells.append((town.locality, {}, {"numerator": sum(tops), "denominator": sum(bottoms)}))
    return cells


def _history(
    *,
    town: Town,
    indicators: dict[str, Indicator],
    orgs: dict[str, Organisation],
    facilitator: User,
    stop: dict[str, str],
) -> dict[tuple[str, str], float]:
    """Write 2021–2025 (up to the period before `stop[code]` for the round's indicators),
    approved by the backbone, each partner's values in one bulk write. Returns the town
    totals' values, by (code, period), for the baselines."""
    rng = random.Random(SEED)
    by_partner: dict[str, list[services.Prepared]] = defaultdict(list)
    totals: dict[tuple[str, str], float] = {}
    for item in data_read("measurement")["indicator"]:
        indicator = indicators[item["code"]]
        for period in _periods(item["period"]):
            if period == stop.get(item["code"]):
                break
            for unit, key, numbers in _values(item, period, town, rng):
                entry = entry_check(
                    indicator,
                    period=period,
                    key=key,
                    source_dataset=indicator.data_source,
                    **numbers,
                )
                by_partner[item["partner"]].append(services.Prepared(indicator, unit, entry))
                if unit == town.locality and not key and entry.value is not None:
                    totals[(item["code"], period)] = float(entry.value)
    for partner_key, rows in by_partner.items():
        services.observations_write_many(
            rows=rows,
            by=facilitator,
            role=Role.FACILITATOR,
            partner=orgs[partner_key] if partner_key else None,
            approve=True,
        )
    return totals


def _baselines_and_targets(
    *,
    town: Town,
    indicators: dict[str, Indicator],
    facilitator: User,
    totals: dict[tuple[str, str], float],
    decision,
) -> None:
    data = data_read("measurement")
    for item in data["indicator"]:
        if "result" not in item:
            continue  # population indicators have baselines; performance measures need none
        indicator = indicators[item["code"]]
        if "break" in item:
            period = item["break"]["starts"]
            method = "הערך בשנה הראשונה לפי ההגדרה החדשה; הנתונים הקודמים אינם ברי השוואה."
        else:
            period = "2021" if item["period"] == "year" else "2021-Q4"
            method = "הערך בסוף 2021, לפני תחילת התכנית."
        services.baseline_set(
            indicator=indicator,
            by=facilitator,
            geography=town.locality,
            period=period,
            value=Decimal(str(round(totals[(item["code"], period)], 6))),
            method=method,
        )
    for target in data["target"]:
        services.target_set(
            indicator=indicators[target["code"]],
            by=facilitator,
            geography=town.locality,
            value=Decimal(str(target["value"])),
            year=2028,
            kind=text(target, "kind", "committed"),
            decision=decision,
        )
    services.forecast_judgement_add(
        indicator=indicators["EDU1"],
        by=facilitator,
        geography=town.locality,
        year=2028,
        value=Decimal("0.67"),
        note="הערכת ועדת החינוך: בלי שינוי, הזכאות תעלה לאט כמו בשנים האחרונות.",
    )


# ---------------------------------------------------------------- meetings, round, session


def _meeting(
    initiative: Initiative, facilitator: User, spec: dict[str, Any], group: Group
) -> Meeting:
    start = dt.datetime.combine(spec["date"], dt.time(17, 30), tzinfo=ZONE)
    meeting = meeting_services.meeting_create(
        initiative=initiative,
        by=facilitator,
        group=group,
        title=text(spec, "title"),
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        status=MeetingStatus.HELD,
        venue="בית העירייה, עין הדקל",
    )
    people = [member.person for member in group.memberships.select_related("person")]
    meeting_services.attendance_set(meeting=meeting, by=facilitator, people=people)
    return meeting


def _reporter(initiative: Initiative, organisation: Organisation) -> tuple[User, Role] | None:
    """A member of the initiative who reports for `organisation`, with their role."""
    membership = (
        Membership.objects.filter(
            initiative=initiative,
            role__in=[Role.PARTNER, Role.FACILITATOR],
            user__person__affiliations__organisation=organisation,
            user__person__affiliations__end_date__isnull=True,
        )
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return (membership.user, Role(membership.role)) if membership else None


def _round(
    *,
    framework: Framework,
    indicators: dict[str, Indicator],
    orgs: dict[str, Organisation],
    town: Town,
    facilitator: User,
    partner: User,
) -> None:
    spec = data_read("measurement")["round"]
    round = services.round_open(
        framework=framework,
        by=facilitator,
        period=spec["period"],
        due_date=spec["due"],
        indicators=[indicators[code] for code in spec["indicators"]],
        partners=[orgs[key] for key in spec["partners"]],
    )
    matnas = orgs[spec["partners"][0]]
    econ_co = orgs[spec["partners"][1]]
    by_econ_co = _reporter(framework.initiative, econ_co) or (facilitator, Role.FACILITATOR)

    def submit(code: str, value: int, who: tuple[User, Role], organisation: Organisation):
        return services.observation_record(
            indicator=indicators[code],
            by=who[0],
            role=who[1],
            geography=town.locality,
            entry=entry_check(indicators[code], period=spec["period"], value=value),
            partner=organisation,
            round=round,
            submit=True,
        )

    approved = submit(
        spec["approved"]["code"], spec["approved"]["value"], (partner, Role.PARTNER), matnas
    )
    services.observation_approve(observation=approved, by=facilitator)
    submit(spec["submitted"]["code"], spec["submitted"]["value"], (partner, Role.PARTNER), matnas)
    returned = submit(spec["returned"]["code"], spec["returned"]["value"], by_econ_co, econ_co)
    services.observation_return(
        observation=returned, by=facilitator, reason=text(spec["returned"], "reason")
    )


def _curve_session(
    *,
    initiative: Initiative,
    indicators: dict[str, Indicator],
    orgs: dict[str, Organisation],
    facilitator: User,
) -> None:
    spec = data_read("measurement")["curve"]
    group = Group.objects.get(initiative=initiative, name=spec["group"])
    meeting = _meeting(initiative, facilitator, spec, group)
    owners: list[Person] = [
        member.person for member in group.memberships.select_related("person").order_by("pk")
    ]
    services.curve_session_create(
        indicator=indicators[spec["code"]],
        meeting=meeting,
        by=facilitator,
        story=text(spec, "story"),
        what_works=text(spec, "what_works"),
        partners=[(orgs[p["organisation"]], text(p, "role")) for p in spec["partners"]],
        actions=[
            {
                "text": text(action, "text"),
                "owner": owners[index % len(owners)],
                "due_date": spec["date"] + dt.timedelta(days=int(action["days"])),
            }
            for index, action in enumerate(spec["actions"])
        ],
    )


def _partner_reports_for(
    initiative: Initiative, facilitator: User, partner: User, organisation: Organisation
) -> None:
    """The demo partner login sits on the community centre's board, so it reports the
    centre's values in the town's framework."""
    if not Membership.objects.filter(initiative=initiative, user=partner).exists():
        membership_add(initiative=initiative, user=partner, role=Role.PARTNER, by=facilitator)
    affiliation_add(
        person=partner.person,
        by=facilitator,
        organisation=organisation,
        role_title="חברת הנהלת המתנ״ס ומרכזת הדיווח שלו לתכנית",
        start_date=dt.date(2025, 9, 1),
        end_date=None,
    )


def build_measurement(
    *,
    initiative: Initiative,
    facilitator: User,
    partner: User,
    orgs: dict[str, Organisation],
) -> Framework:
    """The town's shared measurement, from its geography to a turn-the-curve session."""
    data = data_read("measurement")
    round_partner = orgs[data["round"]["partners"][0]]
    _partner_reports_for(initiative, facilitator, partner, round_partner)
    town = _town(initiative, facilitator)
    framework, indicators = _framework(initiative, facilitator, orgs, town)
    stop = dict.fromkeys(data["round"]["indicators"], data["round"]["period"])
    totals = _history(
        town=town, indicators=indicators, orgs=orgs, facilitator=facilitator, stop=stop
    )
    steering = Group.objects.get(initiative=initiative, name=data["meeting"]["group"])
    meeting = _meeting(initiative, facilitator, data["meeting"], steering)
    decision = meeting_services.outcome_create(
        meeting=meeting,
        by=facilitator,
        kind=OutcomeKind.DECISION,
        text=text(data["meeting"], "decision"),
    )
    _baselines_and_targets(
        town=town,
        indicators=indicators,
        facilitator=facilitator,
        totals=totals,
        decision=decision,
    )
    _round(
        framework=framework,
        indicators=indicators,
        orgs=orgs,
        town=town,
        facilitator=facilitator,
        partner=partner,
    )
    _curve_session(initiative=initiative, indicators=indicators, orgs=orgs, facilitator=facilitator)
    return framework
