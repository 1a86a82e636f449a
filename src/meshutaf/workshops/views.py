"""Pages for workshops. Members reach everything through the gates in `permissions.py`;
participants without an account reach one working group's canvas through its join token,
and their own contributions through the participant key kept in their browser session."""

import copy
import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from meshutaf.core.forms import apply_service_errors, form_submitted
from meshutaf.core.http import client_address
from meshutaf.core.qr import qr_svg
from meshutaf.core.ratelimit import RateLimitError
from meshutaf.initiatives.permissions import Action, initiative_get_for_user

from . import exports, selectors, services
from .forms import (
    ContributionEditForm,
    ContributionForm,
    JoinForm,
    MergeForm,
    MoveForm,
    NameForm,
    SessionEditForm,
    SessionForm,
    SuggestForm,
    TemplateForm,
    ThemeMergeForm,
    ThemeSplitForm,
)
from .models import CanvasTemplate, Contribution, Participant
from .permissions import (
    can_contribute,
    can_manage,
    canvas_template_get_for_user,
    contribution_get_for_user,
    theme_get_for_user,
    working_group_for_token,
    working_group_get_for_user,
    workshop_session_get_for_user,
)

PARTICIPANT_KEYS = "workshop_participants"


def _errors(error: ValidationError) -> str:
    return " ".join(error.messages)


def _board_url(session, anchor: str = "") -> str:
    return reverse("workshops:board", args=[session.pk]) + anchor


# --- Sessions -------------------------------------------------------------------------------


@login_required
def initiative_list(request, pk: int):
    initiative = initiative_get_for_user(user=request.user, pk=pk)
    return render(
        request,
        "workshops/session_list.html",
        {
            "initiative": initiative,
            "sessions": selectors.session_list(initiative=initiative),
            "can_manage": can_manage(initiative),
        },
    )


@login_required
def session_create(request, pk: int):
    initiative = initiative_get_for_user(user=request.user, pk=pk, action=Action.MANAGE)
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
    session = workshop_session_get_for_user(user=request.user, pk=pk, action=Action.MANAGE)
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
    session = workshop_session_get_for_user(user=request.user, pk=pk, action=Action.MANAGE)
    try:
        services.workshop_session_set_status(
            session=session, by=request.user, status=request.POST.get("status", "")
        )
    except ValidationError as error:
        messages.error(request, _errors(error))
    else:
        if session.is_open:
            messages.success(request, _("The workshop is open: participants can add notes."))
        else:
            messages.success(request, _("The workshop is closed: the canvas is read-only now."))
    return redirect(session)


@login_required
@require_POST
def session_delete(request, pk: int):
    session = workshop_session_get_for_user(user=request.user, pk=pk, action=Action.MANAGE)
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
    session = workshop_session_get_for_user(user=request.user, pk=pk)
    manage = can_manage(session)
    data = selectors.board(session=session, include_hidden=manage)
    return render(
        request,
        "workshops/board.html",
        {
            "initiative": session.initiative,
            "session": session,
            "board": data,
            "can_manage": manage,
            "links": _join_links(request, session) if can_contribute(session) else [],
            "group_form": NameForm(auto_id="new-group-%s"),
        },
    )


def _board_fragment(request, session):
    manage = can_manage(session)
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
    session = workshop_session_get_for_user(user=request.user, pk=pk)
    if request.GET.get("v", "") == str(session.version):
        return HttpResponse(status=204)
    return _board_fragment(request, session)


@login_required
def join_sheet(request, pk: int):
    """A page to project or print: each group's QR code, big, with its link."""
    session = workshop_session_get_for_user(user=request.user, pk=pk, action=Action.CONTRIBUTE)
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
    session = workshop_session_get_for_user(user=request.user, pk=pk, action=Action.MANAGE)
    try:
        group = services.working_group_add(
            session=session, by=request.user, name=request.POST.get("name", "")
        )
    except ValidationError as error:
        messages.error(request, _errors(error))
        return redirect(_board_url(session, "#groups"))
    messages.success(request, _("Group “%(name)s” added.") % {"name": group.name})
    return redirect(_board_url(session, f"#group-{group.pk}"))


@login_required
@require_POST
def group_rename(request, pk: int):
    group = working_group_get_for_user(user=request.user, pk=pk)
    try:
        services.working_group_rename(
            group=group, by=request.user, name=request.POST.get("name", "")
        )
        messages.success(request, _("The group was renamed."))
    except ValidationError as error:
        messages.error(request, _errors(error))
    return redirect(_board_url(group.session, f"#group-{group.pk}"))


@login_required
@require_POST
def group_reset_link(request, pk: int):
    group = working_group_get_for_user(user=request.user, pk=pk)
    services.working_group_reset_link(group=group, by=request.user)
    messages.success(
        request,
        _("“%(name)s” has a new link and QR code; the old ones no longer work.")
        % {"name": group.name},
    )
    return redirect(_board_url(group.session, f"#group-{group.pk}"))


@login_required
@require_POST
def group_delete(request, pk: int):
    group = working_group_get_for_user(user=request.user, pk=pk)
    try:
        services.working_group_delete(group=group, by=request.user)
        messages.success(request, _("The group was removed."))
    except ValidationError as error:
        messages.error(request, _errors(error))
    return redirect(_board_url(group.session, "#groups"))


# --- Moderation -----------------------------------------------------------------------------


@login_required
@require_POST
def contribution_moderate(request, pk: int):
    contribution = contribution_get_for_user(user=request.user, pk=pk)
    hidden = request.POST.get("hidden") == "1"
    services.contribution_set_hidden(contribution=contribution, by=request.user, hidden=hidden)
    if request.htmx:
        session = workshop_session_get_for_user(user=request.user, pk=contribution.session_id)
        return _board_fragment(request, session)
    messages.success(request, _("Hidden.") if hidden else _("Restored."))
    return redirect(_board_url(contribution.session, f"#c-{contribution.pk}"))


@login_required
def contribution_merge(request, pk: int):
    contribution = contribution_get_for_user(user=request.user, pk=pk)
    session = contribution.session
    if not contribution.is_visible:
        messages.error(request, _("Merge into a contribution that is on the canvas."))
        return redirect(_board_url(session, f"#c-{contribution.pk}"))
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
        return redirect(_board_url(session, f"#c-{contribution.pk}"))
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


# --- Themes ---------------------------------------------------------------------------------


def _themes_url(session, section_key: str, anchor: str = "") -> str:
    return reverse("workshops:themes", args=[session.pk]) + f"?section={section_key}{anchor}"


@login_required
def themes(request, pk: int):
    session = workshop_session_get_for_user(user=request.user, pk=pk)
    summary = selectors.session_summary(session=session)
    wanted = request.GET.get("section", "")
    current = next((s for s in summary.sections if s.section.key == wanted), summary.sections[0])
    theme_options = [view.theme for view in current.themes]
    return render(
        request,
        "workshops/themes.html",
        {
            "initiative": session.initiative,
            "session": session,
            "summary": summary,
            "current": current,
            "theme_options": theme_options,
            "can_manage": can_manage(session),
            "suggest_form": SuggestForm(),
        },
    )


def _section_key(request, session) -> str:
    key = request.POST.get("section", "")
    if not any(section.key == key for section in session.sections()):
        raise Http404
    return key


@login_required
@require_POST
def themes_suggest(request, pk: int):
    session = workshop_session_get_for_user(user=request.user, pk=pk, action=Action.MANAGE)
    section_key = _section_key(request, session)
    form = SuggestForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose how many themes you want."))
        return redirect(_themes_url(session, section_key))
    created = services.themes_suggest(
        session=session,
        section_key=section_key,
        by=request.user,
        keep_named=not form.cleaned_data["replace_named"],
        threshold=form.threshold,
    )
    if created:
        messages.success(
            request,
            _("%(count)s themes suggested. Rename, merge or split them as you see fit.")
            % {"count": len(created)},
        )
    else:
        messages.info(
            request,
            _("No two contributions are close enough for a theme. Try “Fewer, broader themes”."),
        )
    return redirect(_themes_url(session, section_key))


@login_required
@require_POST
def theme_create(request, pk: int):
    session = workshop_session_get_for_user(user=request.user, pk=pk, action=Action.MANAGE)
    section_key = _section_key(request, session)
    try:
        theme = services.theme_create(
            session=session,
            section_key=section_key,
            by=request.user,
            name=request.POST.get("name", ""),
        )
    except ValidationError as error:
        messages.error(request, _errors(error))
        return redirect(_themes_url(session, section_key))
    return redirect(_themes_url(session, section_key, f"#theme-{theme.pk}"))


@login_required
@require_POST
def theme_rename(request, pk: int):
    theme = theme_get_for_user(user=request.user, pk=pk)
    try:
        services.theme_rename(theme=theme, by=request.user, name=request.POST.get("name", ""))
        messages.success(request, _("The theme was renamed."))
    except ValidationError as error:
        messages.error(request, _errors(error))
    return redirect(_themes_url(theme.session, theme.section_key, f"#theme-{theme.pk}"))


@login_required
@require_POST
def theme_merge(request, pk: int):
    theme = theme_get_for_user(user=request.user, pk=pk)
    form = ThemeMergeForm(request.POST, theme=theme)
    if not form.is_valid():
        messages.error(request, _("Choose another theme of this section to merge with."))
        return redirect(_themes_url(theme.session, theme.section_key, f"#theme-{theme.pk}"))
    into = form.cleaned_data["into"]
    services.theme_merge(theme=theme, into=into, by=request.user)
    messages.success(request, _("The themes were merged."))
    return redirect(_themes_url(theme.session, theme.section_key, f"#theme-{into.pk}"))


@login_required
@require_POST
def theme_split(request, pk: int):
    theme = theme_get_for_user(user=request.user, pk=pk)
    form = ThemeSplitForm(request.POST, theme=theme)
    new = form_submitted(
        request,
        form,
        lambda data: services.theme_split(
            theme=theme,
            contributions=list(data["contributions"]),
            by=request.user,
            name=data["name"],
        ),
    )
    if new is None:
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect(_themes_url(theme.session, theme.section_key, f"#theme-{theme.pk}"))
    messages.success(request, _("A new theme was made from the chosen contributions."))
    return redirect(_themes_url(theme.session, theme.section_key, f"#theme-{new.pk}"))


@login_required
@require_POST
def theme_delete(request, pk: int):
    theme = theme_get_for_user(user=request.user, pk=pk)
    services.theme_delete(theme=theme, by=request.user)
    messages.success(request, _("The theme was removed; its contributions are kept."))
    return redirect(_themes_url(theme.session, theme.section_key))


@login_required
@require_POST
def contribution_move(request, pk: int):
    contribution = contribution_get_for_user(user=request.user, pk=pk)
    form = MoveForm(request.POST, contribution=contribution)
    if not form.is_valid():
        messages.error(request, _("Choose a theme of this section."))
    else:
        try:
            services.contribution_set_theme(
                contribution=contribution, theme=form.cleaned_data["theme"], by=request.user
            )
        except ValidationError as error:
            messages.error(request, _errors(error))
    return redirect(
        _themes_url(contribution.session, contribution.section_key, f"#c-{contribution.pk}")
    )


# --- Exports and the knowledge base ---------------------------------------------------------


def _language(request) -> str:
    wanted = request.GET.get("language", "")
    return wanted if wanted in ("he", "ar", "en") else (translation.get_language() or "he")[:2]


@login_required
def export_csv(request, pk: int):
    session = workshop_session_get_for_user(user=request.user, pk=pk)
    stream = io.StringIO()
    stream.write("\ufeff")  # so Excel reads UTF-8 (Hebrew, Arabic) correctly
    exports.session_csv(session=session, stream=stream, include_hidden=can_manage(session))
    response = HttpResponse(stream.getvalue(), content_type=exports.CSV_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{exports.filename(session, "csv")}"'
    return response


@login_required
def export_docx(request, pk: int):
    session = workshop_session_get_for_user(user=request.user, pk=pk)
    content = exports.session_docx(session=session, language=_language(request))
    response = HttpResponse(content, content_type=exports.DOCX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{exports.filename(session, "docx")}"'
    return response


@login_required
@require_POST
def to_knowledge(request, pk: int):
    session = workshop_session_get_for_user(user=request.user, pk=pk, action=Action.MANAGE)
    try:
        document, insight = services.workshop_summary_to_knowledge(
            session=session,
            by=request.user,
            language=_language(request),
            document=request.POST.get("document") == "1",
            insight=request.POST.get("insight") == "1",
        )
    except ValidationError as error:
        messages.error(request, _errors(error))
        return redirect(_board_url(session, "#export"))
    if document is not None:
        messages.success(request, _("The summary was added to the initiative's documents."))
    if insight is not None:
        messages.success(request, _("The themes were added to the initiative's insights."))
    return redirect(_board_url(session, "#export"))


# --- Canvas templates -----------------------------------------------------------------------


@login_required
def template_list(request, pk: int):
    initiative = initiative_get_for_user(user=request.user, pk=pk)
    return render(
        request,
        "workshops/template_list.html",
        {
            "initiative": initiative,
            "templates": selectors.templates_for(initiative=initiative),
            "can_manage": can_manage(initiative),
        },
    )


@login_required
def template_create(request, pk: int):
    initiative = initiative_get_for_user(user=request.user, pk=pk, action=Action.MANAGE)
    initial = {"schema": TemplateForm.schema_text({"sections": [{"title": "", "kind": "list"}]})}
    source_id = request.GET.get("from", "")
    if source_id.isdigit() and len(source_id) < 18:
        source = CanvasTemplate.objects.filter(pk=int(source_id)).first()
        if source is not None:
            source = canvas_template_get_for_user(user=request.user, pk=source.pk)
            sections = [
                {
                    "key": section.key,
                    "title": section.title,
                    "help": section.help,
                    "kind": section.kind,
                    "rows": [{"key": r.key, "label": r.label} for r in section.rows],
                    "columns": [{"key": c.key, "label": c.label} for c in section.columns],
                }
                for section in source.sections()
            ]
            initial = {
                "title": _("Copy of %(title)s") % {"title": source.display_title},
                "description": source.display_description,
                "schema": TemplateForm.schema_text({"sections": sections}),
            }
    form = TemplateForm(request.POST or None, initial=initial)
    template = form_submitted(
        request,
        form,
        lambda data: services.canvas_template_create(
            initiative=initiative,
            by=request.user,
            title=data["title"],
            description=data["description"],
            schema=data["schema"],
        ),
    )
    if template:
        messages.success(request, _("The template was saved."))
        return redirect("workshops:templates", initiative.pk)
    return render(
        request,
        "workshops/template_form.html",
        {"initiative": initiative, "form": form, "template": None},
    )


@login_required
def template_edit(request, pk: int):
    template = canvas_template_get_for_user(user=request.user, pk=pk, action=Action.MANAGE)
    initial = {
        "title": template.title,
        "description": template.description,
        "schema": TemplateForm.schema_text(template.schema),
    }
    form = TemplateForm(request.POST or None, initial=initial)
    updated = form_submitted(
        request,
        form,
        lambda data: services.canvas_template_update(
            template=copy.copy(template), by=request.user, data=data
        ),
    )
    if updated:
        messages.success(
            request, _("The template was saved. Sessions already created keep their canvas.")
        )
        return redirect("workshops:templates", template.initiative_id)
    return render(
        request,
        "workshops/template_form.html",
        {"initiative": template.initiative, "form": form, "template": template},
    )


@login_required
@require_POST
def template_delete(request, pk: int):
    template = canvas_template_get_for_user(user=request.user, pk=pk, action=Action.MANAGE)
    services.canvas_template_delete(template=template, by=request.user)
    messages.success(request, _("The template was deleted. Sessions made from it are kept."))
    return redirect("workshops:templates", template.initiative_id)


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
            error = _errors(refused)
        except ValidationError as problem:
            error = _errors(problem)
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
        messages.error(request, _errors(error))
    return redirect("workshops:participate", token)
