"""The projector: one group's canvas in one section at a time (or every group's side by side),
in large type, for the facilitator to show in the room while the notes arrive (the stage is
polled as a fragment). A slide is the section in the path and the group in `?group=`."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache

from meshutaf.core.access import Action

from .. import selectors
from ..permissions import workshop_session_get_for_user

INTERVALS = (15, 30, 60)
_MAX_ID_DIGITS = 18


def _session(request, pk: int):
    # Projecting is running the workshop: facilitators only, through the session's gate.
    return workshop_session_get_for_user(user=request.user, pk=pk, action=Action.MANAGE).obj


def _group(request) -> int | None:
    raw = request.GET.get("group")
    if raw is None:
        return None
    if not raw.isascii() or not raw.isdigit() or len(raw) > _MAX_ID_DIGITS:
        raise Http404
    return int(raw)


def _url(name: str, session, slide: selectors.Slide) -> str:
    url = reverse(f"workshops:{name}", args=[session.pk, slide.key])
    return url if slide.group is None else f"{url}?group={slide.group}"


def _canvas(request, pk: int, key: str):
    session = _session(request, pk)
    canvas = selectors.projector_canvas(session=session, section_key=key, group=_group(request))
    if canvas is None:
        raise Http404
    here = canvas.slide
    stage_url = _url("projector_stage", session, here)
    links = {
        "here_url": _url("projector", session, here),
        "stage_url": stage_url,
        # What htmx polls: this slide's stage, saying which version the wall shows.
        "poll_url": f"{stage_url}{'&' if '?' in stage_url else '?'}v={canvas.version}",
        "previous_url": _url("projector", session, canvas.previous_slide),
        "next_url": _url("projector", session, canvas.next_slide),
        "previous_stage": _url("projector_stage", session, canvas.previous_slide),
        "next_stage": _url("projector_stage", session, canvas.next_slide),
        "together_url": _url("projector", session, selectors.Slide(here.key)),
        "one_by_one_url": _url("projector", session, selectors.Slide(here.key, canvas.first_group)),
    }
    return session, canvas, links


@login_required
def projector_start(request, pk: int):
    session = _session(request, pk)
    slides = selectors.projector_slides(session=session)
    if not slides:
        raise Http404
    return redirect(_url("projector", session, slides[0]))


@login_required
def projector(request, pk: int, key: str):
    session, canvas, links = _canvas(request, pk, key)
    return render(
        request,
        "workshops/projector.html",
        {
            "initiative": session.initiative,
            "session": session,
            "canvas": canvas,
            "links": links,
            "intervals": INTERVALS,
        },
    )


@login_required
@never_cache
def projector_stage(request, pk: int, key: str):
    """Polled every five seconds, and fetched when the facilitator moves to another slide.
    Answers 204 (nothing to swap) while the session's version is the one on the wall."""
    session, canvas, links = _canvas(request, pk, key)
    if request.GET.get("v", "") == str(session.version):
        return HttpResponse(status=204)
    return render(
        request,
        "workshops/projector.html#stage",
        {"session": session, "canvas": canvas, "links": links},
    )
