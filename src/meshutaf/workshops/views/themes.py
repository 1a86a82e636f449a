"""Facilitators' theme pages: suggesting, naming, merging and splitting the themes of a
workshop's contributions, and moving contributions between them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from meshutaf.core.access import Action, role_allows
from meshutaf.core.forms import form_submitted

from .. import selectors, services
from ..forms import (
    MoveForm,
    SuggestForm,
    ThemeMergeForm,
    ThemeSplitForm,
)
from ..permissions import (
    contribution_get_for_user,
    theme_get_for_user,
    workshop_session_get_for_user,
)
from .common import errors_text

# --- Themes ---------------------------------------------------------------------------------


def _themes_url(session, section_key: str, anchor: str = "") -> str:
    return reverse("workshops:themes", args=[session.pk]) + f"?section={section_key}{anchor}"


@login_required
def themes(request, pk: int):
    session, role = workshop_session_get_for_user(user=request.user, pk=pk)
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
            "can_manage": role_allows(role, Action.MANAGE),
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
    session = workshop_session_get_for_user(user=request.user, pk=pk, action=Action.MANAGE).obj
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
    session = workshop_session_get_for_user(user=request.user, pk=pk, action=Action.MANAGE).obj
    section_key = _section_key(request, session)
    try:
        theme = services.theme_create(
            session=session,
            section_key=section_key,
            by=request.user,
            name=request.POST.get("name", ""),
        )
    except ValidationError as error:
        messages.error(request, errors_text(error))
        return redirect(_themes_url(session, section_key))
    return redirect(_themes_url(session, section_key, f"#theme-{theme.pk}"))


@login_required
@require_POST
def theme_rename(request, pk: int):
    theme = theme_get_for_user(user=request.user, pk=pk).obj
    try:
        services.theme_rename(theme=theme, by=request.user, name=request.POST.get("name", ""))
        messages.success(request, _("The theme was renamed."))
    except ValidationError as error:
        messages.error(request, errors_text(error))
    return redirect(_themes_url(theme.session, theme.section_key, f"#theme-{theme.pk}"))


@login_required
@require_POST
def theme_merge(request, pk: int):
    theme = theme_get_for_user(user=request.user, pk=pk).obj
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
    theme = theme_get_for_user(user=request.user, pk=pk).obj
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
    theme = theme_get_for_user(user=request.user, pk=pk).obj
    services.theme_delete(theme=theme, by=request.user)
    messages.success(request, _("The theme was removed; its contributions are kept."))
    return redirect(_themes_url(theme.session, theme.section_key))


@login_required
@require_POST
def contribution_move(request, pk: int):
    contribution = contribution_get_for_user(user=request.user, pk=pk).obj
    form = MoveForm(request.POST, contribution=contribution)
    if not form.is_valid():
        messages.error(request, _("Choose a theme of this section."))
    else:
        try:
            services.contribution_set_theme(
                contribution=contribution, theme=form.cleaned_data["theme"], by=request.user
            )
        except ValidationError as error:
            messages.error(request, errors_text(error))
    return redirect(
        _themes_url(contribution.session, contribution.section_key, f"#c-{contribution.pk}")
    )
