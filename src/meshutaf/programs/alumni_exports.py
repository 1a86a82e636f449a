"""The alumni directory as CSV, as the viewer may see it: a field hidden from the viewer is
an empty cell, through the same `visible_fields` rule as the pages, the API and search."""

from __future__ import annotations

import io

from django.http import HttpResponse
from django.utils.translation import gettext as _

from meshutaf.core.exports import csv_writer

from .alumni_forms import FIELD_LABELS
from .models import PROFILE_FIELDS, Programme
from .selectors.alumni import AlumniViewer, alumni_cards


def directory_rows(*, programme: Programme, viewer: AlumniViewer) -> list[list[str]]:
    header = [_("Name"), _("Cohort"), *(str(FIELD_LABELS[name]) for name in PROFILE_FIELDS)]
    rows = [header]
    for card in alumni_cards(programme=programme, viewer=viewer):
        cohort = card.profile.cohort.name if card.profile.cohort is not None else ""
        rows.append(
            [card.name, cohort, *(str(card.fields.get(name, "")) for name in PROFILE_FIELDS)]
        )
    return rows


def directory_csv(*, programme: Programme, viewer: AlumniViewer) -> HttpResponse:
    stream = io.StringIO()
    writer = csv_writer(stream)
    for row in directory_rows(programme=programme, viewer=viewer):
        writer.writerow(row)
    response = HttpResponse("\ufeff" + stream.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="alumni-{programme.pk}.csv"'
    return response
