"""Statement files and Pol.is exports: text is cleaned once for every importer, a file past a
bound or without a recognisable statements column is refused with a message, and nothing is
stored from a refused file."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from meshutaf.deliberation import importing, services
from meshutaf.deliberation.models import Conversation, Statement

from ..conftest import client_for
from ..core import hostile

pytestmark = pytest.mark.django_db

COMMENTS_HEADER = (
    b"timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body\n"
)
VOTES = b"timestamp,datetime,comment-id,voter-id,vote\n1,x,1,7,1\n2,x,1,8,-1\n"


def _import_statements(conversation, owner, data, *, first_row_is_heading=True):
    """The import form as a browser sends it: an unticked checkbox sends nothing."""
    url = reverse("deliberation:statements_import", args=[conversation.pk])
    form = {"file": SimpleUploadedFile("statements.csv", data)}
    if first_row_is_heading:
        form["first_row_is_heading"] = "on"
    return client_for(owner).post(url, form, follow=True)


def _parse(data, *, first_row_is_heading=True):
    return importing.statements_parse(raw=data, first_row_is_heading=first_row_is_heading)


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
    assert "1 statement was imported." in response.content.decode()
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


def test_a_statements_workbook_with_a_cell_of_millions_of_elements_is_refused(conversation, owner):
    before = conversation.statements.count()
    response = _import_statements(conversation, owner, hostile.xlsx_nested_in_cell())
    assert response.status_code == 200
    assert "Row 2 has a cell made of more than 1,000 parts" in response.content.decode()
    assert conversation.statements.count() == before


def test_blank_lines_count_against_the_statements_allowed():
    with pytest.raises(ValidationError, match="At most 2000 rows"):
        _parse(b"text\nWe need parks\n" + b"\n" * 5_000 + b"More buses\n")
    assert _parse(b"text\nWe need parks\n" + b"\n" * 50 + b"More buses\n").texts == [
        "We need parks",
        "More buses",
    ]


def test_a_file_of_several_columns_without_a_known_header_is_refused(conversation, owner):
    before = conversation.statements.count()
    response = _import_statements(conversation, owner, b"id,idea\n1,We need parks\n2,Buses\n")
    assert "first row does not say which holds the statements" in response.content.decode()
    assert conversation.statements.count() == before


@pytest.mark.parametrize(
    "header",
    ["Statements", "comment_body", "Comment-Body", "Statement text:", "הצהרה", "היגדים", "النص"],
)
@pytest.mark.parametrize("first_row_is_heading", [True, False])
def test_a_known_header_in_any_language_is_not_a_statement(header, first_row_is_heading):
    """A recognised name is left out whatever the facilitator chose."""
    data = f"{header}\nWe need parks\n".encode()
    parsed = _parse(data, first_row_is_heading=first_row_is_heading)
    assert (parsed.texts, parsed.heading) == (["We need parks"], header)
    data = f"id,{header},votes\n1,We need parks,3\n".encode()
    parsed = _parse(data, first_row_is_heading=first_row_is_heading)
    assert (parsed.texts, parsed.heading) == (["We need parks"], header)


@pytest.mark.parametrize("header", ["Opinions", "הצעות", "آراء"])
def test_an_unknown_one_column_header_is_left_out_when_the_facilitator_says_so(header):
    data = f"{header}\nWe need parks\nMore buses\n".encode()
    parsed = _parse(data, first_row_is_heading=True)
    assert (parsed.texts, parsed.heading) == (["We need parks", "More buses"], header)
    parsed = _parse(data, first_row_is_heading=False)
    assert (parsed.texts, parsed.heading) == ([header, "We need parks", "More buses"], None)


def test_one_column_without_a_header_is_all_statements_when_the_box_is_unticked():
    parsed = _parse(b"We need parks\nMore buses\n", first_row_is_heading=False)
    assert (parsed.texts, parsed.heading) == (["We need parks", "More buses"], None)


def test_a_file_that_is_only_a_heading_says_so():
    with pytest.raises(ValidationError, match="untick"):
        _parse(b"We need parks\n", first_row_is_heading=True)
    assert _parse(b"We need parks\n", first_row_is_heading=False).texts == ["We need parks"]
    with pytest.raises(ValidationError, match=r"No statements were found in the file\."):
        _parse(b"text\n", first_row_is_heading=False)


def test_the_import_form_leaves_an_unknown_heading_out_and_quotes_it(conversation, owner):
    detail = client_for(owner).get(reverse("deliberation:detail", args=[conversation.pk]))
    page = detail.content.decode()
    assert "The first row is a heading (leave it out)" in page
    assert re.search(r'<input type="checkbox" name="first_row_is_heading"[^>]* checked', page)
    before = set(conversation.statements.values_list("text", flat=True))
    response = _import_statements(conversation, owner, b"Opinions\nWe need parks\nMore buses\n")
    text = response.content.decode()
    assert "2 statements were imported." in text
    assert "The first row, “\u2068Opinions\u2069”, was left out as a heading." in text
    added = set(conversation.statements.values_list("text", flat=True)) - before
    assert added == {"We need parks", "More buses"}


def test_the_import_form_keeps_the_first_row_when_unticked(conversation, owner):
    before = set(conversation.statements.values_list("text", flat=True))
    data = "הצעות\nStart with a quick pilot.\nMore buses\n".encode()
    response = _import_statements(conversation, owner, data, first_row_is_heading=False)
    text = response.content.decode()
    assert "2 statements were imported." in text
    assert "1 statement was already there and was skipped." in text
    assert "was left out as a heading" not in text
    added = set(conversation.statements.values_list("text", flat=True)) - before
    assert added == {"הצעות", "More buses"}


def test_a_recognised_heading_is_left_out_even_when_unticked(conversation, owner):
    response = _import_statements(
        conversation, owner, b"Statement\nWe need parks\n", first_row_is_heading=False
    )
    text = response.content.decode()
    assert "1 statement was imported." in text
    assert "The first row, “\u2068Statement\u2069”, was left out as a heading." in text
    assert not conversation.statements.filter(text="Statement").exists()


def test_a_statement_split_by_a_comma_outside_quotes_is_refused():
    with pytest.raises(ValidationError, match="Row 2 has more cells than the header"):
        _parse(b"text\nParks, and trees\n")
    assert _parse(b'text\n"Parks, and trees"\n').texts == ["Parks, and trees"]


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


@pytest.mark.parametrize("where", ["before the header", "after the header"])
def test_blank_lines_in_a_polis_export_count_against_the_rows_allowed(initiative, owner, where):
    blank = b"\n" * 25_000  # more than the 20,000 comments allowed
    row = b"1,x,1,7,1,0,1,Hi\n"
    comments = (
        blank + COMMENTS_HEADER + row
        if where == "before the header"
        else (COMMENTS_HEADER + blank + row)
    )
    response = _import_polis(initiative, owner, comments)
    assert response.status_code == 400
    message = (
        "comments.csv is missing the columns"
        if where == "before the header"
        else "comments.csv has more than 20000 rows."
    )
    assert message in response.content.decode()
    assert not Conversation.objects.filter(title="From Pol.is").exists()


def test_nul_bytes_in_a_polis_export_are_not_stored(initiative, owner):
    comments = COMMENTS_HEADER + b"1,x,1,7,1,0,1,Keep the\x00 park\n"
    response = _import_polis(initiative, owner, comments)
    assert response.status_code == 302
    assert Statement.objects.get(conversation__title="From Pol.is").text == "Keep the park"
