"""Pages for corpora: an initiative's list, a corpus's overview, editing it and its
communities, deleting it, and browsing and correcting its items."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from meshutaf.core.access import Action, Role, role_allows
from meshutaf.core.forms import error_text, form_submitted
from meshutaf.initiatives.permissions import initiative_get_for_user

from .. import services
from ..forms import CommunityForm, CorpusEditForm, CorpusForm, ItemFilterForm, ItemLanguageForm
from ..languages import NAMES, language_name
from ..permissions import community_get_for_user, corpus_get_for_user, item_get_for_user
from ..selectors import coding, corpora
from ..selectors import items as item_reads
from .common import page_context

ITEMS_PAGE_SIZE = 50


@login_required
def corpus_list(request, pk: int):
    initiative, role = initiative_get_for_user(user=request.user, pk=pk)
    return render(
        request,
        "discourse/corpus_list.html",
        {
            "initiative": initiative,
            "corpora": corpora.corpora_with_status(initiative=initiative, user=request.user),
            "can_manage": role_allows(role, Action.MANAGE),
        },
    )


@login_required
def corpus_create(request, pk: int):
    initiative = initiative_get_for_user(user=request.user, pk=pk, action=Action.MANAGE).obj
    form = CorpusForm(request.POST or None)
    corpus = form_submitted(
        request,
        form,
        lambda data: services.corpus_create(
            name=data["name"],
            description=data["description"],
            is_synthetic=data["is_synthetic"],
            communities=data["communities"],
            initiative=initiative,
            by=request.user,
        ),
    )
    if corpus:
        messages.success(request, _("The corpus was created. Import its texts next."))
        return redirect("discourse:detail", corpus.pk)
    return render(
        request,
        "discourse/corpus_form.html",
        {"initiative": initiative, "form": form, "corpus": None},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def corpus_detail(request, pk: int):
    corpus, role = corpus_get_for_user(user=request.user, pk=pk)
    overview = corpora.corpus_overview(corpus=corpus)
    context = page_context(
        corpus,
        role,
        overview=overview,
        by_language=[
            {"label": language_name(row["language"]), "n": row["n"]}
            for row in overview["by_language"]
        ],
        mine=coding.assignment_counts(corpus=corpus, user=request.user),
        current_model=corpora.current_model(corpus=corpus),
    )
    context["mine"]["todo"] = (context["mine"]["total"] or 0) - (context["mine"]["done"] or 0)
    if context["can_manage"]:
        context.update(
            imports=corpora.recent_imports(corpus=corpus),
            samples=list(coding.samples_with_progress(corpus=corpus)[:20]),
            annotators=coding.annotator_progress(corpus=corpus),
            model_versions=corpora.model_versions(corpus=corpus, limit=10),
            run=corpora.latest_run(corpus=corpus),
        )
    return render(request, "discourse/corpus_detail.html", context)


def _edit_page(
    request, corpus, role: Role | None, *, form=None, community_form=None, problem=None, status=200
):
    if form is None:
        form = CorpusEditForm(
            initial={name: getattr(corpus, name) for name in CorpusEditForm.base_fields}
        )
    return render(
        request,
        "discourse/corpus_edit.html",
        page_context(
            corpus,
            role,
            form=form,
            community_form=community_form or CommunityForm(),
            communities=corpora.communities(corpus=corpus),
            problem=problem,
        ),
        status=status,
    )


@login_required
def corpus_edit(request, pk: int):
    corpus, role = corpus_get_for_user(user=request.user, pk=pk, action=Action.MANAGE)
    form = CorpusEditForm(
        request.POST or None,
        initial={name: getattr(corpus, name) for name in CorpusEditForm.base_fields},
    )
    done = form_submitted(
        request,
        form,
        lambda data: services.corpus_update(corpus=corpus, by=request.user, data=data),
    )
    if done:
        messages.success(request, _("The corpus was saved."))
        return redirect("discourse:detail", corpus.pk)
    if request.method == "POST":
        corpus.refresh_from_db()
    return _edit_page(
        request, corpus, role, form=form, status=400 if request.method == "POST" else 200
    )


@login_required
@require_POST
def community_add(request, pk: int):
    corpus, role = corpus_get_for_user(user=request.user, pk=pk, action=Action.MANAGE)
    form = CommunityForm(request.POST)
    if form.is_valid():
        try:
            services.community_add(corpus=corpus, name=form.cleaned_data["name"])
        except ValidationError as error:
            return _edit_page(
                request, corpus, role, community_form=form, problem=error_text(error), status=400
            )
        messages.success(request, _("The community was added."))
        return redirect(reverse("discourse:edit", args=[corpus.pk]) + "#communities")
    return _edit_page(request, corpus, role, community_form=form, status=400)


@login_required
@require_POST
def community_rename(request, pk: int, community_pk: int):
    community, role = community_get_for_user(user=request.user, corpus_pk=pk, pk=community_pk)
    corpus = community.corpus
    try:
        services.community_rename(community=community, name=request.POST.get("name", ""))
    except ValidationError as error:
        return _edit_page(request, corpus, role, problem=error_text(error), status=400)
    messages.success(request, _("The community was renamed."))
    return redirect(reverse("discourse:edit", args=[corpus.pk]) + "#communities")


@login_required
def corpus_delete(request, pk: int):
    corpus, role = corpus_get_for_user(user=request.user, pk=pk, action=Action.MANAGE)
    if request.method == "POST":
        initiative_id = corpus.initiative_id
        services.corpus_delete(corpus=corpus)
        messages.success(request, _("The corpus was deleted."))
        if initiative_id:
            return redirect("discourse:list", initiative_id)
        return redirect("dashboard")
    counts = corpora.corpus_contents(corpus=corpus)
    return render(
        request, "discourse/corpus_delete.html", page_context(corpus, role, counts=counts)
    )


# --- Items ---------------------------------------------------------------------------------


def _items_page(request, corpus, role: Role | None, *, status=200):
    form = ItemFilterForm(
        request.GET or None,
        platforms=item_reads.item_platforms(corpus=corpus),
        communities=item_reads.community_choices(corpus=corpus),
    )
    filters = {}
    if form.is_valid():
        data = form.cleaned_data
        filters = {
            "text": data["q"],
            "language": data["language"],
            "platform": data["platform"],
            "community_id": int(data["community"]) if data["community"] else None,
        }
    items = item_reads.items_filtered(corpus=corpus, **filters)
    page = Paginator(items, ITEMS_PAGE_SIZE).get_page(request.GET.get("page"))
    for item in page.object_list:
        item.language_label = language_name(item.language)
        item.detected_label = (
            language_name(item.detected_language)
            if item.detected_language and item.detected_language != item.language
            else ""
        )
    return render(
        request,
        "discourse/items.html",
        page_context(
            corpus,
            role,
            form=form,
            page=page,
            languages=[(code, str(name)) for code, name in NAMES.items()],
            here=request.get_full_path(),
        ),
        status=status,
    )


@login_required
def items(request, pk: int):
    corpus, role = corpus_get_for_user(user=request.user, pk=pk, action=Action.MANAGE)
    return _items_page(request, corpus, role)


@login_required
@require_POST
def item_language(request, pk: int):
    item, role = item_get_for_user(user=request.user, pk=pk, action=Action.MANAGE)
    form = ItemLanguageForm(request.POST)
    if form.is_valid():
        try:
            services.item_set_language(item=item, language=form.cleaned_data["language"])
        except ValidationError as problem:
            messages.error(request, error_text(problem))
        else:
            messages.success(request, _("The language was saved."))
            back = request.POST.get("next", "")
            items_url = reverse("discourse:items", args=[item.corpus.pk])
            if back.startswith(items_url) and url_has_allowed_host_and_scheme(
                back, allowed_hosts={request.get_host()}
            ):
                return redirect(back)
            return redirect(items_url)
    else:
        messages.error(request, _("Choose a language from the list."))
    return _items_page(request, item.corpus, role, status=400)
