"""The import in two steps of the wizard in `core.imports`: upload a file (staged until it is
applied or abandoned), then choose its columns, see every row's problems and what will be added,
and apply. Nothing is written to the corpus before the second step's apply."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from meshutaf.core import imports
from meshutaf.core.access import Action
from meshutaf.core.forms import error_text

from .. import importing
from ..forms import ImportUploadForm
from ..languages import NAMES
from ..permissions import corpus_get_for_user
from ..selectors.items import import_preview as preview_of
from .common import page_context

PREVIEW_ROWS = 20
MAX_BAD_ROWS_SHOWN = importing.MAX_ERRORS_SHOWN
SPEC = importing.CORPUS_IMPORT


@login_required
def import_upload(request, pk: int):
    """Step 1: upload the file; nothing is written to the corpus yet."""
    corpus, role = corpus_get_for_user(user=request.user, pk=pk, action=Action.MANAGE)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            imports.stage_receive(
                request, spec=SPEC, scope=corpus.pk, upload=form.cleaned_data["file"]
            )
        except imports.ImportFileError as problem:
            form.add_error("file", str(problem))
        else:
            return redirect("discourse:import_preview", corpus.pk)
    return render(
        request,
        "discourse/import_upload.html",
        page_context(corpus, role, form=form, fields=importing.FIELDS),
        status=400 if request.method == "POST" else 200,
    )


@login_required
def import_preview(request, pk: int):
    """Step 2: choose the columns, see every row's problems and what will be added, apply."""
    corpus, role = corpus_get_for_user(user=request.user, pk=pk, action=Action.MANAGE)
    stage = imports.stage_current(request, spec=SPEC, scope=corpus.pk)
    if stage is None:
        messages.info(request, _("Upload a file first."))
        return redirect("discourse:import", corpus.pk)
    action = request.POST.get("action") if request.method == "POST" else None
    if action == "remap":
        headers = stage.table().headers
        stage.remap(imports.mapping_posted(request.POST, spec=SPEC, headers=headers, by="header"))
        return redirect("discourse:import_preview", corpus.pk)
    checked = stage.check(salt=corpus.salt)
    table, error = checked.table, checked.problem or None
    if action == "apply" and error is None:
        try:
            record = imports.stage_apply(
                request,
                stage=stage,
                checked=checked,
                corpus=corpus,
                by=request.user,
                skip_invalid=bool(request.POST.get("skip_invalid")),
            )
        except ValidationError as problem:
            error = error_text(problem)
        else:
            messages.success(
                request,
                _("Imported %(added)s new items; %(duplicates)s were already in the corpus.")
                % {"added": record.added, "duplicates": record.duplicates},
            )
            return redirect("discourse:detail", corpus.pk)
    preview = preview_of(corpus=corpus, rows=checked.rows)
    return render(
        request,
        "discourse/import_preview.html",
        page_context(
            corpus,
            role,
            filename=stage.filename,
            headers=table.headers,
            field_columns=[
                (field.name, field.label, table.header(field.name), field.required)
                for field in SPEC.fields
            ],
            n_rows=len(table.rows),
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
