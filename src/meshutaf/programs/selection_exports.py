"""Downloads of the selection, for programme staff: the board (CSV or XLSX; each score
column says whether it is raw or adjusted) and the decision log (CSV). Every text cell is
made safe from being run as a spreadsheet formula."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator

from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook

from meshutaf.core.exports import csv_safe, csv_writer

from .models import Cohort
from .selectors import selection as selectors

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
TABLE_FORMATS = ("csv", "xlsx")


def _round(value: float | None, digits: int = 3) -> float | None:
    return None if value is None else round(value, digits)


def board_columns() -> list[str]:
    return [
        _("rank (adjusted)"),
        _("rank band best (adjusted)"),
        _("rank band worst (adjusted)"),
        _("candidate"),
        _("ministry or authority"),
        _("adjusted score (model)"),
        _("adjusted interval low"),
        _("adjusted interval high"),
        _("raw mean"),
        _("raw median"),
        _("raw spread"),
        _("disagreement (offset-corrected)"),
        _("consensus queue"),
        _("reviews"),
        _("cannot judge"),
        _("conflicts"),
        _("recommendation"),
        pgettext_decision(),
    ]


def pgettext_decision() -> str:
    return pgettext("selection", "decision")


def board_rows(cohort: Cohort) -> Iterator[list]:
    data = selectors.board(cohort)
    for row in data.rows:
        yield [
            row.rank,
            row.band[0] if row.band else None,
            row.band[1] if row.band else None,
            row.name,
            row.organisation,
            _round(row.adjusted),
            _round(row.low),
            _round(row.high),
            _round(row.raw_mean),
            _round(row.median),
            _round(row.spread),
            _round(row.disagreement),
            _("yes") if row.consensus else _("no"),
            row.n_reviews,
            row.n_cannot_judge,
            row.conflicts,
            row.recommendation_label,
            row.decision_label,
        ]


def write_table(stream, *, file_format: str, header: list[str], rows, sheet_name: str) -> None:
    if file_format == "csv":
        stream.write("\ufeff")  # so Excel opens Hebrew and Arabic correctly
        writer = csv_writer(stream)
        writer.writerow(header)
        for row in rows:
            writer.writerow(["" if value is None else value for value in row])
        return
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(re.sub(r"[\[\]:*?/\\]", " ", sheet_name).strip()[:31] or "board")
    sheet.append([csv_safe(value) for value in header])
    for row in rows:
        sheet.append(
            [
                value if value is None or isinstance(value, int | float) else csv_safe(str(value))
                for value in row
            ]
        )
    workbook.save(stream)


def _attachment(file_format: str, filename: str) -> HttpResponse:
    response = HttpResponse(content_type=CONTENT_TYPES[file_format])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def board_response(cohort: Cohort, *, file_format: str) -> HttpResponse:
    response = _attachment(file_format, f"cohort-{cohort.pk}-selection-board.{file_format}")
    if file_format == "csv":
        text = io.StringIO()
        write_table(
            text, file_format="csv", header=board_columns(), rows=board_rows(cohort), sheet_name=""
        )
        response.write(text.getvalue())
    else:
        binary = io.BytesIO()
        write_table(
            binary,
            file_format="xlsx",
            header=board_columns(),
            rows=board_rows(cohort),
            sheet_name=cohort.name,
        )
        response.write(binary.getvalue())
    return response


def decision_log_rows(cohort: Cohort) -> Iterator[list]:
    for entry in selectors.decision_log(cohort):
        yield [
            entry.created_at.isoformat(timespec="seconds"),
            entry.get_kind_display(),
            entry.nomination.candidate_name if entry.nomination else "",
            entry.rank,
            entry.get_decision_display() if entry.decision else "",
            entry.reason,
            (entry.by.get_full_name() or entry.by.get_username()) if entry.by else "",
        ]


def decision_log_response(cohort: Cohort) -> HttpResponse:
    response = _attachment("csv", f"cohort-{cohort.pk}-decision-log.csv")
    text = io.StringIO()
    write_table(
        text,
        file_format="csv",
        header=[
            _("when"),
            _("kind"),
            _("candidate"),
            _("rank"),
            pgettext_decision(),
            _("reason"),
            _("by"),
        ],
        rows=decision_log_rows(cohort),
        sheet_name="",
    )
    response.write(text.getvalue())
    return response
