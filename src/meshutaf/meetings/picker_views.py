"""The type-to-search picker of a meeting's people (the agenda item's presenter and the action
item's owner): exactly the people those fields accept, for those who manage the meeting. JSON
for static/js/picker.js (see core/widgets.py)."""

from django.contrib.auth.decorators import login_required
from django.views.decorators.http import require_GET

from meshutaf.core.access import Action
from meshutaf.directory.picker_views import picker_response, picker_text
from meshutaf.directory.picking import people_matching

from . import selectors
from .permissions import meeting_get_for_user


@login_required
@require_GET
def pick_people(request, pk: int):
    meeting = meeting_get_for_user(user=request.user, pk=pk, action=Action.MANAGE).obj
    text, refusal = picker_text(request)
    if refusal is not None:
        return refusal
    people = selectors.meeting_people(meeting=meeting)
    return picker_response(people_matching(people=people, text=text))
