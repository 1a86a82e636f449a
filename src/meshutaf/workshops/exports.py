"""A workshop session as files: CSV (one row per contribution, safe to open in a spreadsheet)
and a Word document (themes and each group's canvas), right to left for Hebrew and Arabic."""

import io

from django.utils import formats, timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from meshutaf.core.docx import language_tag, make_right_to_left, xml_text
from meshutaf.core.exports import csv_writer

from .models import Contribution, WorkshopSession
from .selectors import SessionSummary, session_summary

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
CSV_TYPE = "text/csv; charset=utf-8"
RTL_LANGUAGES = {"he", "ar"}


def filename(session: WorkshopSession, extension: str) -> str:
    slug = slugify(session.title, allow_unicode=False) or "workshop"
    return f"workshop-{session.pk}-{slug[:40]}.{extension}"


def _status(contribution: Contribution) -> str:
    if contribution.merged_into_id:
        return _("merged into #%(id)s") % {"id": contribution.merged_into_id}
    if contribution.hidden:
        return _("hidden")
    return _("shown")


def session_csv(*, session: WorkshopSession, stream, include_hidden: bool) -> None:
    """One row per contribution (withdrawn ones never: their authors took them back)."""
    sections = {section.key: section for section in session.sections()}
    writer = csv_writer(stream)
    writer.writerow(
        [
            _("id"),
            _("group"),
            _("section"),
            _("row"),
            _("column"),
            _("text"),
            _("author"),
            _("theme"),
            _("status"),
            _("added"),
        ]
    )
    contributions = (
        Contribution.objects.filter(session=session, withdrawn=False)
        .select_related("group", "participant", "author_user", "theme")
        .order_by("group__position", "group_id", "section_key", "created_at", "pk")
    )
    if not include_hidden:
        contributions = contributions.filter(hidden=False, merged_into__isnull=True)
    for contribution in contributions.iterator(chunk_size=500):
        section = sections.get(contribution.section_key)
        writer.writerow(
            [
                contribution.pk,
                contribution.group.name,
                section.title if section else contribution.section_key,
                section.row_label(contribution.row_key) if section else contribution.row_key,
                section.column_label(contribution.column_key)
                if section
                else contribution.column_key,
                contribution.text,
                contribution.author_name,
                contribution.theme.name if contribution.theme_id else "",
                _status(contribution),
                timezone.localtime(contribution.created_at).strftime("%Y-%m-%d %H:%M"),
            ]
        )


def summary_text(summary: SessionSummary) -> str:
    """Plain text of the themes, for an insight in the knowledge base."""
    lines = [
        _("%(groups)s working groups, %(participants)s participants, %(count)s contributions.")
        % {
            "groups": len(summary.groups),
            "participants": summary.participant_count,
            "count": summary.contribution_count,
        }
    ]
    for section in summary.sections:
        if not section.count:
            continue
        lines += ["", section.section.title]
        for view in section.themes:
            if view.items:
                lines.append(f"• {view.theme.name} ({len(view.items)})")
        if section.unthemed:
            lines.append(
                _("• Without a theme: %(count)s contributions") % {"count": len(section.unthemed)}
            )
    return "\n".join(lines)


def _note(contribution) -> str:
    merged = getattr(contribution, "merged_count", 0)
    text = xml_text(contribution.text)
    return f"{text} (+{merged})" if merged else text


def _docx(summary: SessionSummary, language: str) -> bytes:
    from docx import Document

    session = summary.session
    document = Document()
    document.add_heading(xml_text(session.title), level=0)
    facts = [
        xml_text(session.initiative.name),
        formats.date_format(timezone.localtime(session.created_at).date(), "DATE_FORMAT"),
    ]
    if session.meeting_id:
        facts.append(xml_text(session.meeting.title))
    document.add_paragraph(" · ".join(facts))
    document.add_paragraph(
        _("%(groups)s working groups, %(participants)s participants, %(count)s contributions.")
        % {
            "groups": len(summary.groups),
            "participants": summary.participant_count,
            "count": summary.contribution_count,
        }
    )
    if session.instructions:
        document.add_paragraph(xml_text(session.instructions))

    for section in summary.sections:
        document.add_heading(xml_text(section.section.title), level=1)
        if not section.count:
            document.add_paragraph().add_run(_("No contributions.")).italic = True
            continue
        if any(view.items for view in section.themes):
            document.add_heading(_("Themes"), level=2)
            for view in section.themes:
                if not view.items:
                    continue
                document.add_paragraph(
                    f"{xml_text(view.theme.name)} ({len(view.items)})", style="List Bullet"
                )
                for contribution in view.items:
                    document.add_paragraph(_note(contribution), style="List Bullet 2")
        document.add_heading(_("By working group"), level=2)
        for canvas in section.groups:
            if not canvas.count:
                continue
            document.add_heading(xml_text(canvas.group.name), level=3)
            if section.section.is_grid:
                columns = section.section.columns
                table = document.add_table(rows=1, cols=len(columns) + 1)
                table.style = "Table Grid"
                for cell, column in zip(table.rows[0].cells[1:], columns, strict=True):
                    cell.paragraphs[0].add_run(xml_text(column.label)).bold = True
                for row, cells in canvas.rows:
                    table_cells = table.add_row().cells
                    table_cells[0].paragraphs[0].add_run(xml_text(row.label)).bold = True
                    for table_cell, cell in zip(table_cells[1:], cells, strict=True):
                        table_cell.text = "\n".join(f"• {_note(c)}" for c in cell.items)
                document.add_paragraph()
            else:
                for contribution in canvas.cells[0].items:
                    document.add_paragraph(_note(contribution), style="List Bullet")

    properties = document.core_properties
    properties.title = xml_text(session.title)[:250]
    properties.language = language_tag(language)
    properties.author = _("Meshutaf")
    if language in RTL_LANGUAGES:
        make_right_to_left(document, language)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def session_docx(*, session: WorkshopSession, language: str) -> bytes:
    with translation.override(language):
        return _docx(session_summary(session=session), language)
