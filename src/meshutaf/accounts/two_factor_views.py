"""Sign-in in two steps, and setting up two-factor sign-in.

Step one is Django's password form (behind django-axes). A user with an authenticator is not
signed in yet: the session only remembers who passed step one, for five minutes, and step two
asks for a code from the app or a recovery code. A wrong code is reported to django-axes as a
failed sign-in, so wrong codes and wrong passwords share one limit and one cool-off.
"""

import time

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_static.models import StaticDevice

from meshutaf.core.forms import apply_service_errors
from meshutaf.core.qr import qr_svg

from . import selectors, services
from .forms import CodeForm
from .signals import SECOND_FACTOR
from .views import locked_out

PENDING_KEY = "meshutaf_2fa_pending"
PENDING_SECONDS = 300
NEW_CODES_KEY = "meshutaf_new_recovery_codes"


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form):
        user = form.get_user()
        if not selectors.two_factor_enabled(user=user):
            return super().form_valid(form)
        # Step one passed: a new session key, so a session id seen before now is worth nothing.
        self.request.session.cycle_key()
        self.request.session[PENDING_KEY] = {
            "user": user.pk,
            "backend": user.backend,
            "at": int(time.time()),
            "next": self.get_success_url(),
        }
        return redirect("accounts:login_verify")


def _pending_user(request):
    pending = request.session.get(PENDING_KEY)
    if (
        not isinstance(pending, dict)
        or not isinstance(pending.get("user"), int)
        or time.time() - pending.get("at", 0) > PENDING_SECONDS
    ):
        request.session.pop(PENDING_KEY, None)
        return None, None
    user = get_user_model().objects.filter(pk=pending["user"], is_active=True).first()
    return user, pending


def login_verify(request):
    """Step two: a code from the authenticator app or a recovery code."""
    user, pending = _pending_user(request)
    if user is None or pending is None:
        messages.info(request, _("Sign in again: the sign-in took too long or was not started."))
        return redirect("accounts:login")
    credentials = {"username": user.get_username(), SECOND_FACTOR: True}
    if not AxesProxyHandler.is_allowed(request, credentials):
        request.session.pop(PENDING_KEY, None)
        return locked_out(request, credentials=credentials)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = services.two_factor_verify(
            user=user, code=form.cleaned_data["code"], request=request
        )
        if device is not None:
            request.session.pop(PENDING_KEY, None)
            user.otp_device = device  # django-otp marks the new session verified on sign-in
            login(request, user, backend=pending["backend"])
            if isinstance(device, StaticDevice):
                left = selectors.recovery_codes_left(user=user)
                messages.warning(
                    request,
                    ngettext(
                        "You signed in with a recovery code; %(left)d is left. If you lost "
                        "your phone, set up the app again from your account settings.",
                        "You signed in with a recovery code; %(left)d are left. If you lost "
                        "your phone, set up the app again from your account settings.",
                        left,
                    )
                    % {"left": left},
                )
            return redirect(pending.get("next") or settings.LOGIN_REDIRECT_URL)
        user_login_failed.send(sender=__name__, credentials=credentials, request=request)
        if getattr(request, "axes_locked_out", False):
            request.session.pop(PENDING_KEY, None)
            return locked_out(request, credentials=credentials)
        form.add_error("code", _("That code is not right. Try the code the app shows now."))
    return render(
        request,
        "accounts/login_verify.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


@login_required
def two_factor(request):
    """Set up, replace or turn off two-factor sign-in; make new recovery codes."""
    user = request.user
    form = CodeForm(request.POST or None)
    action = request.POST.get("action", "")
    if request.method == "POST":
        if action == "start":
            services.totp_device_start(user=user)
            return redirect("accounts:two_factor")
        if action == "confirm" and form.is_valid():
            try:
                codes = services.totp_device_confirm(
                    user=user, code=form.cleaned_data["code"], request=request
                )
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                if codes:
                    request.session[NEW_CODES_KEY] = codes
                messages.success(request, _("Two-factor sign-in is on."))
                return redirect("accounts:two_factor")
        if action == "codes":
            if _verified(request):
                request.session[NEW_CODES_KEY] = services.recovery_codes_create(
                    user=user, request=request
                )
            else:
                messages.error(request, _("Sign in again with a code first."))
            return redirect("accounts:two_factor")
        if action == "disable" and form.is_valid():
            if selectors.two_factor_required(user=user):
                form.add_error(None, _("Your role requires two-factor sign-in: it stays on."))
            elif services.two_factor_verify(user=user, code=form.cleaned_data["code"]) is None:
                form.add_error("code", _("That code is not right. Try the code the app shows now."))
            else:
                services.two_factor_disable(user=user, request=request, actor=user)
                messages.success(request, _("Two-factor sign-in is off."))
                return redirect("accounts:two_factor")
    pending = selectors.totp_device_pending(user=user)
    context = {
        "form": form,
        "action": action,
        "enabled": selectors.two_factor_enabled(user=user),
        "required": selectors.two_factor_required(user=user),
        "codes_left": selectors.recovery_codes_left(user=user),
        "new_codes": request.session.pop(NEW_CODES_KEY, None),
        "pending": pending,
    }
    if pending is not None:
        context["qr"] = qr_svg(
            pending.config_url, label=_("QR code to scan with your authenticator app")
        )
        secret = pending.config_url.split("secret=")[1].split("&")[0]
        context["secret"] = " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
    return render(request, "accounts/two_factor.html", context, status=400 if form.errors else 200)


def _verified(request) -> bool:
    return bool(getattr(request.user, "is_verified", lambda: False)())


@login_required
@require_POST
def two_factor_cancel(request):
    """Drop an authenticator set up but never confirmed."""
    services.totp_device_cancel(user=request.user)
    return redirect("accounts:two_factor")
