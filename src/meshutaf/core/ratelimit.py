"""Limits on how often something may happen, counted per client or per key: password-reset
mail, a deliberation's anonymous participants, a workshop's notes.

Two ways of counting, by what is already stored: rows that carry a time and a client (a
participant, a note) are counted where they are, with `seconds_until_allowed` over their
latest times; events that leave no row of their own (a password-reset request) are counted in
fixed windows in the database (`rate_limit_hit`), so every process of the site shares them.

A client's address is only ever kept as a salted hash scoped to one conversation or workshop
(`address_hash`), so stored rows can neither be traced back to an address nor linked across
conversations.
"""

import datetime as dt
import ipaddress
import random
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import salted_hmac

from .models import RateCounter

# IPv6 hands every home and phone a /64 to choose addresses from: counting whole addresses
# would let one client be a new "address" on every request.
IPV6_PREFIX = 64


class RateLimitError(ValidationError):
    """A request refused by a rate limit: answered with HTTP 429 and a message, nothing written.
    `retry_after` is the number of seconds until it would be accepted again."""

    def __init__(self, message, *, retry_after: int):
        super().__init__(message, code="throttled")
        self.retry_after = max(1, int(retry_after))


def network_of(address: str) -> str:
    """The unit a limit counts: an IPv4 address, or an IPv6 /64. Anything unreadable (no
    address at all) counts as one shared unknown client, never as a fresh one each time."""
    try:
        parsed = ipaddress.ip_address(address.strip().split("%")[0])
    except ValueError:
        return "unknown"
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.IPv6Network(f"{parsed}/{IPV6_PREFIX}", strict=False))
    return str(parsed)


def address_hash(address: str, *, scope: str) -> str:
    """A salted hash (HMAC with the site's secret key) of the client's network within one
    scope, e.g. "deliberation:12": equal for the same client in the same conversation,
    unrelated across conversations, and not reversible without the secret key."""
    return salted_hmac(
        "meshutaf.ratelimit.address", f"{scope}|{network_of(address)}", algorithm="sha256"
    ).hexdigest()[:32]


def seconds_until_allowed(
    latest: Iterable[dt.datetime],
    *,
    limit: int,
    window: dt.timedelta,
    now: dt.datetime | None = None,
) -> int:
    """Given the times of the latest events, newest first (read no more than `limit` of them),
    the seconds until one more is allowed: 0 while fewer than `limit` fall in the window."""
    times = list(latest)[:limit]
    if len(times) < limit:
        return 0
    now = now or timezone.now()
    # The oldest of the last `limit` events is the first to leave the window.
    return max(0, int((times[-1] + window - now).total_seconds()) + 1)


def minutes_to_wait(seconds: int) -> int:
    """Whole minutes, rounded up, to tell a person how long to wait."""
    return max(1, (seconds + 59) // 60)


def rate_key(*parts: str) -> str:
    """A fixed-length key that does not store what it counts (an e-mail address, an address):
    keyed with the site's secret, so it cannot be reversed by trying every IPv4 address."""
    return salted_hmac("meshutaf.ratelimit.key", "\x1f".join(parts), algorithm="sha256").hexdigest()


def rate_limit_hit(*, key: str, limit: int, window: dt.timedelta) -> bool:
    """Count one event for `key` and say whether it goes over `limit` events in the current
    window (the event is counted either way)."""
    now = timezone.now()
    seconds = int(window.total_seconds())
    start = int(now.timestamp()) // seconds * seconds
    bucket = f"{key}:{start}"
    expires_at = dt.datetime.fromtimestamp(start + seconds, tz=dt.UTC)
    updated = RateCounter.objects.filter(key=bucket).update(count=F("count") + 1)
    if not updated:
        try:
            with transaction.atomic():
                RateCounter.objects.create(key=bucket, count=1, expires_at=expires_at)
        except IntegrityError:  # another process created it first
            RateCounter.objects.filter(key=bucket).update(count=F("count") + 1)
    if random.random() < 0.01:  # noqa: S311 (housekeeping, not security)
        RateCounter.objects.filter(expires_at__lt=now).delete()
    count = RateCounter.objects.filter(key=bucket).values_list("count", flat=True).first() or 0
    return count > limit
