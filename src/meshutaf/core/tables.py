"""Reading an uploaded table (CSV, Excel .xlsx, and where asked JSON Lines) into a header row
and rows of stripped strings. Shared by every import: the stakeholder list and the Discourse
Index's corpora. Each importer checks its own fields; this only reads.

Files from Israeli offices come in UTF-8 or the Windows Hebrew and Arabic code pages, with
commas, semicolons or tabs; social-media dumps carry NUL characters and lone surrogates
(cut-off emoji) that no database stores, so those are cleaned here once for every importer.
"""

import csv
import datetime as dt
import io
import json
import re

from django.utils.translation import gettext as _

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
FIELD_LIMIT = 200_000  # characters in one CSV cell


class TableFileError(ValueError):
    """The file cannot be read at all (wrong type, too large, empty)."""


def read_table(
    data: bytes, filename: str, *, max_rows: int, json_lines: bool = False
) -> tuple[list[str], list[list[str]]]:
    """Headers and rows (every cell a stripped string, rows padded or cut to the header's
    width) of a CSV or XLSX file, or a JSON Lines file when `json_lines`."""
    name = filename.lower()
    if name.endswith(".xlsx") or data[:2] == b"PK":
        rows = _read_xlsx(data, max_rows)
    elif json_lines and name.endswith((".jsonl", ".ndjson", ".json")):
        rows = _read_jsonl(data, max_rows)
    else:
        rows = _read_csv(data)
    rows = [row for row in rows if any(cell.strip() for cell in row)]
    if not rows:
        raise TableFileError(_("The file has no rows."))
    if len(rows) - 1 > max_rows:
        raise TableFileError(
            _("At most %(count)s rows can be imported at once.") % {"count": max_rows}
        )
    headers = [cell.strip() for cell in rows[0]]
    width = len(headers)
    return headers, [(row + [""] * width)[:width] for row in rows[1:]]


def clean(text: str) -> str:
    """No NUL characters (PostgreSQL refuses them) and no lone surrogates: U+FFFD marks
    where one was."""
    return _UNSTORABLE.sub(lambda match: "" if match.group() == "\x00" else "\ufffd", text)


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1255", "cp1256"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise TableFileError(_("The file is not text in a known encoding (UTF-8 or Windows)."))


def _read_csv(data: bytes) -> list[list[str]]:
    text = _decode(data)
    if "\x00" in text:
        raise TableFileError(_("This does not look like a CSV file."))
    try:
        dialect = csv.Sniffer().sniff(text[:8192], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    csv.field_size_limit(max(csv.field_size_limit(), FIELD_LIMIT))
    try:
        return [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text), dialect)]
    except csv.Error as error:
        raise TableFileError(
            _("The CSV file cannot be read: %(error)s") % {"error": error}
        ) from None


def _read_jsonl(data: bytes, max_rows: int) -> list[list[str]]:
    text = _decode(data).strip()
    records = []
    if text.startswith("["):
        try:
            loaded = json.loads(text)
        except json.JSONDecodeError as error:
            raise TableFileError(
                _("The JSON file cannot be read: %(error)s") % {"error": error}
            ) from None
        records = loaded if isinstance(loaded, list) else []
    else:
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                records.append(json.loads(line))
            except json.JSONDecodeError:
                raise TableFileError(
                    _("Line %(line)s is not valid JSON.") % {"line": number}
                ) from None
            if len(records) > max_rows:
                break
    if not all(isinstance(record, dict) for record in records):
        raise TableFileError(_("Each line of a JSON Lines file must be an object."))
    headers: list[str] = []
    for record in records[:1000]:
        headers.extend(key for key in record if key not in headers)
    return [headers, *([_cell(record.get(key)) for key in headers] for record in records)]


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, (dict, list)):
        return clean(json.dumps(value, ensure_ascii=False))
    return clean(str(value).strip())


def _read_xlsx(data: bytes, max_rows: int) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        raise TableFileError(_("This is not an Excel (.xlsx) file that can be read.")) from error
    rows = []
    for row in workbook.worksheets[0].iter_rows(values_only=True):
        rows.append([_cell(value) for value in row])
        if len(rows) > max_rows + 1:
            break
    workbook.close()
    return rows
