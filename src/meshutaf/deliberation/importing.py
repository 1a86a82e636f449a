"""Reading a file of seed statements, as the import wizard of `core.imports` runs it in one step
(`STATEMENTS_IMPORT`): which first row is a heading, which column holds the statements, and
every row checked before `services.statements_import` writes any of them."""

from __future__ import annotations

import dataclasses

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from meshutaf.accounts.models import User
from meshutaf.core import imports, tables

from . import services
from .forms import MAX_STATEMENTS_BYTES
from .models import Conversation

MAX_IMPORT_STATEMENTS = 2000
MAX_ERRORS_SHOWN = 20
# What people call the statements' column in a file's first row, in English, Hebrew and Arabic,
# and Pol.is's own "comment-body"; compared ignoring case, spaces, dashes and underscores.
STATEMENT_HEADERS = frozenset(
    {
        *("text", "statement", "statements", "statement text"),
        *("comment", "comments", "comment body", "comment text", "body"),
        *("טקסט", "היגד", "היגדים", "הצהרה", "הצהרות", "נוסח", "תוכן"),
        *("نص", "النص", "عبارة", "العبارة", "عبارات", "بيان", "تعليق", "التعليق"),
    }
)


@dataclasses.dataclass(frozen=True)
class StatementsFile:
    """What a statements file holds: the statements, and the first row when it was left out
    as a heading (None when every row was read as a statement)."""

    texts: list[str]
    heading: str | None


def _header_name(cell: str) -> str:
    return " ".join(cell.replace("_", " ").replace("-", " ").strip(" :*").split()).casefold()


def _named_column(cells: list[str]) -> int | None:
    """The first cell that names the statements' column, if one does."""
    names = [_header_name(cell) for cell in cells]
    return next((i for i, name in enumerate(names) if name in STATEMENT_HEADERS), None)


def _names_the_column(first_row: list[str]) -> bool:
    return _named_column(first_row) is not None


def _heading(table: imports.Table) -> str | None:
    if not table.has_header:
        return None
    column = _named_column(table.headers) or 0
    return " ".join(tables.clean(table.headers[column]).split())


def _check(table: imports.Table) -> list[imports.ImportRow]:
    """One row per statement, or per row refused with its message (then the file is refused).

    The first row is a heading, always left out, when one of its cells names the statements'
    column (see STATEMENT_HEADERS: text, statement, comment-body, טקסט, היגד, نص…); that
    column is read from the second row on, and a row with more cells than the heading is
    refused (a comma outside quotes split it). Without such a name, a file of several columns
    is refused, as nothing says which column holds the statements; in a file of one column
    the facilitator says whether the first row is a heading (`first_row_is_header`), since
    no list of names can know every heading people write ("Opinions", "הצעות")."""
    if not table.headers:
        raise ValidationError(_("The file is empty."))
    column = _named_column(table.headers) if table.has_header else None
    named = column is not None
    if not named and (len(table.headers) > 1 or any(width > 1 for width in table.widths)):
        raise ValidationError(
            _(
                "The file has several columns and its first row does not say which holds the "
                "statements. Put “text” at the top of that column (and put any statement "
                "that contains a comma in quotes)."
            )
        )
    column = column or 0
    width = len(table.headers) if table.has_header else 1
    rows = []
    numbered = enumerate(zip(table.rows, table.widths, strict=True), start=table.first_number)
    for number, (cells, read) in numbered:
        row = imports.ImportRow(number=number)
        if read > width:
            row.errors.append(
                _(
                    "Row %(row)s has more cells than the header; put any statement that "
                    "contains a comma in quotes."
                )
                % {"row": number}
            )
        elif not cells[column]:
            continue
        else:
            try:
                row.values["text"] = services.statement_text_clean(cells[column])
            except ValidationError as error:
                row.errors.append(
                    _("Row %(row)s: %(message)s")
                    % {"row": number, "message": " ".join(error.messages)}
                )
        rows.append(row)
    if any(row.errors for row in rows):
        return rows  # the rows' own messages come first
    if not rows and table.has_header and not named:
        raise ValidationError(
            _(
                "No statements were found below the first row, which was left out as a "
                "heading. If it is a statement, untick “The first row is a heading” and "
                "import the file again."
            )
        )
    if not rows:
        raise ValidationError(_("No statements were found in the file."))
    if len(rows) > MAX_IMPORT_STATEMENTS:
        raise ValidationError(
            _("At most %(max)s statements can be imported at once.")
            % {"max": MAX_IMPORT_STATEMENTS}
        )
    return rows


def statements_file(checked: imports.Checked) -> StatementsFile:
    """The statements of a checked file and the heading left out; ValidationError with the
    file's problem, or with its refused rows' messages: all rows must be valid."""
    if checked.problem:
        raise ValidationError(checked.problem)
    errors = [error for row in checked.invalid for error in row.errors]
    if errors:
        raise ValidationError(errors[:MAX_ERRORS_SHOWN])
    return StatementsFile(
        texts=[row.values["text"] for row in checked.rows], heading=_heading(checked.table)
    )


def _apply(
    checked: imports.Checked, *, conversation: Conversation, by: User
) -> tuple[StatementsFile, int]:
    parsed = statements_file(checked)
    added = services.statements_import(conversation=conversation, by=by, texts=parsed.texts)
    return parsed, added


# The statements' column is found by its heading in `_check`, so there is no mapping to
# choose and the page has no preview: the import runs through `imports.import_once`.
STATEMENTS_IMPORT = imports.ImportSpec(
    key="deliberation.statements",
    fields=(imports.Field("text", gettext_lazy("Statements")),),
    check=_check,
    apply=_apply,
    max_bytes=MAX_STATEMENTS_BYTES,
    max_rows=MAX_IMPORT_STATEMENTS,
    rows_required=False,  # `_check` says what an empty file or a lone heading means
    header="detect",
    header_detect=_names_the_column,
    sniff=False,  # a statement with a semicolon is still one cell
    type_by_name=False,
)


def statements_parse(*, raw: bytes, first_row_is_heading: bool) -> StatementsFile:
    """One statement per row of a CSV file (comma-separated; UTF-8 or the Windows Hebrew or
    Arabic code page) or an XLSX file, read and checked as the import reads it, within the
    bounds of `core.uploads`; ValidationError when any of it is refused."""
    upload = ContentFile(raw, name="statements.csv")
    return statements_file(
        imports.import_check(
            spec=STATEMENTS_IMPORT, upload=upload, first_row_is_header=first_row_is_heading
        )
    )
