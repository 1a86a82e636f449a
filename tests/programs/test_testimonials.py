"""Testimonials: shown only when approved, within the consent's scope, before its expiry and
until withdrawn, in every channel (the programme's page, the public page, reports); language
versions follow their original's consent; permissions and bad input."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from meshutaf.programs import models
from meshutaf.programs.models import ConsentScope, Participant, ParticipantStatus
from meshutaf.programs.selectors import alumni as selectors
from meshutaf.programs.services import alumni as services
from tests.factories import PersonFactory

TEXT = "התכנית חיברה אותי לעמיתים ממשרדים אחרים"


@pytest.fixture
def graduate(initiative, cohort, participant):
    Participant.objects.create(
        cohort=cohort,
        person=PersonFactory(user=participant, full_name="רים חורי"),
        user=participant,
        status=ParticipantStatus.GRADUATED,
    )
    return participant


def write(programme, graduate, scope=ConsentScope.PUBLIC, expires=None, text=TEXT):
    return services.testimonial_submit(
        programme=programme,
        by=graduate,
        language="he",
        text=text,
        consent_scope=scope,
        consent_expires=expires,
    )


def programme_page(client, programme) -> str:
    return client.get(reverse("programs:testimonials", args=[programme.pk])).content.decode()


def public_page(programme) -> str:
    response = Client().get(reverse("programs:testimonials_public", args=[programme.pk]))
    assert response.status_code == 200
    return response.content.decode()


def shown_in(programme, channel) -> list[str]:
    return [t.text for t in selectors.testimonials_shown(programme=programme, channel=channel)]


def test_a_pending_testimonial_is_shown_nowhere(as_user, programme, graduate, member):
    write(programme, graduate)
    assert TEXT not in programme_page(as_user(member), programme)
    assert TEXT not in public_page(programme)
    assert shown_in(programme, ConsentScope.REPORTS) == []


def test_approved_and_public_is_shown_everywhere(as_user, programme, graduate, member, owner):
    testimonial = write(programme, graduate)
    services.testimonial_review(testimonial=testimonial, by=owner, approve=True)
    assert TEXT in programme_page(as_user(member), programme)
    assert TEXT in public_page(programme)
    assert shown_in(programme, ConsentScope.REPORTS) == [TEXT]


@pytest.mark.parametrize(
    ("scope", "programme_channel", "reports", "public"),
    [
        (ConsentScope.PROGRAMME, True, False, False),
        (ConsentScope.REPORTS, True, True, False),
        (ConsentScope.PUBLIC, True, True, True),
    ],
)
def test_each_channel_within_the_scope(
    as_user, programme, graduate, member, owner, scope, programme_channel, reports, public
):
    testimonial = write(programme, graduate, scope=scope)
    services.testimonial_review(testimonial=testimonial, by=owner, approve=True)
    assert (TEXT in programme_page(as_user(member), programme)) is programme_channel
    assert (shown_in(programme, ConsentScope.REPORTS) == [TEXT]) is reports
    assert (TEXT in public_page(programme)) is public


def test_expired_consent_is_shown_nowhere(programme, graduate, owner):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    testimonial = write(programme, graduate, expires=tomorrow)
    services.testimonial_review(testimonial=testimonial, by=owner, approve=True)
    assert shown_in(programme, ConsentScope.PUBLIC) == [TEXT]
    later = tomorrow + dt.timedelta(days=1)
    for channel in ConsentScope.values:
        assert selectors.testimonials_shown(programme=programme, channel=channel, today=later) == []


def test_withdrawal_hides_it_and_its_language_versions(as_user, programme, graduate, owner, member):
    testimonial = write(programme, graduate)
    services.testimonial_review(testimonial=testimonial, by=owner, approve=True)
    english = services.testimonial_translate(
        original=testimonial, by=owner, language="en", text="It connected me to peers."
    )
    assert english.status == models.TestimonialStatus.APPROVED
    assert "It connected me to peers." in public_page(programme)
    url = reverse("programs:testimonial_withdraw", args=[testimonial.pk])
    assert as_user(member).post(url).status_code == 403
    assert as_user(graduate).post(url).status_code == 302
    for channel in ConsentScope.values:
        assert shown_in(programme, channel) == []
    assert TEXT not in public_page(programme)
    assert "It connected me to peers." not in programme_page(as_user(member), programme)
    english.refresh_from_db()
    assert english.consent_withdrawn_at is not None


def test_a_graduates_translation_waits_for_approval(programme, graduate, owner):
    testimonial = write(programme, graduate)
    services.testimonial_review(testimonial=testimonial, by=owner, approve=True)
    arabic = services.testimonial_translate(
        original=testimonial, by=graduate, language="ar", text="ربطني البرنامج بزملاء"
    )
    assert arabic.status == models.TestimonialStatus.PENDING
    assert "ربطني البرنامج بزملاء" not in shown_in(programme, ConsentScope.PUBLIC)
    services.testimonial_review(testimonial=arabic, by=owner, approve=True)
    assert "ربطني البرنامج بزملاء" in shown_in(programme, ConsentScope.PUBLIC)
    with pytest.raises(ValidationError):
        services.testimonial_translate(original=testimonial, by=owner, language="ar", text="x")
    with pytest.raises(ValidationError):
        services.testimonial_translate(original=testimonial, by=owner, language="he", text="x")


def test_narrowing_consent_applies_to_the_versions(programme, graduate, owner):
    testimonial = write(programme, graduate)
    services.testimonial_review(testimonial=testimonial, by=owner, approve=True)
    services.testimonial_translate(original=testimonial, by=owner, language="en", text="Peers.")
    services.testimonial_consent_update(
        testimonial=testimonial,
        by=graduate,
        consent_scope=ConsentScope.PROGRAMME,
        consent_expires=None,
    )
    assert shown_in(programme, ConsentScope.PUBLIC) == []
    assert sorted(shown_in(programme, ConsentScope.PROGRAMME)) == sorted([TEXT, "Peers."])


def test_bad_input_is_refused_and_nothing_written(programme, graduate, member):
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    for kwargs in (
        {"text": "  "},
        {"scope": "everywhere"},
        {"expires": yesterday},
    ):
        with pytest.raises(ValidationError):
            write(programme, graduate, **kwargs)
    with pytest.raises(ValidationError):
        services.testimonial_submit(
            programme=programme, by=graduate, language="fr", text=TEXT, consent_scope="public"
        )
    with pytest.raises(ValidationError):
        write(programme, member)  # not a graduate
    assert not models.Testimonial.objects.exists()


def test_the_form_refuses_bad_input(as_user, programme, graduate):
    url = reverse("programs:testimonial_create", args=[programme.pk])
    response = as_user(graduate).post(url, {"language": "he", "text": TEXT})
    assert response.status_code == 200
    assert not models.Testimonial.objects.exists()
    response = as_user(graduate).post(
        url, {"language": "he", "text": TEXT, "consent_scope": "reports"}
    )
    assert response.status_code == 302
    assert models.Testimonial.objects.get().consent_scope == "reports"


def test_review_permissions(as_user, programme, graduate, owner, member, outsider):
    testimonial = write(programme, graduate)
    url = reverse("programs:testimonial_review", args=[testimonial.pk])
    assert as_user(outsider).post(url, {"approve": "1"}).status_code == 404
    assert as_user(member).post(url, {"approve": "1"}).status_code == 403
    assert as_user(graduate).post(url, {"approve": "1"}).status_code == 403
    assert as_user(owner).post(url, {"approve": "1"}).status_code == 302
    testimonial.refresh_from_db()
    assert testimonial.status == models.TestimonialStatus.APPROVED
    with pytest.raises(ValidationError):
        services.testimonial_review(testimonial=testimonial, by=member, approve=False)


def test_pages_by_role(as_user, programme, graduate, owner, member, outsider):
    testimonial = write(programme, graduate)
    assert TEXT in programme_page(as_user(owner), programme)  # staff see pending ones
    assert TEXT in programme_page(as_user(graduate), programme)  # their own
    assert TEXT not in programme_page(as_user(member), programme)
    list_url = reverse("programs:testimonials", args=[programme.pk])
    assert as_user(outsider).get(list_url).status_code == 404
    create_url = reverse("programs:testimonial_create", args=[programme.pk])
    assert as_user(outsider).get(create_url).status_code == 404
    translate_url = reverse("programs:testimonial_translate", args=[testimonial.pk])
    assert as_user(member).get(translate_url).status_code == 403
    assert as_user(graduate).get(translate_url).status_code == 200
    assert as_user(owner).get(translate_url).status_code == 200
    missing = Client().get(reverse("programs:testimonials_public", args=[999_999]))
    assert missing.status_code == 404
