"""The notifications pages: the list, opening one (marks it read, then goes to its thing),
marking all read, the bell's own fragment, and the preferences."""

from urllib.parse import urlsplit

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import selectors, services
from .forms import PreferencesForm
from .models import Kind

PAGE_SIZE = 25


@login_required
def notification_list(request):
    unread_only = request.GET.get("unread") in ("1", "true", "on")
    rows = selectors.notifications_for(user=request.user, unread_only=unread_only)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/list.html",
        {"page": page, "rows": page.object_list, "unread_only": unread_only},
    )


@login_required
def notification_open(request, pk: int):
    notification = selectors.notification_for_reader(user=request.user, pk=pk)
    if notification is None:
        raise Http404
    services.notification_mark_read(notification=notification)
    target = notification.url
    if not services.same_site_path(target) or not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "notifications:list"
    return redirect(target)


@login_required
@require_POST
def mark_all_read(request):
    count = services.notifications_mark_all_read(user=request.user)
    if count:
        messages.success(request, _("All notifications are marked read."))
    return redirect("notifications:list")


def bell(request):
    """The bell again, for htmx's poll; nothing (204, htmx keeps the old one) once signed out."""
    if not request.user.is_authenticated:
        return HttpResponse(status=204)
    # Polled from the list page, the bell stays marked as the page you are on.
    current = urlsplit(getattr(request.htmx, "current_url", None) or "").path
    return render(
        request,
        "includes/notification_bell.html",
        {"user": request.user, "bell_current": current == reverse("notifications:list")},
    )


@login_required
def preferences(request):
    current = selectors.preferences_for(user=request.user)
    form = PreferencesForm(request.POST or None, initial_choices=current)
    if request.method == "POST" and form.is_valid():
        services.preferences_set(
            user=request.user, choices={kind: form.cleaned_data[kind] for kind in Kind.values}
        )
        messages.success(request, _("Your notification preferences are saved."))
        return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form})
