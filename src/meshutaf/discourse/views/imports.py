"""The import in two steps: upload a file (kept by `staging` until it is applied or
abandoned), then choose its columns, see every row's problems and what will be added, and
apply. Nothing is written to the corpus before the second step's apply."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from meshutaf.core.forms import error_text
from meshutaf.initiatives.permissions import Action

from .. import importing, services, staging
from ..forms import ImportUploadForm
from ..languages import NAMES
from ..permissions import corpus_get_for_user
from ..selectors.items import import_preview as preview_of
from .common import page_context

PREVIEW_ROWS = 20
MAX_BAD_ROWS_SHOWN = importing.MAX_ERRORS_SHOWN


@login_required
def import_upload(request, pk: int):
    """Step 1: upload the file; nothing is written to the corpus yet."""
    corpus = corpus_get_for_user(user=request.user, pk=pk, action=Action.MANAGE)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            staging.upload_stage(
                session=request.session,
                corpus_id=corpus.pk,
                data=upload.read(),
                filename=upload.name,
            )
        except importing.ImportFileError as problem:
            form.add_error("file", str(problem))
        else:
            return redirect("discourse:import_preview", corpus.pk)
    return render(
        request,
        "discourse/import_upload.html",
        page_context(corpus, form=form, fields=importing.FIELDS),
        status=400 if request.method == "POST" else 200,
    )


def _mapping_chosen(request, headers: list[str]) -> dict[str, str]:
    return {
        name: request.POST.get(f"column_{name}", "")
        for name in importing.FIELDS
        if request.POST.get(f"column_{name}", "") in headers
    }


@login_required
def import_preview(request, pk: int):
    """Step 2: choose the columns, see every row's problems and what will be added, apply."""
    corpus = corpus_get_for_user(user=request.user, pk=pk, action=Action.MANAGE)
    staged = staging.upload_staged(session=request.session, corpus_id=corpus.pk)
    if staged is None:
        messages.info(request, _("Upload a file first."))
        return redirect("discourse:import", corpus.pk)
    try:
        headers, rows = staging.upload_table(staged=staged)
    except importing.ImportFileError as problem:
        staging.upload_forget(session=request.session, corpus_id=corpus.pk)
        messages.error(request, str(problem))
        return redirect("discourse:import", corpus.pk)
    mapping = staged.mapping or importing.guess_mapping(headers)
    action = request.POST.get("action") if request.method == "POST" else None
    if action == "remap":
        staging.upload_mapping_set(
            session=request.session, staged=staged, mapping=_mapping_chosen(request, headers)
        )
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
                filename=staged.filename,
                mapping=mapping,
                skip_invalid=bool(request.POST.get("skip_invalid")),
            )
        except ValidationError as problem:
            error = error_text(problem)
        else:
            staging.upload_forget(session=request.session, corpus_id=corpus.pk)
            messages.success(
                request,
                _("Imported %(added)s new items; %(duplicates)s were already in the corpus.")
                % {"added": record.added, "duplicates": record.duplicates},
            )
            return redirect("discourse:detail", corpus.pk)
    preview = preview_of(corpus=corpus, rows=prepared)
    return render(
        request,
        "discourse/import_preview.html",
        page_context(
            corpus,
            filename=staged.filename,
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
            valid=preview.valid[:PREVIEW_ROWS],
            valid_count=len(preview.valid),
            invalid=preview.invalid[:MAX_BAD_ROWS_SHOWN],
            invalid_count=len(preview.invalid),
            existing_count=preview.existing_count,
            repeated_count=preview.repeated_count,
            new_count=preview.new_count,
            new_communities=preview.new_communities,
            language_names={code: str(name) for code, name in NAMES.items()},
            skip_invalid=bool(request.POST.get("skip_invalid")),
            error=error,
        ),
        status=400 if error else 200,
    )
