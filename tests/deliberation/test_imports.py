"""Statement files and Pol.is exports: text is cleaned once for every importer, a file past a
bound or without a recognisable statements column is refused with a message, and nothing is
stored from a refused file."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from meshutaf.deliberation import services
from meshutaf.deliberation.models import Conversation, Statement

from ..conftest import client_for
from ..core import hostile

pytestmark = pytest.mark.django_db

COMMENTS_HEADER = (
    b"timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body\n"
)
VOTES = b"timestamp,datetime,comment-id,voter-id,vote\n1,x,1,7,1\n2,x,1,8,-1\n"


def _import_statements(conversation, owner, data):
    url = reverse("deliberation:statements_import", args=[conversation.pk])
    file = SimpleUploadedFile("statements.csv", data)
    return client_for(owner).post(url, {"file": file}, follow=True)


def _import_polis(initiative, owner, comments, votes=VOTES):
    return client_for(owner).post(
        reverse("deliberation:import", args=[initiative.pk]),
        {
            "title": "From Pol.is",
            "votes": SimpleUploadedFile("votes.csv", votes),
            "comments": SimpleUploadedFile("comments.csv", comments),
        },
    )


def test_nul_bytes_in_a_statements_file_are_not_stored(conversation, owner):
    response = _import_statements(conversation, owner, b"text\nWe need a\x00 shared goal\n")
    assert "1 statements were added" in response.content.decode()
    assert conversation.statements.filter(text="We need a shared goal").exists()
    assert not any("\x00" in text for text in Statement.objects.values_list("text", flat=True))


def test_statements_import_cleans_what_it_is_given(conversation, owner):
    services.statements_import(conversation=conversation, by=owner, texts=["Par\x00ks \ud83d"])
    assert conversation.statements.filter(text="Parks \ufffd").exists()


def test_a_two_megabyte_cell_gives_a_message_not_a_server_error(conversation, owner):
    before = conversation.statements.count()
    response = _import_statements(conversation, owner, hostile.csv_big_cell())
    assert response.status_code == 200
    assert "Row 3 has a cell longer than 100,000 characters." in response.content.decode()
    assert conversation.statements.count() == before


def test_a_file_of_several_columns_without_a_known_header_is_refused(conversation, owner):
    before = conversation.statements.count()
    response = _import_statements(conversation, owner, b"id,idea\n1,We need parks\n2,Buses\n")
    assert "first row does not say which holds the statements" in response.content.decode()
    assert conversation.statements.count() == before


@pytest.mark.parametrize(
    "header",
    ["Statements", "comment_body", "Comment-Body", "Statement text:", "הצהרה", "היגדים", "النص"],
)
def test_a_known_header_in_any_language_is_not_a_statement(header):
    data = f"{header}\nWe need parks\n".encode()
    assert services.parse_statements_csv(data) == ["We need parks"]
    data = f"id,{header},votes\n1,We need parks,3\n".encode()
    assert services.parse_statements_csv(data) == ["We need parks"]


def test_one_column_without_a_header_is_all_statements():
    assert services.parse_statements_csv(b"We need parks\nMore buses\n") == [
        "We need parks",
        "More buses",
    ]


def test_a_statement_split_by_a_comma_outside_quotes_is_refused():
    with pytest.raises(ValidationError, match="Row 2 has more cells than the header"):
        services.parse_statements_csv(b"text\nParks, and trees\n")
    assert services.parse_statements_csv(b'text\n"Parks, and trees"\n') == ["Parks, and trees"]


def test_a_failed_polis_import_answers_with_an_error_status(initiative, owner):
    comments = COMMENTS_HEADER + b"1,x,1,7,1,0,1,Hi\n"
    response = _import_polis(initiative, owner, comments, votes=VOTES.replace(b"8,-1", b"8,2"))
    assert response.status_code == 400
    assert "Line 3" in response.content.decode()
    assert not Conversation.objects.filter(title="From Pol.is").exists()


def test_a_polis_comment_of_two_megabytes_gives_a_message(initiative, owner):
    comments = COMMENTS_HEADER + b"1,x,1,7,1,0,1," + b"x" * 2_097_152 + b"\n"
    response = _import_polis(initiative, owner, comments)
    assert response.status_code == 400
    assert (
        "comments.csv cannot be read: Row 2 has a cell longer than 100,000 characters."
        in response.content.decode()
    )
    assert not Conversation.objects.filter(title="From Pol.is").exists()


def test_nul_bytes_in_a_polis_export_are_not_stored(initiative, owner):
    comments = COMMENTS_HEADER + b"1,x,1,7,1,0,1,Keep the\x00 park\n"
    response = _import_polis(initiative, owner, comments)
    assert response.status_code == 302
    assert Statement.objects.get(conversation__title="From Pol.is").text == "Keep the park"
