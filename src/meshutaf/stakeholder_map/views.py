"""Pages of an initiative's stakeholder map: the register, the grid, relationships, the
engagement log and the network. Every page goes through the initiative gate; sensitive notes
and ties are fetched only for facilitators."""

import copy
import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from meshutaf.accounts.services import sensitive_export_record
from meshutaf.core import imports
from meshutaf.core.access import Action, role_allows
from meshutaf.core.forms import form_submitted
from meshutaf.directory.models import Sector
from meshutaf.directory.permissions import organisations_visible_to, people_visible_to
from meshutaf.initiatives.permissions import initiative_get_for_user

from . import charts, exports, importing, selectors, services
from .forms import (
    NETWORK_METRICS,
    EngagementForm,
    MapFilterForm,
    NetworkFilterForm,
    ProfileForm,
    RelationshipForm,
)
from .models import (
    Quadrant,
    Relationship,
    StakeholderProfile,
    quadrant_of,
)
from .permissions import (
    can_see_sensitive,
    engagement_get_for_user,
    profile_get_for_user,
    relationship_get_for_user,
)

PAGE_SIZE = 50
NETWORK_DRAW_LIMIT = 400  # above this the page shows the table only


def _filters(request) -> dict:
    form = MapFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    return form, data


@login_required
def register(request, pk: int):
    initiative, role = initiative_get_for_user(user=request.user, pk=pk)
    include_sensitive = can_see_sensitive(role)
    form, data = _filters(request)
    rows, historical = selectors.register_rows(
        initiative=initiative, filters=data, include_sensitive=include_sensitive
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    points = charts.grid_points(page.object_list)
    on_grid = {getattr(point["profile"], "sector", None) or "other" for point in points}
    context = {
        "initiative": initiative,
        "form": form,
        "page": page,
        "historical": historical,
        "as_of": data.get("as_of"),
        "viewer_role": role,
        "can_manage": role_allows(role, Action.MANAGE),
        "include_sensitive": include_sensitive and not historical,
        "points": points,
        "grid_threshold": charts.GRID_THRESHOLD,
        "grid_sectors": [(code, label) for code, label in Sector.choices if code in on_grid],
        "grid_quadrants": [
            (
                code,
                label,
                [
                    point["profile"]
                    for point in points
                    if quadrant_of(point["profile"].power, point["profile"].interest) == code
                ],
            )
            for code, label in Quadrant.choices
        ],
    }
    template = "stakeholder_map/register.html"
    if request.htmx:
        template += "#results"
    return render(request, template, context)


@login_required
def register_export(request, pk: int, file_format: str):
    initiative, role = initiative_get_for_user(user=request.user, pk=pk)
    include_sensitive = can_see_sensitive(role)
    _form, data = _filters(request)
    data.pop("as_of", None)  # exports are of the map as it is now
    if file_format not in exports.EXPORT_TYPES:
        raise Http404
    response = HttpResponse(content_type=exports.EXPORT_TYPES[file_format])
    exports.register_write(
        response,
        file_format=file_format,
        rows=exports.register_export_rows(
            initiative=initiative, filters=data, include_sensitive=include_sensitive
        ),
    )
    filename = f"initiative-{pk}-stakeholders.{file_format}"
    if include_sensitive:
        sensitive_export_record(request=request, what=f"{filename} ({initiative.name})")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _profile_form(request, initiative, instance=None):
    return ProfileForm(
        request.POST or None,
        instance=instance or StakeholderProfile(initiative=initiative),
        organisations=organisations_visible_to(user=request.user),
        people=people_visible_to(user=request.user),
    )


@login_required
def profile_create(request, pk: int):
    initiative = initiative_get_for_user(user=request.user, pk=pk, action=Action.MANAGE).obj
    form = _profile_form(request, initiative)
    profile = form_submitted(
        request,
        form,
        lambda data: services.profile_create(initiative=initiative, by=request.user, **data),
    )
    if profile:
        messages.success(request, _("%(name)s is on the map.") % {"name": profile.name})
        return redirect("map:register", pk=pk)
    return render(
        request, "stakeholder_map/profile_form.html", {"form": form, "initiative": initiative}
    )


@login_required
def profile_detail(request, pk: int):
    profile, role = profile_get_for_user(user=request.user, pk=pk)
    initiative = profile.initiative
    include_sensitive = can_see_sensitive(role)
    relationships = selectors.relationship_list(
        initiative=initiative, include_sensitive=include_sensitive
    ).filter(Q(source=profile) | Q(target=profile))
    return render(
        request,
        "stakeholder_map/profile_detail.html",
        {
            "profile": profile,
            "initiative": initiative,
            "sensitive_note": (
                getattr(profile, "sensitive_note", None) if include_sensitive else None
            ),
            "include_sensitive": include_sensitive,
            "relationships": relationships,
            "history": profile.history.select_related("history_user").order_by("-history_date")[
                :50
            ],
            "can_manage": role_allows(role, Action.MANAGE),
        },
    )


@login_required
def profile_edit(request, pk: int):
    profile = profile_get_for_user(user=request.user, pk=pk, action=Action.MANAGE).obj
    form = _profile_form(request, profile.initiative, instance=copy.copy(profile))
    updated = form_submitted(
        request,
        form,
        lambda data: services.profile_update(profile=profile, by=request.user, data=data),
    )
    if updated:
        messages.success(request, _("Changes saved."))
        return redirect("map:profile_detail", pk=pk)
    return render(
        request,
        "stakeholder_map/profile_form.html",
        {"form": form, "initiative": profile.initiative, "profile": profile},
    )


@login_required
@require_POST
def profile_delete(request, pk: int):
    profile = profile_get_for_user(user=request.user, pk=pk, action=Action.MANAGE).obj
    services.profile_delete(profile=profile, by=request.user)
    messages.success(request, _("Removed from the map."))
    return redirect("map:register", pk=profile.initiative_id)


@login_required
def relationship_create(request, pk: int):
    initiative = initiative_get_for_user(user=request.user, pk=pk, action=Action.MANAGE).obj
    profiles = selectors.profile_list(initiative=initiative, include_sensitive=False)
    form = RelationshipForm(
        request.POST or None, instance=Relationship(initiative=initiative), profiles=profiles
    )
    relationship = form_submitted(
        request,
        form,
        lambda data: services.relationship_create(initiative=initiative, by=request.user, **data),
    )
    if relationship:
        messages.success(request, _("Relationship added."))
        return redirect("map:network", pk=pk)
    return render(
        request,
        "stakeholder_map/relationship_form.html",
        {"form": form, "initiative": initiative},
    )


@login_required
def relationship_edit(request, pk: int):
    relationship = relationship_get_for_user(user=request.user, pk=pk, action=Action.MANAGE).obj
    form = RelationshipForm(request.POST or None, instance=copy.copy(relationship))
    updated = form_submitted(
        request,
        form,
        lambda data: services.relationship_update(
            relationship=relationship, by=request.user, data=data
        ),
    )
    if updated:
        messages.success(request, _("Changes saved."))
        return redirect("map:network", pk=relationship.initiative_id)
    return render(
        request,
        "stakeholder_map/relationship_form.html",
        {"form": form, "initiative": relationship.initiative, "relationship": relationship},
    )


@login_required
@require_POST
def relationship_delete(request, pk: int):
    relationship = relationship_get_for_user(user=request.user, pk=pk, action=Action.MANAGE).obj
    services.relationship_delete(relationship=relationship, by=request.user)
    messages.success(request, _("Relationship removed."))
    return redirect("map:network", pk=relationship.initiative_id)


SECTOR_LABELS = dict(Sector.choices)


def _network_filters(request) -> tuple[NetworkFilterForm, dict, str]:
    """The map's filters from the query string; bad values are reported and ignored."""
    form = NetworkFilterForm(request.GET)
    if not form.is_valid():
        return form, {}, "degree"
    return form, form.filters(), form.cleaned_data.get("size") or "degree"


def _network_text() -> dict:
    """The words the map's script shows, in the page's language."""
    return {
        "status": _("Showing %(nodes)s of %(total)s stakeholders and %(ties)s ties."),
        "no_match": _("No stakeholder matches “%(query)s”."),
        "hidden": _("%(name)s is hidden by the filters."),
        "focused": _("Focused on %(name)s and %(count)s neighbours."),
        "cleared": _("Showing the whole map."),
        "neighbours": _("Neighbours"),
        "no_neighbours": _("No ties shown."),
        "not_computed": _("not computed"),
        "metrics": {name: str(label) for name, label in NETWORK_METRICS},
    }


@login_required
def network(request, pk: int):
    initiative, role = initiative_get_for_user(user=request.user, pk=pk)
    include_sensitive = can_see_sensitive(role)
    if request.method == "POST":
        initiative = initiative_get_for_user(user=request.user, pk=pk, action=Action.MANAGE).obj
        services.network_analyse(initiative=initiative, by=request.user)
        messages.success(request, _("The network metrics were computed again."))
        return redirect("map:network", pk=pk)
    form, filters, metric = _network_filters(request)
    data = selectors.network_data(initiative=initiative, include_sensitive=include_sensitive)
    drawable = 0 < len(data["nodes"]) <= NETWORK_DRAW_LIMIT
    graph = selectors.network_graph(
        initiative=initiative, include_sensitive=include_sensitive, layout=drawable, data=data
    )
    shown = selectors.graph_filter(graph, filters)
    shown_nodes = {node["id"] for node in shown["nodes"]}
    shown_edges = {edge["id"] for edge in shown["edges"]}
    names = {node["id"]: node["name"] for node in data["nodes"]}
    broker_rows = [
        {
            "name": names.get(broker["id"], broker["id"]),
            "id": broker["id"],
            "pairs": [
                (SECTOR_LABELS.get(a, a), SECTOR_LABELS.get(b, b))
                for a, b in broker["separated_sectors"]
            ],
        }
        for broker in data["brokers"]
    ]
    coverage = data["sector_coverage"] or {}
    relationships = list(
        selectors.relationship_list(initiative=initiative, include_sensitive=include_sensitive)
    )
    for relationship in relationships:
        relationship.shown = relationship.pk in shown_edges
    for node in data["nodes"]:
        node["shown"] = node["id"] in shown_nodes
    island = None
    if drawable:
        island = {
            **graph,
            "nodes": [
                {**node, "url": reverse("map:profile_detail", args=[node["id"]])}
                for node in graph["nodes"]
            ],
            "text": _network_text(),
        }
    sectors_chosen = filters.get("sectors")
    kinds_chosen = filters.get("kinds")
    return render(
        request,
        "stakeholder_map/network.html",
        {
            "initiative": initiative,
            "data": data,
            "graph": graph,
            "island": island,
            "form": form,
            "filter_error": bool(request.GET) and not form.is_valid(),
            "metric": metric,
            "metrics": NETWORK_METRICS,
            "strength": filters.get("strength", 1),
            "sectors_chosen": sectors_chosen,
            "kinds_chosen": kinds_chosen,
            "focus": form.cleaned_data.get("focus") if form.is_valid() else None,
            "query": form.cleaned_data.get("q", "") if form.is_valid() else "",
            "shown_count": len(shown_nodes),
            "brokers": broker_rows,
            "coverage_rows": [
                {"label": SECTOR_LABELS.get(sector, sector), "sector": sector, **row}
                for sector, row in (coverage.get("sectors") or {}).items()
            ],
            "missing_sectors": [
                SECTOR_LABELS.get(sector, sector) for sector in coverage.get("missing_from_map", [])
            ],
            "include_sensitive": include_sensitive,
            "computed_at": (
                datetime.datetime.fromisoformat(data["computed_at"])
                if data["computed_at"]
                else None
            ),
            "viewer_role": role,
            "can_manage": role_allows(role, Action.MANAGE),
            "relationships": relationships,
        },
    )


@login_required
def network_graph(request, pk: int):
    """The map's data as JSON, filtered by the query string like the page; sensitive ties
    only for facilitators."""
    initiative, role = initiative_get_for_user(user=request.user, pk=pk)
    form = NetworkFilterForm(request.GET)
    if not form.is_valid():
        return JsonResponse({"errors": form.errors.get_json_data()}, status=400)
    data = selectors.network_data(initiative=initiative, include_sensitive=can_see_sensitive(role))
    graph = selectors.network_graph(
        initiative=initiative,
        include_sensitive=can_see_sensitive(role),
        layout=len(data["nodes"]) <= NETWORK_DRAW_LIMIT,
        data=data,
    )
    return JsonResponse(selectors.graph_filter(graph, form.filters()))


@login_required
def engagements(request, pk: int):
    initiative, role = initiative_get_for_user(user=request.user, pk=pk, action=Action.CONTRIBUTE)
    can_manage = role_allows(role, Action.MANAGE)
    profiles = selectors.profile_list(initiative=initiative, include_sensitive=False)
    form = EngagementForm(request.POST or None, profiles=profiles) if can_manage else None
    if request.method == "POST" and not can_manage:
        raise Http404
    entry = (
        form_submitted(
            request,
            form,
            lambda data: services.engagement_create(initiative=initiative, by=request.user, **data),
        )
        if form is not None
        else None
    )
    if entry:
        messages.success(request, _("Engagement recorded."))
        return redirect("map:engagements", pk=pk)
    page = Paginator(selectors.engagement_list(initiative=initiative), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "stakeholder_map/engagements.html",
        {
            "initiative": initiative,
            "viewer_role": role,
            "page": page,
            "form": form,
            "can_manage": can_manage,
        },
    )


@login_required
@require_POST
def engagement_follow_up_done(request, pk: int):
    entry = engagement_get_for_user(user=request.user, pk=pk, action=Action.MANAGE).obj
    services.engagement_update(entry=entry, by=request.user, data={"follow_up_done": True})
    messages.success(request, _("Follow-up marked as done."))
    next_url = request.POST.get("next")
    if next_url == "dashboard":
        return redirect("dashboard")
    return redirect("map:engagements", pk=entry.initiative_id)


CONSENT_COLOURS = {
    "opposed": "#a11d2b",
    "none": "#7b8591",
    "passive": "#b8860b",
    "active": "#1e6b3a",
}


@login_required
def movement(request, pk: int):
    """Where the stakeholders stand against where they should, and how consent moved."""
    initiative, role = initiative_get_for_user(user=request.user, pk=pk)
    sector = request.GET.get("sector", "")
    sector = sector if sector in SECTOR_LABELS else ""
    as_of = MapFilterForm({"as_of": request.GET.get("as_of", "")})
    as_of = as_of.cleaned_data.get("as_of") if as_of.is_valid() else None
    if as_of:
        moment = datetime.datetime.combine(
            as_of, datetime.time.max, tzinfo=timezone.get_current_timezone()
        )
        profiles = selectors.profiles_as_of(initiative=initiative, when=moment)
        if sector:
            sectors_now = dict(
                selectors.profile_list(initiative=initiative, include_sensitive=False).values_list(
                    "pk", "sector"
                )
            )
            profiles = [p for p in profiles if sectors_now.get(p.pk) == sector]
    else:
        profiles = list(
            selectors.profile_list(initiative=initiative, include_sensitive=False, sector=sector)
        )
    gaps = selectors.engagement_gap_counts(profiles)
    largest = max([row["current"] for row in gaps] + [row["desired"] for row in gaps] + [1])
    for index, row in enumerate(gaps):
        row["x"] = 60 + index * 100
        row["current_height"] = round(180 * row["current"] / largest)
        row["desired_height"] = round(180 * row["desired"] / largest)
        row["current_y"] = 220 - row["current_height"]
        row["desired_y"] = 220 - row["desired_height"]
        row["desired_x"] = row["x"] + 34
    months = selectors.consent_movement(initiative=initiative, months=6, sector=sector)
    total = max([sum(month["counts"].values()) for month in months] + [1])
    for index, month in enumerate(months):
        month["x"] = 50 + index * 75
        bottom = 220
        month["bars"] = []
        for consent in ("opposed", "none", "passive", "active"):
            height = round(180 * month["counts"][consent] / total)
            bottom -= height
            month["bars"].append(
                {
                    "consent": consent,
                    "y": bottom,
                    "height": height,
                    "colour": CONSENT_COLOURS[consent],
                }
            )
    return render(
        request,
        "stakeholder_map/movement.html",
        {
            "initiative": initiative,
            "viewer_role": role,
            "gaps": gaps,
            "months": months,
            "sector": sector,
            "as_of": as_of,
            "sectors": Sector.choices,
            "consent_colours": CONSENT_COLOURS,
            # The month labels' row under the bars: cells 75 wide from x 32.5, in percent.
            "consent_labels_end": round(100 * max(0.0, 527.5 - 75 * len(months)) / 560, 3),
        },
    )


PREVIEW_ROWS = 300
IMPORT = importing.PROFILES_IMPORT  # the staged-upload wizard's importer (core.imports)


@login_required
def import_upload(request, pk: int):
    """Step 1: upload a CSV or XLSX file. Nothing is written to the map yet."""
    initiative = initiative_get_for_user(user=request.user, pk=pk, action=Action.MANAGE).obj
    error = None
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            error = _("Choose a CSV or Excel file.")
        else:
            try:
                imports.stage_receive(request, spec=IMPORT, scope=pk, upload=upload)
            except imports.ImportFileError as problem:
                error = str(problem)
            else:
                return redirect("map:import_preview", pk=pk)
    return render(
        request,
        "stakeholder_map/import_upload.html",
        {"initiative": initiative, "error": error, "fields": importing.FIELDS},
        status=400 if error else 200,
    )


@login_required
def import_preview(request, pk: int):
    """Step 2: check the column mapping, every row's problems and the matches, then confirm."""
    initiative = initiative_get_for_user(user=request.user, pk=pk, action=Action.MANAGE).obj
    stage = imports.stage_current(request, spec=IMPORT, scope=pk)
    if stage is None:
        messages.info(request, _("Upload a file first."))
        return redirect("map:import_upload", pk=pk)
    if request.method == "POST" and request.POST.get("action") == "remap":
        headers = stage.table().headers
        stage.remap(imports.mapping_posted(request.POST, spec=IMPORT, headers=headers))
        return redirect("map:import_preview", pk=pk)
    checked = stage.check(initiative=initiative, user=request.user)
    error = checked.problem or None
    if request.method == "POST" and request.POST.get("action") == "apply":
        decisions = {
            result.number: request.POST.get(f"decision_{result.number}", "new")
            for result in checked.rows
            if result.suggestions
        }
        try:
            outcome = imports.stage_apply(
                request,
                stage=stage,
                checked=checked,
                initiative=initiative,
                by=request.user,
                decisions=decisions,
            )
        except ValidationError as problem:
            error = " ".join(problem.messages)
        else:
            messages.success(
                request,
                _(
                    "Imported %(profiles)s stakeholders (%(linked)s matched to the directory, "
                    "%(organisations)s new organisations, %(people)s new people); "
                    "%(skipped)s rows skipped."
                )
                % {
                    "profiles": outcome.created_profiles,
                    "linked": outcome.linked_existing,
                    "organisations": outcome.created_organisations,
                    "people": outcome.created_people,
                    "skipped": outcome.skipped,
                },
            )
            return redirect("map:register", pk=pk)
    valid = checked.valid
    return render(
        request,
        "stakeholder_map/import_preview.html",
        {
            "initiative": initiative,
            "state": checked.table,  # its filename and headers
            "field_columns": [
                (name, checked.table.mapping.get(name)) for name in IMPORT.field_names
            ],
            "invalid": checked.invalid,
            "valid": valid[:PREVIEW_ROWS],
            "valid_count": len(valid),
            "suggested": [result for result in valid if result.suggestions],
            "on_map": sum(1 for result in valid if result.on_map),
            "error": error,
        },
        status=400 if error else 200,
    )
