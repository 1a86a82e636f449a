"""Pages for participants without an account: one working group's canvas through its join
token, and their own contributions through the participant key kept in their browser session."""

import copy

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from meshutaf.core.forms import apply_service_errors, form_submitted
from meshutaf.core.http import client_address
from meshutaf.core.ratelimit import RateLimitError

from .. import selectors, services
from ..forms import (
    ContributionEditForm,
    ContributionForm,
    JoinForm,
)
from ..models import Contribution, Participant
from ..permissions import (
    working_group_for_token,
)
from .common import errors_text

PARTICIPANT_KEYS = "workshop_participants"


# --- Participants (no account needed) -------------------------------------------------------


def _participant(request, group) -> Participant | None:
    key = request.session.get(PARTICIPANT_KEYS, {}).get(str(group.pk))
    if not key:
        return None
    return Participant.objects.filter(group=group, key=key).first()


def _remember(request, participant: Participant) -> None:
    keys = dict(request.session.get(PARTICIPANT_KEYS, {}))
    keys[str(participant.group_id)] = participant.key
    request.session[PARTICIPANT_KEYS] = keys


def _canvas_context(request, group, participant, **extra) -> dict:
    return {
        "group": group,
        "session": group.session,
        "participant": participant,
        "canvases": selectors.group_canvas(group=group, participant=participant),
        "version": group.session.version,
        **extra,
    }


@never_cache
def participate(request, token: str):
    """The group's join link: a name (or anonymity, where allowed), then the canvas."""
    group = working_group_for_token(token)
    session = group.session
    participant = _participant(request, group)
    if participant is None and session.is_open:
        default_name = request.user.display_name if request.user.is_authenticated else ""
        form = JoinForm(
            request.POST or None,
            allow_anonymous=session.allow_anonymous,
            initial={"display_name": default_name},
        )
        throttled = None
        if request.method == "POST" and form.is_valid():
            try:
                participant = services.participant_join(
                    group=group,
                    display_name=form.cleaned_data["display_name"],
                    anonymous=form.cleaned_data.get("anonymous", False),
                    user=request.user,
                    address=client_address(request),
                )
            except RateLimitError as refused:
                throttled = refused
                form.add_error(None, " ".join(refused.messages))
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                _remember(request, participant)
                return redirect("workshops:participate", token)
        response = render(
            request,
            "workshops/participate_join.html",
            {"group": group, "session": session, "form": form},
            status=429 if throttled else 200,
        )
        if throttled:
            response["Retry-After"] = str(throttled.retry_after)
        return response
    return render(
        request, "workshops/participate.html", _canvas_context(request, group, participant)
    )


@never_cache
def participate_live(request, token: str):
    """Polled by the participant's canvas: the cell lists, swapped in place (the forms are
    left alone, so nobody loses what they are typing)."""
    group = working_group_for_token(token)
    if request.GET.get("v", "") == str(group.session.version):
        return HttpResponse(status=204)
    participant = _participant(request, group)
    return render(
        request,
        "workshops/participate.html#live",
        _canvas_context(request, group, participant),
    )


def _participant_or_refuse(request, group):
    participant = _participant(request, group)
    if participant is None:
        raise Http404
    return participant


@require_POST
def participate_add(request, token: str):
    group = working_group_for_token(token)
    participant = _participant(request, group)
    if participant is None:
        messages.error(request, _("Join the group first."))
        return redirect("workshops:participate", token)
    form = ContributionForm(request.POST)
    error = ""
    saved = None
    throttled = None
    if form.is_valid():
        try:
            saved = services.contribution_add(
                group=group,
                section_key=form.cleaned_data["section"],
                row_key=form.cleaned_data["row"],
                column_key=form.cleaned_data["column"],
                text=form.cleaned_data["text"],
                participant=participant,
                address=client_address(request),
            )
        except RateLimitError as refused:
            throttled = refused
            error = errors_text(refused)
        except ValidationError as problem:
            error = errors_text(problem)
    else:
        error = " ".join(" ".join(errors) for errors in form.errors.values())
    slug = "-".join(
        part
        for part in (
            request.POST.get("section"),
            request.POST.get("row"),
            request.POST.get("column"),
        )
        if part
    )
    if throttled is not None:
        # Refused by a limit: HTTP 429 and the message (beside the cell, or at the top of the
        # page without JavaScript); nothing written.
        template = "workshops/participate.html#live"
        if not request.htmx:
            messages.error(request, error)
            template = "workshops/participate.html"
        response = render(
            request,
            template,
            _canvas_context(request, group, participant, cell_slug=slug, cell_error=error),
            status=429,
        )
        response["Retry-After"] = str(throttled.retry_after)
        return response
    if not request.htmx:
        if error:
            messages.error(request, error)
        else:
            messages.success(request, _("Added."))
        return redirect(reverse("workshops:participate", args=[token]) + f"#cell-{slug}")
    group.session.refresh_from_db(fields=["version", "status"])
    response = render(
        request,
        "workshops/participate.html#live",
        _canvas_context(request, group, participant, cell_slug=slug, cell_error=error, added=saved),
    )
    if saved is not None:
        response["HX-Trigger"] = "workshop-saved"
    return response


@never_cache
def participate_edit(request, token: str, pk: int):
    group = working_group_for_token(token)
    participant = _participant_or_refuse(request, group)
    contribution = (
        Contribution.objects.select_related("session")
        .filter(pk=pk, group=group, participant=participant, withdrawn=False)
        .first()
    )
    if contribution is None:
        raise Http404
    form = ContributionEditForm(request.POST or None, initial={"text": contribution.text})
    updated = form_submitted(
        request,
        form,
        lambda data: services.contribution_edit(
            contribution=copy.copy(contribution), text=data["text"], participant=participant
        ),
    )
    if updated:
        messages.success(request, _("Your note was saved."))
        return redirect(reverse("workshops:participate", args=[token]) + f"#c-{contribution.pk}")
    return render(
        request,
        "workshops/participate_edit.html",
        {"group": group, "session": group.session, "contribution": contribution, "form": form},
    )


@require_POST
def participate_withdraw(request, token: str, pk: int):
    group = working_group_for_token(token)
    participant = _participant_or_refuse(request, group)
    contribution = (
        Contribution.objects.select_related("session")
        .filter(pk=pk, group=group, participant=participant, withdrawn=False)
        .first()
    )
    if contribution is None:
        raise Http404
    try:
        services.contribution_withdraw(contribution=contribution, participant=participant)
        messages.success(request, _("Your note was withdrawn."))
    except ValidationError as error:
        messages.error(request, errors_text(error))
    return redirect("workshops:participate", token)
