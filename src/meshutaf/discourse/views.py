"""Pages of the Discourse Index.

Members reach a corpus through its initiative (`corpus_get_for_user`) and read its overview,
codebook, index and methodology; facilitators import, sample, assign, adjudicate, train and
score. Annotators reach items only through their own assignments
(`assignment_get_for_user`). Every write goes through `services.py`; a refused write shows
its reason with status 400 and changes nothing.
"""

from __future__ import annotations

import datetime as dt
import math
import secrets
import time
from collections import defaultdict

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from meshutaf.core.exports import csv_writer
from meshutaf.core.forms import error_text, form_submitted
from meshutaf.initiatives.models import Membership
from meshutaf.initiatives.permissions import Action, initiative_get_for_user, role_allows

from . import charts, codebook, importing, selectors, services
from .forms import (
    ActiveSampleForm,
    AnnotationForm,
    AssignForm,
    CommunityForm,
    CorpusEditForm,
    CorpusForm,
    DashboardForm,
    DimensionForm,
    ImportUploadForm,
    ItemFilterForm,
    ItemLanguageForm,
    SampleForm,
)
from .languages import NAMES, language_name
from .models import (
    Annotation,
    Assignment,
    Dimension,
    Family,
    Item,
    ModelStatus,
    ModelVersion,
    Period,
    RunStatus,
    Sample,
    SampleItem,
    SampleKind,
    ScoringRun,
)
from .permissions import assignment_get_for_user, corpus_get_for_user, item_get_for_user

IMPORT_SESSION_KEY = "discourse-import-{pk}"
PREVIEW_ROWS = 20
ITEMS_PAGE_SIZE = 50
UPLOAD_MAX_AGE = dt.timedelta(days=1)
MAX_BAD_ROWS_SHOWN = importing.MAX_ERRORS_SHOWN
HASH_CHUNK = 900


# --- Helpers -------------------------------------------------------------------------------


def _manage(corpus) -> bool:
    return role_allows(getattr(corpus, "viewer_role", None), Action.MANAGE)


def _context(corpus, **extra) -> dict:
    return {
        "corpus": corpus,
        "initiative": corpus.initiative,
        "can_manage": _manage(corpus),
        **extra,
    }


def _through_corpus(model, *, user, pk: int, action: Action):
    """An object that belongs to a corpus (sample, dimension, model version), after the
    corpus's gate: 404 for outsiders and unknown ids, 403 for members lacking the role."""
    corpus_id = model.objects.filter(pk=pk).values_list("corpus_id", flat=True).first()
    if corpus_id is None:
        raise Http404
    corpus = corpus_get_for_user(user=user, pk=corpus_id, action=action)
    obj = model.objects.get(pk=pk)
    obj.corpus = corpus
    return obj


def _finite(value) -> bool:
    return isinstance(value, (int, float)) and math.isfinite(value)


def _dimension_labels(corpus) -> dict[str, str]:
    return {d.key: selectors.dimension_text(d)["label"] for d in corpus.dimensions.all()}


def _count(queryset):
    """A correlated count for `annotate` (one subquery, not a join that multiplies rows)."""
    counted = queryset.order_by().values("sample").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted[:1]), 0)


def _with_progress(samples):
    """Samples with their items, assignments, coded assignments and coded items counted."""
    return samples.annotate(
        n_items=_count(SampleItem.objects.filter(sample=OuterRef("pk"))),
        n_assigned=_count(Assignment.objects.filter(sample=OuterRef("pk"))),
        n_done=_count(Assignment.objects.filter(sample=OuterRef("pk"), done_at__isnull=False)),
        n_coded=_count(
            SampleItem.objects.filter(
                Exists(Annotation.objects.filter(item_id=OuterRef("item_id"))),
                sample=OuterRef("pk"),
            )
        ),
    )


def _members(corpus):
    """Who may be given items to code: the initiative's members (administrators for a corpus
    without an initiative)."""
    users = get_user_model().objects.filter(is_active=True)
    if corpus.initiative_id is None:
        users = users.filter(is_superuser=True)
    else:
        users = users.filter(
            pk__in=Membership.objects.filter(initiative_id=corpus.initiative_id).values("user_id")
        )
    return users.order_by("first_name", "last_name", "username")


# --- Corpora -------------------------------------------------------------------------------


@login_required
def corpus_list(request, pk: int):
    initiative = initiative_get_for_user(user=request.user, pk=pk)
    done_runs = ScoringRun.objects.filter(corpus=OuterRef("pk"), status=RunStatus.DONE).order_by(
        "-finished_at"
    )
    todo = (
        Assignment.objects.filter(
            item__corpus=OuterRef("pk"), annotator=request.user, done_at__isnull=True
        )
        .order_by()
        .values("item__corpus")
        .annotate(n=Count("id"))
        .values("n")
    )
    corpora = selectors.corpora_for_initiative(initiative=initiative).annotate(
        scored_version=Subquery(done_runs.values("model__version")[:1]),
        scored_at=Subquery(done_runs.values("finished_at")[:1]),
        todo=Subquery(todo[:1]),
    )
    return render(
        request,
        "discourse/corpus_list.html",
        {
            "initiative": initiative,
            "corpora": corpora,
            "can_manage": role_allows(initiative.viewer_role, Action.MANAGE),
        },
    )


@login_required
def corpus_create(request, pk: int):
    initiative = initiative_get_for_user(user=request.user, pk=pk, action=Action.MANAGE)
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
    corpus = corpus_get_for_user(user=request.user, pk=pk)
    overview = selectors.corpus_overview(corpus=corpus)
    context = _context(
        corpus,
        overview=overview,
        by_language=[
            {"label": language_name(row["language"]), "n": row["n"]}
            for row in overview["by_language"]
        ],
        mine=selectors.assignment_counts(corpus=corpus, user=request.user),
        current_model=selectors.current_model(corpus=corpus),
    )
    context["mine"]["todo"] = (context["mine"]["total"] or 0) - (context["mine"]["done"] or 0)
    if context["can_manage"]:
        context.update(
            imports=list(corpus.imports.select_related("by")[:10]),
            samples=list(_with_progress(corpus.samples.all())[:20]),
            annotators=selectors.annotator_progress(corpus=corpus),
            model_versions=list(corpus.model_versions.all()[:10]),
            run=corpus.scoring_runs.select_related("model").first(),
        )
    return render(request, "discourse/corpus_detail.html", context)


@login_required
def scoring_status(request, pk: int):
    """The scoring run's progress, polled by the corpus and models pages while it runs."""
    corpus = corpus_get_for_user(user=request.user, pk=pk)
    run = corpus.scoring_runs.select_related("model").first()
    return render(request, "discourse/_scoring.html", _context(corpus, run=run))


def _edit_page(request, corpus, *, form=None, community_form=None, problem=None, status=200):
    if form is None:
        form = CorpusEditForm(
            initial={name: getattr(corpus, name) for name in CorpusEditForm.base_fields}
        )
    return render(
        request,
        "discourse/corpus_edit.html",
        _context(
            corpus,
            form=form,
            community_form=community_form or CommunityForm(),
            communities=list(corpus.communities.all()),
            problem=problem,
        ),
        status=status,
    )


@login_required
def corpus_edit(request, pk: int):
    corpus = corpus_get_for_user(user=request.user, pk=pk, action=Action.MANAGE)
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
    return _edit_page(request, corpus, form=form, status=400 if request.method == "POST" else 200)


@login_required
@require_POST
def community_add(request, pk: int):
    corpus = corpus_get_for_user(user=request.user, pk=pk, action=Action.MANAGE)
    form = CommunityForm(request.POST)
    if form.is_valid():
        try:
            services.community_add(corpus=corpus, name=form.cleaned_data["name"])
        except ValidationError as error:
            return _edit_page(
                request, corpus, community_form=form, problem=error_text(error), status=400
            )
        messages.success(request, _("The community was added."))
        return redirect(reverse("discourse:edit", args=[corpus.pk]) + "#communities")
    return _edit_page(request, corpus, community_form=form, status=400)


@login_required
@require_POST
def community_rename(request, pk: int, community_pk: int):
    corpus = corpus_get_for_user(user=request.user, pk=pk, action=Action.MANAGE)
    community = corpus.communities.filter(pk=community_pk).first()
    if community is None:
        raise Http404
    community.corpus = corpus
    try:
        services.community_rename(community=community, name=request.POST.get("name", ""))
    except ValidationError as error:
        return _edit_page(request, corpus, problem=error_text(error), status=400)
    messages.success(request, _("The community was renamed."))
    return redirect(reverse("discourse:edit", args=[corpus.pk]) + "#communities")


@login_required
def corpus_delete(request, pk: int):
    corpus = corpus_get_for_user(user=request.user, pk=pk, action=Action.MANAGE)
    if request.method == "POST":
        initiative_id = corpus.initiative_id
        services.corpus_delete(corpus=corpus)
        messages.success(request, _("The corpus was deleted."))
        if initiative_id:
            return redirect("discourse:list", initiative_id)
        return redirect("dashboard")
    counts = {
        "items": corpus.items.count(),
        "annotations": Annotation.objects.filter(item__corpus=corpus).count(),
        "models": corpus.model_versions.count(),
    }
    return render(request, "discourse/corpus_delete.html", _context(corpus, counts=counts))


# --- Import --------------------------------------------------------------------------------


def _uploads_dir():
    directory = settings.DATA_DIR / "discourse" / "uploads"
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def _upload_path(token: str):
    # The token is ours (token_hex), but check anyway: a path is built from it.
    if not token or not token.isalnum():
        return None
    return _uploads_dir() / token


def _forget_upload(request, pk: int) -> None:
    state = request.session.pop(IMPORT_SESSION_KEY.format(pk=pk), None)
    if state:
        path = _upload_path(state.get("token", ""))
        if path is not None:
            path.unlink(missing_ok=True)


def _clear_old_uploads() -> None:
    """Uploads nobody finished importing are removed after a day."""
    cutoff = time.time() - UPLOAD_MAX_AGE.total_seconds()
    for path in _uploads_dir().iterdir():
        try:
            if path.is_file() and path.stat().st_mtime < cutoff:
                path.unlink(missing_ok=True)
        except OSError:
            continue


@login_required
def import_upload(request, pk: int):
    """Step 1: upload the file. It is kept on disk (never in the session) until the import
    is applied or abandoned; nothing is written to the corpus yet."""
    corpus = corpus_get_for_user(user=request.user, pk=pk, action=Action.MANAGE)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        try:
            importing.read_table(data, upload.name)
        except importing.ImportFileError as problem:
            form.add_error("file", str(problem))
        else:
            _forget_upload(request, pk)
            _clear_old_uploads()
            token = secrets.token_hex(16)
            _upload_path(token).write_bytes(data)
            request.session[IMPORT_SESSION_KEY.format(pk=pk)] = {
                "token": token,
                "filename": upload.name[:200],
            }
            return redirect("discourse:import_preview", corpus.pk)
    return render(
        request,
        "discourse/import_upload.html",
        _context(corpus, form=form, fields=importing.FIELDS),
        status=400 if request.method == "POST" else 200,
    )


def _existing_hashes(corpus, hashes: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(hashes), HASH_CHUNK):
        found.update(
            Item.objects.filter(
                corpus=corpus, content_hash__in=hashes[start : start + HASH_CHUNK]
            ).values_list("content_hash", flat=True)
        )
    return found


@login_required
def import_preview(request, pk: int):
    """Step 2: choose the columns, see every row's problems and what will be added, apply."""
    corpus = corpus_get_for_user(user=request.user, pk=pk, action=Action.MANAGE)
    key = IMPORT_SESSION_KEY.format(pk=pk)
    state = request.session.get(key)
    path = _upload_path(state.get("token", "")) if state else None
    if path is None or not path.exists():
        request.session.pop(key, None)
        messages.info(request, _("Upload a file first."))
        return redirect("discourse:import", corpus.pk)
    try:
        headers, rows = importing.read_table(path.read_bytes(), state["filename"])
    except importing.ImportFileError as problem:
        _forget_upload(request, pk)
        messages.error(request, str(problem))
        return redirect("discourse:import", corpus.pk)
    mapping = state.get("mapping") or importing.guess_mapping(headers)
    action = request.POST.get("action") if request.method == "POST" else None
    if action == "remap":
        mapping = {
            name: request.POST.get(f"column_{name}", "")
            for name in importing.FIELDS
            if request.POST.get(f"column_{name}", "") in headers
        }
        request.session[key] = {**state, "mapping": mapping}
        return redirect("discourse:import_preview", corpus.pk)
    error = None
    prepared: list[importing.PreparedRow] = []
    try:
        prepared = importing.prepare_rows(headers, rows, mapping, salt=corpus.salt)
    except importing.ImportFileError as problem:
        error = str(problem)
    if action == "apply" and error is None:
        try:
            record = services.items_import(
                corpus=corpus,
                rows=prepared,
                by=request.user,
                filename=state["filename"],
                mapping=mapping,
                skip_invalid=bool(request.POST.get("skip_invalid")),
            )
        except ValidationError as problem:
            error = error_text(problem)
        else:
            _forget_upload(request, pk)
            messages.success(
                request,
                _("Imported %(added)s new items; %(duplicates)s were already in the corpus.")
                % {"added": record.added, "duplicates": record.duplicates},
            )
            return redirect("discourse:detail", corpus.pk)
    valid = [row for row in prepared if not row.errors]
    invalid = [row for row in prepared if row.errors]
    hashes = list(dict.fromkeys(row.content_hash for row in valid))
    existing = _existing_hashes(corpus, hashes)
    known_communities = {c.casefold() for c in corpus.communities.values_list("name", flat=True)}
    new_communities: dict[str, str] = {}
    for row in valid:
        name = row.values.get("community_name", "")
        if name and name.casefold() not in known_communities:
            new_communities.setdefault(name.casefold(), name)
    return render(
        request,
        "discourse/import_preview.html",
        _context(
            corpus,
            filename=state["filename"],
            headers=headers,
            field_columns=[
                (
                    name,
                    importing.field_label(name),
                    mapping.get(name, ""),
                    name in importing.REQUIRED,
                )
                for name in importing.FIELDS
            ],
            n_rows=len(rows),
            valid=valid[:PREVIEW_ROWS],
            valid_count=len(valid),
            invalid=invalid[:MAX_BAD_ROWS_SHOWN],
            invalid_count=len(invalid),
            existing_count=len(existing),
            repeated_count=len(valid) - len(hashes),
            new_count=len(hashes) - len(existing),
            new_communities=sorted(new_communities.values()),
            language_names={code: str(name) for code, name in NAMES.items()},
            skip_invalid=bool(request.POST.get("skip_invalid")),
            error=error,
        ),
        status=400 if error else 200,
    )


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


def _by_family(dimensions) -> list[tuple[str, list]]:
    groups = defaultdict(list)
    for entry in dimensions:
        dimension = entry["dimension"] if isinstance(entry, dict) else entry
        groups[dimension.family].append(entry)
    return [(label, groups[value]) for value, label in Family.choices if groups.get(value)]


@login_required
def codebook_page(request, pk: int):
    corpus = corpus_get_for_user(user=request.user, pk=pk)
    manage = _manage(corpus)
    entries = [
        {
            "dimension": dimension,
            "text": selectors.dimension_text(dimension),
            "targets": [line for line in dimension.targets.splitlines() if line.strip()],
            "form": _dimension_form(dimension) if manage else None,
        }
        for dimension in corpus.dimensions.all()
    ]
    return render(
        request, "discourse/codebook.html", _context(corpus, families=_by_family(entries))
    )


@login_required
def dimension_edit(request, pk: int):
    dimension = _through_corpus(Dimension, user=request.user, pk=pk, action=Action.MANAGE)
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
        _context(
            corpus,
            dimension=dimension,
            text=selectors.dimension_text(dimension),
            form=form,
        ),
        status=400 if request.method == "POST" else 200,
    )


# --- Samples and assignments ---------------------------------------------------------------


@login_required
def sample_create(request, pk: int):
    corpus = corpus_get_for_user(user=request.user, pk=pk, action=Action.MANAGE)
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
        _context(corpus, form=form),
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
        if name == "community" and value != selectors.UNKNOWN:
            value = communities.get(value, value)
        elif name == "language" and value != selectors.UNKNOWN:
            value = language_name(value)
        words.append(value)
    return " · ".join(words)


@login_required
def sample_detail(request, pk: int):
    sample = _through_corpus(Sample, user=request.user, pk=pk, action=Action.MANAGE)
    corpus = sample.corpus
    form = AssignForm(request.POST or None, users=_members(corpus))
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
    communities = {str(pk_): name for pk_, name in corpus.communities.values_list("pk", "name")}
    cells = [
        {**row, "label": _cell_label(sample, row["cell"], communities)}
        for row in sample.entries.values("cell").annotate(n=Count("id")).order_by("cell")
    ]
    users = get_user_model().objects.in_bulk(
        list(sample.assignments.values_list("annotator_id", flat=True).distinct())
    )
    progress = [
        {**row, "user": users.get(row["annotator_id"])}
        for row in sample.assignments.values("annotator_id")
        .annotate(total=Count("id"), done=Count("id", filter=Q(done_at__isnull=False)))
        .order_by("annotator_id")
    ]
    return render(
        request,
        "discourse/sample_detail.html",
        _context(
            corpus,
            sample=sample,
            n_items=sum(cell["n"] for cell in cells),
            cells=cells,
            progress=progress,
            form=form,
        ),
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def sample_delete(request, pk: int):
    sample = _through_corpus(Sample, user=request.user, pk=pk, action=Action.MANAGE)
    services.sample_delete(sample=sample)
    messages.success(
        request, _("The sample was deleted. Items already coded keep their annotations.")
    )
    return redirect("discourse:detail", sample.corpus.pk)


@login_required
@require_POST
def suggest(request, pk: int):
    """Active learning: a sample of the items the current model is least sure about."""
    corpus = corpus_get_for_user(user=request.user, pk=pk, action=Action.MANAGE)
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
    return _models_page(request, corpus, active_form=form, status=400)


# --- Annotation ----------------------------------------------------------------------------


@login_required
def annotate(request, pk: int):
    corpus = corpus_get_for_user(user=request.user, pk=pk)
    following = selectors.next_assignment(corpus=corpus, user=request.user)
    if following is not None:
        return redirect("discourse:annotate_item", corpus.pk, following.item_id)
    return render(
        request,
        "discourse/annotate_done.html",
        _context(corpus, counts=selectors.assignment_counts(corpus=corpus, user=request.user)),
    )


def _targets(dimensions) -> list[str]:
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
    assignment = assignment_get_for_user(user=request.user, corpus_pk=pk, item_pk=item_pk)
    item = assignment.item
    corpus = item.corpus
    dimensions = selectors.dimensions(corpus=corpus)
    targets = _targets(dimensions)
    existing = Annotation.objects.filter(item=item, annotator=request.user).first()
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
    counts = selectors.assignment_counts(corpus=corpus, user=request.user)
    done = counts["done"] or 0
    first_target = next((d.key for d in dimensions if d.asks_target), None)
    entries = [
        {
            "dimension": dimension,
            "text": selectors.dimension_text(dimension),
            "checked": dimension.key in checked,
            "with_target": dimension.key == first_target and bool(targets),
        }
        for dimension in dimensions
    ]
    previous = (
        Assignment.objects.filter(item__corpus=corpus, annotator=request.user)
        .filter(done_at__isnull=False)
        .exclude(pk=assignment.pk)
        .order_by("-done_at")
        .values_list("item_id", flat=True)
        .first()
    )
    return render(
        request,
        "discourse/annotate.html",
        _context(
            corpus,
            assignment=assignment,
            item=item,
            language=item.language if item.language in NAMES else "",
            language_label=language_name(item.language),
            thread=selectors.thread_context(item=item),
            families=_by_family(entries),
            form=form,
            error=error,
            position=done if assignment.done_at else done + 1,
            total=counts["total"] or 0,
            previous=previous,
            already=existing is not None,
        ),
        status=400 if error else 200,
    )


# --- Agreement and adjudication ------------------------------------------------------------


def _verdict(value: str) -> str:
    labels = {
        "reliable": _("reliable"),
        "tentative": _("tentative"),
        "unreliable": _("unreliable"),
        "unknown": _("not enough data"),
    }
    return labels.get(value, value)


def _agreement_rows(corpus) -> list[dict]:
    return [
        {
            "row": row,
            "svg": charts.alpha_svg(row.alpha, row.low, row.high),
            "verdict": _verdict(row.verdict),
            "alpha": f"{row.alpha:.2f}" if _finite(row.alpha) else "—",
            "interval": (
                f"{row.low:.2f} – {row.high:.2f}" if _finite(row.low) and _finite(row.high) else "—"
            ),
        }
        for row in selectors.agreement(corpus=corpus)
    ]


@login_required
def agreement(request, pk: int):
    corpus = corpus_get_for_user(user=request.user, pk=pk, action=Action.MANAGE)
    labels = _dimension_labels(corpus)
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
        for entry in selectors.disagreements(corpus=corpus)
    ]
    return render(
        request,
        "discourse/agreement.html",
        _context(corpus, rows=_agreement_rows(corpus), disagreements=disagreements),
    )


@login_required
def adjudicate(request, pk: int):
    item = item_get_for_user(user=request.user, pk=pk, action=Action.MANAGE)
    corpus = item.corpus
    annotations = selectors.item_annotations(item=item)
    dimensions = list(corpus.dimensions.all())
    decided = dict(item.adjudications.values_list("dimension", "value"))
    split_keys = [
        d.key
        for d in dimensions
        if len({(a.values or {}).get(d.key) for a in annotations} - {None}) > 1
    ]
    error = None
    if request.method == "POST":
        choices = {}
        for key in split_keys:
            raw = request.POST.get(f"d_{key}")
            if raw is None or raw == "":
                continue
            if raw not in ("0", "1"):
                error = _("Each answer is yes or no.")
                break
            choices[key] = int(raw)
        if error is None and not choices:
            error = _("Choose yes or no for at least one dimension.")
        if error is None:
            try:
                with transaction.atomic():
                    for key, value in choices.items():
                        services.adjudicate(item=item, dimension=key, value=value, by=request.user)
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
                "label": selectors.dimension_text(dimension)["label"],
                "answers": answers,
                "split": dimension.key in split_keys,
                "decided": decided.get(dimension.key),
            }
        )
    return render(
        request,
        "discourse/adjudicate.html",
        _context(
            corpus,
            item=item,
            annotations=annotations,
            rows=rows,
            split_rows=[row for row in rows if row["split"]],
            error=error,
        ),
        status=400 if error else 200,
    )


# --- Models and scoring --------------------------------------------------------------------


def _models_page(request, corpus, *, active_form=None, status=200):
    versions = list(corpus.model_versions.select_related("created_by"))
    context = _context(
        corpus,
        versions=versions,
        training=any(v.status == ModelStatus.TRAINING for v in versions),
        current_model=selectors.current_model(corpus=corpus),
    )
    if request.htmx and request.GET.get("part") == "versions":
        return render(request, "discourse/models.html#versions", context)
    context.update(
        active_form=active_form or ActiveSampleForm(),
        run=corpus.scoring_runs.select_related("model").first(),
    )
    return render(request, "discourse/models.html", context, status=status)


@login_required
def models_page(request, pk: int):
    corpus = corpus_get_for_user(user=request.user, pk=pk)
    return _models_page(request, corpus)


@login_required
@require_POST
def model_train(request, pk: int):
    corpus = corpus_get_for_user(user=request.user, pk=pk, action=Action.MANAGE)
    try:
        model = services.model_train_request(corpus=corpus, by=request.user)
    except ValidationError as problem:
        messages.error(request, error_text(problem))
        return _models_page(request, corpus, status=400)
    messages.success(
        request,
        _("Model v%(version)s is being trained. This page shows its progress.")
        % {"version": model.version},
    )
    return redirect("discourse:models", corpus.pk)


def _metric(value, digits: int = 2) -> str:
    return f"{value:.{digits}f}" if _finite(value) else "—"


SKIP_REASONS = {
    "too_few_labels": lambda entry: (
        _(
            "Too few labels: %(positives)s coded yes and %(negatives)s coded no; at least "
            "%(needed)s of each are needed."
        )
        % {
            "positives": entry.get("positives", "—"),
            "negatives": entry.get("negatives", "—"),
            "needed": entry.get("needed", "—"),
        }
    ),
}


def _report_rows(report: dict, labels: dict[str, str]):
    trained, skipped, by_language = [], [], []
    for key, entry in (report.get("dimensions") or {}).items():
        label = selectors.target_label(key, labels)
        if entry.get("skipped"):
            reason = SKIP_REASONS.get(entry["skipped"])
            skipped.append(
                {"label": label, "reason": reason(entry) if reason else entry["skipped"]}
            )
            continue
        trained.append(
            {
                "label": label,
                "n": entry.get("n", "—"),
                "positives": entry.get("positives", "—"),
                "macro_f1": _metric(entry.get("macro_f1")),
                "roc_auc": _metric(entry.get("roc_auc")),
                "brier": _metric(entry.get("brier"), 3),
                "calibration_error": _metric(entry.get("calibration_error"), 3),
                "threshold": _metric(entry.get("threshold")),
                "calibration": {"sigmoid": _("sigmoid (Platt)"), "isotonic": _("isotonic")}.get(
                    entry.get("calibration"), entry.get("calibration") or "—"
                ),
            }
        )
        for code, metrics in (entry.get("by_language") or {}).items():
            by_language.append(
                {
                    "label": label,
                    "language": language_name(code) if code else _("Unknown"),
                    "n": metrics.get("n", "—"),
                    "positives": metrics.get("positives", "—"),
                    "macro_f1": _metric(metrics.get("macro_f1")),
                    "roc_auc": _metric(metrics.get("roc_auc")),
                    "brier": _metric(metrics.get("brier"), 3),
                    "calibration_error": _metric(metrics.get("calibration_error"), 3),
                }
            )
    return trained, by_language, skipped


def _model_page(request, model, *, status=200):
    corpus = model.corpus
    trained, by_language, skipped = _report_rows(model.report or {}, _dimension_labels(corpus))
    return render(
        request,
        "discourse/model_detail.html",
        _context(
            corpus,
            model=model,
            report=model.report or {},
            trained=trained,
            by_language=by_language,
            skipped=skipped,
            scored=model.runs.filter(status=RunStatus.DONE).exists(),
        ),
        status=status,
    )


@login_required
def model_detail(request, pk: int):
    model = _through_corpus(ModelVersion, user=request.user, pk=pk, action=Action.VIEW)
    return _model_page(request, model)


@login_required
@require_POST
def model_score(request, pk: int):
    model = _through_corpus(ModelVersion, user=request.user, pk=pk, action=Action.MANAGE)
    corpus = model.corpus
    try:
        services.scoring_request(corpus=corpus, model=model, by=request.user)
    except ValidationError as problem:
        messages.error(request, error_text(problem))
        return _model_page(request, model, status=400)
    messages.success(
        request,
        _("The corpus is being scored with model v%(version)s.") % {"version": model.version},
    )
    return redirect(reverse("discourse:detail", args=[corpus.pk]) + "#scoring")


# --- The index -----------------------------------------------------------------------------


def _grouping(request, targets: list[tuple[str, str]]):
    """The dashboard's choices from the query string; anything unknown falls back to the
    default, so a stale link still shows a page."""
    form = DashboardForm(request.GET or None, targets=targets)
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    keys = [key for key, _label in targets]
    target = data.get("target") or (codebook.COMPOSITE if codebook.COMPOSITE in keys else "")
    if target not in keys:
        target = keys[0] if keys else ""
    period = data.get("period") or Period.MONTH
    split = data.get("split") or "community"
    form = DashboardForm(
        initial={"target": target, "period": period, "split": split}, targets=targets
    )
    return form, target, period, split


def _steps(corpus) -> list[dict]:
    """What has been done on the way to an index, for a corpus not yet scored."""
    annotated = Annotation.objects.filter(item__corpus=corpus).exists()
    return [
        {"label": _("Import the texts"), "done": corpus.items.exists(),
         "url": reverse("discourse:import", args=[corpus.pk])},
        {"label": _("Draw a random or stratified sample"), "done": corpus.samples.exists(),
         "url": reverse("discourse:sample_create", args=[corpus.pk])},
        {"label": _("Code the sample's items"), "done": annotated,
         "url": reverse("discourse:annotate", args=[corpus.pk])},
        {"label": _("Train a model"),
         "done": corpus.model_versions.filter(status=ModelStatus.READY).exists(),
         "url": reverse("discourse:models", args=[corpus.pk])},
        {"label": _("Score the corpus with it"), "done": False,
         "url": reverse("discourse:models", args=[corpus.pk])},
    ]  # fmt: skip


def _table_rows(index, target: str, percent: bool) -> list[dict]:
    rows = []
    for cell in index.cells:
        result = cell.results.get(target)
        if result is None:
            continue
        flags = []
        if cell.small:
            flags.append(_("small cell"))
        if not result.corrected:
            flags.append(_("no audit sample: uncorrected"))
        rows.append(
            {
                "parts": [index.label_of(part, value) for part, value in cell.key.items()],
                "n": cell.n_items,
                "n_audit": result.n_audit,
                "estimate": charts.format_value(result.estimate, percent=percent),
                "interval": charts.format_interval(result.ci_low, result.ci_high, percent=percent),
                "mean": charts.format_value(result.mean_score, percent=percent),
                "rank": charts.format_rank(result.best_rank, result.worst_rank),
                "flags": flags,
            }
        )
    return rows


def _trend(index, target: str, period: str, split: str):
    """The chart's x labels and series, and the legend: one series per group, the largest
    groups first (the chart shows MAX_SERIES of them; the table lists all)."""
    periods = sorted(
        {cell.key[period] for cell in index.cells if cell.key.get(period) != selectors.UNKNOWN}
    )
    position = {value: i for i, value in enumerate(periods)}
    groups: dict[str, dict] = {}
    for cell in index.cells:
        value = cell.key.get(period)
        if value not in position:
            continue
        group = cell.key.get(split, "") if split != "none" else ""
        entry = groups.setdefault(group, {"n": 0, "points": [None] * len(periods)})
        entry["n"] += cell.n_items
        result = cell.results.get(target)
        if result is None:
            continue
        entry["points"][position[value]] = charts.Point(
            estimate=result.estimate,
            low=result.ci_low,
            high=result.ci_high,
            hollow=cell.small or not result.corrected,
        )
    ordered = sorted(groups.items(), key=lambda kv: (-kv[1]["n"], kv[0]))
    series = []
    legend = []
    for index_, (group, entry) in enumerate(ordered[: charts.MAX_SERIES]):
        label = (
            index.label_of(split, group) if split != "none" else index.target_labels.get(target, "")
        )
        series.append(charts.Series(label=label, points=entry["points"]))
        legend.append({"label": label, "swatch": charts.swatch_svg(index_)})
    return periods, series, legend, len(ordered)


@login_required
def dashboard(request, pk: int):
    corpus = corpus_get_for_user(user=request.user, pk=pk)
    model = selectors.current_model(corpus=corpus)
    context = _context(corpus, model=model)
    if model is None:
        context["steps"] = _steps(corpus)
        return render(request, "discourse/dashboard.html", context)
    # The targets are known before the grouping; read them from the model.
    keys = list(model.dimensions)
    if codebook.INCIVILITY in keys and codebook.DIFFERENT_SPEECH in keys:
        keys.insert(0, codebook.COMPOSITE)
    labels = _dimension_labels(corpus)
    first = [k for k in (codebook.COMPOSITE, codebook.INCIVILITY, codebook.DIFFERENT_SPEECH)
             if k in keys]  # fmt: skip
    ordered = first + [k for k in keys if k not in first]
    targets = [(key, selectors.target_label(key, labels)) for key in ordered]
    form, target, period, split = _grouping(request, targets)
    by = [period] if split == "none" else [period, split]
    index = selectors.corpus_index(corpus=corpus, by=by, model=model)
    percent = target != codebook.COMPOSITE
    periods, series, legend, n_groups = _trend(index, target, period, split)
    target_label = dict(targets).get(target, target)
    split_label = dict(DashboardForm.base_fields["split"].choices).get(split, split)
    period_label = Period(period).label
    description = _(
        "%(target)s by %(period)s, one line per %(split)s, with the 95%% interval as a band. "
        "Hollow markers are small cells or cells without audited items. The table below has "
        "the same numbers."
    ) % {"target": target_label, "period": str(period_label).lower(),
         "split": str(split_label).lower()}  # fmt: skip
    svg = charts.trend_svg(
        x_labels=periods,
        series=series,
        percent=percent,
        title=_("%(target)s over time") % {"target": target_label},
        description=description,
        reference=50.0 if not percent else None,
    )
    context.update(
        form=form,
        index=index,
        target=target,
        target_label=target_label,
        percent=percent,
        svg=svg,
        legend=legend,
        more_groups=max(0, n_groups - charts.MAX_SERIES),
        hollow_swatch=charts.hollow_swatch_svg(),
        band_swatch=charts.band_swatch_svg(),
        columns=[period_label] + ([split_label] if split != "none" else []),
        rows=_table_rows(index, target, percent),
        csv_query=f"period={period}&split={split}",
    )
    return render(request, "discourse/dashboard.html", context)


def _csv_number(value, digits: int = 4) -> str:
    return "" if not _finite(value) else f"{round(float(value), digits)}"


@login_required
def index_csv(request, pk: int):
    corpus = corpus_get_for_user(user=request.user, pk=pk)
    period = request.GET.get("period") if request.GET.get("period") in Period.values else "month"
    split = request.GET.get("split", "community")
    if split not in ("community", "platform", "language", "none"):
        split = "community"
    by = [period] if split == "none" else [period, split]
    index = selectors.corpus_index(corpus=corpus, by=by)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="discourse-{corpus.pk}-{"-".join(by)}.csv"'
    )
    response.write("\ufeff")  # so Excel opens Hebrew and Arabic correctly
    writer = csv_writer(response)
    header = [*by, "n"]
    for target in index.targets:
        header += [
            f"{target}_estimate",
            f"{target}_ci_low",
            f"{target}_ci_high",
            f"{target}_n_audit",
            f"{target}_mean_probability",
        ]
    writer.writerow(header)
    for cell in index.cells:
        row = [index.label_of(part, cell.key.get(part, "")) for part in by] + [cell.n_items]
        for target in index.targets:
            result = cell.results.get(target)
            if result is None:
                row += ["", "", "", "", ""]
                continue
            row += [
                _csv_number(result.estimate),
                _csv_number(result.ci_low),
                _csv_number(result.ci_high),
                result.n_audit,
                _csv_number(result.mean_score),
            ]
        writer.writerow(row)
    return response


@login_required
def methodology(request, pk: int):
    corpus = corpus_get_for_user(user=request.user, pk=pk)
    model = selectors.current_model(corpus=corpus) or selectors.latest_ready_model(corpus=corpus)
    labels = _dimension_labels(corpus)
    trained, by_language, skipped = (
        _report_rows(model.report or {}, labels) if model else ([], [], [])
    )
    dimensions = [
        {"dimension": d, "text": selectors.dimension_text(d)}
        for d in corpus.dimensions.filter(active=True)
    ]
    samples = list(_with_progress(corpus.samples.all()))
    overview = selectors.corpus_overview(corpus=corpus)
    n_annotators = (
        Annotation.objects.filter(item__corpus=corpus).values("annotator").distinct().count()
    )
    return render(
        request,
        "discourse/methodology.html",
        _context(
            corpus,
            families=_by_family(dimensions),
            samples=samples,
            overview=overview,
            n_annotators=n_annotators,
            n_adjudicated=Item.objects.filter(corpus=corpus, adjudications__isnull=False)
            .distinct()
            .count(),
            rows=_agreement_rows(corpus),
            model=model,
            report=(model.report or {}) if model else {},
            trained=trained,
            by_language=by_language,
            skipped=skipped,
            min_per_class=_min_per_class(),
        ),
    )


def _min_per_class() -> int:
    from .learner import MIN_PER_CLASS

    return MIN_PER_CLASS


# --- Items ---------------------------------------------------------------------------------


def _items_page(request, corpus, *, status=200):
    platforms = list(
        corpus.items.exclude(platform="")
        .order_by("platform")
        .values_list("platform", flat=True)
        .distinct()
    )
    communities = list(corpus.communities.values_list("pk", "name"))
    form = ItemFilterForm(request.GET or None, platforms=platforms, communities=communities)
    items = corpus.items.select_related("community").order_by("id")
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            items = items.filter(text__icontains=data["q"])
        if data["language"] == "unknown":
            items = items.filter(language="")
        elif data["language"]:
            items = items.filter(language=data["language"])
        if data["platform"]:
            items = items.filter(platform=data["platform"])
        if data["community"]:
            items = items.filter(community_id=int(data["community"]))
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
        _context(
            corpus,
            form=form,
            page=page,
            languages=[(code, str(name)) for code, name in NAMES.items()],
            here=request.get_full_path(),
        ),
        status=status,
    )


@login_required
def items(request, pk: int):
    corpus = corpus_get_for_user(user=request.user, pk=pk, action=Action.MANAGE)
    return _items_page(request, corpus)


@login_required
@require_POST
def item_language(request, pk: int):
    item = item_get_for_user(user=request.user, pk=pk, action=Action.MANAGE)
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
    return _items_page(request, item.corpus, status=400)
