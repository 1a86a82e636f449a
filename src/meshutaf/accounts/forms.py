"""Account forms: sign-up from an invitation, profile and language, API tokens, two-factor
codes and the security log's filter."""

from typing import cast

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import UserCreationForm
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from meshutaf.core.time_zones import time_zone_choices, time_zone_name

from .models import HEBREW_DATES_CHOICES, SecurityEventKind


class SignupForm(UserCreationForm):
    first_name = forms.CharField(label=_("first name"), max_length=150)
    last_name = forms.CharField(label=_("last name"), max_length=150, required=False)

    class Meta(UserCreationForm.Meta):
        model = get_user_model()
        fields = ("first_name", "last_name", "username")


class ProfileForm(forms.ModelForm):
    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        required=False,
        help_text=_("Times are shown in this zone. Leave empty to use the site's."),
    )

    class Meta:
        model = get_user_model()
        fields = ("first_name", "last_name", "email", "language", "time_zone", "hebrew_dates")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        site_zone = {"zone": time_zone_name(settings.TIME_ZONE)}
        cast(forms.ChoiceField, self.fields["time_zone"]).choices = [
            ("", _("Same as the site: %(zone)s") % site_zone),
            *time_zone_choices(include=self.instance.time_zone),
        ]
        cast(forms.ChoiceField, self.fields["hebrew_dates"]).choices = [
            ("", _("When the interface is in Hebrew")),
            *HEBREW_DATES_CHOICES,
        ]


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Token name"),
        max_length=100,
        help_text=_("For example, the name of the script or service that will use it."),
    )


class CodeForm(forms.Form):
    """A code from the authenticator app (six digits) or a recovery code."""

    code = forms.CharField(
        label=_("Code"),
        max_length=32,
        strip=True,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "off", "dir": "ltr"}
        ),
    )


class SecurityLogFilterForm(forms.Form):
    kind = forms.ChoiceField(label=pgettext_lazy("security log", "Event"), required=False)
    account = forms.CharField(label=_("Account"), max_length=150, required=False)
    since = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["kind"]).choices = [
            ("", _("All events")),
            *SecurityEventKind.choices,
        ]
