"""Background work of shared measurement: reminding partners of reporting tasks that are due.
A task takes ids, re-reads the database, and re-checks that each person it writes to is still
a member who reports for the partner (affiliations and roles change)."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django_tasks import default_task_backend, task

from meshutaf.accounts.models import User
from meshutaf.core.text import pick_localized
from meshutaf.initiatives.models import Membership

from .models import ReportingTask, RoundState
from .permissions import may_report_for

logger = logging.getLogger(__name__)

REMIND_DAYS = 7  # remind of tasks due within this many days (and of overdue ones)
REMIND_HOUR = 8  # the next day's reminders go out from this local hour


def _language(user: User) -> str:
    return (getattr(user, "language", "") or settings.LANGUAGE_CODE)[:2]


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def reporting_people(reporting_task: ReportingTask) -> list[User]:
    """Who is reminded of a task: active users with an e-mail address whose person is
    affiliated with the partner now, who are members of the initiative and may report for
    the partner (checked again through the gate's own rule)."""
    initiative_id = reporting_task.round.framework.initiative_id
    memberships = (
        Membership.objects.filter(
            initiative_id=initiative_id,
            user__is_active=True,
            user__person__affiliations__organisation_id=reporting_task.partner_id,
        )
        .exclude(user__email="")
        .select_related("user")
        .distinct()
        .order_by("user_id")
    )
    return [
        membership.user
        for membership in memberships
        if may_report_for(
            user=membership.user, role=membership.role, partner_id=reporting_task.partner_id
        )
    ]


def reminders_send(
    *, round_id: int | None = None, days: int = REMIND_DAYS, now: dt.datetime | None = None
) -> int:
    """E-mail the people of every open task due within `days` days and not submitted, at
    most once a day per task (the task is claimed before anyone is written to, so two
    workers never both send). Returns how many e-mails were sent."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    not_today = Q(reminded_at__isnull=True) | Q(reminded_at__lt=_start_of(today))
    due = (
        ReportingTask.objects.filter(
            round__state=RoundState.OPEN,
            round__due_date__lte=today + dt.timedelta(days=days),
            submitted_at__isnull=True,
        )
        .filter(not_today)
        .select_related("round__framework__initiative", "partner")
        .order_by("round__due_date", "pk")
    )
    if round_id is not None:
        due = due.filter(round_id=round_id)
    sent = 0
    for reporting_task in due:
        claimed = ReportingTask.objects.filter(pk=reporting_task.pk).filter(not_today)
        if not claimed.update(reminded_at=now):
            continue
        for user in reporting_people(reporting_task):
            try:
                _remind(reporting_task, user, today=today)
            except Exception:
                logger.exception("could not remind user %s of task %s", user.pk, reporting_task.pk)
                continue
            sent += 1
    return sent


@dataclass(frozen=True)
class DigestEntry:
    """One open reporting task in a person's weekly digest; `text` is rendered in the
    reader's language when the digest is written (str() inside its translation)."""

    task: ReportingTask
    url: str

    @property
    def text(self) -> str:
        round = self.task.round
        partner = self.task.partner
        return _("Values of %(period)s for %(partner)s in “%(initiative)s”, due %(due)s") % {
            "period": round.period,
            "partner": pick_localized(
                {"he": partner.name_he, "ar": partner.name_ar, "en": partner.name_en}
            ),
            "initiative": round.framework.initiative.name,
            "due": formats.date_format(round.due_date, "SHORT_DATE_FORMAT"),
        }


def digest_entries(*, today: dt.date) -> dict[int, list[DigestEntry]]:
    """The weekly digest's share of measurement: each open task not yet submitted, for the
    people who may report it (the same rule as the reminders)."""
    entries: dict[int, list[DigestEntry]] = {}
    open_tasks = (
        ReportingTask.objects.filter(round__state=RoundState.OPEN, submitted_at__isnull=True)
        .select_related("round__framework__initiative", "partner")
        .order_by("round__due_date", "pk")
    )
    for reporting_task in open_tasks:
        url = settings.SITE_URL + reverse(
            "measurement:entry", args=[reporting_task.round_id, reporting_task.partner_id]
        )
        for user in reporting_people(reporting_task):
            entries.setdefault(user.pk, []).append(DigestEntry(reporting_task, url))
    return entries


def _remind(reporting_task: ReportingTask, user: User, *, today: dt.date) -> None:
    round = reporting_task.round
    with translation.override(_language(user)):
        partner = pick_localized(
            {
                "he": reporting_task.partner.name_he,
                "ar": reporting_task.partner.name_ar,
                "en": reporting_task.partner.name_en,
            }
        )
        context = {
            "user": user,
            "round": round,
            "partner": partner,
            "initiative": round.framework.initiative,
            "days_left": (round.due_date - today).days,
            "days_overdue": max(0, (today - round.due_date).days),
            "url": settings.SITE_URL
            + reverse("measurement:entry", args=[round.pk, reporting_task.partner_id]),
        }
        subject = _("Values due for %(period)s: %(partner)s") % {
            "period": round.period,
            "partner": partner,
        }
        body = render_to_string("measurement/reporting_reminder_email.txt", context)
    EmailMessage(subject=subject, body=body, to=[user.email]).send()


@task()
def reporting_reminders(round_id: int) -> int:
    """Remind the partners of one round, then come back tomorrow while it is open (on a
    backend that can run a job later; the worker's database backend can)."""
    sent = reminders_send(round_id=round_id)
    _schedule_next(round_id)
    return sent


def _schedule_next(round_id: int) -> None:
    if not default_task_backend.supports_defer:
        return
    open_tasks = ReportingTask.objects.filter(
        round_id=round_id, round__state=RoundState.OPEN, submitted_at__isnull=True
    )
    if not open_tasks.exists():
        return
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    run_after = timezone.make_aware(dt.datetime.combine(tomorrow, dt.time(REMIND_HOUR)))
    reporting_reminders.using(run_after=run_after).enqueue(round_id)
