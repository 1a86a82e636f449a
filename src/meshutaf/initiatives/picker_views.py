"""Search endpoints for the pickers inside one initiative (its people, members and groups),
open to those who may contribute to it. JSON for static/js/picker.js (see core/widgets.py)."""

from django.contrib.auth.decorators import login_required
from django.views.decorators.http import require_GET

from meshutaf.core.access import Action
from meshutaf.directory.picker_views import picker_response, picker_text
from meshutaf.directory.picking import people_matching

from .permissions import initiative_get_for_user
from .picking import groups_matching, initiative_people, members_matching


def _pick(request, pk: int, search):
    """The gate (who may contribute to the initiative), the typed text's checks, then
    `search(initiative, text)` answered as the picker's JSON."""
    initiative = initiative_get_for_user(user=request.user, pk=pk, action=Action.CONTRIBUTE).obj
    text, refusal = picker_text(request)
    if refusal is not None:
        return refusal
    return picker_response(search(initiative, text))


@login_required
@require_GET
def pick_people(request, pk: int):
    return _pick(
        request,
        pk,
        lambda initiative, text: people_matching(
            people=initiative_people(initiative=initiative), text=text
        ),
    )


@login_required
@require_GET
def pick_members(request, pk: int):
    return _pick(
        request, pk, lambda initiative, text: members_matching(initiative=initiative, text=text)
    )


@login_required
@require_GET
def pick_groups(request, pk: int):
    return _pick(
        request, pk, lambda initiative, text: groups_matching(initiative=initiative, text=text)
    )
