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
    assert meter.items <= 6  # and the rows handed out hold those six cells, no padding


def test_rows_holding_one_cell_at_the_last_column_cost_one_cell_a_row(monkeypatch):
    data = hostile.xlsx_far_cells(40_000, "XFD")
    assert len(data) < 12_000
    with hostile.metered(monkeypatch) as meter:
        text = files.extract_text(io.BytesIO(data), "xlsx")
    lines = text.split("\n")
    assert lines[:3] == ["Sheet", "name", "1"]
    assert len(lines) == 40_002
    assert meter.cells == 40_001
    assert meter.items == 40_001  # not 16,384 a row (655 million: 22 s of CPU)


@pytest.mark.parametrize(
    ("build", "file_type", "message"),
    [
        (hostile.xlsx_nested_in_cell, "xlsx", "Row 2 has a cell made of more than 1,000 parts"),
        (hostile.xlsx_nested_in_shared_string, "xlsx", "has a cell made of more than 1,000"),
        (hostile.xlsx_nested_deep, "xlsx", "nests its parts more than 256 deep"),
        (hostile.docx_nested_deep, "docx", "nests its parts more than 256 deep"),
    ],
    ids=["in a cell", "in a shared string", "sheet nested deep", "document nested deep"],
)
def test_millions_of_elements_in_one_place_fail_in_the_worker_at_once(
    initiative, owner, monkeypatch, build, file_type, message
):
    data = build()
    assert len(data) < 50_000
    response = _upload(initiative, owner, f"sheet.{file_type}", data)  # the zip itself is fine
    document = Document.objects.get()
    assert response.status_code == 302
    with hostile.metered(monkeypatch, memory=True) as meter:
        services.document_extract_text(document_id=document.pk)
    document.refresh_from_db()
    assert document.extraction == Extraction.FAILED
    assert meter.inflated < 100_000  # the first elements, not 10 MB of them
    assert meter.peak_bytes < 20_000_000  # not millions of elements kept (200 to 340 MB)
    with pytest.raises(ValueError, match=message):
        files.extract_text(io.BytesIO(data), file_type)


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
