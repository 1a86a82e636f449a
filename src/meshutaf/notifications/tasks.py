"""Background work for notifications: deliver a notice (check, write, e-mail at once), find
whom free text mentions, and the daily e-mail. The weekly one is the meetings' digest, which
asks `services.weekly_entries`; the worker's clock (`meetings.tasks.tick`) runs both."""

import datetime

from django.utils import timezone
from django_tasks import task

from . import services
from .models import Delivery

DAILY_HOUR = 7


@task()
def deliver(
    kind: str,
    recipient_ids: list[int],
    roles: list[str],
    initiative_id: int | None,
    params: dict,
    url: str,
    actor_id: int | None,
) -> int:
    return len(
        services.notifications_deliver(
            kind=kind,
            recipient_ids=recipient_ids,
            roles=roles,
            initiative_id=initiative_id,
            params=params,
            url=url,
            actor_id=actor_id,
        )
    )


@task()
def deliver_mentions(
    text: str,
    previous: str,
    initiative_id: int,
    params: dict,
    url: str,
    actor_id: int | None,
) -> int:
    return len(
        services.mentions_deliver(
            text=text,
            previous=previous,
            initiative_id=initiative_id,
            params=params,
            url=url,
            actor_id=actor_id,
        )
    )


def send_daily_digest(*, now: datetime.datetime | None = None) -> int:
    """Once a day, from DAILY_HOUR (the site's time): the daily e-mail of unread notices."""
    now = timezone.localtime(now)
    if now.hour < DAILY_HOUR:
        return 0
    if not services.claim_once([f"daily-digest:{now.date().isoformat()}"]):
        return 0
    return services.digest_send(delivery=Delivery.DAILY)
