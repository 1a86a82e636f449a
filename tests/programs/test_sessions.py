"""Sessions: staff create, edit and delete them; every member of the initiative reads the
cohort's timeline and a session's page; outsiders get 404, members without the role 403."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from meshutaf.knowledge.models import Document
from meshutaf.meetings.models import Meeting
from meshutaf.programs.models import Session, SessionKind
from meshutaf.programs.services import sessions as services
from tests.factories import InitiativeFactory, PersonFactory

START = dt.datetime(2027, 2, 1, 9, 0, tzinfo=dt.UTC)


def add_session(cohort, by, *, number=None, starts_at=START, hours=3, **fields):
    return services.session_create(
        cohort=cohort,
        by=by,
        number=number,
        title=fields.pop("title", f"מפגש {number or ''}".strip()),
        kind=fields.pop("kind", SessionKind.CASE_STUDY),
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(hours=hours),
        **fields,
    )


def document(initiative, title="מקרה בוחן"):
    return Document.objects.create(
        initiative=initiative, title=title, file="documents/case.pdf", original_name="case.pdf"
    )


def meeting(initiative):
    return Meeting.objects.create(
        initiative=initiative, title="מפגש", starts_at=START, ends_at=START + dt.timedelta(hours=2)
    )


def form_data(**override):
    data = {
        "number": "1",
        "title": "Field tour: the port",
        "kind": "field_tour",
        "description": "",
        "starts_at": "2027-02-01T09:00",
        "ends_at": "2027-02-01T12:00",
        "place": "Haifa",
        "required": "on",
    }
    data.update(override)
    return data


def test_the_timeline_is_read_by_every_member_and_hidden_from_outsiders(
    as_user, cohort, owner, member, participant, outsider, enrolled
):
    add_session(cohort, owner, title="Case study day", place="ירושלים")
    url = reverse("programs:sessions", args=[cohort.pk])
    for user in (owner, member, participant):
        page = as_user(user).get(url)
        assert page.status_code == 200
        assert "Case study day" in page.content.decode()
        assert "Case study" in page.content.decode()  # the kind's label, beside its mark
    assert as_user(outsider).get(url).status_code == 404
    assert "/login" in as_user(None).get(url)["Location"]


def test_the_timeline_marks_past_and_next_and_offers_staff_their_actions(
    as_user, cohort, owner, member
):
    now = timezone.now()
    add_session(cohort, owner, number=1, title="Earlier", starts_at=now - dt.timedelta(days=7))
    add_session(cohort, owner, number=2, title="Coming", starts_at=now + dt.timedelta(days=7))
    add_session(cohort, owner, number=3, title="Later", starts_at=now + dt.timedelta(days=14))
    body = as_user(owner).get(reverse("programs:sessions", args=[cohort.pk])).content.decode()
    assert body.index("Earlier") < body.index("Coming") < body.index("Later")
    assert body.count(">Held<") == 1
    assert body.count(">Next<") == 1
    assert reverse("programs:session_create", args=[cohort.pk]) in body
    member_body = as_user(member).get(reverse("programs:sessions", args=[cohort.pk])).content
    assert reverse("programs:session_create", args=[cohort.pk]).encode() not in member_body


def test_timeline_query_count_is_flat(
    as_user, cohort, owner, initiative, django_assert_max_num_queries
):
    client = as_user(owner)
    url = reverse("programs:sessions", args=[cohort.pk])
    add_session(cohort, owner, facilitator=PersonFactory(), materials=[document(initiative)])
    client.get(url)
    with django_assert_max_num_queries(25) as few:
        client.get(url)
    for number in range(2, 12):
        add_session(
            cohort,
            owner,
            number=number,
            facilitator=PersonFactory(),
            materials=[document(initiative, f"doc {number}")],
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200


def test_staff_create_a_session_with_materials_and_a_meeting(as_user, cohort, owner, initiative):
    doc = document(initiative)
    held_at = meeting(initiative)
    facilitator = PersonFactory(full_name="ד״ר רות")
    response = as_user(owner).post(
        reverse("programs:session_create", args=[cohort.pk]),
        form_data(materials=[doc.pk], meeting=held_at.pk, facilitator=facilitator.pk),
    )
    session = Session.objects.get()
    assert response.status_code == 302
    assert list(session.materials.all()) == [doc]
    assert session.meeting == held_at
    assert session.facilitator == facilitator
    page = as_user(owner).get(reverse("programs:session", args=[session.pk])).content.decode()
    assert reverse("knowledge:document", args=[doc.pk]) in page


def test_members_and_outsiders_cannot_create_edit_or_delete(
    as_user, cohort, owner, member, outsider
):
    session = add_session(cohort, owner)
    create = reverse("programs:session_create", args=[cohort.pk])
    edit = reverse("programs:session_edit", args=[session.pk])
    delete = reverse("programs:session_delete", args=[session.pk])
    assert as_user(member).post(create, form_data()).status_code == 403
    assert as_user(outsider).post(create, form_data()).status_code == 404
    assert as_user(member).post(edit, form_data(title="x")).status_code == 403
    assert as_user(outsider).post(delete).status_code == 404
    assert as_user(member).post(delete).status_code == 403
    assert Session.objects.get().title == session.title


def test_another_initiatives_document_or_meeting_is_refused_and_nothing_written(
    as_user, cohort, owner
):
    elsewhere = InitiativeFactory()
    client = as_user(owner)
    url = reverse("programs:session_create", args=[cohort.pk])
    for bad in ({"materials": [document(elsewhere).pk]}, {"meeting": meeting(elsewhere).pk}):
        response = client.post(url, form_data(**bad))
        assert response.status_code == 200
        assert "Select a valid choice" in response.content.decode()
    with pytest.raises(ValidationError):
        add_session(cohort, owner, materials=[document(elsewhere)])
    with pytest.raises(ValidationError):
        add_session(cohort, owner, meeting=meeting(elsewhere))
    assert not Session.objects.exists()


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"title": ""}, "This field is required"),
        ({"kind": "party"}, "Select a valid choice"),
        ({"starts_at": "tomorrow"}, "Enter a valid date/time"),
        ({"ends_at": "2027-02-01T08:00"}, "A session ends after it starts"),
        ({"number": "-3"}, "greater than or equal to 0"),
    ],
)
def test_bad_input_is_refused_with_a_message(as_user, cohort, owner, override, message):
    response = as_user(owner).post(
        reverse("programs:session_create", args=[cohort.pk]), form_data(**override)
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Session.objects.exists()


def test_staff_edit_and_delete(as_user, cohort, owner, initiative):
    session = add_session(cohort, owner, materials=[document(initiative)])
    client = as_user(owner)
    response = client.post(
        reverse("programs:session_edit", args=[session.pk]),
        form_data(title="Peer learning circle", kind="peer_learning", required=""),
    )
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.title == "Peer learning circle"
    assert not session.required
    assert not session.materials.exists()
    client.post(reverse("programs:session_delete", args=[session.pk]))
    assert not Session.objects.exists()


def test_numbers_follow_on(cohort, owner):
    assert add_session(cohort, owner).number == 1
    assert add_session(cohort, owner).number == 2
