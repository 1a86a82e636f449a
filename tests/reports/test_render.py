"""The three files: print HTML (lang, dir, the chart), DOCX (right to left in Hebrew and
Arabic, read back with python-docx) and PDF (read back with pypdf)."""

import io
import sys

import docx
import pytest
from docx.oxml.ns import qn
from pypdf import PdfReader

from meshutaf.reports import render
from meshutaf.reports.selectors import initiative_summary

from .conftest import FROM, TO


@pytest.fixture
def summary(history):
    return initiative_summary(initiative=history.initiative, date_from=FROM, date_to=TO)


@pytest.mark.parametrize(("language", "direction"), [("he", "rtl"), ("ar", "rtl"), ("en", "ltr")])
def test_html_is_a_standalone_print_document(summary, language, direction):
    html = render.render_html(summary, language=language)
    assert html.startswith("<!doctype html>")
    assert f'<html lang="{language}" dir="{direction}">' in html
    assert "@page" in html
    assert "size: A4" in html
    assert "break-before: page" in html
    assert '<svg viewBox="0 0 720 320" class="chart" role="img"' in html
    assert 'id="report-chart-title"' in html
    assert 'id="report-chart-desc"' in html
    assert "Roundtable Alpha" in html
    assert "Residents trust the municipality" in html
    assert "<nav" not in html  # no site navigation
    assert "<link" not in html
    assert "<script" not in html


def test_html_in_english_and_hebrew_is_translated(summary):
    english = render.render_html(summary, language="en")
    assert "Summary report" in english
    assert "Attendance by sector" in english
    assert "January 2024" in english  # a month, in the report's language
    hebrew = render.render_html(summary, language="he")
    assert "ינואר 2024" in hebrew


def test_html_without_attendance_has_no_chart(initiative):
    empty = initiative_summary(initiative=initiative, date_from=FROM, date_to=TO)
    html = render.render_html(empty, language="en")
    assert "<svg viewBox" not in html
    assert "No attendance was recorded in this period." in html
    assert "No meetings were held in this period." in html


def test_user_text_is_escaped(history, summary):
    history.meetings[0].title = "<script>alert(1)</script>"
    history.meetings[0].save()
    again = initiative_summary(initiative=history.initiative, date_from=FROM, date_to=TO)
    html = render.render_html(again, language="en")
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;" in html


def _open(data: bytes):
    return docx.Document(io.BytesIO(data))


def test_docx_in_hebrew_is_right_to_left(summary):
    document = _open(render.render_docx(summary, language="he"))
    body = document.element.body
    paragraphs = list(body.iter(qn("w:p")))
    assert paragraphs
    for paragraph in paragraphs:
        assert paragraph.pPr is not None
        assert paragraph.pPr.find(qn("w:bidi")) is not None
    runs = list(body.iter(qn("w:r")))
    assert runs
    assert all(run.rPr is not None and run.rPr.find(qn("w:rtl")) is not None for run in runs)
    assert document.tables
    assert all(table._tbl.tblPr.find(qn("w:bidiVisual")) is not None for table in document.tables)
    assert body.find(qn("w:sectPr")).find(qn("w:bidi")) is not None
    assert document.core_properties.language == "he-IL"
    assert "שולחן עגול לחינוך" in document.core_properties.title
    text = "\n".join(paragraph.text for paragraph in document.paragraphs)
    assert "פורום שותפים" in text  # a phase, as written


def test_docx_tables_hold_the_numbers(summary):
    document = _open(render.render_docx(summary, language="en"))
    cells = {cell.text for table in document.tables for row in table.rows for cell in row.cells}
    assert {"Roundtable Alpha", "Adopt the action framework", "Map the residents"} <= cells
    assert "2 (66.7%)" in cells  # January's government attendance and share
    assert "January 2024" in cells
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert "Attendance by sector" in headings
    assert "Overdue at the end of the period" in headings


def test_docx_in_english_is_left_to_right(summary):
    document = _open(render.render_docx(summary, language="en"))
    assert document.core_properties.language == "en"
    assert not list(document.element.body.iter(qn("w:bidi")))


def test_docx_survives_control_characters(history):
    history.meetings[0].title = "Bad\x0bchars\x1f"
    history.meetings[0].save()
    summary = initiative_summary(initiative=history.initiative, date_from=FROM, date_to=TO)
    document = _open(render.render_docx(summary, language="ar"))
    cells = {cell.text for table in document.tables for row in table.rows for cell in row.cells}
    assert "Badchars" in cells


def test_pdf(summary):
    data = render.render_pdf(summary, language="he")
    assert data.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) >= 1
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    # Hebrew may come out in visual order; Latin words and numbers come out as written.
    assert "Roundtable Alpha" in text
    assert "2024" in text


def test_pdf_without_weasyprint_says_why(summary, monkeypatch):
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # makes the import fail
    with pytest.raises(render.ReportUnavailableError, match="PDF reports cannot be made"):
        render.render_pdf(summary, language="en")


def test_filename_is_ascii(summary):
    name = render.report_filename(summary, "pdf")
    assert name == f"initiative-{summary.initiative.pk}-report-2024-01-01-2024-06-30.pdf"
    assert name.isascii()
