"""One wizard for every import of a table (CSV, XLSX, JSON Lines): upload, choose the columns,
preview every row's problems, apply; or all of it in one step for a page without a preview.
Importers plug in a declarative `ImportSpec`.

The steps the wizard owns
-------------------------
1. `stage_receive(request, spec=, scope=, upload=)` reads the upload within `spec.max_bytes`
   and the bounded readers of `core.tables` (`spec.read`), so a file of the wrong type, too
   large, past the rows, columns or cells allowed, without a header or in an unknown encoding
   raises `ImportFileError` with the readers' translated message, and nothing is stored. A
   readable file is staged on disk, never in the session: DATA_DIR/imports/<token>.data (the
   bytes as uploaded) and <token>.json (its owner's user id, the importer's `spec.key`, the
   scope, the file's name, the chosen columns, when it expires), both 0600, the token random.
   The session keeps the token only, one per importer and scope. Stages expire after MAX_AGE
   and are removed by the next upload anywhere (`stages_clear_expired`).
2. `stage_current(request, spec=, scope=)` finds the stage again: None when there is none or it
   has expired (it is removed), Http404 when the token names another user's stage or another
   scope's. The scope is whatever the wizard runs for, as a string or a number: an initiative's
   id, a corpus's id.
3. `stage.table()` reads the staged file again (headers, rows, and the mapping: the one chosen,
   else `spec.guess` from the headers in any language). `mapping_posted(request.POST, spec=,
   headers=)` reads a mapping form (`column_<field>` = the column's 0-based number, or its
   header with `by="header"`); `stage.remap(mapping)` keeps it for the next step.
4. `stage.check(**context)` hands the mapped table to `spec.check(table, **context)` and returns
   a `Checked`: the rows, each with its own errors, or a `problem` for the whole file (a
   required field without a column, or what `spec.check` raised). Nothing is written.
5. `stage_apply(request, stage=, checked=, **options)` calls `spec.apply(checked, **options)`
   inside one transaction: a ValidationError (or any error) rolls everything back and keeps
   the stage, so the user can fix the file or the columns and try again; success removes it.

One step, nothing staged
------------------------
`import_once(spec=, upload=, first_row_is_header=, context={...}, **options)` runs the same
steps for a page that has no columns to choose and no preview: the upload read within
`spec.max_bytes` and `spec.table` (the bounded readers), `spec.check(table, **context)`, then
`spec.apply(checked, **options)` in one transaction. Nothing touches the disk or the session.
A file that cannot be read and a problem with the whole file are a ValidationError before
`apply` runs; what `apply` raises rolls everything back. `import_check(...)` is the first half
alone (a `Checked`, nothing written). A file of one column may come without a header: the spec
says `header="detect"` and a `header_detect(first_row)` that recognises a header, and the
user's `first_row_is_header` decides the rest (a stage does not ask: its first row is the
header). The deliberation's statements import is the example
(`deliberation.importing.STATEMENTS_IMPORT`).

Not a table: the Pol.is import, two fixed files (votes cite comments), read by the same bounds.

Plugging in an importer (say indicator values per period, for `measurement`)
-----------------------------------------------------------------------------
In the app's `importing.py` (reading and checking, no writes)::

    from django.utils.translation import gettext_lazy as _  # labels are read per request

    from meshutaf.core import imports

    def _check(table: imports.Table, *, indicator_set) -> list[imports.ImportRow]:
        rows = []
        for number, raw in table.records():  # number: the file's line, the header is 1
            row = imports.ImportRow(number=number)
            ...  # parse raw["indicator"], raw["period"], raw["value"] into row.values,
            ...  # append translated messages to row.errors
            rows.append(row)
        return rows

    def _apply(checked: imports.Checked, *, indicator_set, by):
        return services.values_import(indicator_set=indicator_set, by=by, rows=checked.valid)

    VALUES_IMPORT = imports.ImportSpec(
        key="measurement.values",  # names its stages; unique among importers
        fields=(
            imports.Field("indicator", _("Indicator"), required=True,
                          guesses=("indicator", "מדד", "المؤشر")),
            imports.Field("period", _("Period"), required=True, guesses=("period", "תקופה")),
            imports.Field("value", _("Value"), required=True, guesses=("value", "ערך", "القيمة")),
        ),
        check=_check, apply=_apply, max_bytes=10 * 1024 * 1024, max_rows=20_000,
    )

`guesses` are header names compared after `core.text.normalize_name` (case, niqqud,
punctuation), first field first; a required field without a column is the file's problem
("Choose the column that holds the …"). Rows are padded to the header's width, so `raw` holds
every mapped field (empty when the cell is). `apply` gets the whole `Checked` (its `table`
too) and decides what invalid rows mean (skip them, or refuse with a ValidationError).

The views stay thin: the upload view calls `stage_receive` and redirects to the preview (an
ImportFileError is the form's error); the preview view calls `stage_current` (None: "Upload a
file first" and back), on "remap" `stage.remap(mapping_posted(...))` and redirects, then
`stage.check(...)`, and on "apply" `stage_apply(...)`, showing `checked.problem` or the
ValidationError's messages. The stakeholder map's and the Discourse Index's imports are
examples (`stakeholder_map.importing.PROFILES_IMPORT`, `discourse.importing.CORPUS_IMPORT`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import re
import secrets
import tempfile
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any, Literal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from . import tables, uploads
from .tables import TableFileError
from .text import normalize_name

ImportFileError = TableFileError
MAX_AGE = dt.timedelta(days=1)
FOLDER = "imports"  # under DATA_DIR
_TOKEN = re.compile(r"^[0-9a-f]{32}$")


@dataclasses.dataclass(frozen=True)
class Field:
    """A field an importer reads: its name, its label for the mapping form, whether the file
    must have a column for it, and the header names that hold it in any language."""

    name: str
    label: str | Promise
    required: bool = False
    guesses: tuple[str, ...] = ()


@dataclasses.dataclass
class ImportRow:
    """One row as an importer's check sees it: its line in the file (header = 1), the values
    it will store, and what is wrong with it (translated messages; none when it is valid)."""

    number: int
    values: dict = dataclasses.field(default_factory=dict)
    errors: list[str] = dataclasses.field(default_factory=list)


@dataclasses.dataclass(frozen=True)
class Table:
    """A file read: its headers, its rows (every one as wide as the header) and which
    column (0-based) holds which field. A file without a header (see `ImportSpec.header`) has
    empty headers as wide as its widest row, and no mapping. `widths` holds how many cells each
    row had as read, before it was padded or cut to the header's width."""

    filename: str
    headers: list[str]
    rows: list[list[str]]
    mapping: dict[str, int]
    has_header: bool = True
    widths: list[int] = dataclasses.field(default_factory=list)

    @property
    def first_number(self) -> int:
        """The number of the first row under the header: 2, or 1 when there is no header."""
        return 2 if self.has_header else 1

    def header(self, name: str) -> str:
        """The header of the column that holds field `name`; "" when none does."""
        column = self.mapping.get(name)
        return "" if column is None else self.headers[column]

    def mapping_by_header(self) -> dict[str, str]:
        return {name: self.headers[column] for name, column in self.mapping.items()}

    def records(self) -> Iterator[tuple[int, dict[str, str]]]:
        """(line in the file, {field: cell}) for each row, the mapped fields only."""
        for number, row in enumerate(self.rows, start=self.first_number):
            yield number, {name: row[column] for name, column in self.mapping.items()}


@dataclasses.dataclass(frozen=True)
class Checked:
    """What `ImportSpec.check` made of a staged table: the rows, or a problem with the whole
    file (then there are none)."""

    table: Table
    rows: list = dataclasses.field(default_factory=list)
    problem: str = ""

    @property
    def valid(self) -> list:
        return [row for row in self.rows if not row.errors]

    @property
    def invalid(self) -> list:
        return [row for row in self.rows if row.errors]


@dataclasses.dataclass(frozen=True)
class ImportSpec:
    """An importer, declared: see the module's docstring.

    `check(table, **context)` returns the rows (ImportRow or a subclass), each with its
    errors; it may raise ImportFileError or ValidationError for the whole file. `apply(checked,
    **options)` writes, and runs inside a transaction.

    `header="detect"`: the first row is the header only when `header_detect(first_row)` says
    so or the caller does (`first_row_is_header`, the user's word on a file whose first row
    names nothing), so a file of one column may have none; with `rows_required=False` an
    empty file is an empty table, for `check` to answer. `sniff=False` splits a CSV file at
    commas only; `type_by_name=False` tells a workbook by its content alone, so a CSV file
    saved under a workbook's name is still read as CSV (and JSON Lines, told by the name, is
    not read)."""

    key: str
    fields: tuple[Field, ...]
    check: Callable[..., list]
    apply: Callable[..., Any]
    max_bytes: int = uploads.MAX_UPLOAD_BYTES
    max_rows: int = 20_000
    json_lines: bool = False  # CSV and XLSX are always read
    rows_required: bool = True  # a file of a header only is refused
    header: Literal["first", "detect"] = "first"
    header_detect: Callable[[list[str]], bool] | None = None
    sniff: bool = True  # guess a CSV file's delimiter
    type_by_name: bool = True  # a name ending in .xlsx is read as a workbook

    @property
    def field_names(self) -> list[str]:
        return [field.name for field in self.fields]

    def read(
        self, data: bytes, filename: str, *, max_rows: int | None = None
    ) -> tuple[list[str], list[list[str]]]:
        """Headers and rows, through the bounded readers; ImportFileError when the file
        cannot be read or passes a bound. The size is the caller's to check."""
        table = self.table(data, filename, max_rows=max_rows)
        return table.headers, table.rows

    def table(
        self,
        data: bytes,
        filename: str,
        *,
        max_rows: int | None = None,
        first_row_is_header: bool = True,
    ) -> Table:
        """The file as a `Table` with the columns guessed (`read`, with whether the first row
        is a header and how wide each row was read)."""
        max_rows = max_rows or self.max_rows
        rows = tables.read_rows(
            data,
            filename if self.type_by_name else "",
            max_rows=max_rows,
            json_lines=self.json_lines,
            sniff=self.sniff,
        )
        if not rows and (self.header == "first" or self.rows_required):
            raise ImportFileError(_("The file has no rows."))
        has_header = bool(rows) and (
            self.header == "first"
            or bool(self.header_detect and self.header_detect(rows[0]))
            or first_row_is_header
        )
        body = rows[1:] if has_header else rows
        if self.rows_required and not body:
            raise ImportFileError(_("The file has no rows under its header."))
        width = len(rows[0]) if has_header else max((len(row) for row in rows), default=0)
        # Checked before padding: a header of 256 names over 500,000 rows of one cell is 1 MB.
        allowed = tables.table_cells_allowed(max_rows)
        if len(rows) * width > allowed:
            raise ImportFileError(str(uploads.too_many_cells(allowed)))
        headers = rows[0] if has_header else [""] * width
        return Table(
            filename,
            headers,
            [row[:width] + [""] * (width - len(row)) for row in body],
            self.guess(headers) if has_header else {},
            has_header=has_header,
            widths=[len(row) for row in body],
        )

    def guess(self, headers: list[str]) -> dict[str, int]:
        """Which column holds which field, from the headers (Hebrew, Arabic or English)."""
        normalised = [normalize_name(header) for header in headers]
        mapping: dict[str, int] = {}
        for field in self.fields:
            for guess in field.guesses:
                key = normalize_name(guess)
                taken = set(mapping.values())
                column = next(
                    (i for i, name in enumerate(normalised) if name == key and i not in taken),
                    None,
                )
                if column is not None:
                    mapping[field.name] = column
                    break
        return mapping


def mapping_posted(
    data: Mapping[str, Any],
    *,
    spec: ImportSpec,
    headers: list[str],
    by: Literal["index", "header"] = "index",
) -> dict[str, int]:
    """The mapping a form sent: `column_<field>` is the column's 0-based number (or its header,
    `by="header"`); an empty or unknown value leaves the field without a column."""
    mapping = {}
    for name in spec.field_names:
        value = str(data.get(f"column_{name}", "") or "")
        if by == "header":
            if value in headers:
                mapping[name] = headers.index(value)
        elif value.isascii() and value.isdigit() and int(value) < len(headers):
            mapping[name] = int(value)
    return mapping


# --- The stage on disk ----------------------------------------------------------------------


@dataclasses.dataclass
class Stage:
    """A staged upload: whose it is, for which importer and scope, and the columns chosen."""

    spec: ImportSpec
    token: str
    owner_id: int
    scope: str
    filename: str
    mapping: dict[str, int] | None
    expires: float
    _table: Table | None = dataclasses.field(default=None, repr=False, compare=False)

    @property
    def data_path(self) -> Path:
        return _folder() / f"{self.token}.data"

    @property
    def meta_path(self) -> Path:
        return _folder() / f"{self.token}.json"

    def table(self) -> Table:
        """The staged file, read again (once per request) with the mapping chosen or guessed."""
        if self._table is None:
            self._table = _mapped(self, self.spec.table(self.data_path.read_bytes(), self.filename))
        return self._table

    def remap(self, mapping: Mapping[str, int]) -> None:
        """Keep `mapping` (field name → column) for the next steps."""
        self.mapping = {
            name: column
            for name, column in mapping.items()
            if name in self.spec.field_names and column >= 0
        }
        _meta_write(self)
        if self._table is not None:
            self._table = _mapped(self, self._table)

    def check(self, **context: Any) -> Checked:
        """The rows as `spec.check` sees them with `context`, or the file's problem."""
        try:
            table = self.table()
        except ImportFileError as error:  # read at upload; only a changed reader gets here
            return Checked(Table(self.filename, [], [], {}), problem=str(error))
        return _checked(self.spec, table, context)


def _mapped(stage: Stage, table: Table) -> Table:
    """`table` with the stage's chosen mapping, when one was chosen."""
    if stage.mapping is None:
        return table
    width = len(table.headers)
    mapping = {name: column for name, column in stage.mapping.items() if column < width}
    return dataclasses.replace(table, mapping=mapping)


def _checked(spec: ImportSpec, table: Table, context: Mapping[str, Any]) -> Checked:
    for field in spec.fields:
        if field.required and field.name not in table.mapping:
            return Checked(
                table,
                problem=_("Choose the column that holds the %(field)s.")
                % {"field": str(field.label).lower()},
            )
    try:
        return Checked(table, spec.check(table, **context))
    except ImportFileError as error:
        return Checked(table, problem=str(error))
    except ValidationError as error:
        return Checked(table, problem=" ".join(error.messages))


def _folder() -> Path:
    folder = Path(settings.DATA_DIR) / FOLDER
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def _now() -> float:
    return timezone.now().timestamp()


def session_key(spec: ImportSpec, scope: object) -> str:
    """Where a session keeps the token of its stage for `spec` and `scope` (and nothing else)."""
    return f"import:{spec.key}:{scope}"


def _write_private(path: Path, content: bytes) -> None:
    """Write a 0600 file beside `path` and rename it into place: a reader never sees half."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:  # mkstemp makes it 0600
            stream.write(content)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _meta_write(stage: Stage) -> None:
    meta = {
        "spec": stage.spec.key,
        "owner": stage.owner_id,
        "scope": stage.scope,
        "filename": stage.filename,
        "mapping": stage.mapping,
        "expires": stage.expires,
    }
    _write_private(stage.meta_path, json.dumps(meta, ensure_ascii=False).encode())


def _remove(token: str) -> None:
    for suffix in (".data", ".json"):
        (_folder() / f"{token}{suffix}").unlink(missing_ok=True)


def stages_clear_expired() -> int:
    """Remove every stage past its expiry (and stray files older than MAX_AGE); how many
    stages were removed."""
    folder, now, removed = _folder(), _now(), 0
    for path in folder.glob("*.json"):
        try:
            expires = float(json.loads(path.read_bytes())["expires"])
        except (OSError, ValueError, KeyError, TypeError):
            expires = 0.0
        if expires <= now:
            _remove(path.stem)
            removed += 1
    for path in folder.iterdir():
        try:
            stray = path.suffix != ".json" and not path.with_suffix(".json").exists()
            if stray and path.stat().st_mtime < now - MAX_AGE.total_seconds():
                path.unlink(missing_ok=True)
        except OSError:
            continue
    return removed


def stage_get(*, spec: ImportSpec, token: str, user: Any, scope: object) -> Stage | None:
    """The stage `token` names; None when there is none or it has expired (it is removed).
    Another user's stage, another scope's or another importer's is Http404."""
    if not isinstance(token, str) or not _TOKEN.match(token):
        raise Http404
    try:
        meta = json.loads((_folder() / f"{token}.json").read_bytes())
        owner, stage_scope, key = meta["owner"], meta["scope"], meta["spec"]
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError):
        _remove(token)
        return None
    if owner != user.pk or stage_scope != str(scope) or key != spec.key:
        raise Http404
    stage = Stage(
        spec=spec,
        token=token,
        owner_id=owner,
        scope=stage_scope,
        filename=str(meta.get("filename", "")),
        mapping=meta.get("mapping"),
        expires=float(meta.get("expires", 0)),
    )
    if stage.expires <= _now() or not stage.data_path.exists():
        _remove(token)
        return None
    return stage


def stage_current(request: HttpRequest, *, spec: ImportSpec, scope: object) -> Stage | None:
    """The stage this session made for `spec` and `scope`, if it is still there."""
    key = session_key(spec, scope)
    token = request.session.get(key)
    if token is None:
        return None
    stage = stage_get(spec=spec, token=token, user=request.user, scope=scope)
    if stage is None:
        request.session.pop(key, None)
    return stage


def stage_forget(request: HttpRequest, *, spec: ImportSpec, scope: object) -> None:
    """Forget this session's stage for `spec` and `scope`, and remove its files."""
    token = request.session.pop(session_key(spec, scope), None)
    try:
        stage = stage_get(spec=spec, token=token, user=request.user, scope=scope)
    except Http404:  # not ours to remove
        return
    if stage is not None:
        _remove(stage.token)


def stage_receive(request: HttpRequest, *, spec: ImportSpec, scope: object, upload: Any) -> Stage:
    """Read the upload (ImportFileError, and nothing stored, when it cannot be imported) and
    stage it in place of this session's earlier stage for `spec` and `scope`."""
    data, filename = _upload_read(upload, spec)
    owner_id = request.user.pk
    if owner_id is None:  # the wizard's pages are for people who have logged in
        raise PermissionDenied
    table = spec.table(data, filename)
    stage_forget(request, spec=spec, scope=scope)
    stages_clear_expired()
    stage = Stage(
        spec=spec,
        token=secrets.token_hex(16),
        owner_id=owner_id,
        scope=str(scope),
        filename=filename,
        mapping=None,
        expires=_now() + MAX_AGE.total_seconds(),
    )
    _write_private(stage.data_path, data)
    _meta_write(stage)
    stage._table = table
    request.session[session_key(spec, scope)] = stage.token
    return stage


def stage_apply(request: HttpRequest, *, stage: Stage, checked: Checked, **options: Any) -> Any:
    """`spec.apply(checked, **options)` in one transaction; the stage is removed once it has
    succeeded and kept when it raised (a ValidationError: the message for the user)."""
    if checked.problem:
        raise ValidationError(checked.problem)
    with transaction.atomic():
        outcome = stage.spec.apply(checked, **options)
    request.session.pop(session_key(stage.spec, stage.scope), None)
    _remove(stage.token)
    return outcome


def _upload_read(upload: Any, spec: ImportSpec) -> tuple[bytes, str]:
    """The upload's bytes within `spec.max_bytes` (ImportFileError past it) and its name."""
    try:
        data = uploads.read_upload(upload, spec.max_bytes)
    except uploads.UploadRefusedError as error:
        raise ImportFileError(str(error)) from None
    return data, str(upload.name or "")[:200]


# --- One step, for importers whose page has no preview ---------------------------------------


def import_check(
    *, spec: ImportSpec, upload: Any, first_row_is_header: bool = True, **context: Any
) -> Checked:
    """Read the upload and check it, as `stage_receive` and `stage.check` do, storing nothing:
    a file that cannot be read is the `Checked`'s problem, like what `spec.check` raises."""
    try:
        data, filename = _upload_read(upload, spec)
        table = spec.table(data, filename, first_row_is_header=first_row_is_header)
    except ImportFileError as error:
        return Checked(Table(str(upload.name or "")[:200], [], [], {}), problem=str(error))
    return _checked(spec, table, context)


def import_once(
    *,
    spec: ImportSpec,
    upload: Any,
    first_row_is_header: bool = True,
    context: Mapping[str, Any] | None = None,
    **options: Any,
) -> Any:
    """`import_check(..., **context)`, then `spec.apply(checked, **options)` in one
    transaction; ValidationError (the file's problem, or what `apply` raised) and nothing
    written when either refuses."""
    checked = import_check(
        spec=spec, upload=upload, first_row_is_header=first_row_is_header, **(context or {})
    )
    if checked.problem:
        raise ValidationError(checked.problem)
    with transaction.atomic():
        return spec.apply(checked, **options)
