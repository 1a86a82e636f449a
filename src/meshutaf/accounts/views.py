"""Account pages: settings (profile, language, API tokens) and the language switch."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from meshutaf.core.forms import apply_service_errors
from meshutaf.core.http import client_address

from . import selectors, services
from .forms import ProfileForm, TokenForm

NEW_TOKEN_KEY = "new_api_token"  # noqa: S105 (a session key name)


@login_required
def account_settings(request):
    profile_form = ProfileForm(
        request.POST if request.POST.get("form") == "profile" else None, instance=request.user
    )
    token_form = TokenForm(request.POST if request.POST.get("form") == "token" else None)
    if request.method == "POST" and request.POST.get("form") == "profile":
        if profile_form.is_valid():
            # request.user is a lazy proxy: type() of it is not the user model.
            fresh = request.user._meta.model.objects.get(pk=request.user.pk)
            services.user_update_profile(user=fresh, data=profile_form.cleaned_data)
            if profile_form.cleaned_data["language"]:
                translation.activate(profile_form.cleaned_data["language"])
            messages.success(request, _("Your settings were saved."))
            return redirect("accounts:settings")
        request.user.refresh_from_db()
    elif request.method == "POST" and request.POST.get("form") == "token" and token_form.is_valid():
        try:
            _token, raw = services.api_token_create(
                user=request.user, name=token_form.cleaned_data["name"], request=request
            )
        except ValidationError as error:
            apply_service_errors(token_form, error)
        else:
            # Shown once, after a redirect, so reloading the page cannot create another token.
            request.session[NEW_TOKEN_KEY] = raw
            return redirect("accounts:settings")
    new_token = request.session.pop(NEW_TOKEN_KEY, None)
    return render(
        request,
        "accounts/settings.html",
        {
            "profile_form": profile_form,
            "token_form": token_form,
            "tokens": selectors.api_tokens_for_user(user=request.user),
            "new_token": new_token,
            "two_factor_enabled": selectors.two_factor_enabled(user=request.user),
            "security_log_allowed": selectors.security_log_allowed(user=request.user),
        },
    )


@login_required
@require_POST
def token_revoke(request, pk: int):
    token = selectors.api_token_get_for_user(user=request.user, pk=pk)
    services.api_token_revoke(token=token, request=request, actor=request.user)
    messages.success(request, _("The token was revoked and no longer works."))
    return redirect("accounts:settings")


@require_POST
def language_set(request):
    """Switch the interface language: remembered in a cookie, and on the account if signed in."""
    language = request.POST.get("language", "")
    next_url = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/"
    response = HttpResponseRedirect(next_url)
    if language not in dict(settings.LANGUAGES):
        messages.error(request, _("That language is not available."))
        return response
    if request.user.is_authenticated:
        services.user_set_language(user=request.user, language=language)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=365 * 24 * 3600,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )
    return response


def locked_out(request, original_response=None, credentials=None):
    """What django-axes answers to a sign-in while the account or the address is paused."""
    minutes = max(1, round(float(settings.AXES_COOLOFF_TIME) * 60))
    context = {
        "cooloff_minutes": minutes,
        "second_factor": bool(credentials and credentials.get("second_factor")),
    }
    return render(request, "accounts/locked_out.html", context, status=429)


class PasswordResetView(auth_views.PasswordResetView):
    """Django's password reset, with a limit on how many e-mails it sends (see
    `services.password_reset_allowed`)."""

    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"

    def form_valid(self, form):
        if not services.password_reset_allowed(
            address=client_address(self.request), email=form.cleaned_data["email"]
        ):
            form.add_error(
                None,
                _("Too many password-reset requests were made. Please try again in an hour."),
            )
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().form_valid(form)


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"

    def form_valid(self, form):
        response = super().form_valid(form)
        services.password_changed(user=form.user, request=self.request)
        return response


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"

    def form_valid(self, form):
        response = super().form_valid(form)
        services.password_changed(user=form.user, request=self.request, by_link=True)
        return response
