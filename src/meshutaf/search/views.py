"""The search page: one query over everything the user may see, with a filter by kind."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from meshutaf.initiatives.permissions import initiative_get_for_user

from . import engine, registry
from .forms import SearchForm


@login_required
def search_page(request):
    form = SearchForm(request.GET or None)
    results = None
    initiative = None
    if form.is_valid():
        data = form.cleaned_data
        if data.get("initiative"):
            initiative = initiative_get_for_user(user=request.user, pk=data["initiative"]).obj
        if data.get("q"):
            results = engine.search(
                user=request.user,
                query=data["q"],
                initiative_id=initiative.pk if initiative else None,
                kinds=[data["kind"]] if data.get("kind") else None,
                offset=data.get("offset") or 0,
            )
    return render(
        request,
        "search/search.html",
        {
            "form": form,
            "results": results,
            "initiative": initiative,
            "kinds": registry.kinds(),
            "kind_labels": dict(registry.kinds()),
        },
    )
