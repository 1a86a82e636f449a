"""Writes for accounts: creating users, language preference, API tokens."""

import datetime as dt
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from meshutaf.core.ratelimit import network_of, rate_key, rate_limit_hit
from meshutaf.core.services import model_update
from meshutaf.core.text import normalize_email

from .models import ApiToken, User, hash_token

TOKEN_PREFIX = "msh_"  # noqa: S105 (a public marker, not a secret)


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str | None,
    email: str = "",
    first_name: str = "",
    last_name: str = "",
    is_staff: bool = False,
    is_backbone: bool = False,
    language: str = "",
) -> User:
    username = (username or "").strip()
    if not username:
        raise ValidationError({"username": _("A username is required.")})
    user_model = get_user_model()
    if user_model.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("This username is already taken.")})
    user = user_model(
        username=username,
        email=normalize_email(email),
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        is_staff=is_staff,
        is_superuser=is_staff,
        is_backbone=is_backbone or is_staff,
        language=language,
    )
    if password:
        try:
            validate_password(password, user)
        except ValidationError as error:
            raise ValidationError({"password": error.messages}) from error
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    return user


def user_set_language(*, user: User, language: str) -> User:
    user.language = language
    user.full_clean(validate_unique=False, validate_constraints=False)
    user.save(update_fields=["language"])
    return user


@transaction.atomic
def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Create a token and return it with the raw secret, which is never stored."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the token a name so you can recognise it.")})
    if len(name) > 100:
        raise ValidationError({"name": _("The name can be at most 100 characters.")})
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name, prefix=raw[: len(TOKEN_PREFIX) + 4], token_hash=hash_token(raw)
    )
    return token, raw


def api_token_revoke(*, token: ApiToken) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


PROFILE_FIELDS = ("first_name", "last_name", "email", "language", "time_zone")


@transaction.atomic
def user_update_profile(*, user: User, data: dict) -> User:

    data = {**data, "email": normalize_email(data.get("email", user.email))}
    user, _changed = model_update(instance=user, fields=PROFILE_FIELDS, data=data, by=user)
    return user


def password_reset_allowed(*, address: str, email: str) -> bool:
    """Count a password-reset request and say whether it may send mail: a few per e-mail
    address and some more per client address, in an hour, so the form cannot be used to flood
    someone's inbox. The answer is the same whether or not an account has that address."""
    hour = dt.timedelta(hours=1)
    over_address = rate_limit_hit(
        key=rate_key("password-reset-address", network_of(address)),
        limit=settings.PASSWORD_RESET_LIMIT_PER_ADDRESS,
        window=hour,
    )
    over_email = rate_limit_hit(
        key=rate_key("password-reset-email", normalize_email(email)),
        limit=settings.PASSWORD_RESET_LIMIT_PER_EMAIL,
        window=hour,
    )
    return not (over_address or over_email)
