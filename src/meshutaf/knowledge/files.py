"""What an uploaded file really is, read from its bytes (never from its name), and its text
for the search index, within the bounds of `core.uploads`. No database access."""

import contextlib
import logging
import zipfile
from typing import cast

from django.utils.translation import gettext as _

from meshutaf.core import tables, uploads
from meshutaf.core.uploads import MAX_PDF_PAGES, UploadRefusedError

logger = logging.getLogger(__name__)

MAX_TEXT = 2_000_000  # characters; a book is about one million
WORD_NS = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def sniff(head: bytes, stream) -> str | None:
    """The document type ("pdf", "docx", …) of a file, or None when it is not one we take.
    `head` is its first bytes; `stream` a seekable file for the ZIP-based formats. A zip
    beyond the bounds of `core.uploads` is refused (UploadRefusedError) before it is opened."""
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head.startswith(b"PK\x03\x04"):
        try:
            stream.seek(0)
            with uploads.open_zip(stream) as archive:
                names = set(archive.namelist())
        except UploadRefusedError:
            raise
        except (zipfile.BadZipFile, OSError, ValueError):
            return None
        finally:
            stream.seek(0)
        if "[Content_Types].xml" in names:
            if "word/document.xml" in names:
                return "docx"
            if "xl/workbook.xml" in names:
                return "xlsx"
    return None


def check_upload(stream, file_type: str) -> None:
    """Refuse (UploadRefusedError) a document beyond the bounds before it is stored: a zip
    that unpacks too far, a PDF of too many pages. A file that cannot be read at all is left
    for the extraction to mark."""
    if file_type in ("docx", "xlsx"):
        uploads.check_zip(stream)
    elif file_type == "pdf":
        try:
            _pdf_reader(stream)
        except UploadRefusedError:
            raise
        except Exception:  # noqa: S110 (a damaged PDF is kept, and marked by the extraction)
            pass
        finally:
            stream.seek(0)


def extract_text(path_or_stream, file_type: str) -> str:
    """The text of a PDF, DOCX or XLSX for indexing ("" for images), cleaned of what no
    database stores. Raises ValueError when the file cannot be read or is beyond a bound."""
    try:
        if file_type == "pdf":
            text = _pdf_text(path_or_stream)
        elif file_type == "docx":
            text = _docx_text(path_or_stream)
        elif file_type == "xlsx":
            text = _xlsx_text(path_or_stream)
        else:
            return ""
    except UploadRefusedError:
        raise
    except Exception as error:  # the third-party parsers raise anything on a bad file
        raise ValueError(str(error)) from error
    return tables.clean(text)


def _too_many_pages() -> UploadRefusedError:
    return UploadRefusedError(
        _("The PDF has more than %(count)s pages.") % {"count": MAX_PDF_PAGES}
    )


def _pdf_reader(source):
    """A PdfReader whose page list is known to hold at most MAX_PDF_PAGES pages: the count
    the file declares is checked first, and the walk of its page tree is bounded too, since
    a file may declare fewer pages than it holds."""
    import pypdf
    from pypdf import PdfReader
    from pypdf.generic import DictionaryObject

    reader = PdfReader(source)
    if reader.is_encrypted:
        raise ValueError("encrypted PDF")
    pages = cast(DictionaryObject, reader.root_object["/Pages"].get_object())
    declared = pages.get("/Count", 0)
    if int(declared) > MAX_PDF_PAGES:
        raise _too_many_pages()
    bound = getattr(pypdf, "apply_configuration", None)  # pypdf 7 and later
    walk = (
        bound(page_tree_maximum_entries=2 * MAX_PDF_PAGES + 100)
        if bound
        else contextlib.nullcontext()
    )
    try:
        with walk:
            count = len(reader.pages)
    except pypdf.errors.LimitReachedError:
        raise _too_many_pages() from None
    if count > MAX_PDF_PAGES:
        raise _too_many_pages()
    return reader


def _pdf_text(source) -> str:
    reader = _pdf_reader(source)
    parts, size = [], 0
    for page in reader.pages:
        text = page.extract_text() or ""
        parts.append(text)
        size += len(text)
        if size > MAX_TEXT:
            break
    return "\n".join(parts)[:MAX_TEXT]


def _docx_text(source) -> str:
    with uploads.open_zip(source) as archive, archive.open("word/document.xml") as xml:
        return _word_text(xml)


def _word_text(xml) -> str:
    """The paragraphs of a Word body (table cells included, in reading order), streamed:
    every element is dropped once read, and elements may nest only so deep (each stays in
    memory until it closes), so memory stays flat however long the document."""
    from xml.etree.ElementTree import iterparse

    budget = uploads.ElementBudget()
    lines: list[str] = []
    parts: list[str] = []
    stack: list = []
    size = 0
    # The standard parser: no external entity is resolved, and expat stops expansion bombs.
    for event, element in iterparse(xml, events=("start", "end")):  # noqa: S314
        if event == "start":
            stack.append(element)
            budget.open(len(stack))
            continue
        stack.pop()
        budget.spend()
        tag = element.tag
        if tag == f"{WORD_NS}t":
            parts.append(element.text or "")
        elif tag == f"{WORD_NS}tab":
            parts.append("\t")
        elif tag in (f"{WORD_NS}br", f"{WORD_NS}cr"):
            parts.append("\n")
        elif tag == f"{WORD_NS}p":
            line = "".join(parts)
            parts = []
            lines.append(line)
            size += len(line) + 1
            if size > MAX_TEXT:
                break
        if stack:
            del stack[-1][:]
    return "\n".join(lines)[:MAX_TEXT]


def _xlsx_text(source) -> str:
    """Each sheet's title, then a line for each row that holds something: its filled cells in
    column order (only those: a row is never padded out to its last cell)."""
    parts: list[str] = []
    size, title = 0, None
    rows = tables.xlsx_rows(source, all_sheets=True, max_columns=tables.EXCEL_MAX_COLUMNS)
    with contextlib.closing(rows):
        for sheet_title, _number, cells in rows:
            if sheet_title != title:
                parts.append(sheet_title)
                title = sheet_title
            line = " ".join(value for _column, value in cells)
            parts.append(line)
            size += len(line)
            if size > MAX_TEXT:
                break
    return "\n".join(parts)[:MAX_TEXT]


def read_head(upload, size: int = 16) -> bytes:
    upload.seek(0)
    head = upload.read(size)
    upload.seek(0)
    return head
