"""Shared measurement's pages: frameworks, the scorecard and indicators."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from meshutaf.core.access import Action
from meshutaf.initiatives.permissions import initiative_get_for_user

from . import selectors


def framework_list(request: HttpRequest, initiative_id: int) -> HttpResponse:
    initiative, role = initiative_get_for_user(user=request.user, pk=initiative_id, action=Action.VIEW)
    return render(
        request,
        "measurement/framework_list.html",
        {"initiative": initiative, "role": role, "frameworks": selectors.frameworks_of(initiative)},
    )
