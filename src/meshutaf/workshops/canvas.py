"""Canvas templates as data: the schema a facilitator edits (sections, each a list or a grid
of rows × columns), checked and normalised by one pure function with no database access.

A schema is `{"sections": [{"key", "title", "help", "kind", "rows", "columns"}]}`; rows and
columns are lists of `{"key", "label"}`. Keys may be left out: they are derived from the
position. Every error names the section (and row or column) it is about, in the user's words.
"""

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_SECTIONS = 12
MAX_ROWS = 8
MAX_COLUMNS = 8
MAX_TITLE = 200
MAX_LABEL = 120
MAX_HELP = 500
KEY = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
LIST = "list"
GRID = "grid"
KINDS = (LIST, GRID)


@dataclass(frozen=True)
class Axis:
    key: str
    label: str


@dataclass(frozen=True)
class Cell:
    """One place a contribution can go. In a list section row and column are empty."""

    section: str
    row: str = ""
    column: str = ""

    @property
    def slug(self) -> str:
        return "-".join(part for part in (self.section, self.row, self.column) if part)


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    kind: str
    help: str = ""
    rows: tuple[Axis, ...] = ()
    columns: tuple[Axis, ...] = ()

    @property
    def is_grid(self) -> bool:
        return self.kind == GRID

    def cells(self) -> list[Cell]:
        if not self.is_grid:
            return [Cell(self.key)]
        return [Cell(self.key, row.key, column.key) for row in self.rows for column in self.columns]

    def has_cell(self, row: str, column: str) -> bool:
        if not self.is_grid:
            return row == "" and column == ""
        return any(r.key == row for r in self.rows) and any(c.key == column for c in self.columns)

    def row_label(self, key: str) -> str:
        return next((row.label for row in self.rows if row.key == key), key)

    def column_label(self, key: str) -> str:
        return next((column.label for column in self.columns if column.key == key), key)


def _text(value, *, limit: int, required: bool, what: str) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValidationError(_("%(what)s must be text.") % {"what": what})
    value = " ".join(value.split())
    if required and not value:
        raise ValidationError(_("%(what)s is missing.") % {"what": what})
    if len(value) > limit:
        raise ValidationError(
            _("%(what)s is longer than %(limit)s characters.") % {"what": what, "limit": limit}
        )
    return value


def _key(value, *, default: str, what: str) -> str:
    if value in (None, ""):
        return default
    if not isinstance(value, str) or not KEY.match(value):
        raise ValidationError(
            _(
                "%(what)s: the key “%(key)s” may use only lowercase Latin letters, digits, "
                "“-” and “_” (at most 40)."
            )
            % {"what": what, "key": value}
        )
    return value


def _axes(value, *, axis: str, section_what: str) -> list[dict]:
    """The rows (axis="row") or columns (axis="column") of a grid section."""
    limit = MAX_ROWS if axis == "row" else MAX_COLUMNS
    if value in (None, ""):
        return []
    if not isinstance(value, list):
        message = (
            _("%(what)s: the rows must be a list.")
            if axis == "row"
            else _("%(what)s: the columns must be a list.")
        )
        raise ValidationError(message % {"what": section_what})
    if len(value) > limit:
        message = (
            _("%(what)s: at most %(limit)s rows.")
            if axis == "row"
            else _("%(what)s: at most %(limit)s columns.")
        )
        raise ValidationError(message % {"what": section_what, "limit": limit})
    result, keys = [], set()
    for position, item in enumerate(value, start=1):
        what = (
            _("%(section)s, row %(number)s")
            if axis == "row"
            else _("%(section)s, column %(number)s")
        ) % {"section": section_what, "number": position}
        if isinstance(item, str):
            item = {"label": item}
        if not isinstance(item, dict):
            raise ValidationError(_("%(what)s must have a label.") % {"what": what})
        key = _key(item.get("key"), default=f"{axis}-{position}", what=what)
        if key in keys:
            raise ValidationError(
                _("%(what)s: the key “%(key)s” is used twice.") % {"what": what, "key": key}
            )
        keys.add(key)
        label = _text(item.get("label"), limit=MAX_LABEL, required=True, what=what)
        result.append({"key": key, "label": label})
    return result


def normalize_schema(value) -> dict:
    """The schema with keys filled in and text trimmed, or a ValidationError that says what to
    fix. Accepts a bare list of sections as well as {"sections": [...]}."""
    if isinstance(value, list):
        value = {"sections": value}
    if not isinstance(value, dict) or not isinstance(value.get("sections"), list):
        raise ValidationError(_("The template must be an object with a list of “sections”."))
    sections = value["sections"]
    if not sections:
        raise ValidationError(_("The template needs at least one section."))
    if len(sections) > MAX_SECTIONS:
        raise ValidationError(
            _("A template has at most %(limit)s sections.") % {"limit": MAX_SECTIONS}
        )
    result, keys = [], set()
    for position, section in enumerate(sections, start=1):
        what = _("Section %(number)s") % {"number": position}
        if not isinstance(section, dict):
            raise ValidationError(_("%(what)s must be an object.") % {"what": what})
        key = _key(section.get("key"), default=f"section-{position}", what=what)
        if key in keys:
            raise ValidationError(
                _("%(what)s: the key “%(key)s” is used twice.") % {"what": what, "key": key}
            )
        keys.add(key)
        kind = section.get("kind") or LIST
        if kind not in KINDS:
            raise ValidationError(
                _("%(what)s: the kind must be “list” or “grid”.") % {"what": what}
            )
        title = _text(section.get("title"), limit=MAX_TITLE, required=True, what=what)
        help_text = _text(section.get("help"), limit=MAX_HELP, required=False, what=what)
        rows = _axes(section.get("rows"), axis="row", section_what=what)
        columns = _axes(section.get("columns"), axis="column", section_what=what)
        if kind == GRID and (not rows or not columns):
            raise ValidationError(
                _("%(what)s is a grid: give it at least one row and one column.") % {"what": what}
            )
        if kind == LIST and (rows or columns):
            raise ValidationError(
                _("%(what)s is a list: it has no rows or columns (make it a grid).")
                % {"what": what}
            )
        result.append(
            {
                "key": key,
                "title": title,
                "help": help_text,
                "kind": kind,
                "rows": rows,
                "columns": columns,
            }
        )
    normalized: dict[str, object] = {"sections": result}
    if value.get("builtin"):
        normalized["builtin"] = True
    return normalized


def validate_canvas_schema(value) -> None:
    normalize_schema(value)


def sections(schema: dict, *, translate=None) -> list[Section]:
    """The sections of a stored (already valid) schema. Built-in templates keep their
    English source texts; `translate` (gettext) turns them into the reader's language."""
    builtin = bool(schema.get("builtin"))

    def text(value: str) -> str:
        return translate(value) if builtin and translate and value else value

    return [
        Section(
            key=section["key"],
            title=text(section["title"]),
            kind=section["kind"],
            help=text(section.get("help", "")),
            rows=tuple(Axis(row["key"], text(row["label"])) for row in section.get("rows", [])),
            columns=tuple(
                Axis(column["key"], text(column["label"])) for column in section.get("columns", [])
            ),
        )
        for section in schema.get("sections", [])
    ]


def section_by_key(schema: dict, key: str, *, translate=None) -> Section | None:
    return next((s for s in sections(schema, translate=translate) if s.key == key), None)
