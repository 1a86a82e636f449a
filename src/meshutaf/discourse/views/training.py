"""Pages for models and scoring: the model versions with training's progress, a model's
report, training and scoring requests (both run in the worker), the scoring run's progress,
and an active-learning sample of the items the current model is least sure about."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from meshutaf.core.access import Action, Role
from meshutaf.core.forms import error_text, form_submitted

from .. import services
from ..forms import ActiveSampleForm
from ..models import ModelStatus, SampleKind
from ..permissions import corpus_get_for_user, model_version_get_for_user
from ..selectors import corpora
from .common import page_context, report_rows


def _models_page(request, corpus, role: Role | None, *, active_form=None, status=200):
    versions = corpora.model_versions(corpus=corpus)
    context = page_context(
        corpus,
        role,
        versions=versions,
        training=any(v.status == ModelStatus.TRAINING for v in versions),
        current_model=corpora.current_model(corpus=corpus),
    )
    if request.htmx and request.GET.get("part") == "versions":
        return render(request, "discourse/models.html#versions", context)
    context.update(
        active_form=active_form or ActiveSampleForm(),
        run=corpora.latest_run(corpus=corpus),
    )
    return render(request, "discourse/models.html", context, status=status)


@login_required
def models_page(request, pk: int):
    corpus, role = corpus_get_for_user(user=request.user, pk=pk)
    return _models_page(request, corpus, role)


@login_required
@require_POST
def model_train(request, pk: int):
    corpus, role = corpus_get_for_user(user=request.user, pk=pk, action=Action.MANAGE)
    try:
        model = services.model_train_request(corpus=corpus, by=request.user)
    except ValidationError as problem:
        messages.error(request, error_text(problem))
        return _models_page(request, corpus, role, status=400)
    messages.success(
        request,
        _("Model v%(version)s is being trained. This page shows its progress.")
        % {"version": model.version},
    )
    return redirect("discourse:models", corpus.pk)


def _model_page(request, model, role: Role | None, *, status=200):
    corpus = model.corpus
    trained, by_language, skipped = report_rows(
        model.report or {}, corpora.dimension_labels(corpus=corpus)
    )
    return render(
        request,
        "discourse/model_detail.html",
        page_context(
            corpus,
            role,
            model=model,
            report=model.report or {},
            trained=trained,
            by_language=by_language,
            skipped=skipped,
            scored=corpora.model_has_scored(model=model),
        ),
        status=status,
    )


@login_required
def model_detail(request, pk: int):
    model, role = model_version_get_for_user(user=request.user, pk=pk, action=Action.VIEW)
    return _model_page(request, model, role)


@login_required
@require_POST
def model_score(request, pk: int):
    model, role = model_version_get_for_user(user=request.user, pk=pk, action=Action.MANAGE)
    corpus = model.corpus
    try:
        services.scoring_request(corpus=corpus, model=model, by=request.user)
    except ValidationError as problem:
        messages.error(request, error_text(problem))
        return _model_page(request, model, role, status=400)
    messages.success(
        request,
        _("The corpus is being scored with model v%(version)s.") % {"version": model.version},
    )
    return redirect(reverse("discourse:detail", args=[corpus.pk]) + "#scoring")


@login_required
def scoring_status(request, pk: int):
    """The scoring run's progress, polled by the corpus and models pages while it runs."""
    corpus, role = corpus_get_for_user(user=request.user, pk=pk)
    run = corpora.latest_run(corpus=corpus)
    return render(request, "discourse/_scoring.html", page_context(corpus, role, run=run))


@login_required
@require_POST
def suggest(request, pk: int):
    """Active learning: a sample of the items the current model is least sure about."""
    corpus, role = corpus_get_for_user(user=request.user, pk=pk, action=Action.MANAGE)
    form = ActiveSampleForm(request.POST)
    sample = form_submitted(
        request,
        form,
        lambda data: services.sample_create(
            corpus=corpus,
            name=_("Most uncertain items, %(date)s") % {"date": timezone.localdate().isoformat()},
            kind=SampleKind.ACTIVE,
            size=data["size"],
            by=request.user,
        ),
    )
    if sample:
        messages.success(
            request,
            _("%(count)s items were chosen. Assign them to annotators.")
            % {"count": sample.entries.count()},
        )
        return redirect("discourse:sample_detail", sample.pk)
    return _models_page(request, corpus, role, active_form=form, status=400)
