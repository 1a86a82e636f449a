import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from meshutaf.knowledge.models import Document, Extraction
from meshutaf.search import engine as search

from ..conftest import client_for


def docx_bytes(text: str) -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def pdf_bytes(text: str) -> bytes:
    from pypdf import PdfWriter
    from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

    writer = PdfWriter()
    page = writer.add_blank_page(width=300, height=200)
    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
        }
    )
    page[NameObject("/Resources")] = DictionaryObject(
        {NameObject("/Font"): DictionaryObject({NameObject("/F1"): font})}
    )
    stream = DecodedStreamObject()
    stream.set_data(f"BT /F1 12 Tf 20 100 Td ({text}) Tj ET".encode())
    page[NameObject("/Contents")] = writer._add_object(stream)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path


def upload(client, initiative, name, content, **extra):
    return client.post(
        reverse("knowledge:document_upload", args=[initiative.pk]),
        {"file": SimpleUploadedFile(name, content), **extra},
    )


def test_docx_upload_is_indexed(initiative, owner, member, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(
            client_for(member), initiative, "plan.docx", docx_bytes("תוכנית העבודה לשנה הבאה")
        )
    assert response.status_code == 302
    document = Document.objects.get()
    assert document.file_type == "docx"
    assert document.extraction == Extraction.DONE
    assert "plan" not in document.file.name  # stored under a random name
    assert search.search(user=owner, query="העבודה").hits[0].entry.kind == "document"


def test_pdf_text_is_extracted(initiative, owner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        upload(client_for(owner), initiative, "report.pdf", pdf_bytes("Collective impact report"))
    assert Document.objects.get().extraction == Extraction.DONE
    assert search.search(user=owner, query="impact").total == 1


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("evil.pdf", b"<html><script>alert(1)</script></html>"),
        ("fake.docx", b"PK\x03\x04 not really a zip"),
        ("archive.docx", b""),
    ],
)
def test_type_is_checked_by_content_not_name(initiative, owner, name, content):
    response = upload(client_for(owner), initiative, name, content)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not Document.objects.exists()


@override_settings(MESHUTAF_MAX_UPLOAD_MB=1)
def test_size_limit(initiative, owner):
    response = upload(client_for(owner), initiative, "big.pdf", b"%PDF-1.4\n" + b"0" * 1_100_000)
    assert "larger than 1 MB" in response.text
    assert not Document.objects.exists()


def test_broken_pdf_is_kept_but_marked(initiative, owner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        upload(client_for(owner), initiative, "broken.pdf", b"%PDF-1.4\nnot a real pdf")
    assert Document.objects.get().extraction == Extraction.FAILED


def test_download_is_gated(initiative, owner, member, outsider, participant):
    upload(client_for(owner), initiative, "pic.png", b"\x89PNG\r\n\x1a\n" + b"0" * 20)
    document = Document.objects.get()
    url = reverse("knowledge:document_download", args=[document.pk])
    response = client_for(member).get(url)
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert client_for(outsider).get(url).status_code == 404
    # A participant reads but cannot upload.
    assert client_for(participant).get(url).status_code == 200
    response = upload(client_for(participant), initiative, "x.png", b"\x89PNG\r\n\x1a\n0000")
    assert response.status_code == 403
    assert Document.objects.count() == 1


def test_delete_removes_file_and_entry(
    initiative, owner, member, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        upload(client_for(owner), initiative, "plan.docx", docx_bytes("מסמך למחיקה"))
    document = Document.objects.get()
    path = document.file.path
    assert (
        client_for(member)
        .post(reverse("knowledge:document_delete", args=[document.pk]))
        .status_code
        == 404
    )  # not the uploader, not a facilitator
    with django_capture_on_commit_callbacks(execute=True):
        client_for(owner).post(reverse("knowledge:document_delete", args=[document.pk]))
    import os

    assert not Document.objects.exists()
    assert not os.path.exists(path)
    assert search.search(user=owner, query="מחיקה").total == 0


def test_insight_tags_and_permissions(initiative, owner, member, participant):
    url = reverse("knowledge:insights", args=[initiative.pk])
    response = client_for(member).post(
        url, {"title": "Trust takes time", "tags": "#trust, budget, trust", "is_key": "on"}
    )
    assert response.status_code == 302
    insight = initiative.insights.get()
    assert insight.tags == ["trust", "budget"]
    assert insight.is_key
    assert client_for(participant).post(url, {"title": "x"}).status_code == 404
    assert client_for(member).get(url, {"tag": "budget"}).context["page"].object_list[0] == insight


def test_documents_of_a_draft_meeting_are_for_facilitators(
    initiative, owner, member, django_capture_on_commit_callbacks
):
    from meshutaf.meetings import services as meeting_services
    from meshutaf.meetings.models import MeetingStatus

    from ..meetings.conftest import make_meeting

    draft = make_meeting(initiative, owner, status=MeetingStatus.DRAFT)
    with django_capture_on_commit_callbacks(execute=True):
        upload(
            client_for(owner),
            initiative,
            "brief.docx",
            docx_bytes("טיוטת תדריך"),
            meeting=draft.pk,
        )
    document = Document.objects.get()
    url = reverse("knowledge:document", args=[document.pk])
    assert client_for(owner).get(url).status_code == 200
    assert client_for(member).get(url).status_code == 404
    listing = client_for(member).get(reverse("knowledge:documents", args=[initiative.pk]))
    assert list(listing.context["page"].object_list) == []
    assert search.search(user=member, query="תדריך").total == 0
    meeting_services.meeting_set_status(meeting=draft, by=owner, status=MeetingStatus.SCHEDULED)
    assert client_for(member).get(url).status_code == 200
    assert search.search(user=member, query="תדריך").total == 1


def test_a_deleted_meetings_documents_stay_searchable(
    initiative, owner, member, django_capture_on_commit_callbacks
):
    from meshutaf.meetings import services as meeting_services
    from meshutaf.meetings.models import MeetingStatus

    from ..meetings.conftest import make_meeting

    draft = make_meeting(initiative, owner, status=MeetingStatus.DRAFT)
    with django_capture_on_commit_callbacks(execute=True):
        upload(
            client_for(owner), initiative, "brief.docx", docx_bytes("תדריך שנשאר"), meeting=draft.pk
        )
    assert search.search(user=member, query="תדריך").total == 0
    with django_capture_on_commit_callbacks(execute=True):
        meeting_services.meeting_delete(meeting=draft, by=owner)
    assert Document.objects.get().meeting is None
    # No longer a draft's material: the members find it.
    assert search.search(user=member, query="תדריך").total == 1
