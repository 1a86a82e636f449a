"""The meeting cycle in real Chromium: schedule a meeting in a series, RSVP from the e-mail
link without logging in, write minutes with a decision and an action item, find the item
on its owner's "my action items", and see it carried into the next meeting. Axe runs on
every page; once in Hebrew (RTL) and once in English."""

import re

import pytest
from django.core import mail

from meshutaf.core.access import Role
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
    page.wait_for_url(re.compile(r".*/meetings/\d+/(\?tab=invitations#invitees)?$"))
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
    # Saved minutes take the facilitator to the meeting's minutes-and-outcomes tab.
    page.wait_for_url(re.compile(r".*/meetings/\d+/\?tab=minutes#item-\d+$"))
    assert page.locator("#minutes-by-item strong", has_text="the mapping").count() == 1
    form = page.locator("form[action$='/outcomes/']")
    form.locator("#id_kind").select_option("decision")
    form.locator("#id_text").fill("The table adopts the mapping")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    form = page.locator("form[action$='/outcomes/']")
    form.locator("#id_kind").select_option("action")
    form.locator("#id_text").fill("Send the northern data")
    # The owner is chosen by typing (the picker of core/widgets.py).
    form.locator("#id_owner-picker").fill("Amir")
    form.get_by_role("option", name=re.compile("Amir Haddad")).click()
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


PRINT_SHEET_PNG = "meeting-print-{part}-{language}"


def assert_nothing_to_fill_in(page) -> None:
    """In print media, no form, form control, button or navigation is visible."""
    controls = page.locator("form, input, select, textarea, button, nav")
    assert controls.count() > 0  # the site's own (language switch, log out) are there...
    for index in range(controls.count()):
        control = controls.nth(index)
        assert not control.is_visible(), control.evaluate("e => e.outerHTML.slice(0, 200)")


@pytest.mark.parametrize("locale", ["he-IL", "en-US"])
def test_print_view_prints_content_not_forms(page_for, locale):
    """Printing a meeting gives its agenda or its minutes, never an editing form: the print
    view, in print media, shows the agenda items and decisions and no form control."""
    import datetime

    from django.utils import timezone

    from meshutaf.meetings.models import MeetingStatus, OutcomeKind

    facilitator = UserFactory(username="dana", first_name="Dana", is_backbone=True)
    presenter = PersonFactory(full_name="דנה כהן", user=facilitator)
    owner = PersonFactory(full_name="Amir Haddad")
    initiative = InitiativeFactory(name="השולחן העגול לניצולים")
    MembershipFactory(initiative=initiative, user=facilitator, role=Role.FACILITATOR)
    start = (timezone.now() - datetime.timedelta(days=3)).replace(minute=0, second=0)
    meeting = services.meeting_create(
        initiative=initiative,
        by=facilitator,
        title="מליאה 4: שיתוף מידע",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
        status=MeetingStatus.HELD,
        venue="ירושלים, קפלן 3",
        online_url="https://meet.example.org/plenary-4",
    )
    item = services.agenda_item_add(
        meeting=meeting,
        by=facilitator,
        title="נוהל הסכמה לשיתוף מידע",
        planned_minutes=40,
        presenter=presenter,
        minutes="The partners went through the draft clause by clause.",
    )
    # Present first: an action item's owner comes from the meeting's people.
    services.attendance_set(meeting=meeting, by=facilitator, people=[presenter, owner])
    services.outcome_create(
        meeting=meeting,
        by=facilitator,
        kind=OutcomeKind.DECISION,
        text="יוכן נוהל הסכמה אחיד",
        agenda_item=item,
    )
    services.outcome_create(
        meeting=meeting,
        by=facilitator,
        kind=OutcomeKind.ACTION,
        text="Circulate the draft procedure",
        agenda_item=item,
        owner=owner,
        due_date=datetime.date(2031, 4, 1),
    )
    language = locale[:2]

    page = page_for(locale)
    log_in(page, "dana")
    page.goto(f"{page.base_url}/meetings/{meeting.pk}/")
    page.locator(f'a[href="/meetings/{meeting.pk}/print/"]').click()
    page.wait_for_url(re.compile(r".*/print/$"))
    assert page.locator("html").get_attribute("dir") == ("rtl" if language == "he" else "ltr")
    assert page.locator("button[data-print]").is_visible()  # on screen, with JavaScript
    assert_accessible(page)
    screenshot(page, f"meeting-print-screen-{language}")

    # The meeting page itself, printed, leaves its editing forms off the paper too.
    page.goto(f"{page.base_url}/meetings/{meeting.pk}/")
    page.emulate_media(media="print")
    assert_nothing_to_fill_in(page)
    assert page.get_by_text("יוכן נוהל הסכמה אחיד", exact=True).is_visible()
    page.emulate_media(media="screen")

    for part in ("minutes", "agenda"):
        page.goto(f"{page.base_url}/meetings/{meeting.pk}/print/?part={part}")
        page.emulate_media(media="print")
        assert_nothing_to_fill_in(page)
        assert page.get_by_role("heading", level=1).is_visible()
        assert page.get_by_text("נוהל הסכמה לשיתוף מידע").first.is_visible()
        if part == "minutes":
            assert page.get_by_text("יוכן נוהל הסכמה אחיד").is_visible()
            actions = page.locator("#print-actions")
            assert actions.get_by_text("Circulate the draft procedure").is_visible()
            assert actions.get_by_text("Amir Haddad").is_visible()
        else:
            assert page.get_by_text("https://meet.example.org/plenary-4").is_visible()
            assert page.get_by_text("דנה כהן").is_visible()
        assert_accessible(page)
        name = PRINT_SHEET_PNG.format(part=part, language=language)
        pdf = screenshot(page, name).with_suffix(".pdf")  # beside the screenshot, to look at
        page.pdf(path=str(pdf), format="A4", print_background=True)
        assert pdf.read_bytes().startswith(b"%PDF")
        page.emulate_media(media="screen")
