"""Reading a corpus file (CSV, JSON Lines or XLSX), mapping its columns and checking its rows.

Nothing here writes: `read_table` turns a file into headers and rows, `guess_mapping`
proposes which column holds which field, and `prepare_rows` checks every row and computes
what will be stored (the content hash that makes a second import of the same file add
nothing, the salted author hash, the detected language). `services.items_import` writes the
prepared rows in one transaction, or nothing. The pages run these steps through the
staged-upload wizard of `core.imports` (`CORPUS_IMPORT`); the command line calls them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from meshutaf.core import imports
from meshutaf.core.tables import TableFileError

from .languages import detect_languages, language_code

IMPORT_FIELDS = (
    imports.Field(
        "text",
        gettext_lazy("Text"),
        required=True,
        guesses=("text", "body", "content", "message", "comment", "post", "טקסט", "תוכן", "نص"),
    ),
    imports.Field(
        "platform",
        gettext_lazy("Platform"),
        guesses=("platform", "network", "site type", "פלטפורמה", "רשת", "منصة", "المنصة"),
    ),
    imports.Field(
        "source",
        gettext_lazy("Source (page, channel or site)"),
        guesses=("source", "page", "channel", "site", "group", "מקור", "עמוד", "ערוץ", "مصدر"),
    ),
    imports.Field(
        "community",
        gettext_lazy("Community"),
        guesses=("community", "sector", "קהילה", "מגזר", "مجتمع", "المجتمع"),
    ),
    imports.Field(
        "language", gettext_lazy("Language"), guesses=("language", "lang", "שפה", "لغة", "اللغة")
    ),
    imports.Field(
        "published_at",
        gettext_lazy("Published"),
        guesses=(
            *("published_at", "published", "date", "created_at", "timestamp", "time"),
            *("תאריך", "تاريخ"),
        ),
    ),
    imports.Field(
        "thread_id",
        gettext_lazy("Thread"),
        guesses=("thread_id", "thread", "conversation_id", "post_id", "שרשור", "سلسلة"),
    ),
    imports.Field(
        "author_id",
        gettext_lazy("Author id (stored only as a salted hash)"),
        guesses=("author_id", "author", "user", "user_id", "כותב", "מחבר", "كاتب"),
    ),
    imports.Field(
        "external_id",
        gettext_lazy("Id in the source"),
        guesses=("id", "external_id", "item_id", "comment_id", "message_id", "מזהה", "معرف"),
    ),
)
FIELDS = [field.name for field in IMPORT_FIELDS]
REQUIRED = [field.name for field in IMPORT_FIELDS if field.required]

MAX_TEXT = 20_000
MAX_FIELD = 200
MAX_ERRORS_SHOWN = 200
_SPACES = re.compile(r"\s+")
_EPOCH = re.compile(r"^\d{10}(\.\d+)?$")
_YEAR_FIRST = re.compile(r"^\d{4}[-/.]")


ImportFileError = TableFileError


def field_label(name: str) -> str:
    return next(str(field.label) for field in IMPORT_FIELDS if field.name == name)


def read_table(
    data: bytes, filename: str, *, max_rows: int = 500_000
) -> tuple[list[str], list[list[str]]]:
    """Headers and rows of a CSV, JSON Lines or XLSX file, with at least one row."""
    return CORPUS_IMPORT.read(data, filename, max_rows=max_rows)


def guess_mapping(headers: list[str]) -> dict[str, str]:
    """Which column (by header) holds which field, from Hebrew, Arabic or English headers."""
    return {name: headers[column] for name, column in CORPUS_IMPORT.guess(headers).items()}


def _pairs(text: str) -> list[tuple[str, str]]:
    """`a=b,c=d` from the command line, as (a, b) pairs."""
    pairs = []
    for part in filter(None, (piece.strip() for piece in (text or "").split(","))):
        name, sep, value = part.partition("=")
        if not sep:
            raise ImportFileError(
                _("Write each pair as name=column, not %(part)s.") % {"part": part}
            )
        pairs.append((name.strip(), value.strip()))
    return pairs


def _require_column(column: str, headers: list[str]) -> None:
    if column not in headers:
        raise ImportFileError(
            _("The file has no column %(column)s; its columns are: %(columns)s.")
            % {"column": column, "columns": ", ".join(headers)}
        )


def parse_mapping(text: str, headers: list[str]) -> dict[str, str]:
    """`text=body,published_at=date` from the command line, checked against the headers."""
    mapping = guess_mapping(headers)
    for name, column in _pairs(text):
        if name not in FIELDS:
            raise ImportFileError(
                _("Unknown field %(field)s in the mapping; the fields are: %(fields)s.")
                % {"field": name, "fields": ", ".join(FIELDS)}
            )
        _require_column(column, headers)
        mapping[name] = column
    return mapping


def check_mapping(mapping: dict[str, str], headers: list[str]) -> None:
    for name in REQUIRED:
        if not mapping.get(name):
            raise ImportFileError(
                _("Choose the column that holds the %(field)s.")
                % {"field": field_label(name).lower()}
            )
    for column in mapping.values():
        if column and column not in headers:
            raise ImportFileError(_("The file has no column %(column)s.") % {"column": column})


@dataclass
class PreparedRow(imports.ImportRow):
    # number: the line in the file, header = 1
    content_hash: str = ""


def parse_datetime(value: str) -> dt.datetime:
    """A full date, with or without a time: year first (2024-03-31, 2024/03/31), otherwise
    day first as in Israel (31/03/2024, 31.3.2024, 31-03-2024); or Unix seconds. A date
    without a day ("March 2024") or with a time zone name nobody can be sure of is refused
    rather than guessed."""
    import warnings

    from dateutil import parser

    value = value.strip()
    if _EPOCH.match(value):
        return dt.datetime.fromtimestamp(float(value), tz=dt.UTC)
    year_first = bool(_YEAR_FIRST.match(value))
    with warnings.catch_warnings():
        warnings.simplefilter("error", parser.UnknownTimezoneWarning)
        try:
            # Parsed twice with different defaults: a part missing from the text shows up
            # as a difference between the two.
            first, second = (
                parser.parse(value, dayfirst=not year_first, yearfirst=year_first, default=default)
                # Naive on purpose: a text without a zone is local time (made aware below).
                for default in (dt.datetime(2000, 1, 1), dt.datetime(2001, 2, 2))  # noqa: DTZ001
            )
        except parser.UnknownTimezoneWarning:
            raise ValueError(value) from None
    if first.date() != second.date():
        raise ValueError(value)
    if timezone.is_naive(first):
        first = timezone.make_aware(first)
    return first


def author_hash(salt: str, author_id: str) -> str:
    if not author_id:
        return ""
    return hmac.new(salt.encode(), author_id.encode(), hashlib.sha256).hexdigest()[:32]


def content_hash(values: dict, author: str) -> str:
    """What identifies a post: its id in the source when there is one, otherwise its text
    with where, when and by whom it was written."""
    published = values["published_at"].isoformat() if values.get("published_at") else ""
    identity = values.get("external_id") or _SPACES.sub(" ", values["text"]).strip()
    parts = [identity, values.get("platform", "").casefold(), values.get("source", "")]
    if not values.get("external_id"):
        parts += [published, author]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


_YES = {"1", "1.0", "yes", "y", "true", "t", "כן", "نعم"}
_NO = {"0", "0.0", "no", "n", "false", "f", "לא", "لا"}


def parse_labels(text: str, headers: list[str], keys: list[str]) -> dict[str, tuple[str, str]]:
    """`insult=is_insult,incivility=label:toxic` from the command line: which column holds a
    dimension's label, and optionally the value that means yes (otherwise 1/0, yes/no…)."""
    labels = {}
    for key, spec in _pairs(text):
        if key not in keys:
            raise ImportFileError(
                _("Unknown dimension %(key)s; the dimensions are: %(keys)s.")
                % {"key": key, "keys": ", ".join(keys)}
            )
        column, _colon, positive = spec.partition(":")
        _require_column(column.strip(), headers)
        labels[key] = (column.strip(), positive.strip())
    return labels


def _label_value(raw: str, positive: str) -> int | None:
    value = raw.strip().casefold()
    if not value:
        return None
    if positive:
        return int(value == positive.casefold())
    if value in _YES:
        return 1
    if value in _NO:
        return 0
    raise ValueError(value)


def prepare_rows(
    headers: list[str],
    rows: list[list[str]],
    mapping: dict[str, str],
    *,
    salt: str,
    labels: dict[str, tuple[str, str]] | None = None,
) -> list[PreparedRow]:
    """Every row checked and turned into the values of an Item (plus `community_name`, and
    `labels` when the file carries coded labels)."""
    check_mapping(mapping, headers)
    index = {name: headers.index(column) for name, column in mapping.items() if column}
    label_index = {
        key: (headers.index(column), positive) for key, (column, positive) in (labels or {}).items()
    }
    prepared: list[PreparedRow] = []
    for number, row in enumerate(rows, start=2):
        result = PreparedRow(number=number)
        raw = {name: row[position].strip() for name, position in index.items()}
        text = raw.get("text", "")
        if not text:
            result.errors.append(_("The text is empty."))
        elif len(text) > MAX_TEXT:
            result.errors.append(
                _("The text is longer than %(count)s characters.") % {"count": MAX_TEXT}
            )
        values: dict[str, Any] = {"text": text}
        for name in ("platform", "source", "thread_id", "external_id"):
            value = raw.get(name, "")
            if len(value) > MAX_FIELD:
                result.errors.append(
                    _("%(field)s is longer than %(count)s characters.")
                    % {"field": field_label(name), "count": MAX_FIELD}
                )
            values[name] = value[:MAX_FIELD]
        values["platform"] = values["platform"][:60]
        community = raw.get("community", "")
        if len(community) > 80:
            result.errors.append(_("The community's name is longer than 80 characters."))
        values["community_name"] = community[:80]
        values["language"] = ""
        if raw.get("language"):
            code = language_code(raw["language"])
            if code is None:
                result.errors.append(
                    _("Unknown language %(value)s (use a code such as he, ar or en).")
                    % {"value": raw["language"]}
                )
            else:
                values["language"] = code
        values["published_at"] = None
        if raw.get("published_at"):
            try:
                values["published_at"] = parse_datetime(raw["published_at"])
            except (ValueError, OverflowError):
                result.errors.append(
                    _("%(value)s is not a date (use for example 2024-03-31 or 31/03/2024).")
                    % {"value": raw["published_at"][:40]}
                )
        author = raw.get("author_id", "")
        values["author_hash"] = author_hash(salt, author)
        if label_index:
            found: dict[str, int] = {}
            for key, (position, positive) in label_index.items():
                try:
                    label = _label_value(row[position], positive)
                except ValueError:
                    result.errors.append(
                        _("%(value)s is not a label (use 1 or 0, yes or no).")
                        % {"value": row[position][:40]}
                    )
                    continue
                if label is not None:
                    found[key] = label
            values["labels"] = found
        result.values = values
        if not result.errors:
            result.content_hash = content_hash(values, values["author_hash"])
        prepared.append(result)
    valid = [row for row in prepared if not row.errors]
    detected = detect_languages([row.values["text"] for row in valid])
    for item, code in zip(valid, detected, strict=True):
        item.values["detected_language"] = code
        item.values["language"] = item.values["language"] or code
    return prepared


# --- The wizard's importer (core.imports) ------------------------------------------------------


def _check(table: imports.Table, *, salt: str) -> list[PreparedRow]:
    return prepare_rows(table.headers, table.rows, table.mapping_by_header(), salt=salt)


def _apply(checked: imports.Checked, *, corpus, by, skip_invalid: bool):
    from .services import items_import  # services reads PreparedRow from here

    return items_import(
        corpus=corpus,
        rows=checked.rows,
        by=by,
        filename=checked.table.filename,
        mapping=checked.table.mapping_by_header(),
        skip_invalid=skip_invalid,
    )


CORPUS_IMPORT = imports.ImportSpec(
    key="discourse.corpus",
    fields=IMPORT_FIELDS,
    check=_check,
    apply=_apply,
    max_rows=500_000,
    json_lines=True,
)
