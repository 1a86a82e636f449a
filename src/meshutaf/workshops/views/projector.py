"""The projector: one section of a workshop's canvas at a time, in large type, for the
facilitator to show in the room while the notes arrive (the stage is polled as a fragment)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from meshutaf.core.access import Action

from .. import selectors
from ..permissions import workshop_session_get_for_user

INTERVALS = (15, 30, 60)


def _canvas(request, pk: int, key: str):
    # Projecting is running the workshop: facilitators only, through the session's gate.
    session = workshop_session_get_for_user(user=request.user, pk=pk, action=Action.MANAGE).obj
    canvas = selectors.projector_canvas(session=session, section_key=key)
    if canvas is None:
        raise Http404
    return session, canvas


@login_required
def projector_start(request, pk: int):
    session = workshop_session_get_for_user(user=request.user, pk=pk, action=Action.MANAGE).obj
    sections = session.sections()
    if not sections:
        raise Http404
    return redirect("workshops:projector", session.pk, sections[0].key)


@login_required
def projector(request, pk: int, key: str):
    session, canvas = _canvas(request, pk, key)
    return render(
        request,
        "workshops/projector.html",
        {
            "initiative": session.initiative,
            "session": session,
            "canvas": canvas,
            "intervals": INTERVALS,
        },
    )


@login_required
@never_cache
def projector_stage(request, pk: int, key: str):
    """Polled every five seconds, and fetched when the facilitator moves to another section.
    Answers 204 (nothing to swap) while the session's version is the one on the wall."""
    session, canvas = _canvas(request, pk, key)
    if request.GET.get("v", "") == str(session.version):
        return HttpResponse(status=204)
    return render(
        request,
        "workshops/projector.html#stage",
        {"session": session, "canvas": canvas},
    )
