"""Writes for notifications. Feature apps call `notify_later` (or `notify_mentions_later`)
inside their own transaction; after it commits the worker (`tasks.deliver`) checks each
recipient may still see the initiative, honours their preference, writes the rows in bulk and
sends the instant e-mails. Nothing is queued for a write that rolled back, and nothing here
runs in the request but the queueing."""

import logging
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from meshutaf.accounts.models import User
from meshutaf.initiatives.models import Membership
from meshutaf.initiatives.permissions import initiatives_visible_to

from . import mentions, messages, selectors
from .models import Delivery, Kind, NoticeClaim, Notification, NotificationPreference

logger = logging.getLogger(__name__)

# Parameters are short: a title, a name, the start of an action item's text.
PARAM_LIMIT = 160


_quiet = threading.local()


@contextmanager
def notifications_paused() -> Iterator[None]:
    """While data is loaded in bulk (the demo workspace), writes queue no notices."""
    before = getattr(_quiet, "paused", False)
    _quiet.paused = True
    try:
        yield
    finally:
        _quiet.paused = before


def _paused() -> bool:
    return getattr(_quiet, "paused", False)


def _id(value: Any) -> int | None:
    return getattr(value, "pk", value)


def same_site_path(url: str) -> bool:
    """A path on this site ("/meetings/3/"), never another site's address ("//x", "http:")."""
    return (
        isinstance(url, str)
        and url.startswith("/")
        and not url.startswith("//")
        and "\\" not in url
        and len(url) <= 500
    )


def _clean_params(params: dict | None) -> dict:
    cleaned: dict[str, Any] = {}
    for key, value in (params or {}).items():
        if isinstance(value, bool | int) or value is None:
            cleaned[key] = value
        else:
            text = " ".join(str(value).split())
            cleaned[key] = text if len(text) <= PARAM_LIMIT else text[: PARAM_LIMIT - 1] + "…"
    return cleaned


def notify_later(
    *,
    kind: str,
    url: str,
    recipients: Iterable[Any] = (),
    roles: Iterable[str] = (),
    initiative: Any = None,
    params: dict | None = None,
    actor: Any = None,
) -> None:
    """Queue one notice of `kind` for `recipients` (users or ids) and for the members of
    `initiative` who hold one of `roles`, after the current transaction commits. The actor
    never hears of their own act."""
    if kind not in Kind.values:
        raise ValueError(f"unknown notification kind: {kind}")
    if not same_site_path(url):
        raise ValueError("a notification links to a path on this site")
    recipient_ids = sorted({user_id for user in recipients if (user_id := _id(user))})
    payload: dict[str, Any] = {
        "kind": kind,
        "recipient_ids": recipient_ids,
        "roles": list(roles),
        "initiative_id": _id(initiative),
        "params": _clean_params(params),
        "url": url,
        "actor_id": _id(actor),
    }
    if _paused() or (not recipient_ids and not payload["roles"]):
        return
    transaction.on_commit(lambda: _enqueue("deliver", payload))


def notify_mentions_later(
    *,
    text: str,
    previous: str = "",
    initiative: Any,
    url: str,
    params: dict | None = None,
    actor: Any = None,
) -> None:
    """Queue a mention notice for each member whom `text` mentions (`@name`) and `previous`
    did not; who that is, the worker works out."""
    if _paused() or "@" not in (text or "") or not same_site_path(url):
        return
    payload: dict[str, Any] = {
        "text": text,
        "previous": previous or "",
        "initiative_id": _id(initiative),
        "params": _clean_params(params),
        "url": url,
        "actor_id": _id(actor),
    }
    transaction.on_commit(lambda: _enqueue("deliver_mentions", payload))


def _enqueue(name: str, payload: dict) -> None:
    from . import tasks

    getattr(tasks, name).enqueue(**payload)


def membership_added(*, membership: Membership, by: User | None) -> None:
    """The initiatives' slot: someone else gave this user a seat in an initiative."""
    if by is None or by.pk == membership.user_id:
        return
    initiative = membership.initiative
    notify_later(
        kind=Kind.INITIATIVE_ADDED,
        recipients=[membership.user_id],
        initiative=initiative,
        params={"actor": by.display_name, "title": initiative.name},
        url=reverse("initiatives:detail", args=[initiative.pk]),
        actor=by,
    )


# --- What the worker does ------------------------------------------------------------------


def _may_see(user: User, initiative_id: int | None) -> bool:
    """Through the initiatives' gate: a deactivated user, or one who left the initiative,
    hears nothing more of it."""
    if not user.is_active:
        return False
    if initiative_id is None:
        return True
    return initiatives_visible_to(user=user).filter(pk=initiative_id).exists()


def notifications_deliver(
    *,
    kind: str,
    recipient_ids: Iterable[int],
    initiative_id: int | None,
    params: dict,
    url: str,
    actor_id: int | None = None,
    roles: Iterable[str] = (),
) -> list[Notification]:
    """Write one notice per recipient who may still see the initiative and has not turned the
    kind off, then e-mail those who asked for it at once."""
    wanted = set(recipient_ids)
    roles = list(roles)
    if roles and initiative_id is not None:
        wanted |= set(
            Membership.objects.filter(initiative_id=initiative_id, role__in=roles).values_list(
                "user", flat=True
            )
        )
    wanted.discard(actor_id)
    if not wanted or not same_site_path(url):
        return []
    users = [user for user in User.objects.filter(pk__in=wanted) if _may_see(user, initiative_id)]
    deliveries = selectors.deliveries(user_ids=[user.pk for user in users], kind=kind)
    users = [user for user in users if deliveries[user.pk] != Delivery.OFF]
    with transaction.atomic():
        created = Notification.objects.bulk_create(
            [
                Notification(
                    recipient=user,
                    kind=kind,
                    initiative_id=initiative_id,
                    params=params,
                    url=url,
                )
                for user in users
            ]
        )
    by_user = {user.pk: user for user in users}
    instant = [row for row in created if deliveries[row.recipient_id] == Delivery.INSTANT]
    for row in instant:
        row.recipient = by_user[row.recipient_id]
        _email(row.recipient, [row], instant=True)
    return created


def mentions_deliver(
    *,
    text: str,
    previous: str,
    initiative_id: int,
    params: dict,
    url: str,
    actor_id: int | None = None,
) -> list[Notification]:
    """Mentions are of the initiative's members only; the mentioned are found here, in the
    worker, and then notified as any other kind."""
    candidates: dict[int, list[str]] = {}
    for membership in Membership.objects.filter(initiative_id=initiative_id).select_related("user"):
        user = membership.user
        candidates[user.pk] = [user.username, user.display_name, user.get_full_name()]
    for person_user, full_name in selectors.directory_names(user_ids=list(candidates)):
        candidates[person_user].append(full_name)
    found = mentions.newly_mentioned(text, previous, candidates)
    if not found:
        return []
    return notifications_deliver(
        kind=Kind.MENTION,
        recipient_ids=found,
        initiative_id=initiative_id,
        params=params,
        url=url,
        actor_id=actor_id,
    )


def claim_once(keys: Iterable[str]) -> set[str]:
    """The keys nobody claimed before: each notice keyed so happens once, whichever worker
    (or tick) sees it first."""
    keys = [key[:200] for key in dict.fromkeys(keys)]
    taken = set(NoticeClaim.objects.filter(key__in=keys).values_list("key", flat=True))
    claimed = set()
    for key in keys:
        if key in taken:
            continue
        try:
            with transaction.atomic():
                NoticeClaim.objects.create(key=key)
        except IntegrityError:
            continue
        claimed.add(key)
    return claimed


# --- E-mail --------------------------------------------------------------------------------


def _language(user: User) -> str:
    return (getattr(user, "language", "") or settings.LANGUAGE_CODE)[:2]


def open_url(notification: Notification) -> str:
    """The address an e-mail gives: through the site, so opening it marks the notice read."""
    return settings.SITE_URL + reverse("notifications:open", args=[notification.pk])


def _email(user: User, rows: list[Notification], *, instant: bool) -> bool:
    if not rows or not user.email:
        return False
    with translation.override(_language(user)):
        lines = [(messages.render(row.kind, row.params), open_url(row)) for row in rows]
        body = render_to_string(
            "notifications/email/notifications.txt",
            {
                "user": user,
                "lines": lines,
                "all_url": settings.SITE_URL + reverse("notifications:list"),
                "preferences_url": settings.SITE_URL + reverse("notifications:preferences"),
            },
        )
        if instant:
            subject = _("Meshutaf: %(text)s") % {"text": lines[0][0]}
            subject = subject if len(subject) <= 120 else subject[:119] + "…"
        else:
            subject = _("New in Meshutaf (%(count)s)") % {"count": len(rows)}
    try:
        EmailMessage(subject=subject, body=body, to=[user.email]).send()
    except Exception:
        logger.exception("could not e-mail notifications to user %s", user.pk)
        return False
    Notification.objects.filter(pk__in=[row.pk for row in rows]).update(emailed_at=timezone.now())
    return True


def digest_send(*, delivery: str) -> int:
    """One e-mail per person of their unread, not yet e-mailed notices of the kinds they get
    `delivery` (daily or weekly). Returns how many e-mails went out."""
    sent = 0
    for user, rows in selectors.digest_rows(delivery=delivery).items():
        if _email(user, rows, instant=False):
            sent += 1
    return sent


@dataclass
class DigestEntry:
    """A notice in the meetings' weekly e-mail: its words rendered in the reader's language
    when the e-mail is written."""

    notification: Notification

    @property
    def text(self) -> str:
        return messages.render(self.notification.kind, self.notification.params)

    @property
    def url(self) -> str:
        return open_url(self.notification)


def weekly_entries() -> dict[int, list[DigestEntry]]:
    """For the weekly e-mail: each person's unread notices of the kinds they get weekly."""
    return {
        user.pk: [DigestEntry(row) for row in rows]
        for user, rows in selectors.digest_rows(delivery=Delivery.WEEKLY).items()
    }


def weekly_entries_sent(*, user_id: int, entries: Iterable[Any]) -> None:
    """The weekly e-mail went out to `user_id`: its notices are not e-mailed again."""
    ids = [entry.notification.pk for entry in entries if isinstance(entry, DigestEntry)]
    Notification.objects.filter(pk__in=ids, recipient_id=user_id).update(emailed_at=timezone.now())


# --- The reader ----------------------------------------------------------------------------


def notification_mark_read(*, notification: Notification) -> Notification:
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at=None).update(
            read_at=notification.read_at
        )
    return notification


def notifications_mark_all_read(*, user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at=None).update(read_at=timezone.now())


@transaction.atomic
def preferences_set(*, user: User, choices: dict[str, str]) -> None:
    """Store each kind's delivery; a kind left at its default keeps no row."""
    for kind, delivery in choices.items():
        if kind not in Kind.values or delivery not in Delivery.values:
            raise ValidationError(_("Choose a valid value."))
    for kind, delivery in choices.items():
        NotificationPreference.objects.update_or_create(
            user=user, kind=kind, defaults={"delivery": delivery}
        )
