"""Bounds on every file a user uploads, and the checks that hold a file to them before any
parser sees it. Every reader of user files (tables, documents, Pol.is exports) uses these.

A file's own claims are never trusted: a spreadsheet's declared dimensions are ignored, and a
zip-based file (XLSX, DOCX) is refused from its directory, before anything is inflated, when
its members would inflate past the bounds. Python's zipfile never inflates a member beyond the
size the directory declares (it stops there and fails the checksum), so the declared sizes are
the most a parser can get.
"""

import contextlib
import io
import zipfile

from django.template.defaultfilters import filesizeformat
from django.utils.formats import number_format
from django.utils.translation import gettext as _

# Bytes of one upload read in a request, unless the reader has a lower bound of its own.
MAX_UPLOAD_BYTES = 50 * 1024 * 1024
# Everything inside a zip-based file, inflated. A 50 MB workbook of text inflates to ~200 MB.
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
# How much a member larger than RATIO_FLOOR_BYTES may inflate: real sheets and documents
# inflate 3 to 20 times, a zip bomb a thousand. Small members may inflate more (a document of
# one repeated paragraph does), as they cost nothing.
MAX_COMPRESSION_RATIO = 100
RATIO_FLOOR_BYTES = 10 * 1024 * 1024
MAX_ZIP_MEMBERS = 5_000
# A part a parser reads whole into objects (a workbook's styles, relationships, properties),
# as opposed to one streamed element by element: its size, and the elements of all of them in
# one file (walked first, within this bound, before openpyxl builds them). A workbook bloated
# with 64,000 cell formats (Excel's most) has some 300,000; a million cost two seconds and 120 MB.
MAX_WHOLE_PART_BYTES = 16 * 1024 * 1024
MAX_WHOLE_PART_ELEMENTS = 1_000_000
# A table: columns that hold something, and characters in one cell (Excel's own limit is
# 32,767) or one JSON line (a JSON file that is one array counts as one line).
MAX_COLUMNS = 256
MAX_CELL_CHARS = 100_000
MAX_LINE_CHARS = 1_000_000
# Cells of a table read whole (rows × columns), the empty ones it is padded with included:
# rows are padded to the header's width, so a narrow file under a wide header, or one cell far
# to the right on each row, would otherwise cost rows × 256 cells for a few bytes a row. Ten
# million cells are 80 MB of references, a corpus of 500,000 rows of 20 columns; a reader
# allowed more rows than that (the command line's corpus import) gets TABLE_CELLS_PER_ROW a row.
MAX_TABLE_CELLS = 10_000_000
TABLE_CELLS_PER_ROW = 20
# Elements of one workbook (its sheets and shared strings) or one document's body a reader
# walks through, filled or not: every element counts, so this bounds the time a file can cost
# (about 3 µs an element, openpyxl's conversion of the cell included: fifteen seconds).
MAX_XML_ELEMENTS = 5_000_000
# Elements open at once, each inside the one before: each stays in memory until it closes.
# Sheets nest about ten deep, Word bodies (tables within tables, drawings) a few dozen.
MAX_XML_DEPTH = 256
# Inside one spreadsheet cell or shared string: its value, or a string's rich-text runs with
# their formatting (about ten elements a run, four deep). A cell is kept whole until it is read,
# so what it may hold is bounded: a thousand elements are a hundred formatted runs.
MAX_CELL_ELEMENTS = 1_000
MAX_CELL_DEPTH = 6
MAX_PDF_PAGES = 2_000


class UploadRefusedError(ValueError):
    """The file exceeds a bound; the message says which, in the user's language."""


def too_large(max_bytes: int) -> str:
    return _("The file is larger than %(size)s.") % {"size": filesizeformat(max_bytes)}


def check_size(size: int, max_bytes: int = MAX_UPLOAD_BYTES) -> None:
    if size > max_bytes:
        raise UploadRefusedError(too_large(max_bytes))


def read_upload(upload, max_bytes: int = MAX_UPLOAD_BYTES) -> bytes:
    """An uploaded file's bytes, never reading more than one byte past the bound."""
    upload.seek(0)
    data = upload.read(max_bytes + 1)
    check_size(len(data), max_bytes)
    return data


def check_zip(source, *, max_uncompressed: int = MAX_UNCOMPRESSED_BYTES) -> None:
    """Refuse a zip-based file whose members would inflate past the bounds, reading only its
    directory. `source` is a seekable binary stream (left where it was) or bytes."""
    stream = io.BytesIO(source) if isinstance(source, bytes | bytearray) else source
    position = stream.tell()
    try:
        # The directory's own count, read before zipfile builds an entry for each member.
        # zipfile's own private reader, which typeshed leaves out.
        end = zipfile._EndRecData(stream)  # type: ignore[attr-defined]
        entries_total: int = zipfile._ECD_ENTRIES_TOTAL  # type: ignore[attr-defined]
        if end is not None and end[entries_total] > MAX_ZIP_MEMBERS:
            raise UploadRefusedError(_("The file holds too many parts to be read."))
        stream.seek(position)
        try:
            with zipfile.ZipFile(stream) as archive:
                members = archive.infolist()
        except (zipfile.BadZipFile, OSError, ValueError, EOFError):
            return  # not a zip at all: the format's own reader will say so
        if len(members) > MAX_ZIP_MEMBERS:
            raise UploadRefusedError(_("The file holds too many parts to be read."))
        total = 0
        for member in members:
            total += member.file_size
            ratio = member.file_size / max(member.compress_size, 1)
            if total > max_uncompressed or (
                member.file_size > RATIO_FLOOR_BYTES and ratio > MAX_COMPRESSION_RATIO
            ):
                raise UploadRefusedError(
                    _(
                        "The file unpacks to more than %(size)s (or to far more than its own "
                        "size); it cannot be read safely."
                    )
                    % {"size": filesizeformat(max_uncompressed)}
                )
    finally:
        stream.seek(position)


@contextlib.contextmanager
def open_zip(source, *, max_uncompressed: int = MAX_UNCOMPRESSED_BYTES):
    """A zip-based file, opened once it has passed `check_zip`."""
    check_zip(source, max_uncompressed=max_uncompressed)
    stream = io.BytesIO(source) if isinstance(source, bytes | bytearray) else source
    with zipfile.ZipFile(stream) as archive:
        yield archive


def check_whole_parts(archive: zipfile.ZipFile, names) -> None:
    """Refuse a file one of whose parts `names` (those a parser reads whole, not streamed)
    is larger than MAX_WHOLE_PART_BYTES once unpacked."""
    sizes = {member.filename: member.file_size for member in archive.infolist()}
    if any(sizes.get(name, 0) > MAX_WHOLE_PART_BYTES for name in names):
        raise UploadRefusedError(
            _("A part of the file is larger than %(size)s unpacked; it cannot be read safely.")
            % {"size": filesizeformat(MAX_WHOLE_PART_BYTES)}
        )


class ElementBudget:
    """Counts the XML elements a streaming reader walks through (`spend` on every element's
    end) and how deep they nest (`open` on every start); refuses past the bounds."""

    def __init__(self, limit: int = MAX_XML_ELEMENTS, max_depth: int = MAX_XML_DEPTH):
        self.limit = limit
        self.max_depth = max_depth
        self.used = 0

    def spend(self, count: int = 1) -> None:
        self.used += count
        if self.used > self.limit:
            raise UploadRefusedError(
                _("The file holds more than %(count)s cells or elements; it cannot be read.")
                % {"count": number_format(self.limit, force_grouping=True)}
            )

    def open(self, depth: int) -> None:
        if depth > self.max_depth:
            raise UploadRefusedError(
                _("The file nests its parts more than %(count)s deep; it cannot be read.")
                % {"count": self.max_depth}
            )


def cell_too_long(row: int) -> UploadRefusedError:
    return UploadRefusedError(
        _("Row %(row)s has a cell longer than %(count)s characters.")
        % {"row": row, "count": number_format(MAX_CELL_CHARS, force_grouping=True)}
    )


def too_many_columns(row: int) -> UploadRefusedError:
    return UploadRefusedError(
        _("Row %(row)s has more than %(count)s columns.") % {"row": row, "count": MAX_COLUMNS}
    )


def too_many_cells(count: int) -> UploadRefusedError:
    return UploadRefusedError(
        _(
            "The table has more than %(count)s cells (rows × columns, empty ones included); "
            "it cannot be read."
        )
        % {"count": number_format(count, force_grouping=True)}
    )


def cell_too_complex(row: int | None) -> UploadRefusedError:
    """A spreadsheet cell (in row `row`) or shared string (row None) past MAX_CELL_ELEMENTS
    or MAX_CELL_DEPTH."""
    values = {"row": row, "count": number_format(MAX_CELL_ELEMENTS, force_grouping=True)}
    if row is None:
        return UploadRefusedError(
            _(
                "The file has a cell made of more than %(count)s parts, or of parts nested too "
                "deep; it cannot be read."
            )
            % values
        )
    return UploadRefusedError(
        _(
            "Row %(row)s has a cell made of more than %(count)s parts, or of parts nested too "
            "deep; it cannot be read."
        )
        % values
    )
