"""Reads for accounts: resolving API tokens, a user's own tokens."""

import datetime

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from .models import ApiToken, User, hash_token

# Writing last_used_at on every request would turn each API read into a write.
LAST_USED_RESOLUTION = datetime.timedelta(minutes=5)


def user_for_api_token(*, raw: str) -> User | None:
    if not raw:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(token_hash=hash_token(raw), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def api_tokens_for_user(*, user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user)


def api_token_get_for_user(*, user: User, pk: int) -> ApiToken:
    """The permission gate for tokens: a user only ever reaches their own."""
    return get_object_or_404(ApiToken, pk=pk, user=user)
