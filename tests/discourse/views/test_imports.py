"""The import in two steps: upload, then choose the columns, see the problems, and apply."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from meshutaf.core import imports
from meshutaf.core.access import Role
from meshutaf.demo.corpus import synthetic_posts
from meshutaf.discourse import services
from meshutaf.discourse.importing import CORPUS_IMPORT
from meshutaf.discourse.models import ImportRecord, Item
from tests.factories import MembershipFactory, UserFactory

from ...conftest import client_for
from ..conftest import csv_upload, url

pytestmark = pytest.mark.django_db


def test_import_in_two_steps_and_again(empty_corpus, owner, settings):
    client = client_for(owner)
    posts = synthetic_posts(30, seed=3, months=2)
    response = client.post(url("import", empty_corpus.pk), {"file": csv_upload(posts)})
    assert response.status_code == 302
    assert response["Location"] == url("import_preview", empty_corpus.pk)
    uploads = sorted(path.suffix for path in (settings.DATA_DIR / imports.FOLDER).iterdir())
    assert uploads == [".data", ".json"]  # the file and who staged it
    # Only the stage's token goes into the session, never the rows.
    key = imports.session_key(CORPUS_IMPORT, empty_corpus.pk)
    assert isinstance(client.session[key], str)
    preview = client.get(url("import_preview", empty_corpus.pk))
    assert preview.status_code == 200
    page = preview.content.decode()
    assert 'value="text" selected' in page  # guessed mapping
    assert "חרדי" in page  # a community the import will create
    assert not Item.objects.filter(corpus=empty_corpus).exists()

    done = client.post(url("import_preview", empty_corpus.pk), {"action": "apply"}, follow=True)
    assert "Imported 30 new items; 0 were already in the corpus" in done.content.decode()
    assert empty_corpus.items.count() == 30
    assert empty_corpus.communities.filter(name="חרדי").exists()
    assert not list((settings.DATA_DIR / imports.FOLDER).iterdir())
    assert key not in client.session

    client.post(url("import", empty_corpus.pk), {"file": csv_upload(posts)})
    again = client.get(url("import_preview", empty_corpus.pk)).content.decode()
    assert re.search(r"Already in the corpus</dt><dd>30<", again)
    done = client.post(url("import_preview", empty_corpus.pk), {"action": "apply"}, follow=True)
    assert "Imported 0 new items; 30 were already in the corpus" in done.content.decode()
    assert empty_corpus.items.count() == 30
    assert ImportRecord.objects.filter(corpus=empty_corpus).count() == 2


def test_import_refuses_a_bad_file(empty_corpus, owner):
    client = client_for(owner)
    for upload in (
        SimpleUploadedFile("x.csv", b"text\n"),
        SimpleUploadedFile("x.xlsx", b"PK\x03\x04 not really"),
        SimpleUploadedFile("x.jsonl", b'{"text": "ok"}\nnot json\n'),
    ):
        response = client.post(url("import", empty_corpus.pk), {"file": upload})
        assert response.status_code == 400, upload.name
        assert b"errorlist" in response.content
    assert client.post(url("import", empty_corpus.pk), {}).status_code == 400
    response = client.get(url("import_preview", empty_corpus.pk))
    assert response.status_code == 302  # nothing uploaded yet
    assert not empty_corpus.items.exists()


def test_import_with_bad_rows_writes_nothing_unless_told(empty_corpus, owner):
    client = client_for(owner)
    posts = synthetic_posts(10, seed=4, months=1)
    bad = [
        ["", "x", "", "2026-01-02", "", "", "b1"],
        ["hello", "x", "", "not a date", "", "", "b2"],
    ]
    client.post(url("import", empty_corpus.pk), {"file": csv_upload(posts, extra_rows=bad)})
    preview = client.get(url("import_preview", empty_corpus.pk)).content.decode()
    assert "The text is empty." in preview
    assert "is not a date" in preview
    assert re.search(r"<td>12</td><td>The text is empty", preview)  # the file's line number
    refused = client.post(url("import_preview", empty_corpus.pk), {"action": "apply"})
    assert refused.status_code == 400
    assert b"2 rows have problems; nothing was imported." in refused.content
    assert not empty_corpus.items.exists()
    done = client.post(
        url("import_preview", empty_corpus.pk), {"action": "apply", "skip_invalid": "1"}
    )
    assert done.status_code == 302
    assert empty_corpus.items.count() == 10


def test_import_remap_columns(empty_corpus, owner):
    client = client_for(owner)
    data = "body,when\nשלום לכולם,2026-02-01\nمرحبا,2026-02-02\n".encode()
    client.post(url("import", empty_corpus.pk), {"file": SimpleUploadedFile("a.csv", data)})
    preview = client.get(url("import_preview", empty_corpus.pk))
    assert preview.status_code == 200  # "body" is a known name for the text
    response = client.post(
        url("import_preview", empty_corpus.pk),
        {"action": "remap", "column_text": "", "column_published_at": "when"},
    )
    assert response.status_code == 302
    missing = client.get(url("import_preview", empty_corpus.pk))
    assert missing.status_code == 400
    assert b"Choose the column that holds the text" in missing.content
    client.post(
        url("import_preview", empty_corpus.pk),
        {"action": "remap", "column_text": "body", "column_published_at": "when"},
    )
    client.post(url("import_preview", empty_corpus.pk), {"action": "apply"})
    assert sorted(empty_corpus.items.values_list("language", flat=True)) == ["ar", "he"]
    assert empty_corpus.items.filter(published_at__isnull=False).count() == 2


def test_upload_size_limit(empty_corpus, owner, monkeypatch):
    from meshutaf.discourse import forms

    monkeypatch.setattr(forms, "MAX_UPLOAD_BYTES", 10)
    upload = SimpleUploadedFile("big.csv", b"text\n" + b"x" * 20 + b"\n")
    response = client_for(owner).post(url("import", empty_corpus.pk), {"file": upload})
    assert response.status_code == 400
    assert b"larger than 50 MB" in response.content


def test_a_stage_is_for_its_owner_and_its_corpus_only(empty_corpus, initiative, owner):
    """Another corpus, or another facilitator, holding the stage's token gets 404."""
    client = client_for(owner)
    client.post(
        url("import", empty_corpus.pk), {"file": SimpleUploadedFile("a.csv", b"text\nhi\n")}
    )
    token = client.session[imports.session_key(CORPUS_IMPORT, empty_corpus.pk)]
    other = services.corpus_create(name="Other", initiative=initiative, by=owner)
    colleague = UserFactory(username="colleague")
    MembershipFactory(initiative=initiative, user=colleague, role=Role.FACILITATOR)
    for user, corpus in ((owner, other), (colleague, empty_corpus)):
        someone = client_for(user)
        session = someone.session
        session[imports.session_key(CORPUS_IMPORT, corpus.pk)] = token
        session.save()
        assert someone.get(url("import_preview", corpus.pk)).status_code == 404
        assert (
            someone.post(url("import_preview", corpus.pk), {"action": "apply"}).status_code == 404
        )
    assert not Item.objects.exists()
    assert client.get(url("import_preview", empty_corpus.pk)).status_code == 200
