"""The projector: only the people who run the workshop open it; its live stage shows one
group's canvas in one section (or every group's), walked group by group then section by
section, with the notes exactly those the room may see (never hidden, merged or withdrawn ones, and
anonymous notes stay anonymous), in a fixed number of queries."""

import pytest
from django.urls import reverse

from meshutaf.workshops import services
from meshutaf.workshops.models import WorkshopSession

from ..conftest import client_for
from ..factories import UserFactory
from .conftest import add
from .factories import ContributionFactory, ParticipantFactory, WorkingGroupFactory


def page(session, key="matrix", group=None):
    url = reverse("workshops:projector", args=[session.pk, key])
    return url if group is None else f"{url}?group={group.pk}"


def stage(session, key="matrix", group=None):
    url = reverse("workshops:projector_stage", args=[session.pk, key])
    return url if group is None else f"{url}?group={group.pk}"


def groups_of(session):
    return list(session.groups.order_by("position", "pk"))


@pytest.mark.parametrize(
    ("who", "expected"),
    [("owner", 200), ("member", 403), ("participant", 403), ("outsider", 404)],
)
def test_only_who_runs_the_workshop_opens_the_projector(request, session, who, expected):
    client = client_for(request.getfixturevalue(who))
    assert client.get(page(session)).status_code == expected
    assert client.get(stage(session)).status_code == expected
    start = client.get(reverse("workshops:projector_start", args=[session.pk]))
    assert start.status_code == (302 if expected == 200 else expected)


def test_anonymous_visitors_are_sent_to_log_in(session, client):
    response = client.get(page(session))
    assert response.status_code == 302
    assert "/accounts/login" in response["Location"]


def test_the_projector_starts_at_the_first_groups_canvas_in_the_first_section(session, owner):
    response = client_for(owner).get(reverse("workshops:projector_start", args=[session.pk]))
    assert response["Location"] == page(session, "matrix", groups_of(session)[0])


def test_a_workshop_without_groups_starts_with_the_whole_section(session, owner):
    session.groups.all().delete()
    response = client_for(owner).get(reverse("workshops:projector_start", args=[session.pk]))
    assert response["Location"] == page(session, "matrix")
    assert client_for(owner).get(response["Location"]).status_code == 200


def test_one_group_at_a_time_shows_that_groups_canvas_only(session, owner):
    first, second = groups_of(session)
    ours = services.participant_join(group=first, display_name="Dana")
    theirs = services.participant_join(group=second, display_name="Omar")
    add(first, ours, "From the first group")
    add(second, theirs, "From the second group")
    client = client_for(owner)
    for url in (page(session, group=second), stage(session, group=second)):
        body = client.get(url).content.decode()
        assert "From the second group" in body
        assert "From the first group" not in body
        assert "group 2 of 2" in body
        # Its poll asks about the same group's canvas.
        assert f'hx-get="{stage(session, group=second)}&amp;v=' in body
    together = client.get(page(session)).content.decode()
    assert "From the first group" in together
    assert "From the second group" in together
    # The wall switches between the two ways from either.
    assert f'href="{page(session)}"' in client.get(page(session, group=first)).content.decode()
    assert f'href="{page(session, group=first)}"' in together


def test_next_walks_the_groups_then_the_sections_and_wraps(session, owner):
    first, second = groups_of(session)
    client = client_for(owner)
    expected = [
        (page(session, "matrix", first), page(session, "matrix", second)),
        (page(session, "matrix", second), page(session, "questions", first)),
        (page(session, "questions", first), page(session, "questions", second)),
        (page(session, "questions", second), page(session, "matrix", first)),
    ]
    for here, following in expected:
        body = client.get(here).content.decode()
        assert f'id="projector-next" rel="next" href="{following}"' in body, here
    # The stage knows the same way on, so the script can fetch it without the page.
    last = client.get(stage(session, "questions", second)).content.decode()
    assert f'data-next-stage="{stage(session, "matrix", first)}"' in last
    assert f'data-previous-url="{page(session, "questions", first)}"' in last


@pytest.mark.parametrize("group", ["x", "-1", "1.5", "٣", "9" * 40, "", "0"])
def test_a_group_that_is_not_a_number_or_not_there_is_404(session, owner, group):
    client = client_for(owner)
    url = reverse("workshops:projector", args=[session.pk, "matrix"])
    assert client.get(url, {"group": group}).status_code == 404
    stage_url = reverse("workshops:projector_stage", args=[session.pk, "matrix"])
    assert client.get(stage_url, {"group": group}).status_code == 404


def test_another_sessions_group_is_404(session, owner, initiative, template):
    other = services.workshop_session_create(
        initiative=initiative, by=owner, title="Another", template=template, groups=["C"]
    )
    (elsewhere,) = groups_of(other)
    assert client_for(owner).get(page(session, group=elsewhere)).status_code == 404
    assert client_for(owner).get(stage(session, group=elsewhere)).status_code == 404


def test_the_board_links_to_the_projector_for_facilitators_only(session, owner, member):
    link = reverse("workshops:projector_start", args=[session.pk])
    assert link in client_for(owner).get(session.get_absolute_url()).content.decode()
    assert link not in client_for(member).get(session.get_absolute_url()).content.decode()


@pytest.mark.parametrize(
    "key", ["nope", "MATRIX", "matrix ", "..", "%00", "a" * 200, "questions-extra"]
)
def test_a_section_the_workshop_does_not_have_is_404(session, owner, key):
    client = client_for(owner)
    assert client.get(reverse("workshops:projector", args=[session.pk, key])).status_code == 404
    assert client.get(reverse("workshops:projector_stage", args=[session.pk, key])).status_code == (
        404
    )


def test_another_sessions_page_is_404(session, owner):
    other = WorkingGroupFactory().session  # an initiative the owner has no role in
    assert client_for(owner).get(page(other)).status_code == 404
    assert client_for(owner).get(reverse("workshops:projector", args=[99999, "x"])).status_code == (
        404
    )


def test_the_page_shows_one_section_with_its_controls(session, group_a, joined, owner):
    add(group_a, joined, "Sharing our data", ("matrix", "move", "opportunity"))
    add(group_a, joined, "Who decides what?", ("questions", "", ""))
    body = client_for(owner).get(page(session)).content.decode()
    assert "Sharing our data" in body
    assert "Who decides what?" not in body
    assert "Section 1 of 2" in body
    # Previous and next wrap around: from the first section both lead to the second.
    assert f'href="{page(session, "questions")}"' in body
    assert 'id="projector-fullscreen"' in body
    assert 'role="status"' in body
    assert "js/projector.js" in body
    assert "<script>" not in body


def test_the_stage_shows_only_the_current_sections_notes(session, group_a, joined, owner):
    add(group_a, joined, "A price we pay")
    add(group_a, joined, "An open question", ("questions", "", ""))
    client = client_for(owner)
    matrix = client.get(stage(session)).content.decode()
    questions = client.get(stage(session, "questions")).content.decode()
    assert "A price we pay" in matrix
    assert "An open question" not in matrix
    assert "An open question" in questions
    assert "A price we pay" not in questions
    # Only the stage: no page around it, and its next poll asks about this section.
    assert "<html" not in matrix
    assert 'id="projector-stage"' in matrix
    assert f"{stage(session, 'questions')}?v=" in questions


def test_the_stage_is_204_while_nothing_changed(session, group_a, joined, owner):
    client = client_for(owner)
    add(group_a, joined, "first")
    version = WorkshopSession.objects.get(pk=session.pk).version
    assert client.get(stage(session), {"v": version}).status_code == 204
    assert client.get(stage(session), {"v": "not a number"}).status_code == 200
    add(group_a, joined, "second")
    response = client.get(stage(session), {"v": version})
    assert response.status_code == 200
    assert "second" in response.content.decode()
    assert response["Cache-Control"].startswith("max-age=0")


def test_the_wall_shows_only_what_the_room_may_see(session, group_a, owner):
    """The facilitator sees hidden and merged notes (marked) on the board; the projector,
    which the whole room sees, never shows them, and names no anonymous author."""
    account = UserFactory(username="secret-account", first_name="Yael", last_name="Secret")
    anonymous = services.participant_join(group=group_a, anonymous=True, user=account)
    named = services.participant_join(group=group_a, display_name="Rana")
    kept = add(group_a, anonymous, "A note without a name")
    hidden = add(group_a, named, "Something rude")
    services.contribution_set_hidden(contribution=hidden, by=owner, hidden=True)
    duplicate = add(group_a, named, "A note without a name, again")
    services.contributions_merge(target=kept, duplicates=[duplicate], by=owner)
    withdrawn = add(group_a, named, "Changed my mind")
    services.contribution_withdraw(contribution=withdrawn, participant=named)
    add(group_a, named, "Signed by Rana")

    client = client_for(owner)
    board = client.get(session.get_absolute_url()).content.decode()
    assert "Something rude" in board  # the facilitator's own board marks it hidden

    for body in (client.get(page(session)).content.decode(), client.get(stage(session)).content):
        text = body if isinstance(body, str) else body.decode()
        assert "A note without a name" in text
        assert "Something rude" not in text
        assert "A note without a name, again" not in text
        assert "Changed my mind" not in text
        assert "Signed by Rana" in text
        assert "Rana" in text
        assert "Anonymous" in text
        assert "Yael" not in text
        assert "Secret" not in text
        assert "secret-account" not in text
        assert "merged: 1" in text


@pytest.mark.parametrize("one_group", [False, True])
def test_stage_query_count_is_flat(session, owner, django_assert_max_num_queries, one_group):
    client = client_for(owner)

    def grow(count):
        for _ in range(count):
            group = WorkingGroupFactory(session=session)
            person = ParticipantFactory(group=group)
            for _ in range(4):
                ContributionFactory(participant=person)
            ContributionFactory(participant=person, section_key="questions", row_key="")

    shown = groups_of(session)[-1] if one_group else None
    grow(2)
    with django_assert_max_num_queries(9) as few:
        assert client.get(stage(session, group=shown)).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(page(session, group=shown)).status_code == 200
    grow(10)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(stage(session, group=shown)).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(page(session, group=shown)).status_code == 200
