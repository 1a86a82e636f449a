"""Hostile documents: refused at upload with a message and nothing stored, and bounded in the
worker's text extraction too (for files stored before the checks existed)."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from meshutaf.core.uploads import MAX_PDF_PAGES
from meshutaf.knowledge import files, services
from meshutaf.knowledge.models import Document, Extraction

from ..conftest import client_for
from ..core import hostile

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture(scope="module")
def docx_bomb():
    return hostile.docx_bomb()


@pytest.fixture(scope="module")
def many_pages():
    return hostile.pdf_pages(MAX_PDF_PAGES + 1)


def _upload(initiative, user, name, data):
    url = reverse("knowledge:document_upload", args=[initiative.pk])
    return client_for(user).post(url, {"file": SimpleUploadedFile(name, data)})


def test_a_docx_bomb_is_refused_at_upload(initiative, owner, monkeypatch, docx_bomb):
    assert len(docx_bomb) < 1_500_000
    with hostile.metered(monkeypatch) as meter:
        response = _upload(initiative, owner, "plan.docx", docx_bomb)
    assert "The file unpacks to more than 200.0" in response.content.decode()
    assert meter.inflated == 0
    assert not Document.objects.exists()


def test_a_docx_bomb_already_stored_fails_in_the_worker_without_inflating(
    initiative, owner, monkeypatch, docx_bomb
):
    document = services.document_upload(
        initiative=initiative,
        by=owner,
        upload=SimpleUploadedFile("plan.docx", hostile.docx(["Before the checks"])),
    )
    with open(document.file.path, "wb") as stored:  # as if stored before the checks existed
        stored.write(docx_bomb)
    with hostile.metered(monkeypatch) as meter:
        services.document_extract_text(document_id=document.pk)
    document.refresh_from_db()
    assert document.extraction == Extraction.FAILED
    assert document.text == ""
    assert meter.inflated == 0
    with pytest.raises(ValueError, match="unpacks to more than"):
        files.extract_text(io.BytesIO(docx_bomb), "docx")


def test_an_xlsx_declaring_a_whole_sheet_is_read_cell_by_cell(monkeypatch):
    data = hostile.xlsx_declaring("A1:XFD1048576")
    with hostile.metered(monkeypatch) as meter:
        text = files.extract_text(io.BytesIO(data), "xlsx")
    assert text.split("\n") == ["Sheet", "name sector", "Acme government", "Beta business"]
    assert meter.cells <= 6  # not 1,048,576 rows × 16,384 columns


def test_a_pdf_of_too_many_pages_is_refused(initiative, owner, monkeypatch, many_pages):
    from pypdf import PageObject

    response = _upload(initiative, owner, "report.pdf", many_pages)
    assert f"The PDF has more than {MAX_PDF_PAGES} pages." in response.content.decode()
    assert not Document.objects.exists()
    read = []
    extract = PageObject.extract_text

    def counted(page, *args, **kwargs):
        read.append(page)
        return extract(page, *args, **kwargs)

    monkeypatch.setattr(PageObject, "extract_text", counted)
    with pytest.raises(ValueError, match=f"more than {MAX_PDF_PAGES} pages"):
        files.extract_text(io.BytesIO(many_pages), "pdf")
    assert read == []


def test_word_text_keeps_paragraphs_tables_and_tabs():
    import docx

    document = docx.Document()
    document.add_paragraph("פסקה ראשונה")
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "תא א"
    table.cell(0, 1).text = "خلية ب"
    paragraph = document.add_paragraph("Before")
    paragraph.add_run().add_tab()
    paragraph.add_run("after")
    buffer = io.BytesIO()
    document.save(buffer)
    text = files.extract_text(io.BytesIO(buffer.getvalue()), "docx")
    assert text.split("\n") == ["פסקה ראשונה", "תא א", "خلية ب", "Before\tafter"]
