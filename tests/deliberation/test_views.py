import io
import re
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from meshutaf.deliberation import services
from meshutaf.deliberation.models import (
    Conversation,
    ConversationStatus,
    Participant,
    StatementStatus,
    Vote,
)

from ..conftest import client_for
from .conftest import vote_all

pytestmark = pytest.mark.django_db


def anonymous() -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE="en")


def first_statement_id(response) -> str:
    return re.search(rb'name="statement" value="(\d+)"', response.content).group(1).decode()


@pytest.mark.parametrize(
    ("name", "expected"),
    [("detail", {"owner": 200, "member": 200, "outsider": 404}),
     ("results", {"owner": 200, "member": 200, "outsider": 404}),
     ("edit", {"owner": 200, "member": 403, "outsider": 404}),
     ("export", {"owner": 200, "member": 403, "outsider": 404})],
)  # fmt: skip
def test_pages_check_the_role(conversation, owner, member, outsider, name, expected):
    url = reverse(f"deliberation:{name}", args=[conversation.pk])
    for user, status in (("owner", owner), ("member", member), ("outsider", outsider)):
        assert client_for(status).get(url).status_code == expected[user], user


def test_drafts_are_for_facilitators_only(initiative, owner, member):
    draft = services.conversation_create(
        initiative=initiative, by=owner, title="Draft", question="?"
    )
    assert client_for(owner).get(reverse("deliberation:detail", args=[draft.pk])).status_code == 200
    assert (
        client_for(member).get(reverse("deliberation:detail", args=[draft.pk])).status_code == 404
    )
    assert (
        anonymous().get(reverse("deliberation:participate", args=[draft.token])).status_code == 404
    )
    listing = client_for(member).get(reverse("deliberation:list", args=[initiative.pk]))
    assert b"Draft" not in listing.content


def test_facilitator_writes_members_cannot(conversation, owner, member):
    url = reverse("deliberation:statement_add", args=[conversation.pk])
    assert client_for(member).post(url, {"text": "Sneaky"}).status_code == 403
    client_for(owner).post(url, {"text": "Open data for all partners"})
    assert conversation.statements.filter(text="Open data for all partners").exists()
    statement = conversation.statements.first()
    moderate = reverse("deliberation:moderate", args=[statement.pk])
    assert client_for(member).post(moderate, {"status": "rejected"}).status_code == 403
    client_for(owner).post(moderate, {"status": "bogus"})
    statement.refresh_from_db()
    assert statement.status == StatementStatus.ACCEPTED
    client_for(owner).post(moderate, {"status": "rejected"})
    statement.refresh_from_db()
    assert statement.status == StatementStatus.REJECTED


def test_anonymous_participant_votes_by_link(conversation):
    browser = anonymous()
    url = reverse("deliberation:participate", args=[conversation.token])
    page = browser.get(url)
    assert page.status_code == 200
    assert Participant.objects.count() == 0  # looking creates nothing
    vote_url = reverse("deliberation:vote", args=[conversation.token])
    card = browser.post(vote_url, {"statement": first_statement_id(page), "value": "1"},
                        HTTP_HX_REQUEST="true")  # fmt: skip
    assert card.status_code == 200
    assert b"1 of 4 statements" in card.content
    assert Participant.objects.count() == 1
    # The same browser stays the same participant; another browser is someone else.
    browser.post(vote_url, {"statement": first_statement_id(card), "value": "-1"})
    assert Participant.objects.count() == 1
    other = anonymous()
    other.post(vote_url, {"statement": first_statement_id(other.get(url)), "value": "0"})
    assert Participant.objects.count() == 2
    assert Vote.objects.count() == 3


def test_bad_votes_change_nothing(conversation):
    browser = anonymous()
    vote_url = reverse("deliberation:vote", args=[conversation.token])
    statement = conversation.statements.first()
    for data in ({"statement": statement.pk, "value": "7"}, {"statement": "abc", "value": "1"},
                 {"statement": "99999999", "value": "1"}, {}):  # fmt: skip
        response = browser.post(vote_url, data, HTTP_HX_REQUEST="true")
        assert response.status_code == 200
        assert b'role="alert"' in response.content
    assert Vote.objects.count() == 0


def test_link_without_anonymous_needs_membership(conversation, member, outsider):
    conversation.allow_anonymous = False
    conversation.save()
    url = reverse("deliberation:participate", args=[conversation.token])
    assert anonymous().get(url).status_code == 404
    assert client_for(outsider).get(url).status_code == 404
    page = client_for(member).get(url)
    assert page.status_code == 200
    client_for(member).post(
        reverse("deliberation:vote", args=[conversation.token]),
        {"statement": first_statement_id(page), "value": "1"},
    )
    assert Participant.objects.get().user == member


def test_reset_link_retires_the_old_one(conversation, owner):
    old = conversation.token
    client_for(owner).post(reverse("deliberation:reset_link", args=[conversation.pk]))
    conversation.refresh_from_db()
    assert conversation.token != old
    assert anonymous().get(reverse("deliberation:participate", args=[old])).status_code == 404


def test_participant_statement_and_resume_on_another_device(conversation):
    phone = anonymous()
    base = [conversation.token]
    phone.post(reverse("deliberation:participant_statement", args=base),
               {"text": "Publish what did not work"})  # fmt: skip
    statement = conversation.statements.get(text="Publish what did not work")
    assert statement.status == StatementStatus.PENDING
    made = phone.post(reverse("deliberation:resume", args=base), {"action": "make"})
    code = re.search(rb'dir="ltr">([A-Z0-9]{8})<', made.content).group(1).decode()
    laptop = anonymous()
    bad = laptop.post(reverse("deliberation:resume", args=base), {"code": "ZZZZZZZZ"})
    assert b"No participant has this code" in bad.content
    laptop.post(reverse("deliberation:resume", args=base), {"code": code.lower()})
    mine = laptop.get(reverse("deliberation:mine", args=base))
    assert b"Publish what did not work" not in mine.content  # pending: not listed
    assert Participant.objects.count() == 1


def test_results_page_and_where_i_stand(conversation, owner, django_capture_on_commit_callbacks):
    participants = [services.participant_create(conversation=conversation) for _ in range(12)]
    with django_capture_on_commit_callbacks(execute=True):
        vote_all(conversation, participants, [[1, 1, -1, -1]] * 6 + [[-1, -1, 1, 1]] * 6)
    page = client_for(owner).get(reverse("deliberation:results", args=[conversation.pk]))
    assert page.status_code == 200
    assert b"<svg" in page.content
    assert b"Group A" in page.content
    assert b"Group B" in page.content
    conversation.show_results = False
    conversation.save()
    url = reverse("deliberation:public_results", args=[conversation.token])
    assert anonymous().get(url).status_code == 404
    assert client_for(owner).get(url).status_code == 200  # the facilitator still may


def test_list_and_results_queries_stay_flat(
    conversation,
    initiative,
    owner,
    django_assert_max_num_queries,
    django_capture_on_commit_callbacks,
):
    client = client_for(owner)
    list_url = reverse("deliberation:list", args=[initiative.pk])
    results_url = reverse("deliberation:results", args=[conversation.pk])
    detail_url = reverse("deliberation:detail", args=[conversation.pk])
    client.get(list_url)
    with django_assert_max_num_queries(8):
        client.get(list_url)
    for i in range(5):
        services.conversation_create(initiative=initiative, by=owner, title=f"C{i}", question="?")
    participants = [services.participant_create(conversation=conversation) for _ in range(20)]
    with django_capture_on_commit_callbacks(execute=True):
        vote_all(conversation, participants, [[1, 1, -1, -1]] * 10 + [[-1, -1, 1, 1]] * 10)
    services.statements_import(
        conversation=conversation, by=owner, texts=[f"Extra {i}" for i in range(20)]
    )
    with django_assert_max_num_queries(8):
        client.get(list_url)
    with django_assert_max_num_queries(9):
        client.get(results_url)
    with django_assert_max_num_queries(10):
        client.get(detail_url)


def test_csv_import_view_reports_row_errors(conversation, owner):
    url = reverse("deliberation:statements_import", args=[conversation.pk])
    before = conversation.statements.count()
    bad = SimpleUploadedFile("s.csv", ("text\nok\n" + "z" * 400 + "\n").encode())
    response = client_for(owner).post(url, {"file": bad}, follow=True)
    assert b"Row 3" in response.content
    assert conversation.statements.count() == before
    good = SimpleUploadedFile("s.csv", "text\nחדש\nجديد\n".encode())
    client_for(owner).post(url, {"file": good})
    assert conversation.statements.count() == before + 2


def test_polis_import_view(initiative, owner, member):
    url = reverse("deliberation:import", args=[initiative.pk])
    assert client_for(member).get(url).status_code == 403
    votes = b"timestamp,datetime,comment-id,voter-id,vote\n1,x,1,7,1\n2,x,1,8,2\n"
    comments = (
        b"timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body\n"
        b"1,x,1,7,1,0,1,Hi\n"
    )
    response = client_for(owner).post(url, {
        "title": "From Pol.is",
        "votes": SimpleUploadedFile("votes.csv", votes),
        "comments": SimpleUploadedFile("comments.csv", comments),
    })  # fmt: skip
    assert response.status_code == 400
    assert b"Line 3" in response.content
    assert not Conversation.objects.filter(title="From Pol.is").exists()
    response = client_for(owner).post(url, {
        "title": "From Pol.is",
        "votes": SimpleUploadedFile("votes.csv", votes.replace(b"8,2", b"8,-1")),
        "comments": SimpleUploadedFile("comments.csv", comments),
    })  # fmt: skip
    conversation = Conversation.objects.get(title="From Pol.is")
    assert conversation.status == ConversationStatus.CLOSED
    export = client_for(owner).get(reverse("deliberation:export", args=[conversation.pk]))
    archive = zipfile.ZipFile(io.BytesIO(export.content))
    assert sorted(archive.namelist()) == ["comments.csv", "votes.csv"]
    assert archive.read("votes.csv").decode().count("\n") == 3


def test_api_lists_reads_and_votes(conversation, owner, member, outsider):
    api = "/api/v1"
    listing = client_for(member).get(
        f"{api}/initiatives/{conversation.initiative_id}/conversations"
    )
    assert listing.status_code == 200
    assert [c["id"] for c in listing.json()["items"]] == [conversation.pk]
    assert client_for(outsider).get(f"{api}/conversations/{conversation.pk}").status_code == 404
    detail = client_for(member).get(f"{api}/conversations/{conversation.pk}").json()
    statement_id = detail["statements"][0]["id"]
    url = f"{api}/conversations/{conversation.pk}/votes"
    bad = client_for(member).post(url, {"statement_id": statement_id, "value": 5},
                                  content_type="application/json")  # fmt: skip
    assert bad.status_code == 400
    assert Vote.objects.count() == 0
    made = client_for(member).post(url, {"statement_id": statement_id, "value": -1},
                                   content_type="application/json")  # fmt: skip
    assert made.status_code == 201
    assert Vote.objects.get().participant.user == member
    opinion_map = client_for(owner).get(f"{api}/conversations/{conversation.pk}/opinion-map")
    assert opinion_map.status_code == 200
