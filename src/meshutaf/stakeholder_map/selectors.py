"""Reads for the stakeholder map: the register, the grid, the network, movement over time and
the engagement log."""

import datetime

from django.db.models import F, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils import timezone
from django.utils.translation import get_language

from meshutaf.directory.models import Affiliation, Organisation, Person, Sector
from meshutaf.initiatives.selectors import initiative_ids_for_user
from meshutaf.stakeholder_map.models import (
    HIGH,
    EngagementEntry,
    NetworkAnalysis,
    Quadrant,
    Relationship,
    RelationshipKind,
    StakeholderProfile,
)

from . import charts


def _person_sector() -> Subquery:
    """The sector of a person's first current affiliation."""
    today = timezone.localdate()
    return Subquery(
        Affiliation.objects.filter(person=OuterRef("person_id"))
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
        .order_by("-start_date", "pk")
        .values("organisation__sector")[:1]
    )


QUADRANT_FILTERS = {
    Quadrant.MANAGE_CLOSELY: Q(power__gte=HIGH, interest__gte=HIGH),
    Quadrant.KEEP_SATISFIED: Q(power__gte=HIGH, interest__lt=HIGH),
    Quadrant.KEEP_INFORMED: Q(power__lt=HIGH, interest__gte=HIGH),
    Quadrant.MONITOR: Q(power__lt=HIGH, interest__lt=HIGH),
}
PROFILE_SORTS = {
    "name": ("sort_name",),
    "-name": ("-sort_name",),
    "power": ("power", "sort_name"),
    "-power": ("-power", "sort_name"),
    "interest": ("interest", "sort_name"),
    "-interest": ("-interest", "sort_name"),
    "consent": ("consent", "sort_name"),
    "sector": ("sector", "sort_name"),
}


def _sort_name():
    language = (get_language() or "he")[:2]
    names = [f"organisation__name_{language}"] + [
        f"organisation__name_{code}" for code in ("he", "en", "ar") if code != language
    ]
    return Coalesce(*[NullIf(F(name), Value("")) for name in names], F("person__full_name"))


def profile_list(
    *,
    initiative,
    include_sensitive: bool,
    sector: str = "",
    quadrant: str = "",
    consent: str = "",
    gap_only: bool = False,
    query: str = "",
    sort: str = "name",
) -> QuerySet[StakeholderProfile]:
    """The register: the initiative's stakeholders with their sector, filtered and sorted in
    the database. Sensitive notes are joined only when `include_sensitive`."""
    profiles = (
        StakeholderProfile.objects.filter(initiative=initiative)
        .select_related("organisation", "person")
        .annotate(
            sector=Coalesce(F("organisation__sector"), _person_sector()),
            sort_name=_sort_name(),
        )
    )
    if include_sensitive:
        profiles = profiles.select_related("sensitive_note")
    if sector:
        profiles = profiles.filter(sector=sector)
    if quadrant in QUADRANT_FILTERS:
        profiles = profiles.filter(QUADRANT_FILTERS[quadrant])
    if consent:
        profiles = profiles.filter(consent=consent)
    if gap_only:
        profiles = profiles.exclude(engagement_current=F("engagement_desired"))
    if query:
        profiles = profiles.filter(
            Q(person__full_name__icontains=query)
            | Q(organisation__name_he__icontains=query)
            | Q(organisation__name_ar__icontains=query)
            | Q(organisation__name_en__icontains=query)
        )
    return profiles.order_by(*PROFILE_SORTS.get(sort, PROFILE_SORTS["name"]), "pk")


def profiles_as_of(*, initiative, when) -> list[StakeholderProfile]:
    """The map as it was at `when` (a datetime), from the profiles' history."""
    profiles = list(StakeholderProfile.history.as_of(when).filter(initiative_id=initiative.pk))
    organisations = Organisation.objects.in_bulk(
        {profile.organisation_id for profile in profiles if profile.organisation_id}
    )
    people = Person.objects.in_bulk(
        {profile.person_id for profile in profiles if profile.person_id}
    )
    for profile in profiles:
        if profile.organisation_id:
            profile.organisation = organisations.get(profile.organisation_id)
        if profile.person_id:
            profile.person = people.get(profile.person_id)
    return [profile for profile in profiles if profile.subject is not None]


def relationship_list(*, initiative, include_sensitive: bool) -> QuerySet[Relationship]:
    relationships = Relationship.objects.filter(initiative=initiative).select_related(
        "source__organisation", "source__person", "target__organisation", "target__person"
    )
    if not include_sensitive:
        relationships = relationships.filter(sensitive=False)
    return relationships.order_by("-strength", "pk")


def engagement_list(*, initiative) -> QuerySet[EngagementEntry]:
    return (
        EngagementEntry.objects.filter(initiative=initiative)
        .select_related("recorded_by")
        .prefetch_related(
            Prefetch(
                "stakeholders",
                queryset=StakeholderProfile.objects.select_related("organisation", "person"),
            ),
            "our_side",
        )
    )


def follow_ups_overdue(*, user) -> QuerySet[EngagementEntry]:
    """Follow-ups past their date, in initiatives the user facilitates (for the dashboard)."""
    return (
        EngagementEntry.objects.filter(
            initiative__in=initiative_ids_for_user(user=user, facilitated=True),
            follow_up_done=False,
            follow_up_date__lt=timezone.localdate(),
        )
        .select_related("initiative")
        .prefetch_related(
            Prefetch(
                "stakeholders",
                queryset=StakeholderProfile.objects.select_related("organisation", "person"),
            )
        )
        .order_by("follow_up_date", "pk")
    )


ACTIVE_ENGAGEMENT = ("supportive", "leading")


def network_inputs(*, initiative, include_sensitive: bool):
    """Nodes and ties of the initiative's map for the network module."""
    from .network import Node, Tie

    profiles = (
        StakeholderProfile.objects.filter(initiative=initiative)
        .annotate(sector=Coalesce(F("organisation__sector"), _person_sector()))
        .values("pk", "sector", "engagement_current", "consent")
    )
    nodes = [
        Node(
            id=str(row["pk"]),
            sector=row["sector"],
            active=row["engagement_current"] in ACTIVE_ENGAGEMENT or row["consent"] == "active",
        )
        for row in profiles
    ]
    relationships = Relationship.objects.filter(initiative=initiative)
    if not include_sensitive:
        relationships = relationships.filter(sensitive=False)
    ties = [
        Tie(str(source), str(target), float(strength), id=pk)
        for pk, source, target, strength in relationships.values_list(
            "pk", "source_id", "target_id", "strength"
        )
    ]
    return nodes, ties


def network_latest(*, initiative, include_sensitive: bool) -> NetworkAnalysis | None:
    scope = NetworkAnalysis.Scope.ALL if include_sensitive else NetworkAnalysis.Scope.PUBLIC
    return (
        NetworkAnalysis.objects.filter(initiative=initiative, scope=scope)
        .order_by("-computed_at", "-pk")
        .first()
    )


def network_data(*, initiative, include_sensitive: bool) -> dict:
    """Nodes with their latest metrics and the ties a viewer may see: one shape for the page,
    the API and exports. Metrics come from the analysis of the same scope, so no number ever
    reflects a tie the viewer may not know about."""
    analysis = network_latest(initiative=initiative, include_sensitive=include_sensitive)
    withdrawn = False
    if analysis and not include_sensitive:
        used = analysis.results.get("tie_ids", [])
        # Numbers computed with a tie that is sensitive (or gone) now are withheld until a
        # facilitator computes them again.
        public_now = set(
            Relationship.objects.filter(initiative=initiative, sensitive=False).values_list(
                "pk", flat=True
            )
        )
        withdrawn = not set(used) <= public_now
    if withdrawn:
        analysis = None
    metrics = (analysis.results.get("nodes", {}) if analysis else {}) or {}
    profiles = profile_list(initiative=initiative, include_sensitive=False)
    nodes = []
    for profile in profiles:
        row = metrics.get(str(profile.pk), {})
        nodes.append(
            {
                "id": profile.pk,
                "kind": profile.kind,
                "name": profile.name,
                "sector": profile.sector,
                "degree": row.get("degree"),
                "betweenness": row.get("betweenness"),
                "closeness": row.get("closeness"),
                "eigenvector": row.get("eigenvector"),
                "community": row.get("community"),
            }
        )
    edges = [
        {
            "id": relationship.pk,
            "source": relationship.source_id,
            "target": relationship.target_id,
            "kind": relationship.kind,
            "directed": relationship.directed,
            "strength": relationship.strength,
            **({"sensitive": relationship.sensitive} if include_sensitive else {}),
        }
        for relationship in relationship_list(
            initiative=initiative, include_sensitive=include_sensitive
        )
    ]
    results = analysis.results if analysis else {}
    profile_ids = {node["id"] for node in nodes}
    brokers = [
        {**broker, "id": int(broker["id"])}
        for broker in results.get("brokers", [])
        if str(broker["id"]).isdigit() and int(broker["id"]) in profile_ids
    ]
    return {
        "computed_at": analysis.computed_at.isoformat() if analysis else None,
        "out_of_date": withdrawn,
        "approximate": results.get("approximate", False),
        "nodes": nodes,
        "edges": edges,
        "brokers": brokers,
        "sector_coverage": results.get("sector_coverage", {}),
    }


def engagement_gap_counts(profiles) -> list[dict]:
    """How many stakeholders are at each engagement level now, and how many should be."""
    from meshutaf.stakeholder_map.models import Engagement

    rows = {
        level: {"level": level, "label": label, "current": 0, "desired": 0}
        for level, label in Engagement.choices
    }
    for profile in profiles:
        rows[profile.engagement_current]["current"] += 1
        rows[profile.engagement_desired]["desired"] += 1
    return list(rows.values())


def consent_movement(*, initiative, months: int = 6, sector: str = "") -> list[dict]:
    """Consent over the last `months` month-ends, replayed from the profiles' history in one
    query, with how many moved from passive to active during each month."""
    import datetime

    today = timezone.localdate()
    ends = []
    year, month = today.year, today.month
    for _ in range(months):
        ends.append(datetime.date(year, month, 1) - datetime.timedelta(days=1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    ends = [*sorted(ends), today]
    records = StakeholderProfile.history.filter(initiative_id=initiative.pk)
    if sector:
        in_sector = (
            StakeholderProfile.objects.filter(initiative=initiative)
            .annotate(sector=Coalesce(F("organisation__sector"), _person_sector()))
            .filter(sector=sector)
        )
        records = records.filter(id__in=in_sector.values("pk"))
    rows = records.order_by("history_date", "history_id").values_list(
        "id", "history_date", "history_type", "consent"
    )
    state: dict[int, str | None] = {}
    result = []
    pending = iter(rows)
    current = next(pending, None)
    previous = None
    for end in ends:
        moment = datetime.datetime.combine(
            end, datetime.time.max, tzinfo=timezone.get_current_timezone()
        )
        while current is not None and current[1] <= moment:
            pk, _when, kind, consent = current
            state[pk] = None if kind == "-" else consent
            current = next(pending, None)
        counts = {"opposed": 0, "none": 0, "passive": 0, "active": 0}
        for consent in state.values():
            if consent in counts:
                counts[consent] += 1
        moved = 0
        if previous is not None:
            moved = sum(
                1
                for pk, consent in state.items()
                if consent == "active" and previous.get(pk) == "passive"
            )
        result.append({"date": end, "counts": counts, "passive_to_active": moved})
        previous = dict(state)
    return result


def register_rows(*, initiative, filters: dict, include_sensitive: bool):
    """The register's profiles, filtered; with `as_of`, the map as it stood that day (and
    True: a historical view)."""
    if filters.get("as_of"):
        moment = datetime.datetime.combine(
            filters["as_of"], datetime.time.max, tzinfo=timezone.get_current_timezone()
        )
        return profiles_as_of(initiative=initiative, when=moment), True
    profiles = profile_list(
        initiative=initiative,
        include_sensitive=include_sensitive,
        sector=filters.get("sector", ""),
        quadrant=filters.get("quadrant", ""),
        consent=filters.get("consent", ""),
        gap_only=bool(filters.get("gap")),
        query=filters.get("q", ""),
        sort=filters.get("sort") or "name",
    )
    return profiles, False


GRAPH_METRICS = ("degree", "betweenness", "closeness", "eigenvector")
NODE_SMALLEST, NODE_GROWTH = 14, 26  # px at zoom 1: the smallest node, and how much it grows


def network_graph(
    *, initiative, include_sensitive: bool, layout: bool = True, data: dict | None = None
) -> dict:
    """The network map's data: every stakeholder with a position (laid out once for the whole
    map, so filters hide nodes without moving the others) and the ties this viewer may see.
    Sensitive ties, and any trace of them (their ids, their kinds), reach facilitators only:
    the query itself leaves them out for others. `data` is `network_data`'s, when already
    read; without `layout` every position is 0, 0 (for maps too large to draw)."""
    if data is None:
        data = network_data(initiative=initiative, include_sensitive=include_sensitive)
    nodes = data["nodes"]
    largest = {
        metric: max((node[metric] or 0 for node in nodes), default=0) or 0
        for metric in GRAPH_METRICS
    }

    def diameter(node) -> float:
        grown = max(
            ((node[metric] or 0) / largest[metric] if largest[metric] else 0)
            for metric in GRAPH_METRICS
        )
        return NODE_SMALLEST + NODE_GROWTH * grown

    for node in nodes:
        node["sector"] = node["sector"] or "other"
        node["label"] = charts.short_label(node["name"])
    positions = (
        charts.network_layout(
            [(node["id"], node["label"], diameter(node)) for node in nodes],
            [(edge["source"], edge["target"]) for edge in data["edges"]],
        )
        if layout
        else {}
    )
    for node in nodes:
        node["x"], node["y"] = positions.get(node["id"], (0.0, 0.0))
    sector_counts: dict[str, int] = {}
    for node in nodes:
        sector_counts[node["sector"]] = sector_counts.get(node["sector"], 0) + 1
    kinds_present = {edge["kind"] for edge in data["edges"]}
    return {
        "computed": data["computed_at"] is not None,
        "total": {"nodes": len(nodes), "edges": len(data["edges"])},
        "nodes": nodes,
        "edges": data["edges"],
        "sectors": [
            {"value": code, "label": str(label), "count": sector_counts[code]}
            for code, label in Sector.choices
            if code in sector_counts
        ],
        "kinds": [
            {"value": code, "label": str(label)}
            for code, label in RelationshipKind.choices
            if code in kinds_present
        ],
    }


def graph_filter(graph: dict, filters: dict) -> dict:
    """`network_graph`'s data with only what `filters` shows: `sectors` and `kinds` (sets of
    codes shown, None for all) and `strength` (the weakest tie shown). A tie shows only
    between two stakeholders shown."""
    sectors_shown = filters.get("sectors")
    kinds_shown = filters.get("kinds")
    strength = filters.get("strength") or 1
    nodes = [
        node for node in graph["nodes"] if sectors_shown is None or node["sector"] in sectors_shown
    ]
    kept = {node["id"] for node in nodes}
    edges = [
        edge
        for edge in graph["edges"]
        if (kinds_shown is None or edge["kind"] in kinds_shown)
        and edge["strength"] >= strength
        and edge["source"] in kept
        and edge["target"] in kept
    ]
    return {**graph, "nodes": nodes, "edges": edges}
