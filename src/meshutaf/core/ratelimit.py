"""Counting events in fixed time windows, shared by every process of the site (the counts
live in the database, so three web processes do not triple a limit)."""

import datetime as dt
import hashlib
import random

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from .models import RateCounter


def rate_key(*parts: str) -> str:
    """A fixed-length key that does not store what it counts (an e-mail address, say)."""
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


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
