"""The user's signed-in sessions, and the security log for administrators."""

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from meshutaf.core.exports import csv_writer

from . import selectors, services
from .forms import SecurityLogFilterForm
from .models import SecurityEventKind

LOG_PAGE_SIZE = 50
# An export is a file an administrator keeps: bounded like every other one.
LOG_EXPORT_ROWS = 100_000


@login_required
def sessions(request):
    rows = list(selectors.user_sessions(user=request.user))
    current = request.session.session_key
    return render(
        request,
        "accounts/sessions.html",
        {
            "rows": rows,
            "current_key": current,
            "tokens": selectors.api_tokens_for_user(user=request.user).filter(
                revoked_at__isnull=True
            ),
        },
    )


@login_required
@require_POST
def session_sign_out(request, pk: int):
    row = selectors.user_session_get_for_user(user=request.user, pk=pk)
    if row.session_key == request.session.session_key:
        messages.info(request, _("This is the session you are using: sign out from the menu."))
        return redirect("accounts:sessions")
    services.session_sign_out(user_session=row, request=request)
    messages.success(request, _("That session was signed out."))
    return redirect("accounts:sessions")


@login_required
@require_POST
def sign_out_everywhere(request):
    ended = services.sessions_sign_out_everywhere(user=request.user, request=request)
    revoked = 0
    if request.POST.get("tokens") == "1":
        for token in selectors.api_tokens_for_user(user=request.user).filter(
            revoked_at__isnull=True
        ):
            services.api_token_revoke(token=token, request=request, actor=request.user)
            revoked += 1
    message = ngettext(
        "%(count)d other session was signed out.",
        "%(count)d other sessions were signed out.",
        ended,
    ) % {"count": ended}
    if revoked:
        message += " " + ngettext(
            "%(count)d API token was revoked.", "%(count)d API tokens were revoked.", revoked
        ) % {"count": revoked}
    messages.success(request, message)
    return redirect("accounts:sessions")


def _log_events(request):
    if not selectors.security_log_allowed(user=request.user):
        raise PermissionDenied
    form = SecurityLogFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    events = selectors.security_events(
        viewer=request.user,
        kind=filters.get("kind") or "",
        account=filters.get("account") or "",
        since=filters.get("since"),
        until=filters.get("until"),
    )
    return form, events


@login_required
def security_log(request):
    form, events = _log_events(request)
    page = Paginator(events, LOG_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "accounts/security_log.html", {"form": form, "page": page})


@login_required
def security_log_export(request):
    _form, events = _log_events(request)
    stream = io.StringIO()
    writer = csv_writer(stream)
    writer.writerow([_("When"), _("Event"), _("Account"), _("Done by"), _("Address"), _("Detail")])
    labels = dict(SecurityEventKind.choices)
    for event in events[:LOG_EXPORT_ROWS]:
        writer.writerow(
            [
                timezone.localtime(event.at).isoformat(timespec="seconds"),
                labels.get(event.kind, event.kind),
                event.username,
                event.actor_name,
                event.address,
                event.detail,
            ]
        )
    services.security_event_record(
        kind=SecurityEventKind.SENSITIVE_EXPORT,
        user=request.user,
        request=request,
        detail="security log",
    )
    response = HttpResponse(stream.getvalue(), content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="security-log-{stamp}.csv"'
    return response
