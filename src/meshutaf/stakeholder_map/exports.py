"""The stakeholder register as a file (CSV or XLSX), for the page's download and the command
line. Sensitive notes are written only for whom the gate allows them."""

from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook

from meshutaf.core.exports import csv_safe, csv_writer
from meshutaf.directory.models import Sector
from meshutaf.initiatives.models import Initiative
from meshutaf.initiatives.permissions import initiative_get_for_user

from . import selectors
from .models import InfluenceBasis, Quadrant
from .permissions import can_see_sensitive

SECTOR_LABELS = dict(Sector.choices)

EXPORT_COLUMNS = [
    gettext_lazy("Name"),
    gettext_lazy("Kind"),
    gettext_lazy("Sector"),
    gettext_lazy("Power"),
    gettext_lazy("Interest"),
    gettext_lazy("Quadrant"),
    gettext_lazy("Salience"),
    gettext_lazy("Engagement now"),
    gettext_lazy("Engagement wanted"),
    gettext_lazy("IAP2 level"),
    gettext_lazy("Consent"),
    gettext_lazy("Basis of influence"),
    gettext_lazy("Notes"),
]


def register_export_rows(*, initiative, filters: dict, include_sensitive: bool):
    """The header, then one row per stakeholder, in the register's order and filters."""
    rows, _historical = selectors.register_rows(
        initiative=initiative, filters=filters, include_sensitive=include_sensitive
    )
    columns = [str(label) for label in EXPORT_COLUMNS]
    if include_sensitive:
        columns.append(_("Sensitive notes"))
    yield columns
    for profile in rows:
        bases = dict(InfluenceBasis.choices)
        values = [
            profile.name,
            _("Organisation") if profile.kind == "organisation" else _("Person"),
            SECTOR_LABELS.get(getattr(profile, "sector", None) or "", ""),
            profile.power,
            profile.interest,
            dict(Quadrant.choices)[profile.quadrant],
            profile.salience.label,
            profile.get_engagement_current_display(),
            profile.get_engagement_desired_display(),
            profile.get_iap2_level_display(),
            profile.get_consent_display(),
            ", ".join(str(bases.get(base, base)) for base in profile.influence_bases or []),
            profile.notes,
        ]
        if include_sensitive:
            note = getattr(profile, "sensitive_note", None)
            values.append(note.text if note else "")
        yield values


EXPORT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def register_write(stream, *, file_format: str, rows) -> None:
    """Write register rows to a binary or text stream as CSV or XLSX."""
    if file_format == "csv":
        stream.write("\ufeff")  # so Excel opens Hebrew and Arabic correctly
        writer = csv_writer(stream)
        for row in rows:
            writer.writerow(row)
        return
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Stakeholders"))
    for row in rows:
        sheet.append([_xlsx_safe(value) for value in row])
    workbook.save(stream)


def register_export_for(*, user, initiative_id: int, file_format: str, stream) -> int:
    """The export as the CLI runs it: with a user, the same gate and privacy as the page;
    without one (the operator's console), the register without sensitive notes.
    Returns the number of stakeholders written."""
    if user is None:
        initiative = Initiative.objects.filter(pk=initiative_id).first()
        if initiative is None:
            raise Http404
        include_sensitive = False
    else:
        initiative, role = initiative_get_for_user(user=user, pk=initiative_id)
        include_sensitive = can_see_sensitive(role)
    rows = list(
        register_export_rows(initiative=initiative, filters={}, include_sensitive=include_sensitive)
    )
    register_write(stream, file_format=file_format, rows=rows)
    return len(rows) - 1


def _xlsx_safe(value):
    if value is None or isinstance(value, int | float):
        return value
    return csv_safe(str(value))  # labels may be lazy translations, which openpyxl refuses
