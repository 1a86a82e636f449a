"""The type-to-search pickers: folded name keys, prefix letters, permissions, bad input, and
query counts that stay flat as the directory grows."""

import re

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from meshutaf.core.name_keys import key_matches, name_key, query_words
from meshutaf.core.widgets import FALLBACK_LIMIT
from meshutaf.directory.models import Person
from meshutaf.initiatives.forms import GroupMemberForm
from meshutaf.initiatives.models import GroupMember

from ..conftest import client_for
from ..factories import (
    GroupFactory,
    GroupMemberFactory,
    OrganisationFactory,
    PersonFactory,
)

PEOPLE = reverse("directory:pick_people")
ORGANISATIONS = reverse("directory:pick_organisations")


def labels(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [option["label"] for option in response.json()["options"]]


# --- Pure keys -----------------------------------------------------------------------------


def test_name_key_folds_points_and_final_letters():
    assert name_key("דָּנָה כֹּהֵן") == " דנה כהנ "
    assert key_matches(name_key("דנה כהן"), query_words("כהן"))


@pytest.mark.parametrize("typed", ["דנ", "דנה", "ודנה", "לדנה", "שדנה", "וכשדנה", "כהן", "ד כה"])
def test_hebrew_prefix_letters_are_stripped_from_what_is_typed(typed):
    assert key_matches(name_key("דנה כהן"), query_words(typed))


def test_arabic_article_and_conjunction():
    key = name_key("أحمد الخطيب")
    for typed in ("الخطيب", "خطيب", "والخطيب", "احمد", "أحمد", "وأحمد"):
        assert key_matches(key, query_words(typed)), typed
    assert not key_matches(key, query_words("محمود"))


def test_fewer_than_two_letters_is_no_query():
    assert query_words("") == []
    assert query_words("ד") == []
    assert query_words(" - . ") == []
    assert query_words("דנ") != []


@given(st.text(max_size=300))
def test_any_text_gives_words_without_error(text):
    words = query_words(text)
    assert len(words) <= 5
    assert all(forms and all(forms) for forms in words)
    name_key(text)


# --- Directory endpoints ---------------------------------------------------------------------


@pytest.fixture
def dana(db):
    return PersonFactory(full_name="דנה כהן", email="dana@example.org")


def test_people_search_folds_and_strips_prefixes(owner, dana):
    PersonFactory(full_name="דני לוי")
    PersonFactory(full_name="משה דנון")
    client = client_for(owner)
    assert labels(client.get(PEOPLE, {"q": "ודנה"})) == ["דנה כהן"]
    assert labels(client.get(PEOPLE, {"q": "לדנה"})) == ["דנה כהן"]
    # Names that start with what was typed come first; a word inside a name still matches.
    assert labels(client.get(PEOPLE, {"q": "דנ"})) == ["דנה כהן", "דני לוי", "משה דנון"]
    assert labels(client.get(PEOPLE, {"q": "כהן"})) == ["דנה כהן"]
    assert labels(client.get(PEOPLE, {"q": "דנה כ"})) == ["דנה כהן"]


def test_people_search_in_arabic_and_english(owner):
    PersonFactory(full_name="أحمد الخطيب")
    PersonFactory(full_name="Dana Cohen")
    client = client_for(owner)
    assert labels(client.get(PEOPLE, {"q": "والخطيب"})) == ["أحمد الخطيب"]
    assert labels(client.get(PEOPLE, {"q": "خطيب"})) == ["أحمد الخطيب"]
    assert labels(client.get(PEOPLE, {"q": "DANA"})) == ["Dana Cohen"]


def test_renamed_person_is_found_by_the_new_name(owner, dana):
    dana.full_name = "דנה אלון"
    dana.save(update_fields=["full_name"])
    client = client_for(owner)
    assert labels(client.get(PEOPLE, {"q": "אלון"})) == ["דנה אלון"]
    assert labels(client.get(PEOPLE, {"q": "כהן"})) == []


def test_people_search_only_finds_people_the_user_may_see(initiative, member, outsider, dana):
    # Dana sits in a group of the member's initiative; Dan is in no initiative.
    GroupMemberFactory(group=GroupFactory(initiative=initiative), person=dana)
    PersonFactory(full_name="דנה סתר")
    assert labels(client_for(member).get(PEOPLE, {"q": "דנה"})) == ["דנה כהן"]
    assert labels(client_for(outsider).get(PEOPLE, {"q": "דנה"})) == []


def test_anonymous_is_sent_to_log_in(client, dana):
    response = client.get(PEOPLE, {"q": "דנה"})
    assert response.status_code == 302
    assert "דנה" not in response.content.decode()


@pytest.mark.parametrize("q", ["", "ד", "  ", "--", "%", "_"])
def test_too_little_typed_answers_a_message(owner, dana, q):
    response = client_for(owner).get(PEOPLE, {"q": q})
    assert response.status_code == 200
    assert response.json()["options"] == []
    assert response.json()["message"] == "Type at least two letters."


def test_very_long_text_is_refused_clearly(owner, dana):
    response = client_for(owner).get(PEOPLE, {"q": "ד" * 5000})
    assert response.status_code == 400
    assert response.json() == {
        "options": [],
        "more": False,
        "message": "The search text is too long.",
    }


def test_like_wildcards_are_plain_letters(owner, dana):
    assert labels(client_for(owner).get(PEOPLE, {"q": "ד%"})) == []


def test_post_is_not_allowed(owner):
    assert client_for(owner).post(PEOPLE, {"q": "דנה"}).status_code == 405


def test_at_most_twenty_options_and_the_rest_announced(owner):
    for n in range(25):
        PersonFactory(full_name=f"דנה {n:02}")
    data = client_for(owner).get(PEOPLE, {"q": "דנה"}).json()
    assert len(data["options"]) == 20
    assert data["more"] is True
    assert "type more" in data["message"]


def test_organisations_search(owner, member, outsider, initiative):
    fund = OrganisationFactory(name_he="קרן גשר", name_en="Gesher Fund", name_ar="صندوق جسر")
    OrganisationFactory(name_he="עמותת גשרים", name_en="Bridges", name_ar="")
    initiative.leading_partners.add(fund)
    owner_client = client_for(owner)
    # Labels are in the reader's language (English here), matching in any of the three.
    assert labels(owner_client.get(ORGANISATIONS, {"q": "בגשר"})) == ["Bridges", "Gesher Fund"]
    assert labels(owner_client.get(ORGANISATIONS, {"q": "gesher"})) == ["Gesher Fund"]
    assert labels(owner_client.get(ORGANISATIONS, {"q": "وجسر"})) == ["Gesher Fund"]
    # The member sees the organisations of their initiative only; the outsider none.
    assert labels(client_for(member).get(ORGANISATIONS, {"q": "גשר"})) == ["Gesher Fund"]
    assert labels(client_for(outsider).get(ORGANISATIONS, {"q": "גשר"})) == []


def test_query_count_stays_flat_with_ten_thousand_people(
    owner, member, initiative, django_assert_max_num_queries
):
    group = GroupFactory(initiative=initiative)
    for n in range(5):
        GroupMemberFactory(group=group, person=PersonFactory(full_name=f"דנה {n}"))

    def measure(client):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert client.get(PEOPLE, {"q": "ודנה"}).status_code == 200
        return len(queries)

    owner_client, member_client = client_for(owner), client_for(member)
    few = {"owner": measure(owner_client), "member": measure(member_client)}
    Person.objects.bulk_create(
        [Person(full_name=f"דנה {n}", name_key=name_key(f"דנה {n}")) for n in range(10_000)]
    )
    with django_assert_max_num_queries(few["owner"]):
        data = owner_client.get(PEOPLE, {"q": "ודנה"}).json()
    assert len(data["options"]) == 20
    with django_assert_max_num_queries(few["member"]):
        assert len(member_client.get(PEOPLE, {"q": "ודנה"}).json()["options"]) == 5


# --- The widget ----------------------------------------------------------------------------


def test_widget_renders_a_native_select_with_the_search_address(owner, group, dana):
    form = GroupMemberForm(instance=GroupMember(group=group), people=Person.objects.all())
    html = str(form["person"])
    assert "data-picker" in html
    assert f'data-picker-url="{PEOPLE}"' in html
    assert 'name="person"' in html
    assert "דנה כהן" in html  # few people: all written, usable without JavaScript


def test_widget_writes_at_most_the_fallback_limit_and_the_chosen_one(owner, group):
    Person.objects.bulk_create(
        [Person(full_name=f"אדם {n:04}", name_key=name_key(f"אדם {n:04}")) for n in range(300)]
    )
    last = Person.objects.order_by("-full_name").first()
    form = GroupMemberForm(
        data={"person": str(last.pk), "role": "member"},
        instance=GroupMember(group=group),
        people=Person.objects.all(),
    )
    html = str(form["person"])
    assert html.count("<option") <= FALLBACK_LIMIT + 2
    assert f'value="{last.pk}" selected' in html
    assert "Only the first 200" in html
    assert form.is_valid(), form.errors  # validation still sees everyone


def test_several_choices_keep_the_multiple_select(owner, initiative):
    fund, institute = OrganisationFactory(), OrganisationFactory()
    response = client_for(owner).post(
        reverse("initiatives:edit", args=[initiative.pk]),
        {
            "name": initiative.name,
            "kind": initiative.kind,
            "status": initiative.status,
            "leading_partners": [fund.pk, institute.pk],
        },
    )
    assert response.status_code == 302
    assert set(initiative.leading_partners.all()) == {fund, institute}
    page = client_for(owner).get(reverse("initiatives:edit", args=[initiative.pk])).text
    assert re.search(r'<select name="leading_partners"[^>]*multiple', page)
    assert "data-picker-multiple" in page
