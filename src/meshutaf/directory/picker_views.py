"""Search endpoints for the type-to-search pickers of the directory: people and organisations
the user may see. They answer JSON read by static/js/picker.js (see core/widgets.py)."""

from dataclasses import asdict

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET

from meshutaf.core.name_keys import MAX_QUERY_LENGTH, query_words

from .permissions import organisations_visible_to, people_visible_to
from .picking import Matches, organisations_matching, people_matching


def picker_text(request: HttpRequest) -> tuple[str, JsonResponse | None]:
    """The typed text of a picker request, or the answer to give when it cannot be searched."""
    text = request.GET.get("q", "").strip()
    if len(text) > MAX_QUERY_LENGTH:
        message = _("The search text is too long.")
        return "", JsonResponse({"options": [], "more": False, "message": message}, status=400)
    if not query_words(text):
        message = _("Type at least two letters.")
        return "", JsonResponse({"options": [], "more": False, "message": message})
    return text, None


def picker_response(matches: Matches) -> JsonResponse:
    count = len(matches.options)
    if not count:
        message = _("No matches.")
    elif matches.more:
        message = ngettext(
            "The first %(count)s match; type more to narrow.",
            "The first %(count)s matches; type more to narrow.",
            count,
        ) % {"count": count}
    else:
        message = ngettext("%(count)s match.", "%(count)s matches.", count) % {"count": count}
    return JsonResponse(
        {
            "options": [asdict(option) for option in matches.options],
            "more": matches.more,
            "message": message,
        }
    )


@login_required
@require_GET
def pick_people(request):
    text, refusal = picker_text(request)
    if refusal is not None:
        return refusal
    people = people_visible_to(user=request.user)
    return picker_response(people_matching(people=people, text=text))


@login_required
@require_GET
def pick_organisations(request):
    text, refusal = picker_text(request)
    if refusal is not None:
        return refusal
    organisations = organisations_visible_to(user=request.user)
    return picker_response(organisations_matching(organisations=organisations, text=text))
