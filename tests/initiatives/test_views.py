"""Initiative pages: forms with bad input, htmx fragments, invitations, flat query counts."""

import pytest
from django.urls import reverse

from meshutaf.accounts.models import User
from meshutaf.directory.models import Person
from meshutaf.initiatives.models import (
    Group,
    GroupMember,
    Initiative,
    Invitation,
    Membership,
    Phase,
    Role,
)
from meshutaf.initiatives.services import invitation_accept, invitation_create
from tests.conftest import client_for
from tests.factories import (
    GroupFactory,
    GroupMemberFactory,
    MembershipFactory,
    PersonFactory,
    PhaseFactory,
    UserFactory,
)


def test_create_initiative_makes_creator_facilitator(owner):
    response = client_for(owner).post(
        reverse("initiatives:create"),
        {"name": "Round table on education", "kind": "roundtable", "status": "planning"},
    )
    initiative = Initiative.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("initiatives:detail", args=[initiative.pk])
    assert Membership.objects.get(initiative=initiative).role == Role.FACILITATOR


def test_create_initiative_needs_backbone(member):
    assert client_for(member).get(reverse("initiatives:create")).status_code == 403


def test_bad_initiative_form_shows_messages_and_writes_nothing(owner):
    response = client_for(owner).post(
        reverse("initiatives:create"),
        {
            "name": "",
            "kind": "nonsense",
            "status": "active",
            "start_date": "2026-05-01",
            "end_date": "2026-01-01",
        },
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "This field is required." in content
    assert "Select a valid choice." in content
    assert not Initiative.objects.exists()


def test_bad_input_message_in_hebrew(owner):
    client = client_for(owner)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "he"
    response = client.post(reverse("initiatives:create"), {"name": "", "kind": "roundtable"})
    content = response.content.decode()
    assert 'lang="he"' in content
    assert 'dir="rtl"' in content
    assert "זהו שדה חובה." in content
    assert not Initiative.objects.exists()


def test_phase_with_reversed_dates_rejected(initiative, owner):
    response = client_for(owner).post(
        reverse("initiatives:phase_create", args=[initiative.pk]),
        {"name": "Mapping", "start_date": "2026-03-01", "end_date": "2026-02-01"},
    )
    assert response.status_code == 200
    assert "The end date cannot be before the start date." in response.content.decode()
    assert not Phase.objects.exists()


def test_edit_keeps_other_fields(initiative, owner):
    initiative.vision = "A shared future"
    initiative.save()
    response = client_for(owner).post(
        reverse("initiatives:edit", args=[initiative.pk]),
        {
            "name": "Renamed",
            "kind": initiative.kind,
            "status": initiative.status,
            "vision": "A shared future",
        },
    )
    assert response.status_code == 302
    initiative.refresh_from_db()
    assert initiative.name == "Renamed"
    assert initiative.vision == "A shared future"


def test_group_member_add_htmx_returns_fragment(group, owner):
    person = PersonFactory(full_name="Dana Levi")
    response = client_for(owner).post(
        reverse("initiatives:group_member_add", args=[group.pk]),
        {"person": person.pk, "role": "note_taker"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "<html" not in content
    assert 'id="group-members"' in content
    assert "Dana Levi" in content
    assert GroupMember.objects.get(group=group, person=person).role == "note_taker"


def test_group_member_twice_is_a_clear_error(group, owner):
    existing = group.memberships.get()
    response = client_for(owner).post(
        reverse("initiatives:group_member_add", args=[group.pk]),
        {"person": existing.person.pk, "role": "member"},
        HTTP_HX_REQUEST="true",
    )
    assert "already in the group" in response.content.decode()
    assert group.memberships.count() == 1


def test_invite_and_accept_with_new_account(initiative, owner, client):
    response = client_for(owner).post(
        reverse("initiatives:members", args=[initiative.pk]),
        {"email": "guest@example.org", "role": "observer"},
    )
    assert response.status_code == 200
    link = response.context["new_link"]
    path = link.removeprefix("http://127.0.0.1:8000")
    page = client.get(path)
    assert page.status_code == 200
    response = client.post(
        path,
        {
            "first_name": "Guest",
            "username": "guest",
            "password1": "a-long-pass-phrase",
            "password2": "a-long-pass-phrase",
        },
    )
    assert response.status_code == 302
    membership = Membership.objects.get(user__username="guest")
    assert membership.role == Role.OBSERVER
    assert membership.user.email == "guest@example.org"
    # The same link again: refused, and nothing else created.
    again = client_for(UserFactory()).post(path)
    assert again.status_code == 410
    assert Membership.objects.filter(initiative=initiative).count() == 4


def test_signup_errors_create_no_user(initiative, owner, client):
    raw = invitation_create(
        initiative=initiative, email="x@example.org", role="partner", by=owner
    ).raw_token
    path = reverse("initiatives:invitation_accept", args=[raw])
    response = client.post(
        path, {"first_name": "X", "username": "x", "password1": "short", "password2": "other"}
    )
    assert response.status_code == 200
    assert not Membership.objects.filter(user__username="x").exists()
    assert Invitation.objects.get().accepted_at is None


def test_invalid_invitation_email_rejected(initiative, owner):
    response = client_for(owner).post(
        reverse("initiatives:members", args=[initiative.pk]),
        {"email": "not-an-email", "role": "partner"},
    )
    assert response.status_code == 400
    assert "Enter a valid email address." in response.content.decode()
    assert not Invitation.objects.exists()


def test_history_shows_changes(initiative, owner):
    client = client_for(owner)
    client.post(
        reverse("initiatives:edit", args=[initiative.pk]),
        {"name": "New name", "kind": "forum", "status": "active"},
    )
    content = client.get(reverse("initiatives:history", args=[initiative.pk])).content.decode()
    assert "New name" in content
    assert owner.display_name in content


def test_members_csv_escapes_formulas(initiative, owner):
    owner.first_name = "=HYPERLINK(1)"
    owner.save()
    response = client_for(owner).get(reverse("initiatives:members_csv", args=[initiative.pk]))
    body = response.content.decode("utf-8-sig")
    assert "'=HYPERLINK(1)" in body


def _populate(owner, count):
    """Many initiatives the owner facilitates, each with a phase, a group and a member."""
    initiatives = Initiative.objects.bulk_create(
        Initiative(kind="forum", name=f"Initiative {index}", status="active")
        for index in range(count)
    )
    others = User.objects.bulk_create(
        User(username=f"other-{owner.pk}-{Initiative.objects.count()}-{index}")
        for index in range(count)
    )
    Membership.objects.bulk_create(
        [Membership(initiative=i, user=owner, role=Role.FACILITATOR) for i in initiatives]
        + [
            Membership(initiative=i, user=u, role=Role.PARTNER)
            for i, u in zip(initiatives, others, strict=True)
        ]
    )
    Phase.objects.bulk_create(Phase(initiative=i, name="Phase") for i in initiatives)
    Group.objects.bulk_create(Group(initiative=i, kind="forum", name="Forum") for i in initiatives)


@pytest.mark.parametrize("url_name", ["dashboard", "initiatives:list"])
def test_list_pages_query_count_is_flat(owner, url_name, django_assert_max_num_queries):
    client = client_for(owner)
    _populate(owner, 10)
    with django_assert_max_num_queries(12):
        assert client.get(reverse(url_name)).status_code == 200
    _populate(owner, 1000)
    with django_assert_max_num_queries(12):
        assert client.get(reverse(url_name)).status_code == 200


def test_initiative_page_query_count_is_flat(initiative, owner, django_assert_max_num_queries):
    client = client_for(owner)
    url = reverse("initiatives:detail", args=[initiative.pk])

    def grow(count):
        people = Person.objects.bulk_create(
            Person(full_name=f"Person {Person.objects.count()}-{index}") for index in range(count)
        )
        groups = Group.objects.bulk_create(
            Group(initiative=initiative, kind="working_group", name=f"Team {index}")
            for index in range(count)
        )
        GroupMember.objects.bulk_create(
            GroupMember(group=group, person=person)
            for group, person in zip(groups, people, strict=True)
        )
        users = User.objects.bulk_create(User(username=f"member-{person.pk}") for person in people)
        Membership.objects.bulk_create(
            Membership(initiative=initiative, user=user, role=Role.PARTNER) for user in users
        )
        Phase.objects.bulk_create(
            Phase(initiative=initiative, name=f"Phase {index}") for index in range(count)
        )

    grow(10)
    with django_assert_max_num_queries(16):
        assert client.get(url).status_code == 200
    grow(990)
    with django_assert_max_num_queries(16):
        assert client.get(url).status_code == 200


def test_members_page_query_count_is_flat(initiative, owner, django_assert_max_num_queries):
    client = client_for(owner)
    url = reverse("initiatives:members", args=[initiative.pk])
    for _ in range(10):
        MembershipFactory(initiative=initiative)
    with django_assert_max_num_queries(10):
        client.get(url)
    users = User.objects.bulk_create(User(username=f"bulk-{index}") for index in range(990))
    Membership.objects.bulk_create(
        Membership(initiative=initiative, user=user, role=Role.OBSERVER) for user in users
    )
    with django_assert_max_num_queries(10):
        response = client.get(url)
    assert response.context["page"].paginator.count == 1003


def test_group_member_role_change(group, owner, member):
    seat = group.memberships.get()
    url = reverse("initiatives:group_member_role", args=[seat.pk])
    assert client_for(member).post(url, {"role": "member"}).status_code == 403
    response = client_for(owner).post(url, {"role": "note_taker"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert 'id="group-members"' in response.content.decode()
    seat.refresh_from_db()
    assert seat.role == "note_taker"
    client_for(owner).post(url, {"role": "emperor"})
    seat.refresh_from_db()
    assert seat.role == "note_taker"


def test_accepting_an_invitation_adds_a_directory_entry(initiative, owner):
    newcomer = UserFactory(first_name="Rana", last_name="Haddad")
    _invitation, raw, _emailed = invitation_create(
        initiative=initiative, email="rana@example.org", role="partner", by=owner
    )
    invitation_accept(raw_token=raw, user=newcomer)
    assert newcomer.person.full_name == "Rana Haddad"


def test_person_page_lists_only_visible_groups(initiative, group, member, owner):
    other = GroupFactory(name="Secret committee")
    seat = group.memberships.get()
    GroupMemberFactory(group=other, person=seat.person)
    url = reverse("directory:person_detail", args=[seat.person.pk])
    content = client_for(member).get(url).content.decode()
    assert group.name in content
    assert "Secret committee" not in content


def test_history_names_related_objects_and_keeps_deleted_groups(initiative, owner, group):
    from meshutaf.initiatives import services
    from tests.factories import OrganisationFactory

    organisation = OrganisationFactory(name_en="Lautman Fund", name_he="קרן לאוטמן")
    services.initiative_update(
        initiative=initiative,
        by=owner,
        data={"facilitating_organisation": organisation, "status": "paused"},
    )
    seat = group.memberships.get()
    person_name = seat.person.full_name
    services.group_delete(group=group, by=owner)
    content = client_for(owner).get(reverse("initiatives:history", args=[initiative.pk]))
    text = content.content.decode()
    assert "Lautman Fund" in text
    assert "Paused" in text
    assert person_name in text


def test_phase_edit_with_empty_order_keeps_its_place(phase, owner):
    order = phase.order
    response = client_for(owner).post(
        reverse("initiatives:phase_edit", args=[phase.pk]), {"name": "Renamed", "order": ""}
    )
    assert response.status_code == 302
    phase.refresh_from_db()
    assert (phase.name, phase.order) == ("Renamed", order)


def test_new_phase_goes_last_by_default(initiative, owner):
    PhaseFactory(initiative=initiative, order=5, name="Earlier")
    client = client_for(owner)
    page = client.get(reverse("initiatives:phase_create", args=[initiative.pk])).content.decode()
    assert 'name="order" value="0"' not in page
    client.post(reverse("initiatives:phase_create", args=[initiative.pk]), {"name": "Later"})
    assert list(initiative.phases.values_list("name", flat=True)) == ["Earlier", "Later"]


def test_invitation_link_uses_the_address_in_use(initiative, owner):
    response = client_for(owner).post(
        reverse("initiatives:members", args=[initiative.pk]),
        {"email": "guest@example.org", "role": "observer"},
        HTTP_HOST="localhost",
    )
    assert response.context["new_link"].startswith("http://localhost/initiatives/join/")


def test_members_listed_by_role_rank(initiative, owner):
    MembershipFactory(initiative=initiative, role=Role.OBSERVER)
    response = client_for(owner).get(reverse("initiatives:members", args=[initiative.pk]))
    roles = [membership.role for membership in response.context["page"].object_list]
    assert roles == ["facilitator", "partner", "participant", "observer"]


def test_date_order_error_is_on_the_end_date_field(owner):
    response = client_for(owner).post(
        reverse("initiatives:create"),
        {
            "name": "x",
            "kind": "forum",
            "status": "active",
            "start_date": "2026-05-01",
            "end_date": "2026-01-01",
        },
    )
    form = response.context["form"]
    assert form.errors["end_date"] == ["The end date cannot be before the start date."]
    assert 'aria-invalid="true"' in response.content.decode()


def test_edit_form_changes_links(initiative, owner):
    from tests.factories import OrganisationFactory

    fund, institute = OrganisationFactory(), OrganisationFactory()
    response = client_for(owner).post(
        reverse("initiatives:edit", args=[initiative.pk]),
        {
            "name": initiative.name,
            "kind": initiative.kind,
            "status": initiative.status,
            "facilitating_organisation": institute.pk,
            "leading_partners": [fund.pk, institute.pk],
        },
    )
    assert response.status_code == 302
    initiative.refresh_from_db()
    assert initiative.facilitating_organisation == institute
    assert set(initiative.leading_partners.all()) == {fund, institute}
    assert initiative.history.first().facilitating_organisation_id == institute.pk


def test_the_initiative_page_lists_every_registered_section_in_order(initiative, member):
    from meshutaf.initiatives import sections

    page = client_for(member).get(reverse("initiatives:detail", args=[initiative.pk])).text
    hrefs = [
        section.href(initiative.pk)
        for section in sections.sections()
        if section.action.name == "VIEW"  # the member is a partner
    ]
    assert len(hrefs) >= 9
    positions = [page.index(f'href="{href}"') for href in hrefs]
    assert positions == sorted(positions)
