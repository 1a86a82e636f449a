"""Background work for meetings: invitation e-mails with a calendar file, reminders before a
meeting, and one weekly digest of open action items per person. Tasks take ids, re-read
the database, and check that what they send is still true (the meeting may have moved)."""

import datetime
import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from meshutaf.accounts.models import User
from meshutaf.initiatives.models import Membership
from meshutaf.notifications import selectors as notice_selectors
from meshutaf.notifications import services as notices
from meshutaf.notifications import tasks as notice_tasks
from meshutaf.notifications.models import Delivery, Kind

from . import calendar, extensions
from .models import (
    OPEN_ACTION_STATUSES,
    RSVP,
    DigestRun,
    Meeting,
    MeetingInvitee,
    MeetingStatus,
    Outcome,
    OutcomeKind,
)
from .services import minutes_url
from .tokens import rsvp_token

logger = logging.getLogger(__name__)

REMINDER_HOURS = 24
TICK_MINUTES = 15


def _language(invitee_or_user) -> str:
    user = getattr(invitee_or_user, "user", invitee_or_user)
    return (getattr(user, "language", "") or settings.LANGUAGE_CODE)[:2]


def rsvp_url(invitee: MeetingInvitee) -> str:
    return settings.SITE_URL + reverse("meetings:rsvp", args=[rsvp_token(invitee)])


def _meeting_mail(meeting: Meeting) -> dict:
    """What every invitee's e-mail about one meeting shares: read and built once."""
    return {
        "agenda": list(meeting.agenda_items.order_by("position")),
        "ics": calendar.calendar_bytes([meeting], name=meeting.title, method="PUBLISH"),
    }


def _send_to_invitee(
    meeting: Meeting, invitee: MeetingInvitee, template: str, subject: str, shared: dict
):
    # The recipient reads the time in their own zone (their account's, else the site's): the
    # e-mail names the meeting's zone only when it is another one.
    zone = getattr(invitee.user, "time_zone", "") or settings.TIME_ZONE
    with translation.override(_language(invitee)), timezone.override(zone):
        context = {
            "meeting": meeting,
            "invitee": invitee,
            "start": meeting.local_start,
            "end": meeting.local_end,
            "agenda": shared["agenda"],
            "rsvp_url": rsvp_url(invitee),
        }
        message = EmailMessage(
            subject=subject % {"title": meeting.title},
            body=render_to_string(template, context),
            to=[invitee.email],
        )
        message.attach("meeting.ics", shared["ics"], "text/calendar")
        message.send()


@task(takes_context=True)
def send_invitations(context, meeting_id: int, invitee_ids: list[int]) -> int:
    meeting = Meeting.objects.select_related("initiative").filter(pk=meeting_id).first()
    if meeting is None or meeting.status in (MeetingStatus.CANCELLED, MeetingStatus.DRAFT):
        return 0
    sent = 0
    shared = _meeting_mail(meeting)
    # A job whose worker died is run again (core.worker): whoever this job already reached
    # since it was queued is not written to twice.
    queued_at = context.task_result.enqueued_at
    for invitee in meeting.invitees.filter(pk__in=invitee_ids).select_related("user"):
        if not invitee.email:
            continue
        if queued_at and invitee.invited_at and invitee.invited_at >= queued_at:
            continue
        try:
            with translation.override(_language(invitee)):
                subject = _("Invitation: %(title)s")
            _send_to_invitee(meeting, invitee, "meetings/email/invitation.txt", subject, shared)
        except Exception:
            logger.exception("could not e-mail invitee %s", invitee.pk)
            continue
        MeetingInvitee.objects.filter(pk=invitee.pk).update(invited_at=timezone.now())
        sent += 1
    return sent


def send_due_reminders(*, now: datetime.datetime | None = None) -> int:
    """Remind the invitees of meetings starting within REMINDER_HOURS, once per start time
    (a meeting moved to a new time is reminded again)."""
    now = now or timezone.now()
    sent = 0
    due = Meeting.objects.filter(
        status=MeetingStatus.SCHEDULED,
        starts_at__gt=now,
        starts_at__lte=now + datetime.timedelta(hours=REMINDER_HOURS),
    ).select_related("initiative")
    for meeting in due:
        if meeting.reminder_sent_for == meeting.starts_at:
            continue
        with transaction.atomic():
            # Claim the reminder first, so two workers never both send it.
            claimed = (
                Meeting.objects.filter(pk=meeting.pk)
                .exclude(reminder_sent_for=meeting.starts_at)
                .update(reminder_sent_for=meeting.starts_at)
            )
        if not claimed:
            continue
        shared = _meeting_mail(meeting)
        for invitee in (
            meeting.invitees.exclude(rsvp=RSVP.NO).exclude(email="").select_related("user")
        ):
            try:
                with translation.override(_language(invitee)):
                    subject = _("Reminder: %(title)s")
                _send_to_invitee(meeting, invitee, "meetings/email/reminder.txt", subject, shared)
                sent += 1
            except Exception:
                logger.exception("could not remind invitee %s", invitee.pk)
    return sent


def send_weekly_digest(*, today: datetime.date | None = None) -> int:
    """One e-mail per person with open action items, or with something another app asks
    them to do (`extensions.digest_register`: a partner's reporting tasks), once per week
    (weeks start on Sunday, as the Israeli working week does)."""
    today = today or timezone.localdate()
    week = today - datetime.timedelta(days=(today.weekday() + 1) % 7)
    try:
        with transaction.atomic():
            run = DigestRun.objects.create(week=week)
    except IntegrityError:
        return 0
    items = (
        Outcome.objects.filter(
            kind=OutcomeKind.ACTION,
            status__in=OPEN_ACTION_STATUSES,
            owner__user__is_active=True,
        )
        .exclude(meeting__status=MeetingStatus.DRAFT)
        .select_related("owner__user", "meeting", "initiative")
        .order_by("owner", "due_date", "pk")
    )
    by_user: dict[int, list[Outcome]] = {}
    users: dict[int, User] = {}
    for item in items:
        user = item.owner.user
        # The digest lists only what the owner may still see: membership is re-checked.
        by_user.setdefault(user.pk, []).append(item)
        users[user.pk] = user

    member_of = set(Membership.objects.filter(user__in=users).values_list("user", "initiative"))
    extras = extensions.digest_extras(today=today)
    for user_id, entries in notices.weekly_entries().items():  # unread notices, weekly kind
        extras.setdefault(user_id, []).extend(entries)
    # Whoever turned action-item notices off gets no list of them either.
    items_off = {
        user_id
        for user_id, delivery in notice_selectors.deliveries(
            user_ids=list(users), kind=Kind.ACTION_DUE
        ).items()
        if delivery == Delivery.OFF
    }
    missing = set(extras) - set(users)
    users.update({user.pk: user for user in User.objects.filter(pk__in=missing, is_active=True)})
    sent = 0
    for user_id in sorted(set(by_user) | set(extras)):
        user = users.get(user_id)
        if user is None:
            continue
        visible = [
            item
            for item in by_user.get(user_id, [])
            if user.is_superuser or (user_id, item.initiative_id) in member_of
        ]
        if user_id in items_off:
            visible = []
        more = extras.get(user_id, [])
        if not (visible or more) or not user.email:
            continue
        with translation.override(_language(user)):
            body = render_to_string(
                "meetings/email/digest.txt",
                {
                    "user": user,
                    "items": visible,
                    "extras": [(str(entry.text), entry.url) for entry in more],
                    "url": settings.SITE_URL + reverse("meetings:my_actions"),
                },
            )
            if visible:
                subject = _("Your open action items (%(count)s)") % {"count": len(visible)}
            else:
                subject = _("Waiting for you in Meshutaf (%(count)s)") % {"count": len(more)}
        try:
            EmailMessage(subject=subject, body=body, to=[user.email]).send()
            sent += 1
        except Exception:
            logger.exception("could not send the digest to user %s", user_id)
            continue
        notices.weekly_entries_sent(user_id=user_id, entries=more)
    DigestRun.objects.filter(pk=run.pk).update(recipients=sent)
    return sent


DUE_SOON_DAYS = 2
DUE_LOOKBACK_DAYS = 14


def notify_due_action_items(*, today: datetime.date | None = None) -> int:
    """Tell each open action item's owner, once, that it falls due within DUE_SOON_DAYS, and
    once more when it is overdue (items due in the last DUE_LOOKBACK_DAYS only, so a new
    installation does not wake every old item). A new due date is a new notice."""
    today = today or timezone.localdate()
    items = (
        Outcome.objects.filter(
            kind=OutcomeKind.ACTION,
            status__in=OPEN_ACTION_STATUSES,
            owner__user__isnull=False,
            due_date__gte=today - datetime.timedelta(days=DUE_LOOKBACK_DAYS),
            due_date__lte=today + datetime.timedelta(days=DUE_SOON_DAYS),
        )
        .exclude(meeting__status=MeetingStatus.DRAFT)
        .select_related("owner", "meeting")
    )
    keyed = {
        f"action-due:{item.pk}:{item.due_date}:{'late' if item.due_date < today else 'soon'}": item
        for item in items
    }
    claimed = notices.claim_once(keyed)
    for key in claimed:
        item = keyed[key]
        notices.notify_later(
            kind=Kind.ACTION_DUE,
            recipients=[item.owner.user_id],
            initiative=item.initiative_id,
            params={
                "text": item.text,
                "date": item.due_date.isoformat(),
                "overdue": item.due_date < today,
            },
            url=minutes_url(item.meeting, f"outcome-{item.pk}"),
        )
    return len(claimed)


DIGEST_WEEKDAY = 6  # Sunday: the first working day of the week in Israel
DIGEST_HOUR = 7


@task()
def tick() -> None:
    """The worker's clock: reminders every few minutes, the digest on Sunday morning. It
    enqueues its own next run, so one `meshutaf worker` is all an installation needs."""
    try:
        send_due_reminders()
        now = timezone.localtime()
        notify_due_action_items(today=now.date())
        notice_tasks.send_daily_digest(now=now)
        if now.weekday() == DIGEST_WEEKDAY and now.hour >= DIGEST_HOUR:
            send_weekly_digest(today=now.date())
    finally:
        schedule_tick()


def schedule_tick() -> None:
    from django_tasks import default_task_backend

    if not default_task_backend.supports_defer:
        return
    run_after = timezone.now() + datetime.timedelta(minutes=TICK_MINUTES)
    tick.using(run_after=run_after).enqueue()


def ensure_tick() -> None:
    """Called when the worker starts: schedule the clock unless a run is already waiting."""
    from django_tasks import default_task_backend

    if not default_task_backend.supports_defer:
        return
    from django_tasks_db.models import DBTaskResult

    waiting = DBTaskResult.objects.filter(
        task_path=tick.module_path, status__in=["READY", "RUNNING"]
    ).exists()
    if not waiting:
        tick.enqueue()
