"""The bounded readers every import shares: hostile tables are refused with a message, or read
without the work their declared size asks for (counted by `hostile.metered`)."""

import codecs
import io
import zipfile

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


def test_shared_strings_are_read_within_the_budget(monkeypatch):
    data = hostile.xlsx_as_excel_writes_it(extra_strings=20_000)
    with hostile.metered(monkeypatch) as meter, pytest.raises(TableFileError) as refused:
        list(tables.xlsx_rows(data, max_elements=10_000))
    message = "The file holds more than 10,000 cells or elements; it cannot be read."
    assert str(refused.value) == message
    assert meter.inflated < 300_000  # the first strings, not all of them


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
