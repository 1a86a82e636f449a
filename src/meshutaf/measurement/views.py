"""Shared measurement's pages: frameworks, the scorecard and indicators."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from meshutaf.core.access import Action
from meshutaf.initiatives.permissions import initiative_get_for_user

from . import selectors
from .permissions import framework_get_for_user


def framework_list(request: HttpRequest, initiative_id: int) -> HttpResponse:
    initiative, role = initiative_get_for_user(
        user=request.user, pk=initiative_id, action=Action.VIEW
    )
    return render(
        request,
        "measurement/framework_list.html",
        {"initiative": initiative, "role": role, "frameworks": selectors.frameworks_of(initiative)},
    )


def framework_detail(request: HttpRequest, pk: int) -> HttpResponse:
    framework, role = framework_get_for_user(user=request.user, pk=pk)
    return render(
        request,
        "measurement/framework_detail.html",
        {"initiative": framework.initiative, "framework": framework, "role": role},
    )
