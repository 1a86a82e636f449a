"""Signed links: RSVP without logging in, bound to one invitee and one nonce.

The signature covers the invitee id and its current nonce, so a token cannot be altered to
answer for someone else, and re-issuing the nonce (on a new invitation) retires old links."""

from django.core import signing

SALT = "meshutaf.meetings.rsvp"
MAX_AGE = 60 * 60 * 24 * 400  # a year's series of meetings, and some


def rsvp_token(invitee) -> str:
    return signing.dumps({"i": invitee.pk, "n": invitee.token_nonce}, salt=SALT, compress=True)


def rsvp_token_read(token: str) -> tuple[int, str] | None:
    try:
        data = signing.loads(token, salt=SALT, max_age=MAX_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("i"), int):
        return None
    return data["i"], str(data.get("n", ""))
