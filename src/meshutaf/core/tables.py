"""Reading an uploaded table (CSV, Excel .xlsx, and where asked JSON Lines) into rows of
stripped strings, within the bounds of `core.uploads`. Shared by every import (the stakeholder
list, the Discourse Index's corpora, a conversation's statements, Pol.is exports) and by the
knowledge base, which indexes a workbook's text. Each importer checks its own fields; this
only reads.

Files from Israeli offices come in UTF-8, Excel's "Unicode text" (UTF-16) or the Windows Hebrew
and Arabic code pages, with commas, semicolons or tabs; social-media dumps carry NUL characters
and lone surrogates (cut-off emoji) that no database stores, so `clean` removes those here, once,
for every importer. Rows are streamed: a file is refused as soon as it passes a bound, and a
spreadsheet's declared size is never believed, so a small file cannot make a reader pad
millions of empty cells.
"""

import codecs
import contextlib
import csv
import datetime as dt
import io
import itertools
import json
import re
from collections.abc import Generator, Iterable, Iterator
from xml.etree.ElementTree import ParseError

from django.utils.translation import gettext as _

from . import uploads
from .uploads import MAX_CELL_CHARS, MAX_COLUMNS, MAX_LINE_CHARS, UploadRefusedError

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
_LEADING_SPACE = re.compile(r"\s*")
# More NUL characters than this share of a text file: it is binary (or UTF-16 without its
# mark), not a table with a few stray NULs.
BINARY_NUL_SHARE = 0.1
OLD_EXCEL_MAGIC = b"\xd0\xcf\x11\xe0"  # .xls, .doc: the compound file format
# Keys of the first records of a JSON Lines file that name its columns.
JSON_HEADER_RECORDS = 1000
EXCEL_MAX_COLUMNS = 16_384
_BLANK_LINE = object()


class TableFileError(UploadRefusedError):
    """The file cannot be read at all (wrong type, too large, empty, past a bound)."""


def read_table(
    data: bytes, filename: str, *, max_rows: int, json_lines: bool = False
) -> tuple[list[str], list[list[str]]]:
    """Headers and rows (every cell a stripped string, rows padded or cut to the header's
    width) of a CSV or XLSX file, or a JSON Lines file when `json_lines`. Refused past
    `max_rows` rows, or when the padded table would hold more cells than allowed (see
    `table_cells_allowed`)."""
    rows = read_rows(data, filename, max_rows=max_rows, json_lines=json_lines)
    if not rows:
        raise TableFileError(_("The file has no rows."))
    headers = rows[0]
    width = len(headers)
    # Checked before padding: a header of 256 names over 500,000 rows of one cell is 1 MB.
    allowed = table_cells_allowed(max_rows)
    if len(rows) * width > allowed:
        raise TableFileError(str(uploads.too_many_cells(allowed)))
    return headers, [row[:width] + [""] * (width - len(row)) for row in rows[1:]]


def table_cells_allowed(max_rows: int) -> int:
    """Cells a table of at most `max_rows` rows may hold, padding included."""
    return max(uploads.MAX_TABLE_CELLS, max_rows * uploads.TABLE_CELLS_PER_ROW)


def read_rows(
    data: bytes, filename: str, *, max_rows: int, json_lines: bool = False, sniff: bool = True
) -> list[list[str]]:
    """The rows that hold something, first row first, without trailing empty cells. Refused
    (TableFileError, a message for the user) past `max_rows` rows under the first (empty rows
    count too: each costs the reader as much), or past the bounds of `core.uploads` on columns,
    cells, cell length and unpacked size. A CSV file's delimiter is sniffed unless `sniff` is
    false (then it is a comma)."""
    name = filename.lower()
    spreadsheet = False
    try:
        if name.endswith(".xlsx") or data[:2] == b"PK":
            # Every element counts (a row, a cell, its value, a shared string and its text: a
            # filled cell costs two to four), so the rows allowed, filled out to every column
            # allowed, fit: a statements file's 2,000 rows get about half a million elements.
            # MAX_XML_ELEMENTS caps the product (128 million for a corpus of 500,000 rows),
            # which is what bounds a workbook's time; a larger corpus comes as CSV or JSON Lines.
            limit = min((max_rows + 1) * MAX_COLUMNS, uploads.MAX_XML_ELEMENTS)
            source: Iterable[list] = (
                row for _sheet, _number, row in xlsx_rows(data, max_elements=limit)
            )
            spreadsheet = True
        elif json_lines and name.endswith((".jsonl", ".ndjson", ".json")):
            source = _jsonl_rows(data)
        elif data.startswith(OLD_EXCEL_MAGIC):
            raise TableFileError(
                _("This is an old Excel file (.xls). Save it as .xlsx or CSV and try again.")
            )
        else:
            source = csv_rows(decode(data), sniff=sniff)
        rows = []
        for read, row in enumerate(source, start=1):
            if read > max_rows + 1:
                raise TableFileError(
                    _("At most %(count)s rows can be imported at once.") % {"count": max_rows}
                )
            if row:
                rows.append(row)
        if spreadsheet:
            rows = _padded(rows, table_cells_allowed(max_rows))
    except TableFileError:
        raise
    except UploadRefusedError as error:
        raise TableFileError(str(error)) from None
    return rows


def clean(text: str) -> str:
    """No NUL characters (PostgreSQL refuses them) and no lone surrogates: U+FFFD marks
    where one was. Every importer's text passes through here."""
    return _UNSTORABLE.sub(lambda match: "" if match.group() == "\x00" else "\ufffd", text)


def decode(data: bytes) -> str:
    """Text in UTF-8 (with or without Excel's byte order mark), UTF-16 with its mark, or the
    Windows Hebrew or Arabic code page, in that order."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16", "surrogatepass")  # `clean` marks a cut-off emoji
        except UnicodeDecodeError:
            pass
    for encoding in ("utf-8-sig", "cp1255", "cp1256"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise TableFileError(_("The file is not text in a known encoding (UTF-8 or Windows)."))


def _trimmed(cells: Iterable[str], number: int) -> list[str]:
    """Stripped cells without the empty ones at the end, checked against the bounds."""
    row = [cell.strip() for cell in cells]
    end = len(row)
    while end and not row[end - 1]:
        end -= 1
    del row[end:]
    if len(row) > MAX_COLUMNS:
        raise uploads.too_many_columns(number)
    if any(len(cell) > MAX_CELL_CHARS for cell in row):
        raise uploads.cell_too_long(number)
    return row


def csv_rows(text: str, *, sniff: bool = True) -> Iterator[list[str]]:
    """Every row of CSV text (blank ones as []), cleaned and trimmed. The delimiter is
    sniffed among comma, semicolon and tab unless `sniff` is false (then a comma). Raises
    TableFileError at the first row past a bound."""
    try:
        yield from _csv_rows(text, sniff=sniff)
    except TableFileError:
        raise
    except UploadRefusedError as error:
        raise TableFileError(str(error)) from None


def _csv_rows(text: str, *, sniff: bool) -> Iterator[list[str]]:
    if text.count("\x00") > len(text) * BINARY_NUL_SHARE:
        raise TableFileError(_("This does not look like a CSV file."))
    text = clean(text)
    dialect: type[csv.Dialect] | csv.Dialect = csv.excel
    if sniff:
        with contextlib.suppress(csv.Error):
            dialect = csv.Sniffer().sniff(text[:8192], delimiters=",;\t")
    # The csv module's limit is process-wide and only stops a runaway cell early; the bound
    # itself is checked per row, where the row's number is known.
    csv.field_size_limit(max(csv.field_size_limit(), MAX_CELL_CHARS + 1))
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    number = 0
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            if "field larger than field limit" in str(error):
                raise uploads.cell_too_long(number + 1) from None
            raise TableFileError(
                _("The CSV file cannot be read: %(error)s") % {"error": error}
            ) from None
        number += 1
        yield _trimmed(row, number)


def _json_records(text: str) -> Iterator[tuple[int, object]]:
    """(line number, record) of a JSON Lines text, or of a JSON array; a blank line is the
    record _BLANK_LINE. A whole array is parsed at once (its Python objects may take twenty
    times its text, as `[{},{},…]` does), so it is held to the bound of one line. `text` is
    not stripped (that would copy it): blank lines at its ends are blank records."""
    leading = _LEADING_SPACE.match(text)  # always matches, if only the empty string
    start = leading.end() if leading is not None else 0
    if text.startswith("[", start):
        if len(text) - start > MAX_LINE_CHARS:
            raise TableFileError(
                _(
                    "A JSON file that is one array can be at most %(count)s characters; write "
                    "one object a line (JSON Lines) instead."
                )
                % {"count": MAX_LINE_CHARS}
            )
        try:
            loaded = json.loads(text)
        except (json.JSONDecodeError, RecursionError) as error:
            raise TableFileError(
                _("The JSON file cannot be read: %(error)s") % {"error": error}
            ) from None
        yield from enumerate(loaded if isinstance(loaded, list) else [], start=1)
        return
    for number, line in enumerate(_lines(text), start=1):
        if not line.strip():
            yield number, _BLANK_LINE
            continue
        if len(line) > MAX_LINE_CHARS:
            raise TableFileError(
                _("Line %(line)s is longer than %(count)s characters.")
                % {"line": number, "count": MAX_LINE_CHARS}
            )
        try:
            yield number, json.loads(line)
        except (json.JSONDecodeError, RecursionError):
            raise TableFileError(_("Line %(line)s is not valid JSON.") % {"line": number}) from None


def _lines(text: str) -> Iterator[str]:
    """The lines of `text`, one at a time: never a list of them (50 MB of newlines would be 50
    million), nor a copy of the text (io.StringIO takes four bytes a character). Only "\n"
    ends a line: JSON strings may hold U+2028 and friends, which splitlines cuts."""
    start = 0
    while start < len(text):
        end = text.find("\n", start)
        if end == -1:
            end = len(text)
        yield text[start:end]
        start = end + 1


def _jsonl_rows(data: bytes) -> Iterator[list[str]]:
    """A header row (the keys of the first records), then one row per record ([] for a blank
    line, so that it counts against the rows allowed). Each record becomes its cells as soon as
    it is read: the first records are kept until their keys are known, and a record's objects
    may take twenty times its line."""
    records = (
        (number, _record_cells(record, number)) for number, record in _json_records(decode(data))
    )
    first = list(itertools.islice(records, JSON_HEADER_RECORDS))
    keys: list[str] = []
    for _number, cells in first:
        keys.extend(key for key in cells or () if key not in keys)
        if len(keys) > MAX_COLUMNS:
            raise uploads.too_many_columns(1)
    yield _trimmed([clean(key) for key in keys], 1)
    for number, cells in itertools.chain(first, records):
        yield [] if cells is None else _trimmed([cells.get(key, "") for key in keys], number)


def _record_cells(record, number: int) -> dict[str, str] | None:
    """A JSON record's cells by key, checked against the bounds (None for a blank line)."""
    if record is _BLANK_LINE:
        return None
    if not isinstance(record, dict):
        raise TableFileError(_("Each line of a JSON Lines file must be an object."))
    if len(record) > MAX_COLUMNS:
        raise uploads.too_many_columns(number)
    cells = {key: _cell(value) for key, value in record.items()}
    if any(len(cell) > MAX_CELL_CHARS for cell in cells.values()):
        raise uploads.cell_too_long(number)
    return cells


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dict | list):
        return clean(json.dumps(value, ensure_ascii=False))
    return clean(str(value).strip())


# --- Spreadsheets --------------------------------------------------------------------------


def xlsx_rows(
    source,
    *,
    all_sheets: bool = False,
    max_columns: int = MAX_COLUMNS,
    max_elements: int = uploads.MAX_XML_ELEMENTS,
) -> Generator[tuple[str, int, list[tuple[int, str]]], None, None]:
    """(sheet title, row number, cells) for each row of an .xlsx file that holds something;
    the first sheet only unless `all_sheets`. The cells are the row's filled ones only, as
    (column number, text) in column order: a row is never padded out to its last cell, which
    may be the 16,384th. `source` is bytes or a seekable binary stream. The zip is checked
    before it is opened; a file past a bound (a filled cell past `max_columns` included)
    raises TableFileError."""
    stream = io.BytesIO(source) if isinstance(source, bytes | bytearray) else source
    budget = uploads.ElementBudget(max_elements)
    try:
        uploads.check_zip(stream)
        workbook, strings_path = _open_workbook(stream)
    except UploadRefusedError as error:
        raise TableFileError(str(error)) from None
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        raise TableFileError(_("This is not an Excel (.xlsx) file that can be read.")) from error
    try:
        strings = _shared_strings(workbook._archive, strings_path, budget)
        sheets = workbook.worksheets if all_sheets else workbook.worksheets[:1]
        for sheet in sheets:
            for number, row in _sheet_rows(workbook, sheet, strings, budget, max_columns):
                yield sheet.title, number, row
    except TableFileError:
        raise
    except UploadRefusedError as error:
        raise TableFileError(str(error)) from None
    except (ParseError, ValueError, KeyError, IndexError, TypeError) as error:
        raise TableFileError(_("This is not an Excel (.xlsx) file that can be read.")) from error
    finally:
        workbook.close()


def _open_workbook(stream):
    """openpyxl's read-only workbook, and where its shared strings are. What differs from
    `load_workbook`: the parts openpyxl reads whole (the package's manifest and
    relationships, the workbook, its styles and properties) must be small, and are walked
    first within a budget of their own, as openpyxl builds each whole in memory; the theme and
    external links (cached copies of other workbooks) are not read; the shared strings are left
    for `_shared_strings` (openpyxl spends ~30 µs on each, so a 3 MB file of a million strings
    would cost it half a minute); a sheet is not walked when it is made (see
    `read_worksheets`); and chart sheets, which hold no cells, are skipped rather than
    parsed."""
    from openpyxl.packaging.relationship import get_rels_path
    from openpyxl.reader.excel import (  # type: ignore[attr-defined]  # private, not in the stubs
        ExcelReader,
        _find_workbook_part,
    )
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet
    from openpyxl.xml.constants import (
        ARC_CONTENT_TYPES,
        ARC_CORE,
        ARC_CUSTOM,
        ARC_ROOT_RELS,
        ARC_STYLE,
        SHARED_STRINGS,
    )

    class BoundedReader(ExcelReader):
        strings_path: str | None = None

        def read_manifest(self):
            budget = uploads.ElementBudget(uploads.MAX_WHOLE_PART_ELEMENTS)
            uploads.check_whole_parts(self.archive, [ARC_CONTENT_TYPES])
            _walk_part(self.archive, ARC_CONTENT_TYPES, budget)
            super().read_manifest()
            workbook_part = _find_workbook_part(self.package).PartName[1:]
            whole = [workbook_part, get_rels_path(workbook_part), ARC_STYLE, ARC_CORE, ARC_CUSTOM]
            relationships = [name for name in self.valid_files if name.endswith(".rels")]
            uploads.check_whole_parts(self.archive, [ARC_ROOT_RELS, *whole, *relationships])
            for name in (ARC_ROOT_RELS, *whole):
                if name in self.valid_files:
                    _walk_part(self.archive, name, budget)

        def read_strings(self):
            part = self.package.find(SHARED_STRINGS)
            self.strings_path = part.PartName[1:] if part is not None else None

        def read_theme(self):
            pass  # colours, which no value needs; openpyxl would read the part whole

        def read_worksheets(self):
            # openpyxl's read-only sheet walks its part as it is made, looking for a
            # <dimension> (to the end of <sheetData> when there is none), outside any budget
            # and keeping every element it passes under its parent: 2.4 million in one cell
            # were 230 MB. `_sheet_rows` reads the part itself, so the sheet is made without.
            for sheet, rel in self.parser.find_sheets():
                if rel.target in self.valid_files and "chartsheet" not in rel.Type:
                    worksheet = UnmeasuredSheet(self.wb, sheet.name, rel.target, [])
                    # openpyxl's parser gives every sheet a state ("visible" when unsaid).
                    worksheet.sheet_state = sheet.state  # type: ignore[assignment]
                    self.wb._sheets.append(worksheet)  # type: ignore[attr-defined]  # private

    class UnmeasuredSheet(ReadOnlyWorksheet):
        def _get_size(self):
            pass  # the declared size is never believed (see `_sheet_rows`)

    reader = BoundedReader(stream, read_only=True, data_only=True, keep_links=False)
    try:
        reader.read()
    except ValueError as error:  # openpyxl rewords every ValueError, ours included
        if isinstance(error.__cause__, UploadRefusedError):
            raise error.__cause__ from None
        raise
    return reader.wb, reader.strings_path


def _padded(rows: list[list[tuple[int, str]]], max_cells: int) -> list[list[str]]:
    """Rows of filled cells (column, text), as `xlsx_rows` gives them, as lists of strings each
    as wide as its last filled cell (at most MAX_COLUMNS). The cells are counted before any row
    is built, and refused past `max_cells`: one cell at column 256 on each of 270,000 rows
    would be 69 million."""
    if sum(row[-1][0] for row in rows) > max_cells:
        raise uploads.too_many_cells(max_cells)
    padded = []
    for row in rows:
        values = [""] * row[-1][0]
        for column, value in row:
            values[column - 1] = value
        padded.append(values)
    return padded


class _Walk:
    """Where a streamed XML part's reader is: the open elements, and the item (a cell or a
    shared string) being read, which is kept whole until it ends and so is bounded
    (MAX_CELL_ELEMENTS, MAX_CELL_DEPTH). Everything else is dropped as soon as it ends, and
    every element is spent from the budget."""

    def __init__(self, budget, item_tag: str):
        self.budget = budget
        self.item_tag = item_tag
        self.stack: list = []
        self.item = None
        self.item_depth = 0
        self.item_elements = 0

    def start(self, element, row: int | None) -> None:
        """Take a start event (`row`: the row being read, for a message)."""
        self.stack.append(element)
        self.budget.open(len(self.stack))
        if self.item is not None:
            self.item_elements += 1
            depth = len(self.stack) - self.item_depth
            if self.item_elements > uploads.MAX_CELL_ELEMENTS or depth > uploads.MAX_CELL_DEPTH:
                raise uploads.cell_too_complex(row)
        elif element.tag == self.item_tag:
            self.item, self.item_depth, self.item_elements = element, len(self.stack), 0

    def end(self, element) -> bool:
        """Take an end event; true when `element` is outside any item (an item's own end
        included), false for a part of an item, which stays until the item ends."""
        self.stack.pop()
        self.budget.spend()
        if element is self.item:
            self.item = None
        return self.item is None

    def drop(self) -> None:
        """Drop what has been read: the ended element (and its parts) from its parent."""
        if self.stack:
            del self.stack[-1][:]


def _walk_part(archive, name: str, budget) -> None:
    """Walk a part that openpyxl will read whole, spending its elements from `budget` and
    refusing one nested too deep, keeping nothing."""
    from xml.etree.ElementTree import iterparse

    walk = _Walk(budget, item_tag="")
    with archive.open(name) as xml:
        for event, element in iterparse(xml, events=("start", "end")):  # noqa: S314 (as below)
            if event == "start":
                walk.start(element, None)
            else:
                walk.end(element)
                walk.drop()


def _shared_strings(archive, path: str | None, budget) -> list[str]:
    """The workbook's shared strings, as openpyxl reads them (a string, or its rich-text runs
    joined), streamed within the budget."""
    from xml.etree.ElementTree import iterparse

    from openpyxl.xml.constants import SHEET_MAIN_NS

    if path is None:
        return []
    item_tag, text_tag, run_tag = (f"{{{SHEET_MAIN_NS}}}{name}" for name in ("si", "t", "r"))
    strings: list[str] = []
    walk = _Walk(budget, item_tag)
    with archive.open(path) as xml:
        for event, element in iterparse(xml, events=("start", "end")):  # noqa: S314 (as below)
            if event == "start":
                walk.start(element, None)
                continue
            if not walk.end(element):
                continue
            if element.tag == item_tag:
                text = element.findtext(text_tag)
                if text is None:
                    text = "".join(run.findtext(text_tag) or "" for run in element.iter(run_tag))
                strings.append(text.replace("x005F_", ""))
            walk.drop()
    return strings


def _row_number(text: str | None, default: int) -> int:
    if text is None:
        return default
    number = float(text)
    if not number.is_integer():
        raise ValueError(text)
    return int(number)


def _sheet_rows(
    workbook, sheet, strings: list[str], budget, max_columns: int
) -> Iterator[tuple[int, list[tuple[int, str]]]]:
    """A sheet's rows, streamed cell by cell, as their filled cells (column, text).

    openpyxl's own read-only rows believe the sheet's declared dimension (padding every row
    to its width, and handing out every missing row up to its height) and build each row
    whole, so a small file could make it materialise billions of empty cells. Here only the
    cells present in the file are read, each converted by openpyxl's cell parser (shared
    strings, dates, booleans); a cell is kept until it is read, everything else is dropped as
    soon as it ends (see `_Walk`)."""
    from xml.etree.ElementTree import iterparse

    from openpyxl.worksheet._reader import WorkSheetParser
    from openpyxl.xml.constants import SHEET_MAIN_NS

    row_tag, cell_tag = f"{{{SHEET_MAIN_NS}}}row", f"{{{SHEET_MAIN_NS}}}c"
    parser = WorkSheetParser(
        None,  # type: ignore[arg-type]  # no source: the part is walked below, cell by cell
        strings,
        data_only=True,
        epoch=workbook.epoch,
        date_formats=workbook._date_formats,
        timedelta_formats=workbook._timedelta_formats,
    )
    walk = _Walk(budget, cell_tag)
    values: dict[int, str] = {}
    with workbook._archive.open(sheet._worksheet_path) as xml:
        # The standard parser, as openpyxl's: it resolves no external entity, and expat (2.4
        # and later) stops entity expansion bombs.
        for event, element in iterparse(xml, events=("start", "end")):  # noqa: S314
            if event == "start":
                walk.start(element, parser.row_counter)
                if walk.item is None and element.tag == row_tag:
                    number = _row_number(element.get("r"), parser.row_counter + 1)
                    parser.row_counter, parser.col_counter = number, 0
                    values = {}
                continue
            if not walk.end(element):
                continue
            if element.tag == cell_tag:
                cell = parser.parse_cell(element)
                value = "" if cell["value"] is None else _cell(cell["value"])
                if value:
                    if cell["column"] > max_columns:
                        raise uploads.too_many_columns(parser.row_counter)
                    if len(value) > MAX_CELL_CHARS:
                        raise uploads.cell_too_long(parser.row_counter)
                    values[cell["column"]] = value
            elif element.tag == row_tag:
                if values:
                    yield parser.row_counter, sorted(values.items())
                values = {}
            walk.drop()
