"""Each kind reaches a person as they chose: at once by e-mail, in a daily or the weekly
e-mail, or not at all; always in their language."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from meshutaf.meetings.tasks import send_weekly_digest
from meshutaf.notifications import services
from meshutaf.notifications.models import Delivery, Kind, Notification, NotificationPreference
from meshutaf.notifications.tasks import send_daily_digest
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def notify(initiative, owner, member, kind=Kind.ACTION_ASSIGNED):
    return services.notifications_deliver(
        kind=kind,
        recipient_ids=[member.pk],
        initiative_id=initiative.pk,
        params={"actor": owner.display_name, "text": "Send the data", "title": "Plenary"},
        url="/my/action-items/",
        actor_id=owner.pk,
    )


def choose(user, kind, delivery):
    services.preferences_set(user=user, choices={kind: delivery})


def test_off_means_nothing_in_the_app_nor_by_mail(initiative, owner, member):
    choose(member, Kind.ACTION_ASSIGNED, Delivery.OFF)
    mail.outbox.clear()
    assert notify(initiative, owner, member) == []
    assert Notification.objects.count() == 0
    assert mail.outbox == []


def test_instant_mails_at_once_in_the_readers_language(initiative, owner, member):
    member.language = "he"
    member.save()
    choose(member, Kind.ACTION_ASSIGNED, Delivery.INSTANT)
    mail.outbox.clear()
    (row,) = notify(initiative, owner, member)
    (message,) = mail.outbox
    assert message.to == [member.email]
    assert "Send the data" in message.subject
    assert "הקצה לך" in message.body or "Send the data" in message.body
    assert reverse("notifications:open", args=[row.pk]) in message.body
    row.refresh_from_db()
    assert row.emailed_at is not None


def test_daily_mails_unread_once_a_day_from_the_morning(initiative, owner, member):
    choose(member, Kind.ACTION_ASSIGNED, Delivery.DAILY)
    mail.outbox.clear()
    notify(initiative, owner, member)
    read = notify(initiative, owner, member)[0]
    services.notification_mark_read(notification=read)
    assert mail.outbox == []
    day = timezone.localtime().replace(hour=5, minute=0)
    assert send_daily_digest(now=day) == 0  # before the hour
    assert send_daily_digest(now=day.replace(hour=8)) == 1
    (message,) = mail.outbox
    assert message.to == [member.email]
    assert message.body.count("Send the data") == 1  # the read one is left out
    assert send_daily_digest(now=day.replace(hour=9)) == 0  # once a day
    notify(initiative, owner, member)
    assert send_daily_digest(now=day.replace(hour=9) + dt.timedelta(days=1)) == 1
    assert len(mail.outbox) == 2  # only the new one: nothing is e-mailed twice
    assert mail.outbox[1].body.count("Send the data") == 1


def test_weekly_kinds_join_the_meetings_weekly_digest(initiative, owner, member, outsider):
    choose(member, Kind.WORKSHOP_OPENED, Delivery.WEEKLY)
    notify(initiative, owner, member, kind=Kind.WORKSHOP_OPENED)
    mail.outbox.clear()
    assert send_daily_digest(now=timezone.localtime().replace(hour=8)) == 0
    assert send_weekly_digest(today=dt.date(2031, 1, 5)) == 1
    (message,) = mail.outbox
    assert message.to == [member.email]
    # In the recipient's language: Hebrew, the default, for a user who chose none.
    assert "נפתחה סדנה: Plenary" in message.body
    assert Notification.objects.get().emailed_at is not None


def test_action_items_off_leaves_them_out_of_the_weekly_digest(
    initiative, owner, member, meeting, member_person
):
    from meshutaf.meetings import services as meetings

    meetings.outcome_create(
        meeting=meeting, by=owner, kind="action", text="Open item", owner=member_person
    )
    choose(member, Kind.ACTION_DUE, Delivery.OFF)
    mail.outbox.clear()
    assert send_weekly_digest(today=dt.date(2031, 1, 5)) == 0


def test_the_preferences_page_saves_and_refuses_bad_values(member):
    client = client_for(member)
    page = client.get(reverse("notifications:preferences"))
    assert page.status_code == 200
    assert 'name="mention"' in page.content.decode()
    settings_page = client.get(reverse("accounts:settings")).content.decode()
    assert reverse("notifications:preferences") in settings_page
    choices = dict.fromkeys(Kind.values, Delivery.WEEKLY)
    response = client.post(reverse("notifications:preferences"), {**choices, "mention": "loud"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert NotificationPreference.objects.count() == 0
    response = client.post(reverse("notifications:preferences"), choices)
    assert response.status_code == 302
    assert set(
        NotificationPreference.objects.filter(user=member).values_list("delivery", flat=True)
    ) == {Delivery.WEEKLY}


def test_preferences_need_a_sign_in(client):
    response = client.get(reverse("notifications:preferences"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
