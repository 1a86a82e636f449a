"""A partner's open reporting tasks join the meetings' weekly digest, in the reader's
language, for the people who may report them only."""

import datetime as dt

from django.core import mail
from django.urls import reverse

from meshutaf.measurement import services
from meshutaf.meetings.tasks import send_weekly_digest


def test_the_weekly_digest_lists_open_reporting_tasks(
    framework,
    count_indicator,
    partner_org,
    owner,
    member,
    outsider,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks():
        round = services.round_open(
            framework=framework,
            by=owner,
            period="2025-Q4",
            due_date=dt.date(2026, 1, 15),
            indicators=[count_indicator],
            partners=[partner_org],
        )
    member.language = "en"
    member.save()
    mail.outbox.clear()
    assert send_weekly_digest(today=dt.date(2026, 1, 4)) == 1
    (message,) = mail.outbox
    assert message.to == [member.email]
    assert "2025-Q4" in message.body
    assert reverse("measurement:entry", args=[round.pk, partner_org.pk]) in message.body
    assert "Waiting for you" in message.subject


def test_a_submitted_task_leaves_the_digest(framework, count_indicator, partner_org, owner, member):
    round = services.round_open(
        framework=framework,
        by=owner,
        period="2025-Q4",
        due_date=dt.date(2026, 1, 15),
        indicators=[count_indicator],
        partners=[partner_org],
    )
    round.tasks.update(submitted_at=dt.datetime(2026, 1, 2, tzinfo=dt.UTC))
    mail.outbox.clear()
    assert send_weekly_digest(today=dt.date(2026, 1, 4)) == 0
