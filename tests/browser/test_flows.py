"""Key flows in real Chromium, in Hebrew (RTL), Arabic and English, with axe on every page."""

import re

import pytest
from django.core import mail

from meshutaf.initiatives.models import Group, Initiative, Membership, Phase
from tests.factories import PASSWORD, OrganisationFactory, UserFactory

from .conftest import assert_accessible, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, username: str, password: str = PASSWORD) -> None:
    page.goto(page.base_url + "/accounts/login/")
    assert_accessible(page)
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    page.locator("form.form button[type=submit]").click()
    page.wait_for_url(re.compile(r".*/$"))


def test_languages_switch_and_back(page_for):
    UserFactory(username="noa", first_name="נועה", is_backbone=True)
    page = page_for("he-IL")
    log_in(page, "noa")
    html = page.locator("html")
    assert html.get_attribute("lang") == "he"
    assert html.get_attribute("dir") == "rtl"
    assert_accessible(page)
    screenshot(page, "dashboard-he")

    page.locator("button.language-switch__button[value=ar]").click()
    page.wait_for_load_state()
    assert html.get_attribute("lang") == "ar"
    assert html.get_attribute("dir") == "rtl"
    assert_accessible(page)
    screenshot(page, "dashboard-ar")

    page.locator("button.language-switch__button[value=en]").click()
    page.wait_for_load_state()
    assert html.get_attribute("lang") == "en"
    assert html.get_attribute("dir") == "ltr"
    assert page.get_by_role("heading", level=1).inner_text().startswith("Hello")
    assert_accessible(page)
    screenshot(page, "dashboard-en")

    page.locator("button.language-switch__button[value=he]").click()
    page.wait_for_load_state()
    assert html.get_attribute("dir") == "rtl"


def test_create_initiative_phase_group_and_invite(page_for):
    facilitator = UserFactory(username="noa", first_name="Noa", is_backbone=True)
    partner_org = OrganisationFactory(name_en="Lautman Fund", name_he="", sector="philanthropy")
    page = page_for("en-US")
    log_in(page, "noa")

    page.get_by_role("link", name="New initiative").first.click()
    assert_accessible(page)
    # Submitting an empty form shows messages and creates nothing.
    page.get_by_role("button", name="Create initiative").click()
    assert page.locator(".errorlist").first.is_visible()
    assert_accessible(page)
    assert not Initiative.objects.exists()

    page.get_by_label("Name").first.fill("Different Speech")
    page.get_by_label("Kind").select_option("joint_move")
    # Partner organisations are chosen by typing (the picker of core/widgets.py).
    page.locator("#id_leading_partners-picker").fill("Lautman")
    page.get_by_role("option", name=re.compile("Lautman Fund")).click()
    page.get_by_label("Start date").fill("2026-01-10")
    page.get_by_role("button", name="Create initiative").click()
    page.wait_for_url(re.compile(r"/initiatives/\d+/$"))
    assert_accessible(page)
    initiative = Initiative.objects.get(name="Different Speech")
    assert Membership.objects.get(initiative=initiative, user=facilitator).role == "facilitator"
    assert list(initiative.leading_partners.all()) == [partner_org]

    page.get_by_role("link", name="Add a phase").click()
    page.get_by_label("Name").fill("First meeting")
    page.get_by_label("Goals").fill("Agree on a situation description")
    assert_accessible(page)
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r"/initiatives/\d+/"))
    assert page.get_by_role("heading", name="First meeting").is_visible()
    assert Phase.objects.filter(initiative=initiative).count() == 1

    page.get_by_role("link", name="Add a group").click()
    page.get_by_label("Name").fill("Index team")
    page.get_by_label("Kind").select_option("working_group")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r"/groups/\d+/$"))
    assert_accessible(page)
    assert Group.objects.get(initiative=initiative).name == "Index team"

    page.goto(page.base_url + f"/initiatives/{initiative.pk}/members/")
    assert_accessible(page)
    page.get_by_label("Email").fill("amir@example.org")
    page.locator("#id_role").select_option("partner")
    page.get_by_role("button", name="Send invitation").click()
    link = page.locator("#invitation-link").inner_text()
    assert_accessible(page)
    assert len(mail.outbox) == 1
    assert link in mail.outbox[0].body

    # The invitee opens the link in another browser, signs up and lands in the initiative.
    guest = page_for("he-IL")
    guest.goto(link.replace("http://127.0.0.1:8000", guest.base_url))
    assert guest.locator("html").get_attribute("dir") == "rtl"
    assert_accessible(guest)
    guest.locator("#id_first_name").fill("אמיר")
    guest.locator("#id_username").fill("amir")
    guest.locator("#id_password1").fill("a-long-pass-phrase")
    guest.locator("#id_password2").fill("a-long-pass-phrase")
    guest.locator("form.form button[type=submit]").click()
    guest.wait_for_url(re.compile(rf"/initiatives/{initiative.pk}/$"))
    assert_accessible(guest)
    screenshot(guest, "initiative-he")
    assert Membership.objects.get(initiative=initiative, user__username="amir").role == "partner"

    # The link works once.
    again = page_for("en-US")
    again.goto(link.replace("http://127.0.0.1:8000", again.base_url))
    assert "already been used" in again.content()
    assert_accessible(again)


def test_outsider_sees_not_found(page_for):
    facilitator = UserFactory(username="noa", is_backbone=True)
    UserFactory(username="omer")
    from meshutaf.initiatives.services import initiative_create

    initiative = initiative_create(by=facilitator, kind="forum", name="Forum")
    page = page_for("en-US")
    log_in(page, "omer")
    response = page.goto(page.base_url + f"/initiatives/{initiative.pk}/")
    assert response.status == 404
    assert_accessible(page)


def test_phone_layout_and_api_docs(page_for):
    """On a phone no page scrolls sideways; the API docs work offline and pass axe."""
    from meshutaf.initiatives.services import initiative_create, membership_add
    from tests.factories import AffiliationFactory, MembershipFactory

    facilitator = UserFactory(username="noa", is_backbone=True)
    initiative = initiative_create(by=facilitator, kind="forum", name="פורום השותפים")
    for _ in range(5):
        MembershipFactory(initiative=initiative)
    membership_add(initiative=initiative, user=UserFactory(), role="observer", by=facilitator)
    affiliation = AffiliationFactory(role_title="Director of strategic partnerships")
    page = page_for("he-IL")
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, "noa")
    for path in (
        f"/initiatives/{initiative.pk}/",
        f"/initiatives/{initiative.pk}/members/",
        f"/initiatives/{initiative.pk}/history/",
        f"/directory/people/{affiliation.person.pk}/",
    ):
        page.goto(page.base_url + path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{path} is {width}px wide on a 390px screen"
        assert_accessible(page)
    screenshot(page, "person-phone-he")
    page.goto(page.base_url + "/api/docs")
    page.wait_for_selector("h1")
    assert_accessible(page)


def test_facilitator_maps_and_partner_cannot_see_the_sensitive_tie(page_for):
    """A facilitator builds a small map and marks a tie sensitive; a partner's page and API
    never carry it."""
    from meshutaf.initiatives.services import initiative_create, membership_add

    facilitator = UserFactory(username="noa", is_backbone=True)
    partner = UserFactory(username="amir")
    initiative = initiative_create(by=facilitator, kind="collective_impact", name="Ein HaDekel")
    membership_add(initiative=initiative, user=partner, role="partner", by=facilitator)
    for name, sector in (("Municipality", "local_authority"), ("Residents", "community")):
        OrganisationFactory(name_he="", name_en=name, sector=sector)

    page = page_for("en-US")
    log_in(page, "noa")
    for name, power in (("Municipality", "5"), ("Residents", "2")):
        page.goto(page.base_url + f"/initiatives/{initiative.pk}/stakeholders/new/")
        # The organisation is chosen by typing (the picker of core/widgets.py).
        page.locator("#id_organisation-picker").fill(name[:4])
        page.get_by_role("option", name=re.compile(name)).click()
        page.locator("#id_power").fill(power)
        page.locator("#id_sensitive_notes").fill(f"Private note on {name}")
        page.get_by_role("button", name="Save").click()
        page.wait_for_url(re.compile(r"/stakeholders/$"))
    assert_accessible(page)
    page.goto(page.base_url + f"/initiatives/{initiative.pk}/relationships/new/")
    page.locator("#id_source").select_option(label="Municipality")
    page.locator("#id_target").select_option(label="Residents")
    page.locator("#id_kind").select_option("in_conflict")
    page.locator("#id_sensitive").check()
    assert_accessible(page)
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r"/network/$"))
    page.get_by_role("button", name="Compute the metrics").click()
    page.wait_for_load_state()
    assert "In conflict" in page.content()
    assert_accessible(page)
    screenshot(page, "network-facilitator-en")

    other = page_for("he-IL")
    log_in(other, "amir")
    for path in ("stakeholders/", "network/", "stakeholders/movement/"):
        other.goto(other.base_url + f"/initiatives/{initiative.pk}/{path}")
        html = other.content()
        assert "Private note" not in html
        assert "in_conflict" not in html
        assert_accessible(other)
    screenshot(other, "movement-partner-he")
    api_body = other.request.get(other.base_url + f"/api/v1/initiatives/{initiative.pk}/network")
    assert api_body.status == 200
    assert api_body.json()["edges"] == []
    assert "Private note" not in api_body.text()


def test_import_a_list_with_preview(page_for):
    from meshutaf.initiatives.services import initiative_create
    from meshutaf.stakeholder_map.models import StakeholderProfile

    UserFactory(username="noa", is_backbone=True)
    from meshutaf.accounts.models import User

    initiative = initiative_create(
        by=User.objects.get(username="noa"), kind="forum", name="Import test"
    )
    page = page_for("he-IL")
    log_in(page, "noa")
    page.goto(page.base_url + f"/initiatives/{initiative.pk}/stakeholders/import/")
    assert_accessible(page)
    page.set_input_files(
        "#import-file",
        files=[
            {
                "name": "list.csv",
                "mimeType": "text/csv",
                "buffer": "שם,מגזר,כוח\nמשרד החינוך,ממשלה,5\nשבור,לא ידוע,\n".encode(),
            }
        ],
    )
    page.locator("form.form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/import/preview/$"))
    assert "לא ידוע" in page.content()
    assert_accessible(page)
    assert not StakeholderProfile.objects.exists()
    page.locator(
        "form input[name=action][value=apply] ~ .actions button, form .actions button"
    ).first.click()
    page.wait_for_url(re.compile(r"/stakeholders/$"))
    assert StakeholderProfile.objects.filter(initiative=initiative).count() == 1


@pytest.mark.parametrize("locale", ["he-IL", "en-US"])
def test_upcoming_meetings_box_loads_without_taking_focus(page_for, locale):
    import datetime

    from django.utils import timezone

    from meshutaf.core.access import Role
    from meshutaf.meetings import services as meeting_services
    from tests.factories import InitiativeFactory, MembershipFactory

    facilitator = UserFactory(username="noa", first_name="Noa", is_backbone=True)
    initiative = InitiativeFactory(name="שולחן עגול לחינוך")
    MembershipFactory(initiative=initiative, user=facilitator, role=Role.FACILITATOR)
    start = (timezone.now() + datetime.timedelta(days=3)).replace(minute=0, second=0)
    meeting_services.meeting_create(
        initiative=initiative,
        by=facilitator,
        title="Roundtable on early education",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
        status="scheduled",
    )
    page = page_for(locale)
    log_in(page, "noa")
    box = page.locator("#meetings-summary")
    box.get_by_role("link", name="Roundtable on early education").wait_for()
    page.wait_for_timeout(300)  # let htmx settle and any focus move happen
    focus = page.evaluate(
        """() => {
            const box = document.querySelector("#meetings-summary");
            return {
                tag: document.activeElement ? document.activeElement.tagName : null,
                insideBox: box.contains(document.activeElement),
                outlined: box.querySelectorAll(":focus, :focus-visible").length,
            };
        }"""
    )
    assert focus == {"tag": "BODY", "insideBox": False, "outlined": 0}
    screenshot(page, f"dashboard-upcoming-{locale[:2]}")


def test_a_button_pressed_inside_a_swapped_region_hands_focus_to_its_heading(page_for):
    from playwright.sync_api import expect

    from meshutaf.core.access import Role
    from tests.factories import (
        GroupFactory,
        GroupMemberFactory,
        InitiativeFactory,
        MembershipFactory,
    )

    facilitator = UserFactory(username="noa", first_name="Noa", is_backbone=True)
    initiative = InitiativeFactory(name="Different Speech")
    MembershipFactory(initiative=initiative, user=facilitator, role=Role.FACILITATOR)
    group = GroupFactory(initiative=initiative, name="Index team")
    GroupMemberFactory(group=group, role="member")
    page = page_for("en-US")
    log_in(page, "noa")
    page.goto(page.base_url + f"/initiatives/groups/{group.pk}/")
    page.locator("#group-members button", has_text="Change").first.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#group-members-title")).to_be_focused()
