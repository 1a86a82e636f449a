"""Security-log entries and session rows for sign-in events, wherever they come from: the
sign-in pages, the admin's, a password reset, the test client. Connected in AccountsConfig."""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from . import services
from .models import SecurityEventKind

# A second-factor failure is sent as a failed sign-in (so django-axes counts it with wrong
# passwords) marked with this key; the log records it once, as a wrong code.
SECOND_FACTOR = "second_factor"


@receiver(user_logged_in, dispatch_uid="meshutaf-accounts-signed-in")
def signed_in(sender, request, user, **kwargs):
    if request is None:
        return
    services.session_register(request=request, user=user)
    services.security_event_record(
        kind=SecurityEventKind.SIGN_IN,
        user=user,
        actor=user,
        request=request,
        detail="2FA" if getattr(user, "otp_device", None) is not None else "",
    )


@receiver(user_logged_out, dispatch_uid="meshutaf-accounts-signed-out")
def signed_out(sender, request, user, **kwargs):
    if request is None:
        return
    services.session_forget(request=request)
    # A timeout is logged as such by the session policy, not as a sign-out.
    if user is not None and not getattr(request, "meshutaf_session_timed_out", False):
        services.security_event_record(
            kind=SecurityEventKind.SIGN_OUT, user=user, actor=user, request=request
        )


@receiver(user_login_failed, dispatch_uid="meshutaf-accounts-sign-in-failed")
def sign_in_failed(sender, credentials, request=None, **kwargs):
    if credentials.get(SECOND_FACTOR):
        return  # logged by services.two_factor_verify
    services.security_event_record(
        kind=SecurityEventKind.SIGN_IN_FAILED,
        username=str(credentials.get("username") or "")[:150],
        request=request,
    )


@receiver(user_locked_out, dispatch_uid="meshutaf-accounts-locked-out")
def locked_out(sender, request, username, ip_address, **kwargs):
    services.security_event_record(
        kind=SecurityEventKind.LOCKED_OUT, username=str(username or "")[:150], request=request
    )
