"""What the opinion map says in words: shares as what was counted ("2 of 2 agreed"), never the
smoothed ranking figure; groups named with letters of the page's language; a draft's link
that explains itself."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from meshutaf.deliberation import charts, selectors, services
from meshutaf.deliberation.labels import group_label

from ..conftest import client_for
from .conftest import vote_all

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    """The page's visible text, tags removed and spaces squeezed."""
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


@pytest.fixture
def two_camps(conversation, django_capture_on_commit_callbacks):
    """Six people agree with the first two statements and disagree with the last two; six
    people the opposite. Every group is unanimous, so the true share is 6 of 6 (100%) while
    the smoothed figure Pol.is ranks with is (6 + 1) / (6 + 2) = 88%."""
    participants = [services.participant_create(conversation=conversation) for _ in range(12)]
    with django_capture_on_commit_callbacks(execute=True):
        vote_all(conversation, participants, [[1, 1, -1, -1]] * 6 + [[-1, -1, 1, 1]] * 6)
    conversation.refresh_from_db()
    return participants


def test_group_cards_say_what_was_counted(conversation, owner, two_camps):
    reps = [rep for group in conversation.analysis["groups"] for rep in group["representative"]]
    assert reps
    assert {round(100 * rep["probability"]) for rep in reps} == {88}  # the smoothed figure
    page = client_for(owner).get(reverse("deliberation:results", args=[conversation.pk]))
    text = _text(page)
    assert "6 of 6 people in this group agreed (100%)" in text
    assert "6 of 6 people in this group disagreed (100%)" in text
    assert "88%" not in text


def test_a_one_person_group_that_disagreed_reads_1_of_1(conversation, owner, two_camps):
    """A lone dissenter: the smoothed (0 + 1) / (1 + 2) = 67% must not be shown."""
    analysis = conversation.analysis
    group = analysis["groups"][0]
    rep = group["representative"][0]
    group["size"] = 1
    group["representative"] = [
        {**rep, "direction": "disagree", "probability": 0.6667, "n_success": 1, "n_trials": 1}
    ]
    conversation.analysis = analysis
    conversation.save(update_fields=["analysis"])
    data = selectors.opinion_map(conversation=conversation)
    shown = data.groups[0].representative[0]
    assert (shown.group_count, shown.group_seen, shown.group_share) == (1, 1, 100)
    page = client_for(owner).get(reverse("deliberation:results", args=[conversation.pk]))
    text = _text(page)
    assert "1 of 1 person in this group disagreed (100%)" in text
    assert "67%" not in text


def test_everyone_shares_show_their_counts(conversation, owner, two_camps):
    """The statement lists below the groups give the count beside each percentage too."""
    page = client_for(owner).get(reverse("deliberation:results", args=[conversation.pk]))
    text = _text(page)
    assert re.search(r"6 of 12 agreed \(50%\), 6 of 12 disagreed \(50%\)", text), text


def test_the_participants_public_map_says_the_same(conversation, two_camps):
    url = reverse("deliberation:public_results", args=[conversation.token])
    text = _text(Client(HTTP_ACCEPT_LANGUAGE="en").get(url))
    assert "6 of 6 people in this group agreed (100%)" in text
    assert "88%" not in text


@pytest.mark.parametrize(
    ("language", "letters"),
    [("en", "ABC"), ("he", "אבג"), ("ar", "أبج")],
)
def test_group_letters_follow_the_language(language, letters):
    with translation.override(language):
        assert "".join(group_label(i) for i in range(3)) == letters
    assert group_label(0, language=language) == letters[0]


def test_hebrew_pages_name_groups_with_hebrew_letters(conversation, owner, two_camps):
    owner.language = "he"
    owner.save()
    client = client_for(owner)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "he"
    page = client.get(reverse("deliberation:results", args=[conversation.pk]))
    text = _text(page)
    assert re.search(r"קבוצה א\b", text), text[:2000]
    assert re.search(r"קבוצה ב\b", text)
    assert not re.search(r"קבוצה [AB]\b", text)
    html = page.content.decode()
    svg = re.search(r"<svg class=\"chart opinion-map\".*?</svg>", html, re.S).group(0)
    assert ">א</text>" in svg
    assert ">A</text>" not in svg


def test_the_map_svg_uses_the_same_letters(conversation, two_camps):
    with translation.override("ar"):
        svg = charts.opinion_map_svg(selectors.stored_map(conversation=conversation))
    assert ">أ</text>" in svg
    assert ">ب</text>" in svg


def test_a_drafts_link_says_it_is_not_open_yet(initiative, owner):
    draft = services.conversation_create(
        initiative=initiative, by=owner, title="Not yet", question="Later?"
    )
    response = Client(HTTP_ACCEPT_LANGUAGE="en").get(
        reverse("deliberation:participate", args=[draft.token])
    )
    assert response.status_code == 404  # still nothing to take part in
    text = _text(response)
    assert "This conversation is not open yet" in text
    assert "Later?" not in text  # the question stays private until it opens
    assert "Not yet" not in text
    # The same for its other participation pages and its votes.
    vote = Client(HTTP_ACCEPT_LANGUAGE="en").post(
        reverse("deliberation:vote", args=[draft.token]), {"statement": "1", "value": "1"}
    )
    assert vote.status_code == 404
    assert "not open yet" in _text(vote)
    assert not draft.participants.exists()


def test_an_unknown_link_stays_a_plain_not_found(conversation):
    response = Client(HTTP_ACCEPT_LANGUAGE="en").get("/d/not-a-real-token/")
    assert response.status_code == 404
    assert "not open yet" not in _text(response)


def test_the_button_that_opens_a_draft_names_the_action(initiative, owner):
    draft = services.conversation_create(
        initiative=initiative, by=owner, title="Draft", question="?"
    )
    page = client_for(owner).get(reverse("deliberation:detail", args=[draft.pk]))
    text = _text(page)
    assert "Open for participation" in text
    # The badge still names the state; the button no longer repeats the state's name.
    assert re.search(
        r'<button[^>]*value="open"[^>]*>\s*Open for participation\s*<', page.content.decode()
    )
