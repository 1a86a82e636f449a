"""Hostile files sent to a corpus's import page: refused with a message and nothing kept, or
read without the work their declared size asks for."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from meshutaf.core import imports
from meshutaf.discourse import services
from meshutaf.discourse.importing import CORPUS_IMPORT
from meshutaf.discourse.models import Item

from ..conftest import client_for
from ..core import hostile

pytestmark = pytest.mark.django_db


@pytest.fixture
def corpus(initiative, owner):
    return services.corpus_create(name="Empty", initiative=initiative, by=owner)


def _upload(client, corpus, name, data):
    url = reverse("discourse:import", args=[corpus.pk])
    return client.post(url, {"file": SimpleUploadedFile(name, data)})


def test_a_small_xlsx_declaring_20001_rows_of_16384_columns(corpus, owner, monkeypatch):
    client = client_for(owner)
    rows = [["text", "platform"], ["A calm reply", "facebook"], ["Another one", "x"]]
    data = hostile.xlsx_declaring("A1:XFD20001", rows)
    with hostile.metered(monkeypatch) as meter:
        response = _upload(client, corpus, "posts.xlsx", data)
        assert response.status_code == 302
        preview = client.get(response["Location"])
    assert "A calm reply" in preview.content.decode()
    assert meter.cells <= 2 * 6  # the six cells, read at upload and again for the preview
    assert meter.items <= 2 * 2 * 6  # each time as the reader's rows and as the table


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        (
            "posts.json",
            hostile.json_array_of_empty_objects(),
            "A JSON file that is one array can be at most 1000000 characters",
        ),
        (
            "posts.csv",
            hostile.csv_wide_header(rows=50_000),
            "The table has more than 10,000,000 cells",
        ),
        (
            "posts.xlsx",
            hostile.xlsx_far_cells(40_000, "IV"),
            "The table has more than 10,000,000 cells",
        ),
        ("posts.csv", hostile.csv_blank_lines(), "At most 500000 rows can be imported at once."),
    ],
    ids=["JSON array of empty objects", "wide header", "a cell at IV a row", "blank lines"],
)
def test_a_file_that_is_mostly_nothing_is_refused_before_it_costs(
    corpus, owner, monkeypatch, name, data, message
):
    client = client_for(owner)
    with hostile.metered(monkeypatch) as meter:
        response = _upload(client, corpus, name, data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert meter.items <= 40_001  # the filled cells at most, not millions of padded ones
    assert client.session.get(imports.session_key(CORPUS_IMPORT, corpus.pk)) is None
    assert not Item.objects.exists()


def test_a_zip_bomb_is_refused_and_nothing_is_kept(corpus, owner, monkeypatch):
    client = client_for(owner)
    bomb = hostile.xlsx_bomb()
    with hostile.metered(monkeypatch) as meter:
        response = _upload(client, corpus, "posts.xlsx", bomb)
    assert response.status_code == 400
    assert "The file unpacks to more than 200.0" in response.content.decode()
    assert meter.inflated == 0
    assert client.session.get(imports.session_key(CORPUS_IMPORT, corpus.pk)) is None
    assert not Item.objects.exists()


def test_a_json_lines_file_with_a_huge_line_is_refused(corpus, owner):
    client = client_for(owner)
    response = _upload(client, corpus, "posts.jsonl", hostile.jsonl_huge_line(2_000_000))
    assert response.status_code == 400
    assert "Line 2 is longer than 1000000 characters." in response.content.decode()
    assert client.session.get(imports.session_key(CORPUS_IMPORT, corpus.pk)) is None
