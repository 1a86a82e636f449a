"""The type-to-search picker of the quota form: the public bodies (ministries and local
authorities) a quota may name, for the cohort's staff. JSON for static/js/picker.js (see
core/widgets.py)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.views.decorators.http import require_GET

from meshutaf.core.access import Action
from meshutaf.directory.picker_views import picker_response, picker_text
from meshutaf.directory.picking import organisations_matching

from .permissions import cohort_get_for_user
from .selectors import programmes as selectors


@login_required
@require_GET
def pick_public_bodies(request, pk: int) -> HttpResponse:
    """The quota page's own gate, then the same set as the form's field."""
    cohort_get_for_user(user=request.user, pk=pk, action=Action.MANAGE)
    text, refusal = picker_text(request)
    if refusal is not None:
        return refusal
    return picker_response(
        organisations_matching(organisations=selectors.public_bodies(), text=text)
    )
