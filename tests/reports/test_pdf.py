"""The PDF as a reader gets it: its text read back with poppler's `pdftotext` (Hebrew and
Arabic words in logical order, the grand total once) and its pages counted with pypdf."""

import datetime
import io
import re
import shutil
import subprocess

import pytest
from pypdf import PdfReader

from meshutaf.reports import render
from meshutaf.reports.selectors import initiative_summary
from tests.factories import InitiativeFactory

from .factories import AttendanceFactory, MeetingFactory, local

SECTORS = ["government", "local_authority", "civil_society", "business", "academia"]


def pdf_text(data: bytes) -> str:
    """The PDF's text in reading order, one string per page joined by form feeds."""
    if shutil.which("pdftotext") is None:
        pytest.skip(
            "pdftotext is not installed, so the PDF's text cannot be checked "
            "(Debian: apt-get install poppler-utils)"
        )
    result = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"],  # noqa: S607 (found on PATH above)
        input=data,
        capture_output=True,
        check=True,
    )
    return result.stdout.decode()


def page_count(data: bytes) -> int:
    return len(PdfReader(io.BytesIO(data)).pages)


@pytest.fixture
def quarterly(initiative):
    """Eleven years of quarterly meetings: the chart is drawn by quarter and the attendance
    table runs over more than one page."""
    for year in range(2014, 2025):
        for month in (2, 5, 8, 11):
            meeting = MeetingFactory(initiative=initiative, starts_at=local(year, month, 10))
            for index, sector in enumerate(SECTORS):
                for _ in range((year + month + index) % 3 + 1):
                    AttendanceFactory(meeting=meeting, sector=sector)
    return initiative_summary(
        initiative=initiative,
        date_from=datetime.date(2014, 1, 1),
        date_to=datetime.date(2024, 12, 31),
    )


def test_hebrew_chart_labels_read_in_logical_order(quarterly):
    """WeasyPrint draws SVG text one character at a time, left to right, so a Hebrew label
    drawn inside the chart's SVG came out as "ןועבר 1 2014"."""
    text = pdf_text(render.render_pdf(quarterly, language="he"))
    assert "ןועבר" not in text  # "רבעון" drawn backwards
    # Every quarter's label under the chart, and the table's rows, read as written.
    assert len(re.findall(r"רבעון\W*\d", text)) > 44
    for sector in ("ממשלה", "רשות מקומית", "חברה אזרחית"):
        assert sector in text
        assert sector[::-1] not in text


def test_arabic_chart_labels_read_in_logical_order(quarterly):
    text = pdf_text(render.render_pdf(quarterly, language="ar"))
    # Drawn letter by letter, Arabic also lost its joining; read back it came out reversed.
    assert "عبرلا" not in text
    assert len(re.findall("الربع", text)) > 44


def test_grand_total_is_printed_once(quarterly):
    data = render.render_pdf(quarterly, language="en")
    pages = pdf_text(data).split("\f")
    table_pages = [number for number, page in enumerate(pages) if re.search(r"Q\d 20\d\d", page)]
    assert len(set(table_pages)) >= 2, "the table should run over pages for this test to bite"
    assert sum(page.count("Whole period") for page in pages) == 1
    # At the end of the table, after its last row.
    last = pages[table_pages[-1]]
    assert last.index("Whole period") > last.rindex("Q4 2024")


@pytest.mark.parametrize("language", ["he", "en"])
def test_a_new_initiative_fits_on_a_page_or_two(db, language):
    """Nothing recorded yet: no heading with "nothing here" under it, no page per section."""
    initiative = InitiativeFactory()
    summary = initiative_summary(
        initiative=initiative,
        date_from=datetime.date(2026, 1, 1),
        date_to=datetime.date(2026, 1, 1),
    )
    data = render.render_pdf(summary, language=language)
    assert page_count(data) <= 2
    text = pdf_text(data)
    assert "No decisions were recorded" not in text
    assert "לא נרשמו החלטות" not in text
