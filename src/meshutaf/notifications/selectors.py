"""Reads for notifications: a person's list and unread count (one query each), each kind's
delivery for a set of people, and what a daily or weekly e-mail holds."""

from collections.abc import Iterable

from django.db.models import QuerySet

from meshutaf.accounts.models import User
from meshutaf.directory.models import Person

from .models import DEFAULT_DELIVERY, Delivery, Kind, Notification, NotificationPreference

# The bell counts this far and then says "99+": one cheap query however many are unread.
COUNT_CAP = 99


def notifications_for(*, user: User, unread_only: bool = False) -> QuerySet[Notification]:
    """A person's own notifications, newest first, with their initiative fetched along."""
    rows = Notification.objects.filter(recipient=user).select_related("initiative")
    if unread_only:
        rows = rows.filter(read_at=None)
    return rows.order_by("-created_at", "-pk")


def unread_count(*, user: User) -> int:
    """Unread notifications, counted up to COUNT_CAP + 1 (shown as "99+")."""
    return (
        Notification.objects.filter(recipient=user, read_at=None)
        .values("pk")[: COUNT_CAP + 1]
        .count()
    )


def notification_for_reader(*, user: User, pk: int) -> Notification | None:
    """One of the reader's own notifications; someone else's is None (a 404 to them)."""
    return Notification.objects.filter(recipient=user, pk=pk).first()


def preferences_for(*, user: User) -> dict[str, str]:
    """Each kind's delivery for `user`: stored choices over the defaults."""
    chosen = dict(NotificationPreference.objects.filter(user=user).values_list("kind", "delivery"))
    return {kind: chosen.get(kind, DEFAULT_DELIVERY[kind]) for kind in Kind.values}


def deliveries(*, user_ids: Iterable[int], kind: str) -> dict[int, str]:
    """How each of `user_ids` gets `kind` (one query)."""
    user_ids = list(user_ids)
    chosen = dict(
        NotificationPreference.objects.filter(user__in=user_ids, kind=kind).values_list(
            "user", "delivery"
        )
    )
    default = DEFAULT_DELIVERY.get(kind, Delivery.INSTANT)
    return {user_id: chosen.get(user_id, default) for user_id in user_ids}


def digest_rows(*, delivery: str) -> dict[User, list[Notification]]:
    """Per active person with an address: their unread notices not yet e-mailed, of the kinds
    they get by `delivery` (a daily or the weekly e-mail)."""
    rows = (
        Notification.objects.filter(read_at=None, emailed_at=None, recipient__is_active=True)
        .exclude(recipient__email="")
        .select_related("recipient")
        .order_by("recipient", "created_at", "pk")
    )
    chosen = {
        (user_id, kind): value
        for user_id, kind, value in NotificationPreference.objects.filter(
            user__in=rows.values("recipient")
        ).values_list("user", "kind", "delivery")
    }
    result: dict[User, list[Notification]] = {}
    users: dict[int, User] = {}
    for row in rows:
        kind_delivery = chosen.get((row.recipient_id, row.kind), DEFAULT_DELIVERY.get(row.kind))
        if kind_delivery != delivery:
            continue
        user = users.setdefault(row.recipient_id, row.recipient)
        result.setdefault(user, []).append(row)
    return result


def directory_names(*, user_ids: list[int]) -> list[tuple[int, str]]:
    """The directory's spelling of each user's name, for finding mentions."""
    return list(
        Person.objects.filter(user__in=user_ids)
        .exclude(full_name="")
        .values_list("user", "full_name")
    )
