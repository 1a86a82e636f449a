"""Forms of the alumni network and of testimonials: the profile with who sees each field, an
ask or an offer, a mentoring offer and request, a testimonial with its consent. They parse;
`services/alumni.py` decides."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from meshutaf.core.forms import DateInput, IdChoiceField

from .models import PROFILE_FIELDS, ConsentScope, ExchangeKind, FieldVisibility
from .services.alumni import MAX_CAPACITY, MAX_TEXT

FIELD_LABELS = {
    "role_title": _("Role"),
    "organisation": _("Organisation"),
    "bio": _("About"),
    "expertise": _("Expertise"),
    "email": _("Contact email"),
    "phone": _("Phone"),
}


class AlumniProfileForm(forms.Form):
    role_title = forms.CharField(label=FIELD_LABELS["role_title"], max_length=200, required=False)
    organisation = IdChoiceField(label=FIELD_LABELS["organisation"], queryset=None, required=False)
    bio = forms.CharField(
        label=FIELD_LABELS["bio"], required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    expertise = forms.CharField(
        label=FIELD_LABELS["expertise"],
        max_length=300,
        required=False,
        help_text=_("What others may ask you about, separated by commas."),
    )
    email = forms.EmailField(label=FIELD_LABELS["email"], required=False)
    phone = forms.CharField(label=FIELD_LABELS["phone"], max_length=40, required=False)

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]
        for name, default in PROFILE_FIELDS.items():
            self.fields[f"visible_{name}"] = forms.ChoiceField(
                label=_("Who sees: %(field)s") % {"field": FIELD_LABELS[name]},
                choices=FieldVisibility.choices,
                initial=default,
            )

    def rows(self):
        for name in PROFILE_FIELDS:
            yield {"field": self[name], "visibility": self[f"visible_{name}"]}

    def profile_data(self) -> dict:
        data = {name: self.cleaned_data.get(name) for name in PROFILE_FIELDS}
        data["visibility"] = {name: self.cleaned_data[f"visible_{name}"] for name in PROFILE_FIELDS}
        return data


def profile_initial(profile) -> dict:
    initial = {
        "role_title": profile.role_title,
        "organisation": profile.organisation,
        "bio": profile.bio,
        "expertise": profile.expertise,
        "email": profile.email,
        "phone": profile.phone,
    }
    for name in PROFILE_FIELDS:
        initial[f"visible_{name}"] = profile.field_visibility(name)
    return initial


class ExchangeForm(forms.Form):
    kind = forms.ChoiceField(label=_("Ask or offer"), choices=ExchangeKind.choices)
    text = forms.CharField(
        label=_("Text"), max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 3})
    )


class MentoringOfferForm(forms.Form):
    topics = forms.CharField(label=_("Topics"), max_length=300)
    capacity = forms.IntegerField(
        label=_("Mentees at a time"), min_value=1, max_value=MAX_CAPACITY, initial=1
    )


class MentoringRequestForm(forms.Form):
    message = forms.CharField(
        label=_("Message to the mentor"),
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class TestimonialForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    text = forms.CharField(
        label=_("Testimonial"), max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 6})
    )
    consent_scope = forms.ChoiceField(
        label=_("May be used"),
        choices=ConsentScope.choices,
        widget=forms.RadioSelect,
        help_text=_("You can withdraw your consent at any time."),
    )
    consent_expires = forms.DateField(
        label=_("Consent expires"),
        required=False,
        widget=DateInput(),
        help_text=_("Leave empty for no expiry."),
    )


class TranslationForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    text = forms.CharField(
        label=_("Testimonial"), max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 6})
    )


class AlumnusAddForm(forms.Form):
    """Staff add a graduate of an earlier cohort."""

    person = IdChoiceField(label=_("Person"), queryset=None)
    cohort = IdChoiceField(label=_("Cohort"), queryset=None, required=False)

    def __init__(self, *args, people, cohorts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people  # type: ignore[attr-defined]
        self.fields["cohort"].queryset = cohorts  # type: ignore[attr-defined]
