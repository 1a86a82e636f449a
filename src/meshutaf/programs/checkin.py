"""The rotating check-in code of a session: a signed token carrying only the session's id and
a time step, valid for a short while and tolerant of clocks a few minutes apart. No database.

What the token holds is public (anyone who sees the screen may read it); the signature only
proves the site made it. It holds no password, no secret and nothing about any person, so a
photographed code leaks nothing and is worthless once it expires.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.core import signing
from django.utils.translation import gettext_lazy as _

SALT = "meshutaf.programs.checkin"
# The screen shows a new code every STEP_SECONDS; a code is accepted for LIFETIME_SECONDS from
# the start of its step (so a code scanned just as the screen changes still works), plus
# SKEW_SECONDS either way: the servers behind a site, or a laptop showing a cached page, may
# keep clocks minutes apart, and refusing people for that is what made rotating codes fail.
STEP_SECONDS = 30
LIFETIME_SECONDS = 90
SKEW_SECONDS = 150


class CheckinCodeError(Exception):
    """A code that cannot be used; `reason` is one of REASONS, the message says what to do."""

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(str(REASONS[reason]))

    @property
    def message(self) -> str:
        return str(REASONS[self.reason])


REASONS = {
    "expired": _("This code has expired: scan the code on the screen again."),
    "future": _(
        "This code is not valid yet: the clocks are too far apart. Scan the code on the "
        "screen again, or ask the facilitator to mark you."
    ),
    "invalid": _("This is not a check-in code of this site. Scan the code on the screen again."),
    "other_session": _("This code is for another session. Scan the code on this session's screen."),
}


@dataclass(frozen=True)
class CheckinCode:
    session_id: int
    step: int


def _signer() -> signing.Signer:
    return signing.Signer(salt=SALT, algorithm="sha256")


def current_step(now: float | None = None) -> int:
    return int((time.time() if now is None else now) // STEP_SECONDS)


def seconds_to_next_step(now: float | None = None) -> int:
    moment = time.time() if now is None else now
    return STEP_SECONDS - int(moment % STEP_SECONDS)


def make_token(session_id: int, *, now: float | None = None) -> str:
    """The code for the session at `now` (seconds since the epoch), the same for every call
    within one step, so the screen and its refreshes agree."""
    return _signer().sign(f"{int(session_id)}.{current_step(now)}")


def read_token(
    token: str, *, session_id: int | None = None, now: float | None = None
) -> CheckinCode:
    """The session and step a valid code carries; raises CheckinCodeError otherwise. With
    `session_id`, a code of any other session is refused."""
    try:
        value = _signer().unsign(str(token).strip())
        raw_session, raw_step = value.split(".")
        code = CheckinCode(session_id=int(raw_session), step=int(raw_step))
    except (signing.BadSignature, ValueError) as error:
        raise CheckinCodeError("invalid") from error
    if session_id is not None and code.session_id != session_id:
        raise CheckinCodeError("other_session")
    moment = time.time() if now is None else now
    age = moment - code.step * STEP_SECONDS
    if age < -SKEW_SECONDS:
        raise CheckinCodeError("future")
    if age > LIFETIME_SECONDS + SKEW_SECONDS:
        raise CheckinCodeError("expired")
    return code
