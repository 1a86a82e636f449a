"""Values as files: a framework's (or one indicator's) observations as CSV or XLSX, and the
Open SDG data format (one CSV per indicator, or a ZIP of them for a framework).

Every value comes through `selectors.observations_shown_all`, so an export holds exactly what
its reader sees on the pages and in the API: the agreements' visibility (a value the reader
may not see is not in the file at all) and small-number suppression, table by table. How a
suppressed cell is written differs by format, on purpose:

- **CSV/XLSX** keep the row, with the value, numerator, denominator and interval empty and
  the `marker` column saying why ("<10": a small count; "suppressed": hidden so that another
  cell cannot be worked out by subtraction). A reader sees the cell exists and is hidden,
  rather than taking it for a gap in reporting.
- **Open SDG** leaves the row out. Platforms that read the format chart every row's `Value`
  as a number and have no column for "hidden"; an importer reports the missing cell, which is
  the truth.

The CSV and XLSX column names are fixed codes, not translated words, so a file can be read
back by the import and by scripts whatever language it was downloaded in; the Open SDG
columns are the format's own.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable, Iterator

from openpyxl import Workbook

from meshutaf.core.exports import csv_safe, csv_writer

from . import opensdg, selectors
from .keys import schema_from_json
from .models import Framework, Indicator
from .permissions import Viewer

COLUMNS = (
    "indicator",
    "indicator_name",
    "geography",
    "geography_name",
    "period",
    "disaggregation",
    "value",
    "numerator",
    "denominator",
    "low",
    "high",
    "marker",
    "status",
    "state",
    "partner",
    "definition_version",
)
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "zip": "application/zip",
}
TABLE_FORMATS = ("csv", "xlsx")


def observation_rows(
    viewer: Viewer, framework: Framework, *, indicator: Indicator | None = None
) -> Iterator[list]:
    """One row per value `viewer` may see (COLUMNS), suppressed as on the pages."""
    for item in selectors.observations_shown_all(
        viewer, framework, indicator_id=indicator.pk if indicator is not None else None
    ):
        row, shown = item.observation, item.shown
        interval = None if shown.hidden else shown.interval
        yield [
            row.indicator.code,
            row.indicator.name,
            row.geography.code,
            row.geography.name,
            row.period,
            row.disaggregation,
            shown.value,
            shown.numerator,
            shown.denominator,
            interval.low if interval else None,
            interval.high if interval else None,
            shown.marker or "",
            row.status,
            row.state,
            str(row.partner) if row.partner_id else "",
            row.definition_version,
        ]


def write_table(stream, *, file_format: str, rows: Iterable[list], sheet_name: str) -> None:
    """The header and `rows` to a text stream (CSV) or a binary one (XLSX), every text cell
    safe from being run as a spreadsheet formula."""
    if file_format == "csv":
        stream.write("\ufeff")  # so Excel opens Hebrew and Arabic correctly
        writer = csv_writer(stream)
        writer.writerow(COLUMNS)
        for row in rows:
            writer.writerow(["" if value is None else value for value in row])
        return
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_sheet_title(sheet_name))
    sheet.append(list(COLUMNS))
    for row in rows:
        sheet.append([_xlsx_safe(value) for value in row])
    workbook.save(stream)


def _xlsx_safe(value):
    if value is None or isinstance(value, int | float):
        return value
    return csv_safe(str(value))


def _sheet_title(name: str) -> str:
    # Excel refuses these characters and titles over 31 characters.
    return re.sub(r"[\[\]:*?/\\]", " ", name).strip()[:31] or "observations"


# ---------------------------------------------------------------- Open SDG


def open_sdg_csv(viewer: Viewer, framework: Framework, indicator: Indicator) -> str:
    """One indicator in the Open SDG format: the values `viewer` may see, hidden ones left
    out; the framework's area is the row with an empty GeoCode."""
    dimensions = [dimension.name for dimension in schema_from_json(indicator.dimensions)]
    rows = (
        {
            "period": item.observation.period,
            "geography": item.observation.geography.code,
            "key": item.observation.disaggregation,
            "value": item.shown.value,
            "status": item.observation.status,
        }
        for item in selectors.observations_shown_all(viewer, framework, indicator_id=indicator.pk)
        if not item.shown.hidden and item.shown.value is not None
    )
    return opensdg.write(
        rows,
        dimensions=dimensions,
        units=csv_safe(indicator.unit or indicator.get_kind_display()),
        series=csv_safe(indicator.code),
        area_code=framework.area.code if framework.area is not None else "",
    )


def open_sdg_filename(indicator: Indicator) -> str:
    """`indicator_1-2-1.csv`, as Open SDG names its files; ASCII only."""
    stem = re.sub(r"[^0-9A-Za-z]+", "-", indicator.code).strip("-") or str(indicator.pk)
    return f"indicator_{stem}.csv"


def open_sdg_zip(viewer: Viewer, framework: Framework) -> bytes:
    """Every indicator of the framework, one Open SDG CSV each."""
    buffer = io.BytesIO()
    names: set[str] = set()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for indicator in framework.indicators.order_by("order", "code", "pk"):
            name = open_sdg_filename(indicator)
            if name in names:  # two codes that differ only in punctuation
                name = name.replace(".csv", f"-{indicator.pk}.csv")
            names.add(name)
            archive.writestr(name, open_sdg_csv(viewer, framework, indicator))
    return buffer.getvalue()
