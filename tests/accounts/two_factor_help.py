"""Codes an authenticator app would show, for the tests (the device's own key and clock)."""

import time

from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice


def app_code(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    """The code the app shows now, or `steps_ahead` 30-second steps later (the device accepts
    one step of drift, and never the same step twice)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def wrong_code(device: TOTPDevice) -> str:
    right = {app_code(device, steps_ahead=step) for step in (-1, 0, 1, 2)}
    return next(f"{n:06d}" for n in range(1_000_000) if f"{n:06d}" not in right)
