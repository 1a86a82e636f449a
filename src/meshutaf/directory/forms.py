"""Forms for the directory."""

from typing import cast

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from meshutaf.core.forms import DateInput, IdChoiceField
from meshutaf.core.widgets import use_picker

from .models import (
    Affiliation,
    Organisation,
    Person,
    Sector,
)


class OrganisationForm(forms.ModelForm):
    website = forms.URLField(label=_("website"), required=False, assume_scheme="https")

    class Meta:
        model = Organisation
        fields = ["name_he", "name_ar", "name_en", "sector", "website", "description"]
        widgets = {
            "name_he": forms.TextInput(attrs={"lang": "he", "dir": "rtl"}),
            "name_ar": forms.TextInput(attrs={"lang": "ar", "dir": "rtl"}),
            "name_en": forms.TextInput(attrs={"lang": "en", "dir": "ltr"}),
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        if not any((cleaned.get(name) or "").strip() for name in ("name_he", "name_ar", "name_en")):
            raise forms.ValidationError(_("Give the organisation a name in at least one language."))
        return cleaned


class PersonForm(forms.ModelForm):
    class Meta:
        model = Person
        fields = ["full_name", "email", "phone", "bio"]
        widgets = {"bio": forms.Textarea(attrs={"rows": 3})}


class AffiliationForm(forms.ModelForm):
    class Meta:
        model = Affiliation
        fields = ["organisation", "role_title", "start_date", "end_date", "reports_to"]
        widgets = {"start_date": DateInput(), "end_date": DateInput()}
        field_classes = {"organisation": IdChoiceField, "reports_to": IdChoiceField}

    def __init__(self, *args, organisations=None, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        if organisations is not None:
            cast(forms.ModelChoiceField, self.fields["organisation"]).queryset = organisations
        use_picker(self.fields["organisation"], url=reverse("directory:pick_organisations"))
        # The line manager is chosen among the people the editor may see; a caller that does
        # not say who those are gets no choice at all rather than the whole directory.
        if people is None:
            del self.fields["reports_to"]
        else:
            cast(forms.ModelChoiceField, self.fields["reports_to"]).queryset = people
            use_picker(self.fields["reports_to"], url=reverse("directory:pick_people"))


class DirectoryFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    sector = forms.ChoiceField(
        label=_("sector"), required=False, choices=[("", _("All sectors")), *Sector.choices]
    )
