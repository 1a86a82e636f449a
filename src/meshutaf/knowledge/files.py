"""What an uploaded file really is, read from its bytes (never from its name), and its text
for the search index. No database access."""

import logging
import zipfile

logger = logging.getLogger(__name__)

MAX_TEXT = 2_000_000  # characters; a book is about one million


def sniff(head: bytes, stream) -> str | None:
    """The document type ("pdf", "docx", …) of a file, or None when it is not one we take.
    `head` is its first bytes; `stream` a seekable file for the ZIP-based formats."""
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
            with zipfile.ZipFile(stream) as archive:
                names = set(archive.namelist())
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


def extract_text(path_or_stream, file_type: str) -> str:
    """The text of a PDF, DOCX or XLSX for indexing ("" for images). Raises ValueError when
    the file cannot be read."""
    try:
        if file_type == "pdf":
            return _pdf_text(path_or_stream)
        if file_type == "docx":
            return _docx_text(path_or_stream)
        if file_type == "xlsx":
            return _xlsx_text(path_or_stream)
    except Exception as error:  # the third-party parsers raise anything on a bad file
        raise ValueError(str(error)) from error
    return ""


def _pdf_text(source) -> str:
    from pypdf import PdfReader

    reader = PdfReader(source)
    if reader.is_encrypted:
        raise ValueError("encrypted PDF")
    parts, size = [], 0
    for page in reader.pages:
        text = page.extract_text() or ""
        parts.append(text)
        size += len(text)
        if size > MAX_TEXT:
            break
    return "\n".join(parts)[:MAX_TEXT]


def _docx_text(source) -> str:
    import docx

    document = docx.Document(source)
    parts = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.append(" | ".join(cell.text for cell in row.cells))
    return "\n".join(parts)[:MAX_TEXT]


def _xlsx_text(source) -> str:
    from openpyxl import load_workbook

    workbook = load_workbook(source, read_only=True, data_only=True)
    parts, size = [], 0
    try:
        for sheet in workbook.worksheets:
            parts.append(sheet.title)
            for row in sheet.iter_rows(values_only=True):
                line = " ".join(str(value) for value in row if value is not None)
                if line:
                    parts.append(line)
                    size += len(line)
                if size > MAX_TEXT:
                    return "\n".join(parts)[:MAX_TEXT]
    finally:
        workbook.close()
    return "\n".join(parts)


def read_head(upload, size: int = 16) -> bytes:
    upload.seek(0)
    head = upload.read(size)
    upload.seek(0)
    return head
