"""Pages for coding: the codebook and its dimensions, an annotator's queue and coding screen
(reached only through their own assignments), agreement between coders, and a lead's
adjudication of the items they coded differently."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from meshutaf.core.access import Action, role_allows
from meshutaf.core.forms import error_text, form_submitted

from .. import codebook, services
from ..forms import AnnotationForm, DimensionForm
from ..languages import NAMES, language_name
from ..models import Dimension
from ..permissions import (
    assignment_get_for_user,
    corpus_get_for_user,
    dimension_get_for_user,
    item_get_for_user,
)
from ..selectors import coding, corpora, reliability
from .common import agreement_rows, by_family, page_context

# --- Codebook ------------------------------------------------------------------------------


def _dimension_form(dimension: Dimension, data=None) -> DimensionForm:
    default = codebook.DEFAULTS_BY_KEY.get(dimension.key)
    defaults = (
        {
            "label": str(default.label),
            "definition": str(default.definition),
            "examples": str(default.examples),
        }
        if default
        else {}
    )
    return DimensionForm(
        data,
        prefix=f"d{dimension.pk}",
        defaults=defaults,
        asks_target=dimension.asks_target,
        initial={name: getattr(dimension, name) for name in services.DIMENSION_FIELDS},
    )


@login_required
def codebook_page(request, pk: int):
    corpus, role = corpus_get_for_user(user=request.user, pk=pk)
    manage = role_allows(role, Action.MANAGE)
    entries = [
        {
            "dimension": dimension,
            "text": corpora.dimension_text(dimension),
            "targets": [line for line in dimension.targets.splitlines() if line.strip()],
            "form": _dimension_form(dimension) if manage else None,
        }
        for dimension in corpora.dimensions(corpus=corpus, active_only=False)
    ]
    return render(
        request, "discourse/codebook.html", page_context(corpus, role, families=by_family(entries))
    )


@login_required
def dimension_edit(request, pk: int):
    dimension, role = dimension_get_for_user(user=request.user, pk=pk, action=Action.MANAGE)
    corpus = dimension.corpus
    form = _dimension_form(dimension, request.POST or None)
    done = form_submitted(
        request, form, lambda data: services.dimension_update(dimension=dimension, data=data)
    )
    if done:
        messages.success(request, _("The dimension was saved."))
        return redirect(reverse("discourse:codebook", args=[corpus.pk]) + f"#dim-{dimension.key}")
    return render(
        request,
        "discourse/dimension_form.html",
        page_context(
            corpus,
            role,
            dimension=dimension,
            text=corpora.dimension_text(dimension),
            form=form,
        ),
        status=400 if request.method == "POST" else 200,
    )


# --- Annotation ----------------------------------------------------------------------------


@login_required
def annotate(request, pk: int):
    corpus, role = corpus_get_for_user(user=request.user, pk=pk)
    following = coding.next_assignment(corpus=corpus, user=request.user)
    if following is not None:
        return redirect("discourse:annotate_item", corpus.pk, following.item_id)
    return render(
        request,
        "discourse/annotate_done.html",
        page_context(
            corpus, role, counts=coding.assignment_counts(corpus=corpus, user=request.user)
        ),
    )


def _targets(dimensions) -> list[str]:
    """The targets (groups a text may be aimed at) the dimensions that ask for one offer."""
    targets: list[str] = []
    for dimension in dimensions:
        if dimension.asks_target:
            for line in dimension.targets.splitlines():
                line = line.strip()
                if line and line not in targets:
                    targets.append(line)
    return targets


@login_required
def annotate_item(request, pk: int, item_pk: int):
    assignment, role = assignment_get_for_user(user=request.user, corpus_pk=pk, item_pk=item_pk)
    item = assignment.item
    corpus = item.corpus
    dimensions = corpora.dimensions(corpus=corpus)
    targets = _targets(dimensions)
    existing = coding.own_annotation(item=item, user=request.user)
    error = None
    if request.method == "POST":
        if request.POST.get("action") == "skip":
            services.assignment_skip(assignment=assignment)
            return redirect("discourse:annotate", corpus.pk)
        form = AnnotationForm(request.POST, targets=targets)
        values = {d.key: request.POST.get(f"d_{d.key}", "0") for d in dimensions}
        if form.is_valid():
            try:
                services.annotation_save(
                    assignment=assignment,
                    values=values,
                    target=form.cleaned_data["target"],
                    note=form.cleaned_data["note"],
                )
            except ValidationError as problem:
                error = error_text(problem)
            else:
                return redirect("discourse:annotate", corpus.pk)
        else:
            error = _("Please correct the marked fields.")
        checked = {key for key, value in values.items() if value == "1"}
    else:
        form = AnnotationForm(
            initial={"target": existing.target, "note": existing.note} if existing else None,
            targets=targets,
        )
        checked = {k for k, v in (existing.values if existing else {}).items() if v == 1}
    counts = coding.assignment_counts(corpus=corpus, user=request.user)
    done = counts["done"] or 0
    first_target = next((d.key for d in dimensions if d.asks_target), None)
    entries = [
        {
            "dimension": dimension,
            "text": corpora.dimension_text(dimension),
            "checked": dimension.key in checked,
            "with_target": dimension.key == first_target and bool(targets),
        }
        for dimension in dimensions
    ]
    return render(
        request,
        "discourse/annotate.html",
        page_context(
            corpus,
            role,
            assignment=assignment,
            item=item,
            language=item.language if item.language in NAMES else "",
            language_label=language_name(item.language),
            thread=coding.thread_context(item=item),
            families=by_family(entries),
            form=form,
            error=error,
            position=done if assignment.done_at else done + 1,
            total=counts["total"] or 0,
            previous=coding.previous_coded_item_id(assignment=assignment),
            already=existing is not None,
        ),
        status=400 if error else 200,
    )


# --- Agreement and adjudication ------------------------------------------------------------


@login_required
def agreement(request, pk: int):
    corpus, role = corpus_get_for_user(user=request.user, pk=pk, action=Action.MANAGE)
    labels = corpora.dimension_labels(corpus=corpus)
    disagreements = [
        {
            "item": entry.item,
            "open": entry.open,
            "split": [
                {
                    "label": labels.get(key, key),
                    "yes": yes,
                    "no": no,
                    "decided": decided,
                }
                for key, (yes, no, decided) in entry.split.items()
            ],
        }
        for entry in reliability.disagreements(corpus=corpus)
    ]
    return render(
        request,
        "discourse/agreement.html",
        page_context(corpus, role, rows=agreement_rows(corpus), disagreements=disagreements),
    )


def _choices(request, split_keys: list[str]) -> tuple[dict[str, int], str | None]:
    """The lead's yes (1) or no (0) per split dimension, or the reason they cannot be read."""
    choices = {}
    for key in split_keys:
        raw = request.POST.get(f"d_{key}")
        if raw is None or raw == "":
            continue
        if raw not in ("0", "1"):
            return {}, _("Each answer is yes or no.")
        choices[key] = int(raw)
    if not choices:
        return {}, _("Choose yes or no for at least one dimension.")
    return choices, None


@login_required
def adjudicate(request, pk: int):
    item, role = item_get_for_user(user=request.user, pk=pk, action=Action.MANAGE)
    corpus = item.corpus
    annotations = reliability.item_annotations(item=item)
    dimensions = corpora.dimensions(corpus=corpus, active_only=False)
    decided = reliability.item_decisions(item=item)
    split_keys = [
        d.key
        for d in dimensions
        if len({(a.values or {}).get(d.key) for a in annotations} - {None}) > 1
    ]
    error = None
    if request.method == "POST":
        choices, error = _choices(request, split_keys)
        if error is None:
            try:
                services.item_adjudicate(item=item, choices=choices, by=request.user)
            except ValidationError as problem:
                error = error_text(problem)
            else:
                messages.success(request, _("The decision was saved."))
                return redirect(reverse("discourse:agreement", args=[corpus.pk]) + "#disagreements")
        decided.update(
            {
                key: int(request.POST[f"d_{key}"])
                for key in split_keys
                if request.POST.get(f"d_{key}") in ("0", "1")
            }
        )
    rows = []
    for dimension in dimensions:
        answers = [(a.annotator, (a.values or {}).get(dimension.key)) for a in annotations]
        rows.append(
            {
                "dimension": dimension,
                "label": corpora.dimension_text(dimension)["label"],
                "answers": answers,
                "split": dimension.key in split_keys,
                "decided": decided.get(dimension.key),
            }
        )
    return render(
        request,
        "discourse/adjudicate.html",
        page_context(
            corpus,
            role,
            item=item,
            annotations=annotations,
            rows=rows,
            split_rows=[row for row in rows if row["split"]],
            error=error,
        ),
        status=400 if error else 200,
    )
