"""The rotating check-in code on its own: what it carries, how long it lives, the clock skew
it forgives, and what it refuses."""

import pytest
from django.core import signing

from meshutaf.programs import checkin

NOW = 1_800_000_000.0  # a fixed moment, seconds since the epoch


def test_the_code_carries_only_the_session_and_a_time_step():
    token = checkin.make_token(42, now=NOW)
    value = signing.Signer(salt=checkin.SALT).unsign(token)
    assert value == f"42.{int(NOW // checkin.STEP_SECONDS)}"
    assert checkin.read_token(token, now=NOW) == checkin.CheckinCode(
        session_id=42, step=int(NOW // checkin.STEP_SECONDS)
    )


def test_the_code_is_the_same_within_a_step_and_changes_with_the_next():
    start = (NOW // checkin.STEP_SECONDS) * checkin.STEP_SECONDS
    assert checkin.make_token(7, now=start) == checkin.make_token(7, now=start + 29)
    assert checkin.make_token(7, now=start) != checkin.make_token(7, now=start + 30)


@pytest.mark.parametrize("offset", [0, 30, 89, 120, -120, checkin.LIFETIME_SECONDS + 120])
def test_a_code_is_accepted_for_its_lifetime_and_two_minutes_of_skew_either_way(offset):
    token = checkin.make_token(7, now=NOW)
    assert checkin.read_token(token, session_id=7, now=NOW + offset).session_id == 7


def test_an_expired_code_is_refused_with_a_message():
    token = checkin.make_token(7, now=NOW)
    with pytest.raises(checkin.CheckinCodeError) as caught:
        checkin.read_token(token, now=NOW + checkin.LIFETIME_SECONDS + checkin.SKEW_SECONDS + 31)
    assert caught.value.reason == "expired"
    assert caught.value.message == "This code has expired: scan the code on the screen again."


def test_a_code_from_too_far_in_the_future_is_refused():
    token = checkin.make_token(7, now=NOW + checkin.SKEW_SECONDS + 60)
    with pytest.raises(checkin.CheckinCodeError) as caught:
        checkin.read_token(token, now=NOW)
    assert caught.value.reason == "future"


def test_a_code_of_another_session_is_refused():
    token = checkin.make_token(7, now=NOW)
    with pytest.raises(checkin.CheckinCodeError) as caught:
        checkin.read_token(token, session_id=8, now=NOW)
    assert caught.value.reason == "other_session"


@pytest.mark.parametrize(
    "mangle",
    [
        lambda token: token.replace("7.", "8.", 1),  # another session, signature kept
        lambda token: token[:-2] + ("AA" if not token.endswith("AA") else "BB"),
        lambda token: token.split(":")[0],  # no signature
        lambda token: "",
        lambda token: "x" * 500,
        lambda token: signing.Signer(salt="another.salt").sign("7.1"),
        lambda token: signing.Signer(salt=checkin.SALT).sign("7"),  # signed, wrong shape
        lambda token: signing.Signer(salt=checkin.SALT).sign("a.b"),
    ],
)
def test_a_tampered_or_foreign_code_is_refused(mangle):
    with pytest.raises(checkin.CheckinCodeError) as caught:
        checkin.read_token(mangle(checkin.make_token(7, now=NOW)), now=NOW)
    assert caught.value.reason == "invalid"


def test_seconds_to_the_next_step():
    start = (NOW // checkin.STEP_SECONDS) * checkin.STEP_SECONDS
    assert checkin.seconds_to_next_step(start) == checkin.STEP_SECONDS
    assert checkin.seconds_to_next_step(start + 25) == 5
