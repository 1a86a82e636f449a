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
# as opposed to one streamed element by element.
MAX_WHOLE_PART_BYTES = 16 * 1024 * 1024
# A table: columns that hold something, and characters in one cell (Excel's own limit is
# 32,767) or one JSON line.
MAX_COLUMNS = 256
MAX_CELL_CHARS = 100_000
MAX_LINE_CHARS = 1_000_000
# Elements of one XML part (a sheet, a document's body) a reader walks through, filled or not.
MAX_XML_ELEMENTS = 5_000_000
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
        end = zipfile._EndRecData(stream)
        if end is not None and end[zipfile._ECD_ENTRIES_TOTAL] > MAX_ZIP_MEMBERS:
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
    """Counts the XML elements a streaming reader walks through and refuses past the bound."""

    def __init__(self, limit: int = MAX_XML_ELEMENTS):
        self.limit = limit
        self.used = 0

    def spend(self, count: int = 1) -> None:
        self.used += count
        if self.used > self.limit:
            raise UploadRefusedError(
                _("The file holds more than %(count)s cells or elements; it cannot be read.")
                % {"count": number_format(self.limit, force_grouping=True)}
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
