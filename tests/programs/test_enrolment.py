"""From selected candidate to participant: the selection e-mail with a fresh link, joining with
an existing account or a new one, and nothing for a link that is not a selected candidate's."""

import re
from urllib.parse import urlparse

import pytest
from django.core import mail
from django.urls import reverse

from meshutaf.initiatives.models import Membership
from meshutaf.programs.models import Decision, Participant
from meshutaf.programs.services import enrolment
from tests.conftest import client_for
from tests.factories import PersonFactory, UserFactory


@pytest.fixture
def selected(cohort, nominate):
    nomination = nominate(decision=Decision.SELECTED)
    Participant.objects.create(
        cohort=cohort,
        person=PersonFactory(full_name=nomination.candidate_name),
        nomination=nomination,
        organisation=nomination.organisation,
    )
    return nomination


def _link(django_capture_on_commit_callbacks, cohort) -> str:
    with django_capture_on_commit_callbacks(execute=True):
        assert enrolment.selected_notify(cohort=cohort) == 1
    (message,) = mail.outbox
    assert cohort.programme.name in message.subject  # in the site's language, Hebrew
    assert "http" not in message.subject
    return re.search(r"https?://\S+", message.body).group(0)


def _path(url: str) -> str:
    return urlparse(url).path


def test_a_new_account_joins_the_cohort(cohort, selected, django_capture_on_commit_callbacks):
    client = client_for(None)
    path = _path(_link(django_capture_on_commit_callbacks, cohort))
    page = client.get(path)
    assert page.status_code == 200
    assert "Create my account and join" in page.content.decode()
    bad = client.post(
        path, {"action": "signup", "username": "x", "password1": "a", "password2": "b"}
    )
    assert bad.status_code == 400
    assert not Participant.objects.filter(user__isnull=False).exists()
    response = client.post(
        path,
        {
            "action": "signup",
            "first_name": "Dana",
            "username": "dana",
            "password1": "a-long-pass-phrase-2027",
            "password2": "a-long-pass-phrase-2027",
        },
    )
    assert response.status_code == 302
    participant = Participant.objects.get(nomination=selected)
    assert participant.user.username == "dana"
    assert participant.user.email == selected.candidate_email
    assert Membership.objects.filter(
        user=participant.user, initiative=cohort.programme.initiative, role="participant"
    ).exists()
    assert client.get(reverse("programs:cohort", args=[cohort.pk])).status_code == 200


def test_an_existing_account_joins_once_and_no_one_else_can(
    cohort, selected, django_capture_on_commit_callbacks, outsider
):
    path = _path(_link(django_capture_on_commit_callbacks, cohort))
    assert client_for(None).post(path, {"action": "join"}).status_code == 302  # to sign in
    assert client_for(outsider).post(path, {"action": "join"}).status_code == 302
    assert Participant.objects.get(nomination=selected).user == outsider
    other = UserFactory(username="other")
    response = client_for(other).post(path, {"action": "join"}, follow=True)
    assert "already taken by another account" in response.content.decode()
    assert Participant.objects.get(nomination=selected).user == outsider


def test_a_link_that_is_not_a_place_joins_nothing(cohort, nominate, member):
    nomination = nominate()
    with pytest.raises(Exception, match="not for a place"):
        enrolment.participant_join(nomination=nomination, user=member)
    assert not Participant.objects.exists()
