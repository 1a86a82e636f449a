"""Hostile files for the upload limits: small files that cost a careless reader minutes and
gigabytes. Built here, in memory, for the tests and for `bench/hostile_files.py`, together with
meters that count the work a reader does (cells materialised, bytes inflated) and stop a
reader that does far too much, so a test of the old behaviour fails fast instead of hanging."""

import contextlib
import io
import re
import tracemalloc
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


def xlsx_far_cells(rows: int = 40_000, column: str = "XFD") -> bytes:
    """A workbook with a header and `rows` rows that each hold one number at `column` (XFD is
    Excel's last, the 16,384th): 9 KB for 40,000 rows, and a reader that pads every row out
    to its last cell builds 16,384 cells a row. (The rows carry no number, so they are
    numbered in turn; every cell names row 2, which no reader believes over its row.)"""
    body = f'<row><c r="{column}2"><v>1</v></c></row>' * rows
    sheet = (
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN_NS}"><sheetData>'
        '<row r="1"><c r="A1" t="inlineStr"><is><t>name</t></is></c></row>'
        f"{body}</sheetData></worksheet>"
    ).encode()
    return _rewrite_member(xlsx([["name"]]), "xl/worksheets/sheet1.xml", lambda _old: sheet)


def xlsx_nested_in_cell(size: int = 9_500_000) -> bytes:
    """A 14 KB workbook with one cell holding some 2.4 million empty elements (`size` bytes of
    `<x/>`): a reader that keeps a cell's children until the cell ends holds them all."""
    head = (
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN_NS}"><sheetData>'
        '<row r="1"><c r="A1" t="inlineStr"><is><t>name</t></is></c></row>'
        '<row r="2"><c r="A2" t="inlineStr"><is><t>Acme</t></is>'
    ).encode()
    tail = b"</c></row></sheetData></worksheet>"
    return _bomb_member(xlsx([["name"]]), "xl/worksheets/sheet1.xml", head, b"<x/>", tail, size)


def xlsx_nested_in_shared_string(size: int = 9_500_000) -> bytes:
    """The same inside a shared string (`<si>`) that no cell even uses."""
    head = (
        f'<sst xmlns="{MAIN_NS}"><si><t>name</t></si><si><t>since</t></si>'
        "<si><t>משרד החינוך</t></si><si><r><t>Rich </t></r><r><t>text</t></r></si><si>"
    ).encode()
    return _bomb_member(
        xlsx_as_excel_writes_it(), "xl/sharedStrings.xml", head, b"<x/>", b"</si></sst>", size
    )


def xlsx_nested_deep(depth: int = 1_200_000) -> bytes:
    """A sheet with `depth` elements each inside the one before (under the 10 MB a member may
    unpack to at any ratio): every one stays open, and in memory, until the innermost ends."""
    head = (
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN_NS}"><sheetData>'
        '<row r="1"><c r="A1" t="inlineStr"><is><t>name</t></is></c></row></sheetData>'
        "<extLst>"
    ).encode()
    return _deep_member(
        xlsx([["name"]]), "xl/worksheets/sheet1.xml", head, b"</extLst></worksheet>", depth
    )


def docx_nested_deep(depth: int = 1_200_000) -> bytes:
    head = (
        f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{WORD_NS}"><w:body>'
        "<w:p><w:r><w:t>Before</w:t></w:r></w:p>"
    ).encode()
    return _deep_member(docx(["x"]), "word/document.xml", head, b"</w:body></w:document>", depth)


def _deep_member(data: bytes, name: str, head: bytes, tail: bytes, depth: int) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for info in source.infolist():
            if info.filename != name:
                target.writestr(info.filename, source.read(info.filename))
                continue
            with target.open(name, "w") as member:
                member.write(head)
                for part in (b"<x>", b"</x>"):
                    chunk = part * 100_000
                    for _ in range(depth // 100_000):
                        member.write(chunk)
                member.write(tail)
    return buffer.getvalue()


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


def json_array_of_empty_objects(size: int = 9_000_000) -> bytes:
    """`[{},{},…]`: three million records that hold nothing, loaded whole by a careless
    reader (some 225 MB for 9 MB) and then skipped as empty rows."""
    return b"[" + b"{}," * (size // 3) + b"{}]"


def jsonl_nested_objects(lines: int = 50, keys: int = 13, objects: int = 24_000) -> bytes:
    """JSON Lines whose lines are each just under the line bound and hold `keys` lists of
    `objects` empty objects (each list a cell just under the cell bound once written out): some
    25 MB of Python objects a line, so a reader that keeps its first records whole, to find
    the columns, holds over a gigabyte for 50 lines."""
    nested = b"[" + b"{}," * (objects - 1) + b"{}]"
    fields = b", ".join(b'"n%d": %s' % (number, nested) for number in range(keys))
    return (b'{"text": "fine", ' + fields + b"}\n") * lines


def csv_wide_header(rows: int = 500_000, columns: int = 256) -> bytes:
    """A header of `columns` names over `rows` rows of one cell: 1 MB, and a reader that pads
    every row to the header's width builds 128 million cells."""
    header = ",".join(["text", *(f"c{n}" for n in range(1, columns))])
    return (header + "\n" + "x\n" * rows).encode()


def csv_blank_lines(size: int = 50_000_000) -> bytes:
    """A header, one row, and `size` bytes of empty lines, each a row the reader walks."""
    return b"text\nhello\n" + b"\n" * size


# --- Meters --------------------------------------------------------------------------------


class TooMuchWorkError(Exception):
    """A meter's budget ran out: the reader did far more work than the file deserves."""


class WorkMeter:
    """Counts the bytes zipfile inflates, the spreadsheet cells openpyxl or our reader
    materialise while active (`cells`: values converted), the cells in the rows the readers
    hand out (`items`: padding included, the rows of `tables.xlsx_rows` and the tables of
    `tables.read_table`), and with `memory=True` the peak of memory allocated (`peak_bytes`,
    by tracemalloc); raises TooMuchWorkError past the budgets."""

    def __init__(
        self,
        *,
        max_inflated: int = 50_000_000,
        max_cells: int = 2_000_000,
        max_items: int = 2_000_000,
    ):
        self.inflated = 0
        self.cells = 0
        self.items = 0
        self.peak_bytes = 0
        self.max_inflated = max_inflated
        self.max_cells = max_cells
        self.max_items = max_items

    def count_inflated(self, size: int) -> None:
        self.inflated += size
        if self.inflated > self.max_inflated:
            raise TooMuchWorkError(f"inflated more than {self.max_inflated} bytes")

    def count_cells(self, size: int) -> None:
        self.cells += size
        if self.cells > self.max_cells:
            raise TooMuchWorkError(f"materialised more than {self.max_cells} cells")

    def count_items(self, size: int) -> None:
        self.items += size
        if self.items > self.max_items:
            raise TooMuchWorkError(f"handed out rows of more than {self.max_items} cells")


@contextlib.contextmanager
def metered(monkeypatch, *, memory: bool = False, **budgets):
    """A WorkMeter wired into zipfile (every inflated byte), into openpyxl's read-only rows
    (every cell of every row it yields, padding included), `core.tables._cell`, the rows of
    `core.tables.xlsx_rows` and the tables `core.tables.read_table` returns; with `memory`,
    tracemalloc records the peak (slow: use it on small files or on refusals)."""
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

    xlsx_rows = tables.xlsx_rows

    def counted_xlsx_rows(*args, **kwargs):
        rows = xlsx_rows(*args, **kwargs)
        try:
            for sheet, number, row in rows:
                meter.count_items(len(row))
                yield sheet, number, row
        finally:
            rows.close()

    read_table = tables.read_table

    def counted_read_table(*args, **kwargs):
        headers, rows = read_table(*args, **kwargs)
        meter.count_items(len(headers) + sum(len(row) for row in rows))
        return headers, rows

    monkeypatch.setattr(zipfile.ZipExtFile, "_read1", counted_read1)
    monkeypatch.setattr(_read_only.ReadOnlyWorksheet, "_cells_by_row", counted_cells_by_row)
    monkeypatch.setattr(tables, "_cell", counted_cell)
    monkeypatch.setattr(tables, "xlsx_rows", counted_xlsx_rows)
    monkeypatch.setattr(tables, "read_table", counted_read_table)
    if not memory:
        yield meter
        return
    tracemalloc.start()
    try:
        yield meter
    finally:
        meter.peak_bytes = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()


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
