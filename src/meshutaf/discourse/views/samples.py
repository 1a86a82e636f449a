"""Pages for samples: drawing a random or stratified sample, assigning its items to
annotators and following their progress, and deleting it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from meshutaf.core.access import Action
from meshutaf.core.forms import form_submitted

from .. import services
from ..forms import AssignForm, SampleForm
from ..languages import language_name
from ..models import Sample
from ..permissions import corpus_get_for_user, sample_get_for_user
from ..results import UNKNOWN
from ..selectors import coding, corpora
from .common import page_context


@login_required
def sample_create(request, pk: int):
    corpus, role = corpus_get_for_user(user=request.user, pk=pk, action=Action.MANAGE)
    form = SampleForm(request.POST or None)
    sample = form_submitted(
        request, form, lambda data: services.sample_create(corpus=corpus, by=request.user, **data)
    )
    if sample:
        messages.success(
            request,
            _("The sample was drawn: %(count)s items. Assign them to annotators next.")
            % {"count": sample.entries.count()},
        )
        return redirect("discourse:sample_detail", sample.pk)
    return render(
        request,
        "discourse/sample_form.html",
        page_context(corpus, role, form=form),
        status=400 if request.method == "POST" else 200,
    )


def _cell_label(sample: Sample, cell: str, communities: dict[str, str]) -> str:
    """ "2026-01|facebook|12|he" as words, in the order the sample's strata were made."""
    if not cell:
        return _("All items")
    names = ["period"]
    if sample.by_platform:
        names.append("platform")
    if sample.by_community:
        names.append("community")
    if sample.by_language:
        names.append("language")
    values = cell.split("|")
    words = []
    for name, value in zip(names, values, strict=False):
        if name == "community" and value != UNKNOWN:
            value = communities.get(value, value)
        elif name == "language" and value != UNKNOWN:
            value = language_name(value)
        words.append(value)
    return " · ".join(words)


@login_required
def sample_detail(request, pk: int):
    sample, role = sample_get_for_user(user=request.user, pk=pk, action=Action.MANAGE)
    corpus = sample.corpus
    search = (
        reverse("initiatives:pick_members", args=[corpus.initiative_id])
        if corpus.initiative_id
        else ""
    )
    form = AssignForm(
        request.POST or None, users=coding.corpus_members(corpus=corpus), search_url=search
    )
    made = form_submitted(
        request,
        form,
        lambda data: services.assignments_create(
            sample=sample,
            annotators=list(data["annotators"]),
            reliability_items=data["reliability_items"],
            coders_per_item=data["coders_per_item"],
            seed=sample.seed,
        ),
    )
    if made is not None:
        messages.success(request, _("%(count)s items were assigned.") % {"count": made})
        return redirect("discourse:sample_detail", sample.pk)
    communities = corpora.community_names(corpus=corpus)
    cells = [
        {**row, "label": _cell_label(sample, row["cell"], communities)}
        for row in coding.sample_cells(sample=sample)
    ]
    return render(
        request,
        "discourse/sample_detail.html",
        page_context(
            corpus,
            role,
            sample=sample,
            n_items=sum(cell["n"] for cell in cells),
            cells=cells,
            progress=coding.sample_progress(sample=sample),
            form=form,
        ),
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def sample_delete(request, pk: int):
    sample = sample_get_for_user(user=request.user, pk=pk, action=Action.MANAGE).obj
    services.sample_delete(sample=sample)
    messages.success(
        request, _("The sample was deleted. Items already coded keep their annotations.")
    )
    return redirect("discourse:detail", sample.corpus.pk)
