"""Search endpoints for the pickers inside one initiative (its people, members and groups),
open to those who may contribute to it. JSON for static/js/picker.js (see core/widgets.py)."""

from django.contrib.auth.decorators import login_required
from django.views.decorators.http import require_GET

from meshutaf.core.access import Action
from meshutaf.directory.picker_views import picker_response, picker_text
from meshutaf.directory.picking import people_matching

from .permissions import initiative_get_for_user
from .picking import groups_matching, initiative_people, members_matching


@login_required
@require_GET
def pick_people(request, pk: int):
    initiative = initiative_get_for_user(user=request.user, pk=pk, action=Action.CONTRIBUTE).obj
    text, refusal = picker_text(request)
    if refusal is not None:
        return refusal
    people = initiative_people(initiative=initiative)
    return picker_response(people_matching(people=people, text=text))


@login_required
@require_GET
def pick_members(request, pk: int):
    initiative = initiative_get_for_user(user=request.user, pk=pk, action=Action.CONTRIBUTE).obj
    text, refusal = picker_text(request)
    if refusal is not None:
        return refusal
    return picker_response(members_matching(initiative=initiative, text=text))


@login_required
@require_GET
def pick_groups(request, pk: int):
    initiative = initiative_get_for_user(user=request.user, pk=pk, action=Action.CONTRIBUTE).obj
    text, refusal = picker_text(request)
    if refusal is not None:
        return refusal
    return picker_response(groups_matching(initiative=initiative, text=text))
