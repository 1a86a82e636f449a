"""The bounded readers every import shares: hostile tables are refused with a message, or read
without the work their declared size asks for (counted by `hostile.metered`)."""

import codecs
import io
import zipfile
from xml.etree import ElementTree

import pytest

from meshutaf.core import tables, uploads
from meshutaf.core.tables import TableFileError

from . import hostile


@pytest.fixture(scope="module")
def xlsx_bomb():
    return hostile.xlsx_bomb()


@pytest.mark.parametrize("ref", ["A1:XFD20001", "A1:XFD1048576"])
def test_declared_dimensions_are_ignored(monkeypatch, ref):
    data = hostile.xlsx_declaring(ref)
    assert len(data) < 6_000
    with hostile.metered(monkeypatch) as meter:
        headers, rows = tables.read_table(data, "list.xlsx", max_rows=20_000)
    assert headers == ["name", "sector"]
    assert rows == [["Acme", "government"], ["Beta", "business"]]
    assert meter.cells <= 6  # the six cells in the file, not 20,001 rows × 16,384 columns
    assert meter.items <= 2 * 6  # handed out as the reader's rows, then as the table


def test_a_cell_at_the_last_column_of_each_row_costs_one_cell_a_row(monkeypatch):
    data = hostile.xlsx_far_cells(40_000, "XFD")
    assert len(data) < 12_000
    with hostile.metered(monkeypatch) as meter:
        rows = list(tables.xlsx_rows(data, max_columns=tables.EXCEL_MAX_COLUMNS))
    assert len(rows) == 40_001
    assert rows[1] == ("Sheet", 2, [(16_384, "1")])
    assert meter.items == 40_001  # not 16,384 a row: 655 million for the file


def test_a_table_with_a_cell_past_the_columns_allowed_is_refused_at_once(monkeypatch):
    data = hostile.xlsx_far_cells(40_000, "XFD")
    with (
        hostile.metered(monkeypatch) as meter,
        pytest.raises(TableFileError, match="Row 2 has more than 256 columns"),
    ):
        tables.read_table(data, "posts.xlsx", max_rows=500_000)
    assert meter.items <= 1  # the header; row 2 is refused at its cell


def test_rows_padded_out_to_a_far_cell_are_counted_before_they_are_built(monkeypatch):
    # One cell at column IV (the 256th, allowed) on each row: 40,001 rows of 256 cells.
    data = hostile.xlsx_far_cells(40_000, "IV")
    with (
        hostile.metered(monkeypatch) as meter,
        pytest.raises(TableFileError) as refused,
    ):
        tables.read_table(data, "posts.xlsx", max_rows=500_000)
    message = (
        "The table has more than 10,000,000 cells (rows × columns, empty ones included); "
        "it cannot be read."
    )
    assert str(refused.value) == message
    assert meter.items <= 40_001  # the filled cells, not 10 million padded ones
    # Within the allowance the rows are padded as before, each to its last filled cell.
    rows = tables.read_rows(hostile.xlsx_far_cells(3, "C"), "l.xlsx", max_rows=10)
    assert rows == [["name"], ["", "", "1"], ["", "", "1"], ["", "", "1"]]


def test_a_wide_header_over_narrow_rows_is_refused_before_padding(monkeypatch):
    data = hostile.csv_wide_header(rows=50_000)
    assert len(data) < 150_000
    with hostile.metered(monkeypatch) as meter, pytest.raises(TableFileError, match="10,000,000"):
        tables.read_table(data, "posts.csv", max_rows=500_000)
    assert meter.items == 0  # not 50,001 rows × 256 columns
    headers, rows = tables.read_table(
        hostile.csv_wide_header(rows=3, columns=4), "p.csv", max_rows=5
    )
    assert headers == ["text", "c1", "c2", "c3"]
    assert rows == [["x", "", "", ""]] * 3


def test_the_command_line_import_is_allowed_cells_for_its_rows():
    assert tables.table_cells_allowed(20_000) == uploads.MAX_TABLE_CELLS
    assert tables.table_cells_allowed(500_000) == uploads.MAX_TABLE_CELLS
    assert tables.table_cells_allowed(5_000_000) == 100_000_000


def test_a_zip_bomb_is_refused_before_it_is_inflated(monkeypatch, xlsx_bomb):
    assert len(xlsx_bomb) < 1_500_000
    with hostile.metered(monkeypatch) as meter, pytest.raises(TableFileError) as refused:
        tables.read_table(xlsx_bomb, "list.xlsx", max_rows=20_000)
    assert "unpacks to more than 200.0" in str(refused.value)
    assert meter.inflated == 0


def test_a_workbook_as_excel_writes_it_keeps_its_values():
    headers, rows = tables.read_table(hostile.xlsx_as_excel_writes_it(), "x.xlsx", max_rows=10)
    assert headers == ["name", "since"]
    assert rows == [["משרד החינוך", "2024-03-31T00:00:00"], ["Rich text", ""]]
    rows = tables.read_rows(hostile.xlsx_as_excel_writes_it(), "x.xlsx", max_rows=10)
    assert rows[1] == ["משרד החינוך", "2024-03-31T00:00:00", "True", "2.5"]


def test_a_cell_with_data_past_the_columns_allowed_is_refused(monkeypatch):
    data = hostile.xlsx([["name"], ["Acme", *[""] * 300, "far away"]])
    with pytest.raises(TableFileError, match="Row 2 has more than 256 columns"):
        tables.read_table(data, "list.xlsx", max_rows=10)


def test_a_sheet_of_empty_cells_stops_at_the_element_budget(monkeypatch):
    empty_rows = "".join(f'<row r="{n}"><c r="A{n}" s="0"/></row>' for n in range(2, 3000))

    def change(content: bytes) -> bytes:
        return content.replace(b"</sheetData>", empty_rows.encode() + b"</sheetData>")

    data = hostile._rewrite_member(hostile.xlsx([["name"]]), "xl/worksheets/sheet1.xml", change)
    with pytest.raises(TableFileError, match="more than 5,000 cells"):
        list(tables.xlsx_rows(data, max_elements=5_000))


def test_a_two_megabyte_cell_is_refused_with_its_row():
    with pytest.raises(TableFileError) as refused:
        tables.read_table(hostile.csv_big_cell(), "list.csv", max_rows=10)
    assert str(refused.value) == "Row 3 has a cell longer than 100,000 characters."


def test_a_million_columns_are_refused():
    with pytest.raises(TableFileError, match="Row 1 has more than 256 columns"):
        tables.read_table(hostile.csv_many_columns(), "list.csv", max_rows=10)


def test_trailing_empty_cells_are_dropped():
    headers, rows = tables.read_table(
        b"name,sector" + b"," * 500_000 + b"\nAcme\n", "l.csv", max_rows=5
    )
    assert headers == ["name", "sector"]
    assert rows == [["Acme", ""]]


def test_nul_characters_are_cleaned_not_stored():
    _headers, rows = tables.read_table(
        b"name,sector\nAc\x00me,govern\x00ment\n", "l.csv", max_rows=5
    )
    assert rows == [["Acme", "government"]]
    with pytest.raises(TableFileError, match="does not look like a CSV"):
        tables.read_table(b"n\x00a\x00m\x00e\x00\n\x00", "l.csv", max_rows=5)


def test_excel_unicode_text_and_old_excel_files():
    utf16 = codecs.BOM_UTF16_LE + "שם\tמגזר\nעירייה\tרשות\n".encode("utf-16-le")
    assert tables.read_table(utf16, "list.txt", max_rows=5) == (
        ["שם", "מגזר"],
        [["עירייה", "רשות"]],
    )
    with pytest.raises(TableFileError, match=r"old Excel file \(.xls\)"):
        tables.read_table(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500, "l.xls", max_rows=5)


def test_a_json_array_is_held_to_the_bound_of_one_line(monkeypatch):
    data = hostile.json_array_of_empty_objects()
    with (
        hostile.metered(monkeypatch, memory=True) as meter,
        pytest.raises(TableFileError) as refused,
    ):
        tables.read_table(data, "posts.json", max_rows=500_000, json_lines=True)
    assert str(refused.value) == (
        "A JSON file that is one array can be at most 1000000 characters; write one object a "
        "line (JSON Lines) instead."
    )
    assert meter.peak_bytes < 60_000_000  # the text (twice), not 3 million objects (225 MB)
    headers, rows = tables.read_table(
        b'[{"text": "a", "n": 1}, {"text": "b"}]', "p.json", max_rows=5, json_lines=True
    )
    assert (headers, rows) == (["text", "n"], [["a", "1"], ["b", ""]])


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("p.jsonl", b'{"text": "a"}\n' + b"{}\n" * 10 + b'{"text": "b"}'),
        ("p.json", b'[{"text": "a"}' + b", {}" * 10 + b', {"text": "b"}]'),
        ("p.jsonl", b'{"text": "a"}\n' + b"\n" * 10 + b'{"text": "b"}'),
        ("p.csv", b"text\na\n" + b"\n" * 10 + b"b\n"),
    ],
    ids=["empty records", "empty records in an array", "blank lines", "blank CSV lines"],
)
def test_empty_records_and_lines_count_against_the_rows_allowed(name, data):
    # Three rows that hold something, and ten that cost as much to read.
    with pytest.raises(TableFileError, match="At most 11 rows"):
        tables.read_table(data, name, max_rows=11, json_lines=True)
    assert tables.read_table(data, name, max_rows=12, json_lines=True) == (
        ["text"],
        [["a"], ["b"]],
    )


def test_megabytes_of_blank_lines_stop_at_the_rows_allowed():
    with pytest.raises(TableFileError, match="At most 500000 rows"):
        tables.read_table(hostile.csv_blank_lines(10_000_000), "p.csv", max_rows=500_000)


def test_json_lines_records_are_kept_as_cells_not_objects(monkeypatch):
    data = hostile.jsonl_nested_objects(lines=10)
    with hostile.metered(monkeypatch, memory=True) as meter:
        headers, rows = tables.read_table(data, "posts.jsonl", max_rows=100, json_lines=True)
    assert headers[:3] == ["text", "n0", "n1"]
    assert len(rows) == 10
    assert rows[0][1].startswith("[{}, {}, ")
    assert meter.peak_bytes < 120_000_000  # one line's objects at a time, not ten (250 MB)


def test_a_huge_json_line_is_refused():
    with pytest.raises(TableFileError) as refused:
        tables.read_table(
            hostile.jsonl_huge_line(2_000_000), "posts.jsonl", max_rows=5, json_lines=True
        )
    assert str(refused.value) == "Line 2 is longer than 1000000 characters."


def test_json_nesting_too_deep_is_refused_not_a_crash():
    with pytest.raises(TableFileError, match="The JSON file cannot be read"):
        tables.read_table(b"[" * 100_000 + b"]" * 100_000, "p.jsonl", max_rows=5, json_lines=True)


def test_rows_past_the_limit_are_refused():
    with pytest.raises(TableFileError, match="At most 3 rows"):
        tables.read_table(b"name\n" + b"x\n" * 100, "l.csv", max_rows=3)


def test_a_zip_of_too_many_parts_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for number in range(uploads.MAX_ZIP_MEMBERS + 1):
            archive.writestr(f"p{number}", b"")
    with pytest.raises(uploads.UploadRefusedError, match="too many parts"):
        uploads.check_zip(buffer.getvalue())


def test_read_upload_reads_no_more_than_the_bound():
    upload = io.BytesIO(b"x" * 1000)
    assert uploads.read_upload(upload, 1000) == b"x" * 1000
    with pytest.raises(uploads.UploadRefusedError, match="larger than 99"):
        uploads.read_upload(upload, 99)
    assert upload.tell() == 100  # one byte past the bound, never the rest


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (hostile.xlsx_nested_in_cell, "Row 2 has a cell made of more than 1,000 parts"),
        (hostile.xlsx_nested_in_shared_string, "The file has a cell made of more than 1,000 parts"),
    ],
)
def test_a_cell_of_millions_of_elements_is_refused_at_its_thousandth(monkeypatch, build, message):
    data = build()
    assert len(data) < 15_000
    with (
        hostile.metered(monkeypatch, memory=True) as meter,
        pytest.raises(TableFileError, match=message),
    ):
        tables.read_table(data, "list.xlsx", max_rows=20_000)
    assert meter.inflated < 1_000_000  # the first elements, not 9.5 MB of them
    assert meter.peak_bytes < 20_000_000  # not 2.4 million elements kept (230 MB)


@pytest.mark.parametrize(("depth", "refused"), [(6, False), (7, True)])
def test_a_cell_nested_too_deep_is_refused(depth, refused):
    # A rich-text run's formatting is four deep inside its cell (is, r, rPr, b); six are read.
    nested = "<x>" * (depth - 1) + "<x/>" + "</x>" * (depth - 1)

    def change(content: bytes) -> bytes:
        return content.replace(b"</is></c></row>", f"</is>{nested}</c></row>".encode(), 1)

    data = hostile._rewrite_member(
        hostile.xlsx([["name"], ["Acme"]]), "xl/worksheets/sheet1.xml", change
    )
    if refused:
        with pytest.raises(TableFileError, match="Row 1 has a cell made of more than"):
            tables.read_table(data, "list.xlsx", max_rows=10)
    else:
        assert tables.read_table(data, "list.xlsx", max_rows=10) == (["name"], [["Acme"]])


def test_rich_text_of_many_runs_is_read(monkeypatch):
    runs = "".join(
        f'<r><rPr><b/><sz val="11"/><color theme="1"/><rFont val="Arial"/></rPr><t>{n} </t></r>'
        for n in range(100)
    )

    def change(content: bytes) -> bytes:
        return content.replace(b"<si><t>name</t></si>", f"<si>{runs}</si>".encode())

    data = hostile._rewrite_member(
        hostile.xlsx_as_excel_writes_it(), "xl/sharedStrings.xml", change
    )
    headers, _rows = tables.read_table(data, "x.xlsx", max_rows=10)
    assert headers[0] == " ".join(str(n) for n in range(100))


def test_elements_nested_a_million_deep_are_refused(monkeypatch):
    data = hostile.xlsx_nested_deep()
    with (
        hostile.metered(monkeypatch, memory=True) as meter,
        pytest.raises(TableFileError, match="nests its parts more than 256 deep"),
    ):
        list(tables.xlsx_rows(data))
    assert meter.peak_bytes < 20_000_000  # not 1.2 million open elements (340 MB)


def test_every_element_is_spent_from_the_budget():
    # Every element of the sheet and the shared strings: a cell's value too, which the old
    # count (cells and rows only) let through, a third of this sheet.
    data = hostile.xlsx_far_cells(2_000, "A")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        parts = ("xl/worksheets/sheet1.xml", "xl/sharedStrings.xml")
        names = [name for name in parts if name in archive.namelist()]
        parts_read = [ElementTree.fromstring(archive.read(n)) for n in names]  # noqa: S314 (ours)
        elements = sum(len(list(part.iter())) for part in parts_read)
    assert elements > 6_000
    assert len(list(tables.xlsx_rows(data, max_elements=elements))) == 2_001
    with pytest.raises(TableFileError, match=f"more than {elements - 1:,} cells or elements"):
        list(tables.xlsx_rows(data, max_elements=elements - 1))


def test_the_element_budget_of_a_table_import_is_bounded(monkeypatch):
    budgets = []
    xlsx_rows = tables.xlsx_rows

    def recorded(*args, max_elements, **kwargs):
        budgets.append(max_elements)
        return xlsx_rows(*args, max_elements=max_elements, **kwargs)

    monkeypatch.setattr(tables, "xlsx_rows", recorded)
    data = hostile.xlsx([["name"], ["Acme"]])
    for max_rows in (2_000, 20_000, 500_000, 5_000_000):
        tables.read_table(data, "l.xlsx", max_rows=max_rows)
    assert budgets == [2_001 * 256, *[uploads.MAX_XML_ELEMENTS] * 3]


def test_shared_strings_are_read_within_the_budget(monkeypatch):
    data = hostile.xlsx_as_excel_writes_it(extra_strings=20_000)
    with hostile.metered(monkeypatch) as meter, pytest.raises(TableFileError) as refused:
        list(tables.xlsx_rows(data, max_elements=10_000))
    message = "The file holds more than 10,000 cells or elements; it cannot be read."
    assert str(refused.value) == message
    assert meter.inflated < 300_000  # the first strings, not all of them


def test_the_parts_read_whole_are_walked_within_a_budget_of_their_own(monkeypatch):
    # Under 10 MB unpacked (any ratio) and 16 MB (a part read whole): 15 KB packed.
    def change(content: bytes) -> bytes:
        return content.replace(b"</styleSheet>", b"<x/>" * 1_100_000 + b"</styleSheet>")

    data = hostile._rewrite_member(hostile.xlsx([["name"]]), "xl/styles.xml", change)
    assert len(data) < 20_000
    with (
        hostile.metered(monkeypatch) as meter,
        pytest.raises(TableFileError, match="more than 1,000,000 cells or elements"),
    ):
        tables.read_table(data, "list.xlsx", max_rows=10)
    assert meter.inflated < 4_500_000  # walked to the millionth element, never built whole


def test_the_theme_and_external_links_are_not_read(monkeypatch):
    # Parts that no value needs and that openpyxl would read whole, each 8 MB unpacked.
    filler = b"<x/>" * 2_000_000
    source = zipfile.ZipFile(io.BytesIO(hostile.xlsx([["name"], ["Acme"]])))
    buffer = io.BytesIO()
    relationship = (
        b'<Relationship Id="rId9" Target="externalLinks/externalLink1.xml" Type="http://'
        b'schemas.openxmlformats.org/officeDocument/2006/relationships/externalLink"/>'
    )
    reference = (
        b'<externalReferences><externalReference xmlns:r="http://schemas.openxmlformats.org/'
        b'officeDocument/2006/relationships" r:id="rId9"/></externalReferences>'
    )
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "xl/theme/theme1.xml":
                content = b"<theme>" + filler + b"</theme>"
            elif info.filename == "xl/_rels/workbook.xml.rels":
                content = content.replace(b"</Relationships>", relationship + b"</Relationships>")
            elif info.filename == "xl/workbook.xml":
                content = content.replace(b"</sheets>", b"</sheets>" + reference)
            target.writestr(info.filename, content)
        target.writestr(
            "xl/externalLinks/_rels/externalLink1.xml.rels",
            b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            b'<Relationship Id="rId1" Target="other.xlsx" TargetMode="External" Type="http://'
            b'schemas.openxmlformats.org/officeDocument/2006/relationships/externalLinkPath"/>'
            b"</Relationships>",
        )
        target.writestr(
            "xl/externalLinks/externalLink1.xml",
            b'<externalLink xmlns="'
            + hostile.MAIN_NS.encode()
            + b'">'
            + filler
            + b"</externalLink>",
        )
    data = buffer.getvalue()
    assert b"externalReference" in zipfile.ZipFile(io.BytesIO(data)).read("xl/workbook.xml")
    with hostile.metered(monkeypatch) as meter:
        assert tables.read_table(data, "list.xlsx", max_rows=10) == (["name"], [["Acme"]])
    assert meter.inflated < 1_000_000  # not the 16 MB of those two parts


def test_a_part_read_whole_must_be_small(monkeypatch):
    formats = "".join(f'<numFmt numFmtId="{n}" formatCode="0.{n}"/>' for n in range(400_000))

    def change(content: bytes) -> bytes:
        return content.replace(b'<numFmts count="0"/>', f"<numFmts>{formats}</numFmts>".encode())

    data = hostile._rewrite_member(hostile.xlsx([["name"]]), "xl/styles.xml", change)
    with (
        hostile.metered(monkeypatch, max_inflated=2_000_000) as meter,
        pytest.raises(TableFileError, match=r"A part of the file is larger than 16\.0"),
    ):
        tables.read_table(data, "list.xlsx", max_rows=10)
    assert meter.inflated < 100_000
