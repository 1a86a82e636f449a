"""The meeting cycle in real Chromium: schedule a meeting in a series, RSVP from the e-mail
link without logging in, write minutes with a decision and an action item, find the item
on its owner's "my action items", and see it carried into the next meeting. Axe runs on
every page; once in Hebrew (RTL) and once in English."""

import re

import pytest
from django.core import mail

from meshutaf.initiatives.models import Role
from meshutaf.meetings import services
from meshutaf.meetings.models import RSVP, MeetingInvitee, Outcome
from tests.factories import (
    AffiliationFactory,
    InitiativeFactory,
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    UserFactory,
)

from .conftest import assert_accessible, screenshot
from .test_flows import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("locale", ["he-IL", "en-US"])
def test_meeting_cycle(page_for, locale):
    facilitator = UserFactory(username="dana", first_name="Dana", is_backbone=True)
    partner = UserFactory(username="amir", first_name="Amir", email="amir@example.org")
    person = PersonFactory(full_name="Amir Haddad", user=partner, email="amir@example.org")
    AffiliationFactory(
        person=person, organisation=OrganisationFactory(name_en="Ministry", sector="government")
    )
    initiative = InitiativeFactory(name="השולחן העגול לניצולים")
    MembershipFactory(initiative=initiative, user=facilitator, role=Role.FACILITATOR)
    MembershipFactory(initiative=initiative, user=partner, role=Role.PARTNER)
    series = services.series_create(
        initiative=initiative,
        by=facilitator,
        title="Plenary",
        recurrence="monthly",
        agenda_template=[
            {"title": "Welcome", "minutes": 10},
            {"title": "Main topic", "minutes": 60},
        ],
    )
    tag = locale[:2]

    page = page_for(locale)
    log_in(page, "dana")
    page.goto(f"{page.base_url}/initiatives/{initiative.pk}/meetings/new/?series={series.pk}")
    assert_accessible(page)
    page.locator("#id_date").fill("2031-03-10")
    page.locator("#id_start_time").fill("10:00")
    page.locator("#id_end_time").fill("12:00")
    page.locator("form.form button[type=submit]").click()
    page.wait_for_url(re.compile(r".*/meetings/\d+/$"))
    first_url = page.url
    assert page.locator("#agenda h3", has_text="Main topic").count() == 1
    assert_accessible(page)

    page.goto(first_url + "invite/")
    assert_accessible(page)
    page.locator("#id_everyone").check()
    page.locator("form.form button[type=submit]").click()
    page.wait_for_url(re.compile(r".*/meetings/\d+/(#invitees)?$"))
    message = next(m for m in mail.outbox if "amir@example.org" in m.to)
    rsvp_link = re.search(r"https?://\S+/rsvp/\S+/", message.body).group(0)
    path = rsvp_link.split("/rsvp/", 1)[1]

    # The partner answers from the e-mail, without logging in.
    guest = page_for(locale)
    guest.goto(f"{guest.base_url}/rsvp/{path}")
    assert_accessible(guest)
    guest.locator("input[name=rsvp][value=yes]").check()
    guest.locator("form.form button[type=submit]").click()
    guest.locator(".alert--success").wait_for()
    assert_accessible(guest)
    assert MeetingInvitee.objects.get(user=partner).rsvp == RSVP.YES

    # Minutes for the main item, a decision and an action item for the partner.
    page.goto(first_url)
    page.locator("#agenda a[href*='/agenda-items/']").nth(1).click()
    assert_accessible(page)
    page.locator("#id_minutes").fill("We reviewed **the mapping** of services.")
    page.locator("form.form button[type=submit]").click()
    page.wait_for_url(re.compile(r".*/meetings/\d+/#item-\d+$"))
    assert page.locator("#agenda strong", has_text="the mapping").count() == 1
    form = page.locator("form[action$='/outcomes/']")
    form.locator("#id_kind").select_option("decision")
    form.locator("#id_text").fill("The table adopts the mapping")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    form = page.locator("form[action$='/outcomes/']")
    form.locator("#id_kind").select_option("action")
    form.locator("#id_text").fill("Send the northern data")
    form.locator("#id_owner").select_option(label="Amir Haddad")
    form.locator("#id_due_date").fill("2031-03-20")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert Outcome.objects.filter(kind="action", owner=person).count() == 1
    assert_accessible(page)
    screenshot(page, f"meeting-{tag}")

    partner_page = page_for(locale)
    log_in(partner_page, "amir")
    partner_page.goto(partner_page.base_url + "/my/action-items/")
    assert partner_page.locator("tbody tr", has_text="Send the northern data").count() == 1
    assert_accessible(partner_page)
    screenshot(partner_page, f"my-actions-{tag}")

    # The next meeting of the series has the open item on its agenda.
    page.goto(f"{page.base_url}/initiatives/{initiative.pk}/meetings/new/?series={series.pk}")
    assert page.locator("#id_date").input_value() == "2031-04-10"
    page.locator("form.form button[type=submit]").click()
    page.wait_for_url(re.compile(r".*/meetings/\d+/$"))
    assert page.url != first_url
    assert page.locator("#agenda .outcome", has_text="Send the northern data").count() == 1
    assert_accessible(page)
    screenshot(page, f"next-meeting-{tag}")

    page.goto(f"{page.base_url}/initiatives/{initiative.pk}/meetings/")
    assert_accessible(page)
    page.goto(f"{page.base_url}/search/?q=mapping")
    assert page.locator(".search-hit mark").count() >= 1
    assert_accessible(page)
