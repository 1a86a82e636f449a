"""Reading the Central Bureau of Statistics' list of localities (the CSV of
`shared/data/israel-localities`: id, name, name_en, district_id, district_name, sub_district_id,
sub_district_name, municipal_status_name, population, …) into plain rows, through the bounded
readers. `services.geography_import` turns them into the tree country → district → sub-district
→ locality, coded "IL", "D<id>", "SD<id>" and "L<id>".
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext as _

from meshutaf.core.tables import TableFileError, read_rows

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 10_000
MAX_ERRORS_SHOWN = 10
COUNTRY_CODE = "IL"
COUNTRY_NAMES = {"name": "ישראל", "name_en": "Israel", "name_ar": "إسرائيل"}
REQUIRED = (
    "id",
    "name",
    "district_id",
    "district_name",
    "sub_district_id",
    "sub_district_name",
)
OPTIONAL = ("name_en", "municipal_status_name", "population")


@dataclass(frozen=True)
class Locality:
    """One row of the list: the locality and where it sits."""

    id: int
    name: str
    name_en: str
    district_id: int
    district_name: str
    sub_district_id: int
    sub_district_name: str
    municipal_status: str
    population: int | None


def district_code(number: int) -> str:
    return f"D{number}"


def sub_district_code(number: int) -> str:
    return f"SD{number}"


def locality_code(number: int) -> str:
    return f"L{number}"


def localities_read_path(path: str | Path) -> list[Locality]:
    """The localities of the file at `path`; TableFileError with a message when it cannot be
    read, passes a bound, lacks a column or holds a row that is not a locality."""
    try:
        with Path(path).open("rb") as stream:
            data = stream.read(MAX_BYTES + 1)
    except OSError as error:
        raise TableFileError(
            _("Cannot read %(path)s: %(reason)s")
            % {"path": path, "reason": error.strerror or error}
        ) from None
    if len(data) > MAX_BYTES:
        raise TableFileError(_("%(path)s is larger than 10 MB.") % {"path": path})
    return localities_read(data, Path(path).name)


def localities_read(data: bytes, filename: str = "localities.csv") -> list[Locality]:
    """The localities of a CSV (or XLSX) file in the CBS list's columns, in file order."""
    rows = read_rows(data, filename, max_rows=MAX_ROWS)
    if not rows:
        raise TableFileError(_("The file has no rows."))
    headers = [cell.strip().lower() for cell in rows[0]]
    missing = [name for name in REQUIRED if name not in headers]
    if missing:
        raise TableFileError(
            _("The file has no column %(columns)s; is it the localities list?")
            % {"columns": ", ".join(missing)}
        )
    column = {name: headers.index(name) for name in (*REQUIRED, *OPTIONAL) if name in headers}
    localities: list[Locality] = []
    errors: list[str] = []
    seen: set[int] = set()
    for number, cells in enumerate(rows[1:], start=2):
        cells = cells + [""] * (len(headers) - len(cells))

        def cell(name: str, cells: list[str] = cells) -> str:
            return cells[column[name]].strip() if name in column else ""

        try:
            identifier = _whole(cell("id"))
            district = _whole(cell("district_id"))
            sub_district = _whole(cell("sub_district_id"))
            population = _whole(cell("population")) if cell("population") else None
        except ValueError:
            errors.append(
                _(
                    "Row %(row)s: the id, district, sub-district and population must be "
                    "whole numbers."
                )
                % {"row": number}
            )
            continue
        if not cell("name"):
            errors.append(_("Row %(row)s: the locality has no name.") % {"row": number})
            continue
        if identifier in seen:
            errors.append(
                _("Row %(row)s: the locality %(id)s appears twice.")
                % {"row": number, "id": identifier}
            )
            continue
        seen.add(identifier)
        localities.append(
            Locality(
                id=identifier,
                name=cell("name")[:200],
                name_en=cell("name_en")[:200],
                district_id=district,
                district_name=cell("district_name")[:200] or district_code(district),
                sub_district_id=sub_district,
                sub_district_name=cell("sub_district_name")[:200]
                or sub_district_code(sub_district),
                municipal_status=cell("municipal_status_name")[:120],
                population=population,
            )
        )
    if errors:
        shown = errors[:MAX_ERRORS_SHOWN]
        if len(errors) > len(shown):
            shown.append(_("… and %(count)s more.") % {"count": len(errors) - len(shown)})
        raise TableFileError(" ".join(shown))
    return localities


def _whole(text: str) -> int:
    number = int(text.replace(",", ""))
    if number < 0:
        raise ValueError(text)
    return number
