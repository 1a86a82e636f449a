"""The alumni network: joining, visibility per field in the directory, the profile page and
the CSV export (a STAFF-level phone never reaches an alumnus or a member), the role's
confirmation, asks and offers, mentoring within capacity, and permissions."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from meshutaf.core.access import Role
from meshutaf.programs.models import (
    AlumniProfile,
    Exchange,
    MatchStatus,
    MentoringMatch,
    Participant,
    ParticipantStatus,
)
from meshutaf.programs.selectors import alumni as selectors
from meshutaf.programs.services import alumni as services
from tests.factories import MembershipFactory, PersonFactory, UserFactory

PHONE = "050-7654321"
EMAIL = "dana.private@example.org"
EXPERTISE = "תקצוב מגדרי"
ROLE = "ראש אגף תכנון"


def graduate_of(cohort, user, organisation=None, name="דנה לוי"):
    return Participant.objects.create(
        cohort=cohort,
        person=PersonFactory(user=user, full_name=name),
        user=user,
        organisation=organisation,
        status=ParticipantStatus.GRADUATED,
    )


@pytest.fixture
def graduate(initiative, cohort, ministries, participant):
    graduate_of(cohort, participant, ministries[0])
    return participant


@pytest.fixture
def profile(programme, graduate, ministries):
    return services.alumni_profile_opt_in(
        programme=programme,
        user=graduate,
        role_title=ROLE,
        organisation=ministries[0],
        expertise=EXPERTISE,
        email=EMAIL,
        phone=PHONE,
        bio="",
        visibility={
            "role_title": "members",
            "organisation": "members",
            "expertise": "alumni",
            "email": "alumni",
            "phone": "staff",
        },
    )


@pytest.fixture
def alumnus(initiative, cohort, programme):
    """Another graduate in the network: sees ALUMNI fields."""
    user = UserFactory(username="alumnus")
    MembershipFactory(initiative=initiative, user=user, role=Role.PARTICIPANT)
    graduate_of(cohort, user, name="יוסי כהן")
    services.alumni_profile_opt_in(programme=programme, user=user)
    return user


def page(client, programme, **query):
    return client.get(reverse("programs:alumni", kwargs={"pk": programme.pk}), query)


# ---------------------------------------------------------------- visibility


def test_directory_shows_each_field_at_its_level(
    as_user, programme, profile, alumnus, owner, member, outsider
):
    staff_page = page(as_user(owner), programme).content.decode()
    assert PHONE in staff_page
    assert EMAIL in staff_page
    assert EXPERTISE in staff_page
    alumni_page = page(as_user(alumnus), programme).content.decode()
    assert EMAIL in alumni_page
    assert EXPERTISE in alumni_page
    assert ROLE in alumni_page
    assert PHONE not in alumni_page
    member_page = page(as_user(member), programme).content.decode()
    assert "דנה לוי" in member_page
    assert ROLE in member_page
    assert PHONE not in member_page
    assert EMAIL not in member_page
    assert EXPERTISE not in member_page
    assert page(as_user(outsider), programme).status_code == 404


def test_the_graduate_sees_all_of_their_own_profile(as_user, programme, profile, graduate):
    body = as_user(graduate).get(reverse("programs:alumni_profile", args=[profile.pk]))
    assert PHONE in body.content.decode()


def test_profile_page_by_viewer(as_user, profile, alumnus, owner, member, outsider):
    url = reverse("programs:alumni_profile", args=[profile.pk])
    assert PHONE in as_user(owner).get(url).content.decode()
    alumni_view = as_user(alumnus).get(url).content.decode()
    assert EMAIL in alumni_view
    assert PHONE not in alumni_view
    member_view = as_user(member).get(url).content.decode()
    assert ROLE in member_view
    assert EMAIL not in member_view
    assert PHONE not in member_view
    assert as_user(outsider).get(url).status_code == 404


def test_searching_by_a_hidden_field_finds_nothing(as_user, programme, profile, alumnus, member):
    member_found = page(as_user(member), programme, q=EXPERTISE).content.decode()
    assert "דנה לוי" not in member_found
    assert "דנה לוי" not in page(as_user(alumnus), programme, q=PHONE).content.decode()
    assert "דנה לוי" in page(as_user(alumnus), programme, q=EXPERTISE).content.decode()
    assert "דנה לוי" in page(as_user(member), programme, q="דנה").content.decode()


def test_export_follows_visibility(as_user, programme, profile, alumnus, owner, member, outsider):
    url = reverse("programs:alumni_export", args=[programme.pk])
    assert PHONE in as_user(owner).get(url).content.decode()
    alumni_csv = as_user(alumnus).get(url).content.decode()
    assert EMAIL in alumni_csv
    assert PHONE not in alumni_csv
    member_csv = as_user(member).get(url).content.decode()
    assert ROLE in member_csv
    assert EMAIL not in member_csv
    assert PHONE not in member_csv
    assert EXPERTISE not in member_csv
    assert as_user(outsider).get(url).status_code == 404


def test_visible_fields_is_the_one_rule(programme, profile, owner, member):
    staff_viewer = selectors.alumni_viewer(programme=programme, user=owner, role=Role.FACILITATOR)
    member_viewer = selectors.alumni_viewer(programme=programme, user=member, role=Role.PARTNER)
    assert selectors.visible_fields(profile, staff_viewer)["phone"] == PHONE
    assert set(selectors.visible_fields(profile, member_viewer)) == {"role_title", "organisation"}
    assert set(selectors.visible_fields(profile, selectors.EVERY_MEMBER)) == {
        "role_title",
        "organisation",
    }


def test_a_profile_not_opted_in_is_not_listed(as_user, programme, cohort, owner, member):
    services.alumni_profile_add(
        programme=programme, by=owner, person=PersonFactory(), cohort=cohort
    )
    assert selectors.alumni_cards(programme=programme, viewer=selectors.EVERY_MEMBER) == []
    hidden = AlumniProfile.objects.get()
    url = reverse("programs:alumni_profile", args=[hidden.pk])
    assert as_user(member).get(url).status_code == 404
    assert as_user(owner).get(url).status_code == 200


def test_directory_query_count_is_flat(
    as_user, initiative, cohort, programme, profile, member, django_assert_max_num_queries
):
    client = as_user(member)
    page(client, programme)
    with CaptureQueriesContext(connection) as few:
        assert page(client, programme).status_code == 200
    for number in range(12):
        user = UserFactory()
        MembershipFactory(initiative=initiative, user=user, role=Role.PARTICIPANT)
        graduate_of(cohort, user, name=f"בוגר {number}")
        mine = services.alumni_profile_opt_in(programme=programme, user=user, expertise="x")
        services.exchange_post(profile=mine, by=user, kind="ask", text=f"שאלה {number}")
        services.mentoring_offer_create(profile=mine, by=user, topics="רגולציה", capacity=2)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = page(client, programme)
    assert response.content.decode().count("בוגר ") >= 12


# ---------------------------------------------------------------- joining


def test_only_graduates_join(as_user, programme, member, cohort):
    with pytest.raises(ValidationError):
        services.alumni_profile_opt_in(programme=programme, user=member)
    assert not AlumniProfile.objects.exists()
    assert (
        as_user(member).get(reverse("programs:alumni_join", args=[programme.pk])).status_code == 404
    )
    enrolled = UserFactory()
    Participant.objects.create(cohort=cohort, person=PersonFactory(user=enrolled), user=enrolled)
    with pytest.raises(ValidationError):
        services.alumni_profile_opt_in(programme=programme, user=enrolled)


def test_joining_by_the_form_sets_visibility_and_confirms_the_role(as_user, programme, graduate):
    url = reverse("programs:alumni_join", args=[programme.pk])
    form = {"role_title": ROLE, "email": EMAIL, "phone": PHONE, "expertise": EXPERTISE}
    form |= {
        "visible_role_title": "members",
        "visible_organisation": "members",
        "visible_bio": "alumni",
        "visible_expertise": "members",
        "visible_email": "staff",
        "visible_phone": "staff",
    }
    response = as_user(graduate).post(url, form)
    assert response.status_code == 302
    profile = AlumniProfile.objects.get()
    assert profile.opted_in_at is not None
    assert profile.role_confirmed_on == timezone.localdate()
    assert profile.field_visibility("email") == "staff"
    assert profile.field_visibility("expertise") == "members"


def test_bad_visibility_is_refused_and_nothing_written(as_user, programme, graduate):
    url = reverse("programs:alumni_join", args=[programme.pk])
    response = as_user(graduate).post(url, {"role_title": ROLE, "visible_phone": "everyone"})
    assert response.status_code == 200
    assert "errorlist" in response.content.decode() or "error" in response.content.decode()
    assert not AlumniProfile.objects.exists()
    with pytest.raises(ValidationError):
        services.alumni_profile_opt_in(
            programme=programme, user=graduate, visibility={"salary": "members"}
        )
    assert not AlumniProfile.objects.exists()


def test_staff_add_an_earlier_graduate_who_then_opts_in(programme, owner, member, cohort):
    person = PersonFactory(user=member)
    services.alumni_profile_add(programme=programme, by=owner, person=person, cohort=cohort)
    with pytest.raises(ValidationError):
        services.alumni_profile_add(programme=programme, by=member, person=PersonFactory())
    joined = services.alumni_profile_opt_in(programme=programme, user=member, expertise="רגולציה")
    assert joined.person == person
    assert joined.opted_in_at is not None


def test_add_page_is_staff_only(as_user, programme, owner, member, outsider):
    url = reverse("programs:alumnus_add", args=[programme.pk])
    assert as_user(owner).get(url).status_code == 200
    assert as_user(member).get(url).status_code == 403
    assert as_user(outsider).get(url).status_code == 404


# ---------------------------------------------------------------- the role's confirmation


def test_an_old_role_is_flagged_and_confirmed_by_the_button(
    as_user, programme, profile, graduate, member
):
    AlumniProfile.objects.filter(pk=profile.pk).update(role_confirmed_on=dt.date(2020, 3, 1))
    body = page(as_user(member), programme).content.decode()
    assert "role not confirmed since" in body
    url = reverse("programs:alumni_role_confirm", args=[profile.pk])
    assert as_user(member).post(url).status_code == 403
    assert as_user(graduate).post(url).status_code == 302
    profile.refresh_from_db()
    assert profile.role_confirmed_on == timezone.localdate()
    assert "role not confirmed since" not in page(as_user(member), programme).content.decode()


def test_a_role_confirmed_within_a_year_is_not_flagged(profile):
    today = dt.date(2030, 1, 1)
    profile.role_confirmed_on = today - dt.timedelta(days=300)
    assert selectors.role_unconfirmed_since(profile, today=today) is None
    profile.role_confirmed_on = today - dt.timedelta(days=400)
    assert selectors.role_unconfirmed_since(profile, today=today) == profile.role_confirmed_on


# ---------------------------------------------------------------- asks and offers


def test_asks_and_offers_top_the_directory(as_user, programme, profile, graduate, member):
    services.exchange_post(profile=profile, by=graduate, kind="offer", text="סיור במשרד")
    assert "סיור במשרד" in page(as_user(member), programme).content.decode()


def test_bad_posts_are_refused(as_user, programme, profile, graduate, member):
    with pytest.raises(ValidationError):
        services.exchange_post(profile=profile, by=graduate, kind="ask", text="  ")
    with pytest.raises(ValidationError):
        services.exchange_post(profile=profile, by=graduate, kind="gift", text="x")
    with pytest.raises(ValidationError):
        services.exchange_post(profile=profile, by=member, kind="ask", text="x")
    url = reverse("programs:exchange_create", args=[programme.pk])
    assert as_user(member).post(url, {"kind": "ask", "text": "x"}).status_code == 404
    as_user(graduate).post(url, {"kind": "ask", "text": ""})
    assert not Exchange.objects.exists()


# ---------------------------------------------------------------- mentoring


def test_mentoring_capacity_holds(programme, profile, graduate, member, owner, alumnus):
    offer = services.mentoring_offer_create(
        profile=profile, by=graduate, topics="תקציב", capacity=1
    )
    first = services.mentoring_request(offer=offer, by=member, message="אשמח")
    second = services.mentoring_request(offer=offer, by=alumnus)
    with pytest.raises(ValidationError):
        services.mentoring_request(offer=offer, by=member)  # already asked
    with pytest.raises(ValidationError):
        services.mentoring_respond(match=first, by=owner, accept=True)  # not the mentor
    services.mentoring_respond(match=first, by=graduate, accept=True)
    with pytest.raises(ValidationError, match="as many as you offered"):
        services.mentoring_respond(match=second, by=graduate, accept=True)
    services.mentoring_respond(match=second, by=graduate, accept=False)
    statuses = dict(MentoringMatch.objects.values_list("mentee__username", "status"))
    assert statuses == {"member": MatchStatus.ACCEPTED, "alumnus": MatchStatus.DECLINED}
    assert selectors.open_mentoring_offers(programme=programme) == []


def test_bad_mentoring_offers_are_refused(profile, graduate):
    for capacity in (0, 21, "3"):
        with pytest.raises(ValidationError):
            services.mentoring_offer_create(
                profile=profile, by=graduate, topics="x", capacity=capacity
            )
    with pytest.raises(ValidationError):
        services.mentoring_offer_create(profile=profile, by=graduate, topics=" ")
    assert not profile.mentoring_offers.exists()


def test_mentoring_pages(as_user, programme, profile, graduate, member, outsider):
    offer = services.mentoring_offer_create(
        profile=profile, by=graduate, topics="תקציב", capacity=1
    )
    url = reverse("programs:mentoring_request", args=[offer.pk])
    assert as_user(outsider).post(url).status_code == 404
    assert as_user(member).post(url, {"message": "שלום"}).status_code == 302
    match = MentoringMatch.objects.get()
    respond = reverse("programs:mentoring_respond", args=[match.pk])
    assert as_user(member).post(respond, {"accept": "1"}).status_code == 403
    assert as_user(graduate).post(respond, {"accept": "1"}).status_code == 302
    match.refresh_from_db()
    assert match.status == MatchStatus.ACCEPTED


def test_leaving_the_network_closes_what_was_open(programme, profile, graduate):
    services.exchange_post(profile=profile, by=graduate, kind="ask", text="x")
    services.mentoring_offer_create(profile=profile, by=graduate, topics="x")
    services.alumni_profile_opt_out(profile=profile, by=graduate)
    assert selectors.alumni_cards(programme=programme, viewer=selectors.EVERY_MEMBER) == []
    assert selectors.open_exchanges(programme=programme) == []
    assert selectors.open_mentoring_offers(programme=programme) == []
