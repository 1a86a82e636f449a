"""The three files: print HTML (lang, dir, the chart), DOCX (right to left in Hebrew and
Arabic, read back with python-docx) and PDF (read back with pypdf)."""

import datetime
import io
import re
import sys
from pathlib import Path

import docx
import pytest
from django.conf import settings
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
    assert '<svg viewBox="0 0 720 284" class="chart" role="img"' in html
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


def test_chart_svg_holds_numbers_only(summary):
    """Words go in HTML under the picture: WeasyPrint draws SVG text letter by letter, left to
    right, so "רבעון" printed as "ןועבר" (reports/charts.py)."""
    for language in ("he", "ar", "en"):
        html = render.render_html(summary, language=language)
        svg = html[html.index('<svg viewBox="0 0 720') :]
        svg = svg[: svg.index("</svg>")]
        drawn = re.findall(r"<text[^>]*>([^<]*)</text>", svg)
        assert drawn
        assert all(text.isdigit() for text in drawn), drawn
        labels = html[html.index('<div class="chart-labels"') :]
        labels = labels[: labels.index("</div>")]
        assert labels.count("<td>") == len(summary.periods)
    assert "<span>ינואר 2024</span>" not in html  # short labels under the bars
    hebrew = render.render_html(summary, language="he")
    assert "<span>01/24</span>" in hebrew


def test_the_label_row_lines_up_with_the_bars(summary):
    """The CSS padding of the label row is the chart's margins, in percent of its width."""
    chart = render.summary_context(summary)["chart"]
    start, end = chart["label_margins"]
    for stylesheet in (
        Path(render.__file__).parent / "templates" / "reports" / "_print.css",
        Path(settings.BASE_DIR) / "static" / "css" / "meshutaf.css",
    ):
        css = stylesheet.read_text()
        assert f"padding-inline-start: {start:g}%; padding-inline-end: {end:g}%" in css, stylesheet


def test_html_without_activity_leaves_out_empty_sections(initiative):
    empty = initiative_summary(initiative=initiative, date_from=FROM, date_to=TO)
    html = render.render_html(empty, language="en")
    assert "<svg viewBox" not in html
    assert "Nothing was recorded in this period" in html
    assert html.count("<h2") == 1  # at a glance, with its zeros
    for heading in ("Phases", "Meetings held", "Attendance by sector", "Decisions", "Key insights"):
        assert f">{heading}</h2>" not in html


def test_html_leaves_out_only_the_empty_parts(history):
    """Decisions but no action items closed: the section is there, its empty part is not."""
    summary = initiative_summary(
        initiative=history.initiative,
        date_from=datetime.date(2024, 1, 15),
        date_to=datetime.date(2024, 1, 31),
    )
    html = render.render_html(summary, language="en")
    assert ">Decisions</h2>" in html
    assert ">Opened in this period</h3>" in html
    assert ">Closed in this period</h3>" not in html
    assert "Nothing was recorded" not in html
    assert "No action items were closed" not in html


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


def test_docx_leaves_out_empty_sections(initiative):
    empty = initiative_summary(initiative=initiative, date_from=FROM, date_to=TO)
    document = _open(render.render_docx(empty, language="en"))
    headings = [
        paragraph.text
        for paragraph in document.paragraphs
        if paragraph.style.name.startswith("Heading")
    ]
    assert headings == ["At a glance"]
    assert any("Nothing was recorded" in paragraph.text for paragraph in document.paragraphs)
