"""The organisation and people directory: who sees what, bad input, name fallback."""

from django.urls import reverse
from django.utils import translation

from meshutaf.directory.models import Affiliation, Organisation, Person
from tests.conftest import client_for
from tests.factories import (
    AffiliationFactory,
    GroupMemberFactory,
    OrganisationFactory,
    PersonFactory,
)


def test_name_falls_back_across_languages(db):
    organisation = OrganisationFactory(name_he="", name_en="Ministry of Education", name_ar="")
    with translation.override("he"):
        assert organisation.name == "Ministry of Education"
    both = OrganisationFactory(name_he="משרד החינוך", name_ar="وزارة التربية", name_en="")
    with translation.override("ar"):
        assert both.name == "وزارة التربية"
    with translation.override("en"):
        assert both.name == "משרד החינוך"


def test_partner_sees_only_connected_entries(initiative, group, owner, member, outsider):
    connected = OrganisationFactory(name_en="Connected")
    initiative.leading_partners.add(connected)
    hidden = OrganisationFactory(name_en="Hidden")
    in_group = group.memberships.get().person
    stranger = PersonFactory(full_name="Stranger")
    pages = {
        reverse("directory:organisation_detail", args=[connected.pk]): (200, 200, 404),
        reverse("directory:organisation_detail", args=[hidden.pk]): (200, 404, 404),
        reverse("directory:person_detail", args=[in_group.pk]): (200, 200, 404),
        reverse("directory:person_detail", args=[stranger.pk]): (200, 404, 404),
    }
    for url, (for_owner, for_member, for_outsider) in pages.items():
        assert client_for(owner).get(url).status_code == for_owner, url
        assert client_for(member).get(url).status_code == for_member, url
        assert client_for(outsider).get(url).status_code == for_outsider, url
    listing = client_for(member).get(reverse("directory:organisation_list")).content.decode()
    assert "Connected" in listing
    assert "Hidden" not in listing


def test_only_directory_managers_edit(initiative, member, owner):
    organisation = OrganisationFactory()
    initiative.leading_partners.add(organisation)
    url = reverse("directory:organisation_edit", args=[organisation.pk])
    assert client_for(member).get(url).status_code == 403
    assert client_for(owner).get(url).status_code == 200
    assert client_for(member).get(reverse("directory:organisation_create")).status_code == 403


def test_person_may_edit_own_record(member):
    person = PersonFactory(user=member)
    url = reverse("directory:person_edit", args=[person.pk])
    response = client_for(member).post(url, {"full_name": "Amir Haddad", "email": ""})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.full_name == "Amir Haddad"


def test_organisation_needs_a_name(owner):
    response = client_for(owner).post(
        reverse("directory:organisation_create"), {"sector": "academia"}
    )
    assert "at least one language" in response.content.decode()
    assert not Organisation.objects.exists()


def test_affiliation_dates_validated(owner):
    person = PersonFactory()
    organisation = OrganisationFactory()
    response = client_for(owner).post(
        reverse("directory:affiliation_add", args=[person.pk]),
        {
            "organisation": organisation.pk,
            "role_title": "מנכ״לית",
            "start_date": "2026-05-01",
            "end_date": "2025-01-01",
        },
    )
    content = response.content.decode()
    assert response.status_code == 400
    assert "The end date cannot be before the start date." in content
    assert 'value="מנכ״לית"' in content  # what was typed is kept
    assert not Affiliation.objects.exists()


def test_organisation_history_is_kept(owner):
    client = client_for(owner)
    client.post(
        reverse("directory:organisation_create"),
        {"name_he": "עמותה", "sector": "civil_society"},
    )
    organisation = Organisation.objects.get()
    client.post(
        reverse("directory:organisation_edit", args=[organisation.pk]),
        {"name_he": "עמותה חדשה", "sector": "civil_society"},
    )
    assert organisation.history.count() == 2
    assert organisation.history.first().history_user == owner


def test_directory_lists_query_count_is_flat(owner, django_assert_max_num_queries):
    client = client_for(owner)
    for _ in range(10):
        AffiliationFactory()
    # Two pages, each with one query for the notification bell's unread count.
    with django_assert_max_num_queries(12):
        client.get(reverse("directory:person_list"))
        client.get(reverse("directory:organisation_list"))
    for _ in range(200):
        AffiliationFactory()
    with django_assert_max_num_queries(12):
        client.get(reverse("directory:person_list"))
        client.get(reverse("directory:organisation_list"))


def test_person_search(owner):
    PersonFactory(full_name="נועה ברק")
    GroupMemberFactory(person__full_name="Zvi Mizrahi")
    response = client_for(owner).get(reverse("directory:person_list"), {"q": "נועה"})
    content = response.content.decode()
    assert "נועה ברק" in content
    assert "Zvi Mizrahi" not in content
    assert Person.objects.count() == 2


def test_facilitator_of_one_initiative_is_not_a_directory_admin(db):
    from meshutaf.core.access import Role
    from tests.factories import InitiativeFactory, MembershipFactory, UserFactory

    facilitator = UserFactory(username="bob")  # facilitates, but is not backbone staff
    mine = InitiativeFactory()
    MembershipFactory(initiative=mine, user=facilitator, role=Role.FACILITATOR)
    elsewhere = GroupMemberFactory(person__full_name="Elsewhere", person__email="e@example.org")
    client = client_for(facilitator)
    person_url = reverse("directory:person_detail", args=[elsewhere.person.pk])
    assert client.get(person_url).status_code == 404
    edit_url = reverse("directory:person_edit", args=[elsewhere.person.pk])
    assert client.post(edit_url, {"full_name": "Hijacked"}).status_code == 404
    elsewhere.person.refresh_from_db()
    assert elsewhere.person.full_name == "Elsewhere"
    # They may add people, and then see and edit whom they added.
    response = client.post(
        reverse("directory:person_create"), {"full_name": "Newcomer", "email": "n@example.org"}
    )
    newcomer = Person.objects.get(full_name="Newcomer")
    assert response.status_code == 302
    assert client.get(reverse("directory:person_edit", args=[newcomer.pk])).status_code == 200
    assert (
        "n@example.org"
        in client.get(reverse("directory:person_detail", args=[newcomer.pk])).content.decode()
    )


def test_contact_details_only_for_facilitators_of_the_persons_initiatives(
    initiative, group, owner, member
):
    seat = group.memberships.get()
    seat.person.email = "chair@example.org"
    seat.person.phone = "050-0000000"
    seat.person.save()
    url = reverse("directory:person_detail", args=[seat.person.pk])
    assert "chair@example.org" in client_for(owner).get(url).content.decode()
    as_partner = client_for(member).get(url).content.decode()
    assert seat.person.full_name in as_partner
    assert "chair@example.org" not in as_partner
    assert "050-0000000" not in as_partner
    # The API says the same, and search by email finds nothing for the partner.
    from tests.api.test_api import api

    people = api(member).get("/api/v1/people").json()["items"]
    assert {person["email"] for person in people} == {""}
    assert api(member).get("/api/v1/people?q=chair@example").json()["count"] == 0
    assert api(owner).get("/api/v1/people?q=chair@example").json()["count"] == 1


def test_people_found_by_organisation_and_sector(owner):
    AffiliationFactory(
        person__full_name="Rana Khoury",
        organisation__name_en="Tel Aviv University",
        organisation__sector="academia",
    )
    PersonFactory(full_name="Yael Cohen")
    client = client_for(owner)
    by_name = client.get(reverse("directory:person_list"), {"q": "Aviv Univ"}).content.decode()
    assert "Rana Khoury" in by_name
    assert "Yael Cohen" not in by_name
    by_sector = client.get(reverse("directory:person_list"), {"sector": "academia"})
    assert "Rana Khoury" in by_sector.content.decode()
    assert "Yael Cohen" not in by_sector.content.decode()
