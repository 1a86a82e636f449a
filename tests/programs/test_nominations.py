"""Nominations: the staff's links and list (owner / member / outsider), the director-general's
page by link (valid, expired, revoked, unknown, used up, closed), the e-mails, the directory
people a nomination links, and the calibration dossiers."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from meshutaf.accounts.models import hash_token
from meshutaf.directory.forms import AffiliationForm
from meshutaf.directory.models import Affiliation, Person
from meshutaf.programs.models import (
    CohortPhase,
    Nomination,
    NominationStatus,
    NominatorInvitation,
    NominatorRole,
    Quota,
    QuotaKind,
)
from meshutaf.programs.services import nominations as services
from meshutaf.programs.services import programmes
from tests.conftest import client_for
from tests.factories import PersonFactory

CANDIDATE = {
    "candidate_name": "דנה כהן",
    "candidate_email": "dana@example.org",
    "candidate_phone": "050-1234567",
    "rank": "41",
    "role_title": "ראש אגף תכנון",
    "gender": "woman",
    "nominator_statement": "הובילה רפורמה עם עמותות",
}


@pytest.fixture
def link(cohort, ministries, owner, django_capture_on_commit_callbacks):
    """A nomination link for the first ministry, and its raw token."""
    with django_capture_on_commit_callbacks(execute=True):
        created = services.invitation_create(
            cohort=cohort,
            by=owner,
            organisation=ministries[0],
            nominator_name="יעל לוי",
            nominator_email="dg@welfare.example",
            max_nominations=2,
        )
    return created


def nominate_url(token: str) -> str:
    return reverse("programs:nominate", args=[token])


def _link_in(body: str) -> str:
    match = re.search(r"https?://\S+", body)
    assert match, body
    return match.group(0)


# ---------------------------------------------------------------- links


def test_invitation_stores_only_the_hash_and_mails_the_link(link):
    invitation, raw = link
    assert invitation.token_hash == hash_token(raw)
    assert raw not in invitation.token_hash
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["dg@welfare.example"]
    assert raw in message.body
    assert raw not in message.subject
    assert _link_in(message.body).endswith(nominate_url(raw))


def test_invitation_mail_waits_for_the_commit(cohort, ministries, owner):
    services.invitation_create(
        cohort=cohort,
        by=owner,
        organisation=ministries[0],
        nominator_name="יעל",
        nominator_email="dg@example.org",
    )
    assert mail.outbox == []  # the test's transaction never commits


def test_invitation_links_the_nominator_person_by_email(cohort, ministries, owner):
    person = PersonFactory(email="DG@welfare.example")
    created = services.invitation_create(
        cohort=cohort,
        by=owner,
        organisation=ministries[0],
        nominator_name="יעל",
        nominator_email="dg@welfare.example",
    )
    assert created.invitation.nominator_person == person


def test_a_delegate_names_the_director_general(cohort, ministries, owner):
    with pytest.raises(ValidationError):
        services.invitation_create(
            cohort=cohort,
            by=owner,
            organisation=ministries[0],
            nominator_name="עוזר",
            nominator_email="aide@example.org",
            nominator_role=NominatorRole.DELEGATE,
        )
    assert not NominatorInvitation.objects.exists()


def test_owner_creates_a_link_through_the_page(
    as_user, owner, cohort, ministries, django_capture_on_commit_callbacks
):
    url = reverse("programs:nomination_link_create", args=[cohort.pk])
    assert as_user(owner).get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(owner).post(
            url,
            {
                "organisation": ministries[1].pk,
                "nominator_name": "מנכ״ל החינוך",
                "nominator_email": "dg@edu.example",
                "nominator_role": NominatorRole.DIRECTOR_GENERAL,
                "max_nominations": 3,
                "expires_on": (timezone.localdate() + dt.timedelta(days=10)).isoformat(),
            },
        )
    assert response.status_code == 200
    invitation = NominatorInvitation.objects.get()
    assert invitation.max_nominations == 3
    assert len(mail.outbox) == 1
    assert response.context["new_link"] == _link_in(mail.outbox[0].body)


def test_bad_link_form_writes_nothing(as_user, owner, cohort, ministries):
    response = as_user(owner).post(
        reverse("programs:nomination_link_create", args=[cohort.pk]),
        {
            "organisation": ministries[1].pk,
            "nominator_name": "עוזר",
            "nominator_email": "not-an-email",
            "nominator_role": NominatorRole.DELEGATE,
            "max_nominations": 0,
            "expires_on": "2020-01-01",
        },
    )
    assert response.status_code == 400
    assert not NominatorInvitation.objects.exists()
    assert "on_behalf_of" in response.context["form"].errors


@pytest.mark.parametrize(
    ("who", "status"), [("member", 403), ("outsider", 404), ("participant", 403)]
)
def test_only_staff_reach_the_nomination_pages(
    request, as_user, cohort, nominate, link, who, status
):
    user = request.getfixturevalue(who)
    nomination = nominate()
    invitation = link.invitation
    client = as_user(user)
    for url in (
        reverse("programs:nominations", args=[cohort.pk]),
        reverse("programs:nomination_link_create", args=[cohort.pk]),
        reverse("programs:nomination_create", args=[cohort.pk]),
        reverse("programs:nomination", args=[nomination.pk]),
    ):
        assert client.get(url).status_code == status, url
    for url in (
        reverse("programs:nomination_link_revoke", args=[invitation.pk]),
        reverse("programs:nomination_link_resend", args=[invitation.pk]),
        reverse("programs:nomination_calibration", args=[nomination.pk]),
        reverse("programs:nomination_resend", args=[nomination.pk]),
    ):
        assert client.post(url, {"anchor": "1"}).status_code == status, url
    invitation.refresh_from_db()
    nomination.refresh_from_db()
    assert invitation.revoked_at is None
    assert invitation.token_hash == hash_token(link.raw_token)
    assert not nomination.calibration_anchor


def test_signed_out_visitors_are_sent_to_sign_in(cohort):
    response = client_for(None).get(reverse("programs:nominations", args=[cohort.pk]))
    assert response.status_code == 302


def test_revoke_and_resend(as_user, owner, link, django_capture_on_commit_callbacks):
    invitation, old = link
    client = as_user(owner)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("programs:nomination_link_resend", args=[invitation.pk]))
    assert response.status_code == 200
    new = _link_in(mail.outbox[-1].body).rstrip("/").rsplit("/", 1)[-1]
    assert new != old
    assert client_for(None).get(nominate_url(old)).status_code == 404
    assert client_for(None).get(nominate_url(new)).status_code == 200
    client.post(reverse("programs:nomination_link_revoke", args=[invitation.pk]))
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    response = client_for(None).get(nominate_url(new))
    assert response.status_code == 410
    assert "withdrawn" in response.content.decode()
    with pytest.raises(ValidationError):
        services.invitation_resend(invitation=invitation, by=owner)


def test_the_list_shows_status_decision_counts_and_quotas_not_scores(
    as_user, owner, cohort, ministries, nominate, link
):
    Quota.objects.create(
        cohort=cohort, kind=QuotaKind.ORGANISATION, organisation=ministries[0], maximum=2
    )
    nominate(organisation=ministries[0], name="ראשונה")
    nominate(organisation=ministries[0], name="שנייה", applied=False)
    response = as_user(owner).get(reverse("programs:nominations", args=[cohort.pk]))
    assert response.status_code == 200
    counts = {row.organisation.pk: row for row in response.context["counts"]}
    assert counts[ministries[0].pk].nominated == 2
    assert counts[ministries[0].pk].applied == 1
    assert counts[ministries[0].pk].maximum == 2
    page = response.content.decode()
    assert "ראשונה" in page
    assert "Not decided" in page
    assert "dg@welfare.example" in page
    headings = re.findall(r'<th scope="col">(.*?)</th>', page)
    assert not [heading for heading in headings if "score" in heading.lower()]


def test_the_list_query_count_stays_flat(
    as_user, owner, cohort, ministries, nominate, django_assert_max_num_queries
):
    client = as_user(owner)
    url = reverse("programs:nominations", args=[cohort.pk])
    for _ in range(2):
        nominate()
    client.get(url)
    with django_assert_max_num_queries(20) as small:
        client.get(url)
    for _ in range(18):
        nominate()
    for number in range(5):
        services.invitation_create(
            cohort=cohort,
            by=owner,
            organisation=ministries[number % 3],
            nominator_name=f"dg {number}",
            nominator_email=f"dg{number}@example.org",
        )
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(url)
    assert len(response.context["nominations"]) == 20


# ---------------------------------------------------------------- the director-general's page


def test_the_nominator_sees_the_programme_and_nominates(
    link, cohort, django_capture_on_commit_callbacks
):
    client = client_for(None)
    url = nominate_url(link.raw_token)
    page = client.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert cohort.name in text
    assert cohort.programme.name in text
    for criterion in cohort.rubric_version.criteria.all():
        assert criterion.name in text
    assert page.context["remaining"] == 2
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, CANDIDATE)
    assert response.status_code == 302
    nomination = Nomination.objects.get()
    assert nomination.invitation == link.invitation
    assert nomination.organisation == link.invitation.organisation
    assert nomination.nominator_name == "יעל לוי"
    assert nomination.status == NominationStatus.NOMINATED
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["dana@example.org"]
    token = _link_in(message.body).rstrip("/").rsplit("/", 1)[-1]
    assert nomination.candidate_token_hash == hash_token(token)
    assert token not in message.subject
    # the candidate's e-mail says nothing of who nominated them
    assert "יעל" not in message.body
    assert "הובילה רפורמה" not in message.body
    after = client.get(url)
    assert after.context["remaining"] == 1
    assert [c.candidate_name for c in after.context["candidates"]] == ["דנה כהן"]


def test_the_nominator_sees_only_their_candidates_names_and_status(
    link, cohort, ministries, nominate, owner
):
    nominate(name="של משרד אחר", organisation=ministries[1])
    services.nomination_create_by_link(invitation=link.invitation, **CANDIDATE)
    page = client_for(None).get(nominate_url(link.raw_token)).content.decode()
    assert "דנה כהן" in page
    assert "Nominated, waiting for the candidate" in page
    assert "של משרד אחר" not in page
    assert "dana@example.org" not in page
    assert "הובילה רפורמה" not in page


def test_nominating_links_directory_people(link, ministries):
    nominator = PersonFactory(email="dg@welfare.example")
    existing = PersonFactory(email="Dana@Example.org", full_name="Dana")
    invitation = NominatorInvitation.objects.get(pk=link.invitation.pk)
    nomination = services.nomination_create_by_link(invitation=invitation, **CANDIDATE).nomination
    assert nomination.candidate_person == existing
    # the nominator's person was found when the nomination was made, though added later
    assert nomination.nominator_person == nominator
    assert Affiliation.objects.filter(person=existing, organisation=ministries[0]).exists()


def test_a_new_candidate_is_added_to_the_directory(link, ministries):
    nomination = services.nomination_create_by_link(
        invitation=link.invitation, **CANDIDATE
    ).nomination
    person = nomination.candidate_person
    assert person.email == "dana@example.org"
    assert person.full_name == "דנה כהן"
    affiliation = Affiliation.objects.get(person=person)
    assert affiliation.organisation == ministries[0]
    assert affiliation.role_title == "ראש אגף תכנון"


def test_bad_candidate_input_writes_nothing(link):
    response = client_for(None).post(
        nominate_url(link.raw_token), {**CANDIDATE, "candidate_email": "nope", "role_title": ""}
    )
    assert response.status_code == 400
    assert not Nomination.objects.exists()
    assert not Person.objects.filter(full_name="דנה כהן").exists()


def test_the_same_candidate_twice_is_refused(link):
    client = client_for(None)
    client.post(nominate_url(link.raw_token), CANDIDATE)
    response = client.post(nominate_url(link.raw_token), CANDIDATE)
    assert response.status_code == 400
    assert Nomination.objects.count() == 1


def test_nominations_beyond_the_limit_are_refused(link):
    client = client_for(None)
    for number in range(2):
        response = client.post(
            nominate_url(link.raw_token), {**CANDIDATE, "candidate_email": f"c{number}@example.org"}
        )
        assert response.status_code == 302
    response = client.post(
        nominate_url(link.raw_token), {**CANDIDATE, "candidate_email": "c9@example.org"}
    )
    assert response.status_code == 400
    assert Nomination.objects.count() == 2
    assert "used all the nominations" in response.content.decode()
    with pytest.raises(ValidationError):
        services.nomination_create_by_link(
            invitation=link.invitation, **{**CANDIDATE, "candidate_email": "c8@example.org"}
        )


def test_a_declined_candidate_frees_the_place(link):
    first = services.nomination_create_by_link(invitation=link.invitation, **CANDIDATE)
    services.nomination_create_by_link(
        invitation=link.invitation, **{**CANDIDATE, "candidate_email": "b@example.org"}
    )
    services.candidate_decline(nomination=first.nomination)
    services.nomination_create_by_link(
        invitation=link.invitation, **{**CANDIDATE, "candidate_email": "c@example.org"}
    )
    assert Nomination.objects.exclude(status=NominationStatus.DECLINED).count() == 2


def test_an_expired_link_answers_410_and_writes_nothing(link):
    NominatorInvitation.objects.filter(pk=link.invitation.pk).update(
        expires_at=timezone.now() - dt.timedelta(minutes=1)
    )
    client = client_for(None)
    response = client.get(nominate_url(link.raw_token))
    assert response.status_code == 410
    assert "expired" in response.content.decode()
    assert client.post(nominate_url(link.raw_token), CANDIDATE).status_code == 410
    assert not Nomination.objects.exists()


def test_an_unknown_link_answers_404(cohort):
    response = client_for(None).get(nominate_url("not-a-real-token"))
    assert response.status_code == 404
    assert "not valid" in response.content.decode()


def test_a_link_of_another_cohort_nominates_to_its_own_cohort(
    programme, owner, ministries, link, cohort
):
    other = programmes.cohort_create(programme=programme, by=owner, name="מחזור ג")
    created = services.invitation_create(
        cohort=other,
        by=owner,
        organisation=ministries[1],
        nominator_name="אחר",
        nominator_email="other@example.org",
    )
    client_for(None).post(nominate_url(created.raw_token), CANDIDATE)
    nomination = Nomination.objects.get()
    assert nomination.cohort == other
    assert not cohort.nominations.exists()
    # the other cohort's nominator does not see this cohort's link's candidates, nor the reverse
    assert "דנה כהן" not in client_for(None).get(nominate_url(link.raw_token)).content.decode()


def test_nominations_close_with_the_phase(link, cohort, owner):
    # The phase itself (advancing needs calibration dossiers: the reviews' tests cover it).
    type(cohort).objects.filter(pk=cohort.pk).update(phase=CohortPhase.CALIBRATION)
    client = client_for(None)
    response = client.get(nominate_url(link.raw_token))
    assert response.status_code == 410
    assert "closed" in response.content.decode()
    assert client.post(nominate_url(link.raw_token), CANDIDATE).status_code == 410
    assert not Nomination.objects.exists()


def test_nominations_close_after_the_closing_date(link, cohort):
    cohort.nominations_close = timezone.localdate() - dt.timedelta(days=1)
    cohort.save()
    response = client_for(None).post(nominate_url(link.raw_token), CANDIDATE)
    assert response.status_code == 410
    assert not Nomination.objects.exists()


# ---------------------------------------------------------------- staff nominations


def test_staff_add_a_paper_nomination(
    as_user, owner, cohort, ministries, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(owner).post(
            reverse("programs:nomination_create", args=[cohort.pk]),
            {
                **CANDIDATE,
                "organisation": ministries[2].pk,
                "nominator_name": "ראש העירייה",
                "nominator_email": "",
            },
        )
    nomination = Nomination.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("programs:nomination", args=[nomination.pk])
    assert nomination.invitation is None
    assert nomination.organisation == ministries[2]
    assert [m.to for m in mail.outbox] == [["dana@example.org"]]


def test_the_dossier_shows_everything_to_staff(as_user, owner, nominate, reviewer):
    nomination = nominate(nominator_name="מנכ״לית")
    nomination.application.referees.create(name="ממליץ", email="ref@example.org")
    nomination.conflicts.create(reviewer=reviewer, source="same_organisation")
    page = as_user(owner).get(reverse("programs:nomination", args=[nomination.pk])).content.decode()
    for text in ("מנכ״לית", "מובילה שינוי", "רוצה ללמוד", "ממליץ", "Same ministry or authority"):
        assert text in page


def test_calibration_dossiers(as_user, owner, cohort, nominate):
    nominations = [nominate() for _ in range(6)]
    client = as_user(owner)
    for nomination in nominations[:5]:
        client.post(
            reverse("programs:nomination_calibration", args=[nomination.pk]), {"anchor": "1"}
        )
    response = client.post(
        reverse("programs:nomination_calibration", args=[nominations[5].pk]),
        {"anchor": "1"},
        follow=True,
    )
    assert "At most 5" in response.content.decode()
    assert Nomination.objects.filter(calibration_anchor=True).count() == 5
    client.post(
        reverse("programs:nomination_calibration", args=[nominations[0].pk]), {"anchor": "0"}
    )
    assert Nomination.objects.filter(calibration_anchor=True).count() == 4
    cohort.phase = CohortPhase.CALIBRATION
    cohort.save()
    with pytest.raises(ValidationError):
        services.nomination_calibration_set(nomination=nominations[5], by=owner, anchor=True)


def test_the_affiliation_form_offers_a_reporting_line_among_visible_people(ministries):
    manager, hidden = PersonFactory(), PersonFactory()
    data = {"organisation": ministries[0].pk, "role_title": "ראש אגף"}
    assert "reports_to" not in AffiliationForm(data)  # no people given: no choice offered
    visible = Person.objects.filter(pk=manager.pk)
    form = AffiliationForm({**data, "reports_to": manager.pk}, people=visible)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["reports_to"] == manager
    assert not AffiliationForm({**data, "reports_to": hidden.pk}, people=visible).is_valid()
