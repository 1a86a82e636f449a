"""A few notifications for the demo's people, so the bell has something to show: what the
partner would have heard of the demo's own meetings, action items, workshop and
deliberation, and the facilitator of a partner's report. Written directly (no worker runs during the
load) and marked e-mailed, so no digest later writes to the demo's invented addresses."""

from django.urls import reverse
from django.utils import timezone

from meshutaf.core.access import Role
from meshutaf.deliberation.models import Conversation
from meshutaf.measurement.models import ReportingRound
from meshutaf.meetings.models import OPEN_ACTION_STATUSES, Meeting, Outcome, OutcomeKind
from meshutaf.meetings.services import minutes_url
from meshutaf.notifications.models import Kind, Notification
from meshutaf.notifications.services import notifications_deliver
from meshutaf.workshops.models import WorkshopSession


def build_notifications(*, facilitator, partner) -> int:
    made: list[Notification] = []

    def notice(kind, user, obj, initiative_id, url, **params) -> None:
        if obj is not None:
            made.extend(
                notifications_deliver(
                    kind=kind,
                    recipient_ids=[user.pk],
                    initiative_id=initiative_id,
                    params=params,
                    url=url,
                )
            )

    item = (
        Outcome.objects.filter(
            kind=OutcomeKind.ACTION, owner__user=partner, status__in=OPEN_ACTION_STATUSES
        )
        .order_by("-due_date")
        .first()
    )
    if item is not None:
        notice(
            Kind.ACTION_ASSIGNED,
            partner,
            item,
            item.initiative_id,
            minutes_url(item.meeting, f"outcome-{item.pk}"),
            actor=facilitator.display_name,
            text=item.text,
        )
    meeting = (
        Meeting.objects.filter(invitees__user=partner, starts_at__gte=timezone.now())
        .order_by("starts_at")
        .first()
    )
    if meeting is not None:
        notice(
            Kind.MEETING_INVITED,
            partner,
            meeting,
            meeting.initiative_id,
            meeting.get_absolute_url(),
            title=meeting.title,
            date=meeting.local_start.date().isoformat(),
        )
    session = WorkshopSession.objects.filter(initiative__memberships__user=partner).first()
    if session is not None:
        notice(
            Kind.WORKSHOP_OPENED,
            partner,
            session,
            session.initiative_id,
            reverse("workshops:board", args=[session.pk]),
            title=session.title,
        )
    conversation = Conversation.objects.filter(initiative__memberships__user=partner).first()
    if conversation is not None:
        notice(
            Kind.DELIBERATION_OPENED,
            partner,
            conversation,
            conversation.initiative_id,
            reverse("deliberation:detail", args=[conversation.pk]),
            title=conversation.title,
        )
    round = (
        ReportingRound.objects.filter(
            framework__initiative__memberships__user=facilitator,
            framework__initiative__memberships__role=Role.FACILITATOR,
        )
        .select_related("framework")
        .first()
    )
    if round is not None:
        task = round.tasks.select_related("partner").first()
        notice(
            Kind.VALUE_REPORTED,
            facilitator,
            task,
            round.framework.initiative_id,
            reverse("measurement:round", args=[round.pk]),
            partner=task.partner.name if task else "",
            title=round.period,
        )
    Notification.objects.filter(pk__in=[row.pk for row in made]).update(emailed_at=timezone.now())
    return len(made)
