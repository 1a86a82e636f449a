"""The summary report as files: a print-ready HTML document, a Word document (DOCX) and a PDF
made from the same HTML. Each renders in the language it is given, right to left for he/ar."""

from __future__ import annotations

import io

from django.template.loader import render_to_string
from django.utils import formats, translation
from django.utils.translation import get_language_bidi, get_language_info
from django.utils.translation import gettext as _

from meshutaf.core.docx import language_tag, make_right_to_left, xml_text

from . import charts
from .selectors import Summary

CONTENT_TYPES = {
    "html": "text/html; charset=utf-8",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}
FORMATS = tuple(CONTENT_TYPES)


class ReportUnavailableError(Exception):
    """The report cannot be made in this format on this machine; the message says why."""


def _is_rtl(language: str) -> bool:
    return bool(get_language_info(language)["bidi"])


def summary_context(summary: Summary) -> dict:
    """What the report templates need, in the active language."""
    chart = chart_narrow = None
    if summary.attendance_total:
        # Two drawings: the wide one for screens and paper, the narrow one for phones.
        chart, chart_narrow = (
            charts.stacked_bars(
                labels=[period.short_label for period in summary.periods],
                series=list(zip(summary.sectors, summary.sector_labels, strict=True)),
                values=[[cell.count for cell in period.cells] for period in summary.periods],
                rtl=get_language_bidi(),
                width=width,
                height=height,
            )
            for width, height in ((charts.WIDTH, charts.HEIGHT), (charts.NARROW_WIDTH, 240))
        )
    return {
        "summary": summary,
        "chart": chart,
        "chart_narrow": chart_narrow,
        "figures": figures(summary),
    }


def report_title(summary: Summary) -> str:
    return _("Summary report: %(name)s") % {"name": summary.initiative.name}


def report_period(summary: Summary) -> str:
    return _("From %(start)s to %(end)s") % {
        "start": formats.date_format(summary.date_from, "DATE_FORMAT"),
        "end": formats.date_format(summary.date_to, "DATE_FORMAT"),
    }


def report_filename(summary: Summary, file_format: str) -> str:
    """ASCII only, so it survives every browser and file system."""
    return (
        f"initiative-{summary.initiative.pk}-report-"
        f"{summary.date_from.isoformat()}-{summary.date_to.isoformat()}.{file_format}"
    )


def render_html(summary: Summary, *, language: str) -> str:
    """A standalone document for printing: its own styles, no site navigation."""
    with translation.override(language):
        context = summary_context(summary)
        context.update(
            language=language,
            direction="rtl" if _is_rtl(language) else "ltr",
            title=report_title(summary),
            period=report_period(summary),
        )
        return render_to_string("reports/summary_print.html", context)


def _refuse_fetch(url: str, *args, **kwargs):
    # The document is self-contained; nothing it holds may make the server fetch a URL.
    raise ValueError(f"report PDFs load no external resources ({url[:80]})")


def render_pdf(summary: Summary, *, language: str) -> bytes:
    """The print document through WeasyPrint (which needs Pango and HarfBuzz installed)."""
    try:
        from weasyprint import HTML
    except (ImportError, OSError) as error:
        raise ReportUnavailableError(
            _(
                "PDF reports cannot be made on this server: the PDF library or the system "
                "libraries it needs are missing. Download the HTML version and print it to PDF."
            )
        ) from error
    document = render_html(summary, language=language)
    return HTML(string=document, url_fetcher=_refuse_fetch).write_pdf()


# Characters XML 1.0 forbids; a pasted text holding one would make the DOCX unreadable.


def _date(value) -> str:
    return formats.date_format(value, "SHORT_DATE_FORMAT") if value else "—"


class _DocxWriter:
    """Builds the Word version section by section."""

    def __init__(self, summary: Summary, *, rtl: bool):
        from docx import Document
        from docx.shared import Pt

        self.summary = summary
        self.rtl = rtl
        self.document = Document()
        self.small = Pt(9)

    def heading(self, text: str, level: int) -> None:
        self.document.add_heading(xml_text(text), level=level)

    def paragraph(self, text: str, *, bold: bool = False) -> None:
        paragraph = self.document.add_paragraph()
        run = paragraph.add_run(xml_text(text))
        run.bold = bold or None

    def empty(self, text: str) -> None:
        paragraph = self.document.add_paragraph()
        paragraph.add_run(xml_text(text)).italic = True

    def table(self, headers: list[str], rows: list[list], *, small: bool = False) -> None:
        from docx.oxml import OxmlElement

        table = self.document.add_table(rows=1, cols=len(headers))
        table.style = "Table Grid"
        header_row = table.rows[0]
        # Repeat the header row on every page the table runs over.
        header_row._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
        for cell, text in zip(header_row.cells, headers, strict=True):
            cell.paragraphs[0].add_run(xml_text(text)).bold = True
        for values in rows:
            cells = table.add_row().cells
            for cell, value in zip(cells, values, strict=True):
                cell.text = xml_text(value)
        if small:
            for row in table.rows:
                for cell in row.cells:
                    for paragraph in cell.paragraphs:
                        for run in paragraph.runs:
                            run.font.size = self.small
        self.document.add_paragraph()

    def build(self) -> None:
        summary = self.summary
        self.document.add_heading(xml_text(report_title(summary)), level=0)
        self.paragraph(report_period(summary), bold=True)
        self.paragraph(
            _("Made on %(date)s.")
            % {"date": formats.date_format(summary.generated_at.date(), "DATE_FORMAT")}
        )

        self.heading(_("At a glance"), 1)
        self.table(
            [_("Figure"), _("Number")],
            [[label, value] for label, value in figures(summary)],
        )

        if not summary.has_content:
            self.empty(
                _(
                    "Nothing was recorded in this period: no meetings held, no phases, "
                    "decisions, action items or key insights."
                )
            )

        for card in summary.scorecards:
            self.heading(
                _("Scorecard: %(name)s (version %(version)s)")
                % {"name": card.name, "version": card.version},
                1,
            )
            self.paragraph(
                _(
                    "The latest value for the whole area up to the end of the period, as you "
                    "may see it: values a partner has not agreed to share with you are left "
                    "out, and small numbers are hidden."
                )
            )
            self.table(
                [_("Indicator"), _("Latest value"), _("Target"), _("Verdict")],
                [
                    [
                        f"{line.code} {line.name}",
                        f"{line.latest} ({line.period})" if line.period else line.latest,
                        line.target,
                        line.verdict or line.note or "—",
                    ]
                    for line in card.lines
                ],
            )

        # A section with nothing in it is left out: the figures above already say "0".
        if summary.phases:
            self.heading(_("Phases"), 1)
            for phase in summary.phases:
                self.heading(phase.name, 2)
                if phase.start_date or phase.end_date:
                    self.paragraph(f"{_date(phase.start_date)} – {_date(phase.end_date)}")
                if phase.goals:
                    self.paragraph(_("Goals:"), bold=True)
                    self.paragraph(phase.goals)
                if phase.outcome_summary:
                    self.paragraph(_("Outcome:"), bold=True)
                    self.paragraph(phase.outcome_summary)

        if summary.meetings:
            self.heading(_("Meetings held"), 1)
            self.table(
                [_("Date"), _("Meeting"), _("Kind"), _("Attendance")],
                [
                    [_date(row.date), row.title, row.kind_label, row.attendance_count]
                    for row in summary.meetings
                ],
            )

        if summary.attendance_total:
            self.heading(_("Attendance by sector"), 1)
            self.paragraph(
                _("Attendances per %(period)s; the share of the period's attendance in brackets.")
                % {"period": granularity_name(summary.granularity)}
            )
            self.table(
                [_("Period"), *summary.sector_labels, _("Total")],
                [
                    [
                        period.label,
                        *[f"{cell.count} ({cell.share:g}%)" for cell in period.cells],
                        period.total,
                    ]
                    for period in summary.periods
                ]
                + [
                    [
                        _("Whole period"),
                        *[f"{cell.count} ({cell.share:g}%)" for cell in summary.sector_totals],
                        summary.attendance_total,
                    ]
                ],
                small=len(summary.sectors) > 4,
            )

        if summary.decisions:
            self.heading(_("Decisions"), 1)
            self.table(
                [_("Date"), _("Meeting"), _("Decision")],
                [[_date(row.date), row.meeting_title, row.text] for row in summary.decisions],
            )

        if summary.actions_opened or summary.actions_closed or summary.actions_overdue:
            self.heading(_("Action items"), 1)
        if summary.actions_opened:
            self.heading(_("Opened in this period"), 2)
            self.table(
                [_("Action item"), _("Owner"), _("Due"), _("Status now"), _("Meeting")],
                [
                    [
                        row.text,
                        row.owner_name,
                        _date(row.due_date),
                        row.status_label,
                        f"{row.meeting_title} ({_date(row.meeting_date)})",
                    ]
                    for row in summary.actions_opened
                ],
            )
        if summary.actions_closed:
            self.heading(_("Closed in this period"), 2)
            self.table(
                [_("Action item"), _("Owner"), _("Closed on"), _("Status")],
                [
                    [row.text, row.owner_name, _date(row.closed_on), row.status_label]
                    for row in summary.actions_closed
                ],
            )
        if summary.actions_overdue:
            self.heading(_("Overdue at the end of the period"), 2)
            self.table(
                [_("Action item"), _("Owner"), _("Due"), _("Days late"), _("Meeting")],
                [
                    [
                        row.text,
                        row.owner_name,
                        _date(row.due_date),
                        row.days_late,
                        f"{row.meeting_title} ({_date(row.meeting_date)})",
                    ]
                    for row in summary.actions_overdue
                ],
            )

        if summary.key_insights:
            self.heading(_("Key insights"), 1)
            for insight in summary.key_insights:
                self.heading(insight.title, 2)
                details = [_date(insight.date)]
                if insight.meeting_title:
                    details.append(insight.meeting_title)
                if insight.phase_name:
                    details.append(insight.phase_name)
                self.paragraph(" · ".join(details))
                if insight.body:
                    self.paragraph(insight.body)
                if insight.tags:
                    self.paragraph(_("Tags: %(tags)s") % {"tags": ", ".join(insight.tags)})

    def finish(self, language: str) -> bytes:
        properties = self.document.core_properties
        properties.title = xml_text(report_title(self.summary))[:250]
        properties.subject = xml_text(report_period(self.summary))
        properties.language = language_tag(language)
        properties.author = _("Meshutaf")
        properties.created = self.summary.generated_at
        if self.rtl:
            make_right_to_left(self.document, language)
        buffer = io.BytesIO()
        self.document.save(buffer)
        return buffer.getvalue()


def render_docx(summary: Summary, *, language: str) -> bytes:
    with translation.override(language):
        writer = _DocxWriter(summary, rtl=_is_rtl(language))
        writer.build()
        return writer.finish(language)


def render(summary: Summary, *, file_format: str, language: str) -> bytes:
    if file_format == "html":
        return render_html(summary, language=language).encode()
    if file_format == "docx":
        return render_docx(summary, language=language)
    if file_format == "pdf":
        return render_pdf(summary, language=language)
    raise ValueError(file_format)


def granularity_name(granularity: str) -> str:
    return _("quarter") if granularity == "quarter" else _("month")


def figures(summary: Summary) -> list[tuple[str, object]]:
    """The headline numbers, in the order every format shows them."""
    return [
        (_("Meetings held"), summary.meetings_held),
        (_("Attendances"), summary.attendance_total),
        (_("People who took part"), summary.people_count),
        (
            _("Average attendance per meeting"),
            formats.number_format(summary.average_attendance, 1),
        ),
        (_("Decisions"), len(summary.decisions)),
        (_("Action items opened"), len(summary.actions_opened)),
        (_("Action items done"), summary.actions_done),
        (_("Action items dropped"), summary.actions_dropped),
        (_("Action items overdue at the end of the period"), len(summary.actions_overdue)),
        (_("Key insights"), len(summary.key_insights)),
    ]
