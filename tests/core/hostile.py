"""Hostile files for the upload limits: small files that cost a careless reader minutes and
gigabytes. Built here, in memory, for the tests and for `bench/hostile_files.py`, together with
meters that count the work a reader does (cells materialised, bytes inflated) and stop a
reader that does far too much, so a test of the old behaviour fails fast instead of hanging."""

import contextlib
import io
import re
import zipfile

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
WORD_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def xlsx(rows) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _rewrite_member(data: bytes, name: str, change) -> bytes:
    """The same zip with member `name` passed through `change(bytes) -> bytes`."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == name:
                content = change(content)
            target.writestr(info.filename, content)
    return buffer.getvalue()


def xlsx_declaring(ref: str, rows=None) -> bytes:
    """A small workbook whose sheet claims to span `ref` (say A1:XFD20001) and ends with an
    empty row at its last line: openpyxl's read-only mode believes the tag and hands out every
    row up to there, each padded to the declared width."""
    rows = rows or [["name", "sector"], ["Acme", "government"], ["Beta", "business"]]
    last_row = int(re.sub(r"^\D+", "", ref.split(":")[-1]))

    def change(content: bytes) -> bytes:
        text = content.decode()
        tag = f'<dimension ref="{ref}"/>'
        if "<dimension" in text:
            text = re.sub(r"<dimension [^>]*/>", tag, text, count=1)
        else:
            text = text.replace("<sheetData", tag + "<sheetData", 1)
        return text.replace("</sheetData>", f'<row r="{last_row}"/></sheetData>', 1).encode()

    return _rewrite_member(xlsx(rows), "xl/worksheets/sheet1.xml", change)


def _bomb_member(data: bytes, name: str, head: bytes, unit: bytes, tail: bytes, size: int):
    """`data` with member `name` replaced by head + unit * n + tail, about `size` bytes once
    inflated, written in chunks so building it costs little memory."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for info in source.infolist():
            if info.filename != name:
                target.writestr(info.filename, source.read(info.filename))
                continue
            with target.open(name, "w", force_zip64=True) as member:
                member.write(head)
                chunk = unit * (1_048_576 // len(unit))
                for _ in range(size // len(chunk)):
                    member.write(chunk)
                member.write(tail)
    return buffer.getvalue()


def xlsx_bomb(size: int = 300 * 1024 * 1024) -> bytes:
    """An XLSX under a megabyte whose one row inflates to `size` bytes of cells."""
    head = (
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN_NS}">'
        '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>name</t></is></c>'
    ).encode()
    return _bomb_member(
        xlsx([["name"]]),
        "xl/worksheets/sheet1.xml",
        head,
        b"<c><v>1</v></c>",
        b"</row></sheetData></worksheet>",
        size,
    )


def docx(paragraphs) -> bytes:
    import docx as python_docx

    document = python_docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def docx_bomb(size: int = 300 * 1024 * 1024) -> bytes:
    """A DOCX under a megabyte whose body inflates to `size` bytes of paragraphs."""
    head = (
        f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{WORD_NS}"><w:body>'
    ).encode()
    return _bomb_member(
        docx(["x"]),
        "word/document.xml",
        head,
        b"<w:p><w:r><w:t>bomb</w:t></w:r></w:p>",
        b"</w:body></w:document>",
        size,
    )


def pdf_pages(count: int) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(count):
        writer.add_blank_page(width=72, height=72)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def csv_big_cell(size: int = 2 * 1024 * 1024, header: str = "text") -> bytes:
    return f"{header}\nA short statement\n{'x' * size}\n".encode()


def csv_many_columns(count: int = 1_000_000) -> bytes:
    return ("name" + ",x" * count + "\nAcme\n").encode()


def jsonl_huge_line(size: int = 20 * 1024 * 1024) -> bytes:
    return b'{"text": "fine"}\n{"text": "' + b"y" * size + b'"}\n'


# --- Meters --------------------------------------------------------------------------------


class TooMuchWorkError(Exception):
    """A meter's budget ran out: the reader did far more work than the file deserves."""


class WorkMeter:
    """Counts the bytes zipfile inflates and the spreadsheet cells openpyxl or our reader
    materialise while active; raises TooMuchWorkError past the budgets."""

    def __init__(self, *, max_inflated: int = 50_000_000, max_cells: int = 2_000_000):
        self.inflated = 0
        self.cells = 0
        self.max_inflated = max_inflated
        self.max_cells = max_cells

    def count_inflated(self, size: int) -> None:
        self.inflated += size
        if self.inflated > self.max_inflated:
            raise TooMuchWorkError(f"inflated more than {self.max_inflated} bytes")

    def count_cells(self, size: int) -> None:
        self.cells += size
        if self.cells > self.max_cells:
            raise TooMuchWorkError(f"materialised more than {self.max_cells} cells")


@contextlib.contextmanager
def metered(monkeypatch, **budgets):
    """A WorkMeter wired into zipfile (every inflated byte) and into openpyxl's read-only rows
    (every cell of every row it yields, padding included) and `core.tables._cell`."""
    from openpyxl.worksheet import _read_only

    from meshutaf.core import tables

    meter = WorkMeter(**budgets)
    read1 = zipfile.ZipExtFile._read1

    def counted_read1(self, n):
        data = read1(self, n)
        meter.count_inflated(len(data))
        return data

    cells_by_row = _read_only.ReadOnlyWorksheet._cells_by_row

    def counted_cells_by_row(self, *args, **kwargs):
        for row in cells_by_row(self, *args, **kwargs):
            meter.count_cells(len(row))
            yield row

    cell = tables._cell

    def counted_cell(value):
        meter.count_cells(1)
        return cell(value)

    monkeypatch.setattr(zipfile.ZipExtFile, "_read1", counted_read1)
    monkeypatch.setattr(_read_only.ReadOnlyWorksheet, "_cells_by_row", counted_cells_by_row)
    monkeypatch.setattr(tables, "_cell", counted_cell)
    yield meter


def xlsx_as_excel_writes_it(extra_strings: int = 0) -> bytes:
    """A workbook as Excel writes one (openpyxl writes inline strings): shared strings, a
    date by its style, a boolean and a number, and rows with gaps; with `extra_strings`
    more shared strings that no cell uses."""
    parts = {
        "[Content_Types].xml": (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
            '<Override PartName="/xl/styles.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            "</Types>"
        ),
        "_rels/.rels": (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<workbook xmlns="{MAIN_NS}" xmlns:r="http://schemas.openxmlformats.org/'
            'officeDocument/2006/relationships"><sheets>'
            '<sheet name="גיליון1" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/worksheet" Target="worksheets/sheet1.xml"/>'
            '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/sharedStrings" Target="sharedStrings.xml"/>'
            '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/styles" Target="styles.xml"/></Relationships>'
        ),
        "xl/styles.xml": (
            f'<styleSheet xmlns="{MAIN_NS}"><fonts count="1"><font><sz val="11"/></font></fonts>'
            '<fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
            '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border>'
            "</borders>"
            '<cellStyleXfs count="1"><xf/></cellStyleXfs><cellXfs count="2"><xf numFmtId="0"/>'
            '<xf numFmtId="14" applyNumberFormat="1"/></cellXfs><cellStyles count="1">'
            '<cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'
        ),
        "xl/sharedStrings.xml": (
            f'<sst xmlns="{MAIN_NS}" count="4" uniqueCount="4"><si><t>name</t></si>'
            "<si><t>since</t></si><si><t>משרד החינוך</t></si>"
            "<si><r><t>Rich </t></r><r><t>text</t></r></si>"
            + "".join(f"<si><t>s{number}</t></si>" for number in range(extra_strings))
            + "</sst>"
        ),
        "xl/worksheets/sheet1.xml": (
            f'<worksheet xmlns="{MAIN_NS}"><dimension ref="A1:D4"/><sheetData>'
            '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'
            '<row r="2"><c r="A2" t="s"><v>2</v></c><c r="B2" s="1"><v>45382</v></c>'
            '<c r="C2" t="b"><v>1</v></c><c r="D2"><v>2.5</v></c></row>'
            '<row r="4"><c r="A4" t="s"><v>3</v></c><c r="C4"/><c r="D4" s="1"/></row>'
            "</sheetData></worksheet>"
        ),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return buffer.getvalue()
