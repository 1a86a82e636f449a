import pytest

from meshutaf.core.access import Role
from meshutaf.knowledge import services
from meshutaf.meetings import services as meeting_services
from meshutaf.meetings.models import MeetingStatus, OutcomeKind
from meshutaf.search import engine as search

from ..conftest import client_for
from ..factories import InitiativeFactory, MembershipFactory, PersonFactory
from ..meetings.conftest import make_meeting


def titles(results):
    return [hit.entry.title for hit in results.hits]


@pytest.fixture
def corpus(initiative, owner):
    meeting = make_meeting(initiative, owner, title="מפגש השולחן העגול", status=MeetingStatus.HELD)
    meeting_services.agenda_item_add(
        meeting=meeting, by=owner, title="תקציב", minutes="דיון על תקציב הארגונים בצפון"
    )
    meeting_services.outcome_create(
        meeting=meeting, by=owner, kind=OutcomeKind.DECISION, text="הוחלט להקים צוות למדד"
    )
    services.insight_create(
        initiative=initiative, by=owner, title="المدرسة والمجتمع", body="درس مهم", tags=["חינוך"]
    )
    return meeting


def test_finds_minutes_decisions_and_insights(corpus, owner):
    results = search.search(user=owner, query="לארגונים")
    assert results.total == 1
    assert "<mark>הארגונים</mark>" in results.hits[0].snippet_html
    assert search.search(user=owner, query="צוותים").total == 0
    assert search.search(user=owner, query="צוות").hits[0].entry.kind == "decision"
    assert search.search(user=owner, query="مدرسة").hits[0].entry.kind == "insight"
    # Every word must match (AND).
    assert search.search(user=owner, query="תקציב צפון").total == 1
    assert search.search(user=owner, query="תקציב ירושלים").total == 0


def test_outsider_finds_nothing_and_members_miss_drafts(
    corpus, initiative, owner, member, outsider
):
    draft = make_meeting(initiative, owner, title="טיוטה סודית", status=MeetingStatus.DRAFT)
    assert search.search(user=outsider, query="תקציב").total == 0
    assert search.search(user=owner, query="סודית").total == 1
    assert search.search(user=member, query="סודית").total == 0
    # Publishing the draft makes it findable by members.
    meeting_services.meeting_set_status(meeting=draft, by=owner, status=MeetingStatus.SCHEDULED)
    assert search.search(user=member, query="סודית").total == 1


def test_other_initiatives_are_filtered_per_membership(corpus, owner, outsider):
    other = InitiativeFactory(name="אחר")
    MembershipFactory(initiative=other, user=outsider, role=Role.PARTNER)
    other_meeting = make_meeting(other, owner, title="תקציב אחר")
    assert titles(search.search(user=outsider, query="תקציב")) == [other_meeting.title]
    assert search.search(user=owner, query="תקציב", initiative_id=other.pk).total == 0


def test_changes_and_deletions_reach_the_index(corpus, owner):
    item = corpus.agenda_items.get()
    meeting_services.agenda_item_update(item=item, by=owner, data={"minutes": "נושא חדש לגמרי"})
    assert search.search(user=owner, query="הארגונים").total == 0
    assert search.search(user=owner, query="חדש").total == 1
    meeting_services.agenda_item_delete(item=item, by=owner)
    assert search.search(user=owner, query="חדש").total == 0


def test_action_item_owner_is_searchable(corpus, owner):
    person = PersonFactory(full_name="Yael Cohen")
    meeting_services.attendance_set(meeting=corpus, by=owner, people=[person])
    meeting_services.outcome_create(
        meeting=corpus, by=owner, kind=OutcomeKind.ACTION, text="Prepare data", owner=person
    )
    assert search.search(user=owner, query="yael").hits[0].entry.kind == "action"


def test_reindex_all_rebuilds_the_same(corpus, owner):
    from meshutaf.search.indexing import reindex_all

    before = search.search(user=owner, query="תקציב").total
    assert reindex_all() >= 4
    assert search.search(user=owner, query="תקציב").total == before


def test_search_page_and_bad_input(corpus, owner, outsider):
    client = client_for(owner)
    response = client.get("/search/", {"q": "לתקציב"})
    assert response.status_code == 200
    assert "<mark>" in response.text
    assert client.get("/search/", {"q": "x", "offset": "-5"}).status_code == 200
    assert (
        client.get("/search/", {"q": "x", "initiative": "99999999999999999999"}).status_code == 200
    )
    assert client.get("/search/", {"q": '"unbalanced AND OR (*'}).status_code == 200
    assert client_for(outsider).get("/search/", {"q": "תקציב"}).context["results"].total == 0
    assert (
        client_for(outsider)
        .get("/search/", {"q": "תקציב", "initiative": corpus.initiative_id})
        .status_code
        == 404
    )


def test_search_page_query_count_is_flat(initiative, owner, django_assert_max_num_queries):
    for index in range(3):
        make_meeting(initiative, owner, title=f"תקציב {index}", days=index)
    client = client_for(owner)
    with django_assert_max_num_queries(12) as few:
        client.get("/search/", {"q": "תקציב"})
    for index in range(20):
        make_meeting(initiative, owner, title=f"תקציב נוסף {index}", days=index + 5)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get("/search/", {"q": "תקציב"}).context["results"].total == 23
