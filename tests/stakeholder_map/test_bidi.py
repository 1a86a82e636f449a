"""Stakeholder map pages in Hebrew and English: the arrow between engagement levels points the
way the page reads, and shortened names on the network map carry no invisible bidi controls."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from meshutaf.stakeholder_map import services
from meshutaf.stakeholder_map.models import Engagement
from tests.factories import OrganisationFactory

BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")


def _client(user, language: str) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


@pytest.fixture
def mapped(initiative, owner):
    long_names = [
        "משרד החינוך והמינהל הפדגוגי הארצי",
        "קרן לאוטמן לקידום החברה האזרחית",
        "Lautman Fund for Civil Society",
    ]
    profiles = [
        services.profile_create(
            initiative=initiative,
            by=owner,
            organisation=OrganisationFactory(name_he=name, name_en=name, sector="government"),
            power=4,
            interest=4,
            engagement_current=Engagement.NEUTRAL,
            engagement_desired=Engagement.SUPPORTIVE,
        )
        for name in long_names
    ]
    services.relationship_create(
        initiative=initiative, by=owner, source=profiles[0], target=profiles[1], kind="allied"
    )
    services.relationship_create(
        initiative=initiative, by=owner, source=profiles[1], target=profiles[2], kind="allied"
    )
    services.network_analyse(initiative=initiative, by=owner)
    return profiles


def _labels(language: str) -> tuple[str, str]:
    with translation.override(language):
        return str(Engagement.NEUTRAL.label), str(Engagement.SUPPORTIVE.label)


@pytest.mark.parametrize(("language", "arrow", "wrong"), [("he", "←", "→"), ("en", "→", "←")])
def test_engagement_arrow_points_the_way_the_page_reads(
    owner, initiative, mapped, language, arrow, wrong
):
    neutral, supportive = _labels(language)
    client = _client(owner, language)
    for url in (
        reverse("map:profile_detail", args=[mapped[0].pk]),
        reverse("map:register", args=[initiative.pk]),
    ):
        body = client.get(url).content.decode()
        assert f"{neutral} {arrow} {supportive}" in body, url
        assert f"{neutral} {wrong} {supportive}" not in body, url


@pytest.mark.parametrize("language", ["he", "en"])
def test_relationship_names_its_ends_in_reading_order(mapped, language):
    relationship = mapped[0].relationships_out.first()
    with translation.override(language):
        arrow = "←" if language == "he" else "→"
        assert f" {arrow} " in str(relationship)


def test_network_map_labels_are_shortened_without_bidi_controls(owner, initiative, mapped):
    response = _client(owner, "he").get(reverse("map:network", args=[initiative.pk]))
    body = response.content.decode()
    labels = [node["label"] for node in response.context["island"]["nodes"]]
    assert len(labels) == 3
    assert sum(label.endswith("…") for label in labels) == 3
    for label in labels:
        assert not BIDI_CONTROLS.search(label), ascii(label)
    assert not BIDI_CONTROLS.search(body)
