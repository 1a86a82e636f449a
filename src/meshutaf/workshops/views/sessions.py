"""Facilitators' workshop pages: sessions, the live board and join sheet, working groups,
moderation, and exports to files and the knowledge base."""

import copy
import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from meshutaf.core.access import Action, Role, role_allows
from meshutaf.core.forms import form_submitted
from meshutaf.core.qr import qr_svg
from meshutaf.initiatives.permissions import initiative_get_for_user

from .. import exports, selectors, services
from ..forms import (
    MergeForm,
    NameForm,
    SessionEditForm,
    SessionForm,
)
from ..permissions import (
    contribution_get_for_user,
    working_group_get_for_user,
    workshop_session_get_for_user,
)
from .common import board_url, errors_text

# --- Sessions -------------------------------------------------------------------------------


@login_required
def initiative_list(request, pk: int):
    initiative, role = initiative_get_for_user(user=request.user, pk=pk)
    return render(
        request,
        "workshops/session_list.html",
        {
            "initiative": initiative,
            "sessions": selectors.session_list(initiative=initiative),
            "can_manage": role_allows(role, Action.MANAGE),
        },
    )


@login_required
def session_create(request, pk: int):
    initiative = initiative_get_for_user(user=request.user, pk=pk, action=Action.MANAGE).obj
    templates = selectors.templates_for(initiative=initiative)
    initial = {
        "groups": "\n".join(_("Group %(number)s") % {"number": n} for n in range(1, 5)),
        "allow_anonymous": True,
    }
    wanted = request.GET.get("template", "")
    if wanted.isdigit() and any(str(t.pk) == wanted for t in templates):
        initial["template"] = int(wanted)
    form = SessionForm(
        request.POST or None, initiative=initiative, templates=templates, initial=initial
    )
    session = form_submitted(
        request,
        form,
        lambda data: services.workshop_session_create(
            initiative=initiative,
            by=request.user,
            title=data["title"],
            template=data["template"],
            groups=data["groups"],
            instructions=data["instructions"],
            allow_anonymous=data["allow_anonymous"],
            meeting=data.get("meeting"),
        ),
    )
    if session:
        messages.success(request, _("The workshop is ready. Share each group's link or QR code."))
        return redirect(session)
    return render(
        request,
        "workshops/session_form.html",
        {"initiative": initiative, "form": form, "session": None, "templates": templates},
    )


@login_required
def session_edit(request, pk: int):
    session = workshop_session_get_for_user(user=request.user, pk=pk, action=Action.MANAGE).obj
    initial = {
        "title": session.title,
        "instructions": session.instructions,
        "allow_anonymous": session.allow_anonymous,
        "meeting": session.meeting_id,
    }
    form = SessionEditForm(request.POST or None, initiative=session.initiative, initial=initial)
    updated = form_submitted(
        request,
        form,
        lambda data: services.workshop_session_update(
            session=copy.copy(session), by=request.user, data=data
        ),
    )
    if updated:
        messages.success(request, _("The workshop was saved."))
        return redirect(updated)
    return render(
        request,
        "workshops/session_form.html",
        {"initiative": session.initiative, "form": form, "session": session},
    )


@login_required
@require_POST
def session_status(request, pk: int):
    session = workshop_session_get_for_user(user=request.user, pk=pk, action=Action.MANAGE).obj
    try:
        services.workshop_session_set_status(
            session=session, by=request.user, status=request.POST.get("status", "")
        )
    except ValidationError as error:
        messages.error(request, errors_text(error))
    else:
        if session.is_open:
            messages.success(request, _("The workshop is open: participants can add notes."))
        else:
            messages.success(request, _("The workshop is closed: the canvas is read-only now."))
    return redirect(session)


@login_required
@require_POST
def session_delete(request, pk: int):
    session = workshop_session_get_for_user(user=request.user, pk=pk, action=Action.MANAGE).obj
    services.workshop_session_delete(session=session, by=request.user)
    messages.success(request, _("The workshop was deleted."))
    return redirect("workshops:list", session.initiative_id)


def _join_links(request, session) -> list[dict]:
    links = []
    for group in session.groups.order_by("position", "pk"):
        url = request.build_absolute_uri(group.get_join_url())
        links.append(
            {
                "group": group,
                "url": url,
                "qr": qr_svg(url, label=_("QR code to join %(group)s") % {"group": group.name}),
            }
        )
    return links


@login_required
def board(request, pk: int):
    """The facilitator's board: every group's canvas, refreshed live."""
    session, role = workshop_session_get_for_user(user=request.user, pk=pk)
    manage = role_allows(role, Action.MANAGE)
    data = selectors.board(session=session, include_hidden=manage)
    return render(
        request,
        "workshops/board.html",
        {
            "initiative": session.initiative,
            "session": session,
            "board": data,
            "can_manage": manage,
            "links": (
                _join_links(request, session) if role_allows(role, Action.CONTRIBUTE) else []
            ),
            "group_form": NameForm(auto_id="new-group-%s"),
        },
    )


def _board_fragment(request, session, role: Role | None):
    manage = role_allows(role, Action.MANAGE)
    return render(
        request,
        "workshops/board.html#board",
        {
            "session": session,
            "board": selectors.board(session=session, include_hidden=manage),
            "can_manage": manage,
        },
    )


@login_required
@never_cache
def board_fragment(request, pk: int):
    """Polled every two seconds. Answers 204 (nothing to swap) while the session's version
    is the one the board already shows, so an idle board costs two small queries."""
    session, role = workshop_session_get_for_user(user=request.user, pk=pk)
    if request.GET.get("v", "") == str(session.version):
        return HttpResponse(status=204)
    return _board_fragment(request, session, role)


@login_required
def join_sheet(request, pk: int):
    """A page to project or print: each group's QR code, big, with its link."""
    session = workshop_session_get_for_user(user=request.user, pk=pk, action=Action.CONTRIBUTE).obj
    return render(
        request,
        "workshops/join_sheet.html",
        {
            "initiative": session.initiative,
            "session": session,
            "links": _join_links(request, session),
        },
    )


# --- Working groups -------------------------------------------------------------------------


@login_required
@require_POST
def group_add(request, pk: int):
    session = workshop_session_get_for_user(user=request.user, pk=pk, action=Action.MANAGE).obj
    try:
        group = services.working_group_add(
            session=session, by=request.user, name=request.POST.get("name", "")
        )
    except ValidationError as error:
        messages.error(request, errors_text(error))
        return redirect(board_url(session, "#groups"))
    messages.success(request, _("Group “%(name)s” added.") % {"name": group.name})
    return redirect(board_url(session, f"#group-{group.pk}"))


@login_required
@require_POST
def group_rename(request, pk: int):
    group = working_group_get_for_user(user=request.user, pk=pk).obj
    try:
        services.working_group_rename(
            group=group, by=request.user, name=request.POST.get("name", "")
        )
        messages.success(request, _("The group was renamed."))
    except ValidationError as error:
        messages.error(request, errors_text(error))
    return redirect(board_url(group.session, f"#group-{group.pk}"))


@login_required
@require_POST
def group_reset_link(request, pk: int):
    group = working_group_get_for_user(user=request.user, pk=pk).obj
    services.working_group_reset_link(group=group, by=request.user)
    messages.success(
        request,
        _("“%(name)s” has a new link and QR code; the old ones no longer work.")
        % {"name": group.name},
    )
    return redirect(board_url(group.session, f"#group-{group.pk}"))


@login_required
@require_POST
def group_delete(request, pk: int):
    group = working_group_get_for_user(user=request.user, pk=pk).obj
    try:
        services.working_group_delete(group=group, by=request.user)
        messages.success(request, _("The group was removed."))
    except ValidationError as error:
        messages.error(request, errors_text(error))
    return redirect(board_url(group.session, "#groups"))


# --- Moderation -----------------------------------------------------------------------------


@login_required
@require_POST
def contribution_moderate(request, pk: int):
    contribution = contribution_get_for_user(user=request.user, pk=pk).obj
    hidden = request.POST.get("hidden") == "1"
    services.contribution_set_hidden(contribution=contribution, by=request.user, hidden=hidden)
    if request.htmx:
        session, role = workshop_session_get_for_user(user=request.user, pk=contribution.session_id)
        return _board_fragment(request, session, role)
    messages.success(request, _("Hidden.") if hidden else _("Restored."))
    return redirect(board_url(contribution.session, f"#c-{contribution.pk}"))


@login_required
def contribution_merge(request, pk: int):
    contribution = contribution_get_for_user(user=request.user, pk=pk).obj
    session = contribution.session
    if not contribution.is_visible:
        messages.error(request, _("Merge into a contribution that is on the canvas."))
        return redirect(board_url(session, f"#c-{contribution.pk}"))
    candidates = selectors.merge_candidates(contribution=contribution)
    form = MergeForm(request.POST if request.method == "POST" else None, candidates=candidates)
    count = form_submitted(
        request,
        form,
        lambda data: services.contributions_merge(
            target=contribution, duplicates=list(data["duplicates"]), by=request.user
        ),
    )
    if count:
        messages.success(
            request,
            _("%(count)s merged into this contribution; you can restore them from the board.")
            % {"count": count},
        )
        return redirect(board_url(session, f"#c-{contribution.pk}"))
    section = next((s for s in session.sections() if s.key == contribution.section_key), None)
    return render(
        request,
        "workshops/merge.html",
        {
            "initiative": session.initiative,
            "session": session,
            "contribution": contribution,
            "section": section,
            "candidates": candidates,
            "form": form,
        },
    )


# --- Exports and the knowledge base ---------------------------------------------------------


def _language(request) -> str:
    wanted = request.GET.get("language", "")
    return wanted if wanted in ("he", "ar", "en") else (translation.get_language() or "he")[:2]


@login_required
def export_csv(request, pk: int):
    session, role = workshop_session_get_for_user(user=request.user, pk=pk)
    stream = io.StringIO()
    stream.write("\ufeff")  # so Excel reads UTF-8 (Hebrew, Arabic) correctly
    exports.session_csv(
        session=session, stream=stream, include_hidden=role_allows(role, Action.MANAGE)
    )
    response = HttpResponse(stream.getvalue(), content_type=exports.CSV_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{exports.filename(session, "csv")}"'
    return response


@login_required
def export_docx(request, pk: int):
    session = workshop_session_get_for_user(user=request.user, pk=pk).obj
    content = exports.session_docx(session=session, language=_language(request))
    response = HttpResponse(content, content_type=exports.DOCX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{exports.filename(session, "docx")}"'
    return response


@login_required
@require_POST
def to_knowledge(request, pk: int):
    session = workshop_session_get_for_user(user=request.user, pk=pk, action=Action.MANAGE).obj
    try:
        document, insight = services.workshop_summary_to_knowledge(
            session=session,
            by=request.user,
            language=_language(request),
            document=request.POST.get("document") == "1",
            insight=request.POST.get("insight") == "1",
        )
    except ValidationError as error:
        messages.error(request, errors_text(error))
        return redirect(board_url(session, "#export"))
    if document is not None:
        messages.success(request, _("The summary was added to the initiative's documents."))
    if insight is not None:
        messages.success(request, _("The themes were added to the initiative's insights."))
    return redirect(board_url(session, "#export"))
