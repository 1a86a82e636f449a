"""Forms for the stakeholder map: profiles, relationships, engagement entries and the register's
filters."""

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from meshutaf.core.forms import DateInput, IdChoiceField, IdMultipleChoiceField
from meshutaf.core.widgets import use_picker
from meshutaf.directory.models import Sector
from meshutaf.stakeholder_map.models import (
    Consent,
    EngagementEntry,
    InfluenceBasis,
    Quadrant,
    Relationship,
    RelationshipKind,
    StakeholderProfile,
)


class ProfileForm(forms.ModelForm):
    influence_bases = forms.MultipleChoiceField(
        label=_("basis of influence"),
        choices=InfluenceBasis.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    sensitive_notes = forms.CharField(
        label=_("sensitive notes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Only the initiative's facilitators ever see these."),
    )

    class Meta:
        model = StakeholderProfile
        fields = [
            "organisation",
            "person",
            "power",
            "interest",
            "has_power",
            "has_legitimacy",
            "has_urgency",
            "engagement_current",
            "engagement_desired",
            "iap2_level",
            "consent",
            "influence_bases",
            "notes",
        ]
        widgets = {
            "power": forms.NumberInput(attrs={"min": 1, "max": 5}),
            "interest": forms.NumberInput(attrs={"min": 1, "max": 5}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }
        field_classes = {"organisation": IdChoiceField, "person": IdChoiceField}

    def __init__(self, *args, organisations=None, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # Who a profile is about is fixed once it is on the map.
            del self.fields["organisation"]
            del self.fields["person"]
            note = getattr(self.instance, "sensitive_note", None)
            self.fields["sensitive_notes"].initial = note.text if note else ""
        else:
            if organisations is not None:
                self.fields["organisation"].queryset = organisations
            if people is not None:
                self.fields["person"].queryset = people
            use_picker(self.fields["organisation"], url=reverse("directory:pick_organisations"))
            use_picker(self.fields["person"], url=reverse("directory:pick_people"))
            self.fields["organisation"].help_text = _("Choose an organisation or a person.")


class RelationshipForm(forms.ModelForm):
    class Meta:
        model = Relationship
        fields = ["source", "target", "kind", "directed", "strength", "since", "notes", "sensitive"]
        widgets = {
            "since": DateInput(),
            "strength": forms.NumberInput(attrs={"min": 1, "max": 3}),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }
        field_classes = {"source": IdChoiceField, "target": IdChoiceField}

    def __init__(self, *args, profiles=None, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["source"]
            del self.fields["target"]
        elif profiles is not None:
            self.fields["source"].queryset = profiles
            self.fields["target"].queryset = profiles


class EngagementForm(forms.ModelForm):
    class Meta:
        model = EngagementEntry
        fields = ["kind", "date", "stakeholders", "summary", "follow_up_date"]
        widgets = {
            "date": DateInput(),
            "follow_up_date": DateInput(),
            "summary": forms.Textarea(attrs={"rows": 3}),
            "stakeholders": forms.CheckboxSelectMultiple,
        }
        field_classes = {"stakeholders": IdMultipleChoiceField}

    def __init__(self, *args, profiles=None, **kwargs):
        super().__init__(*args, **kwargs)
        if profiles is not None:
            self.fields["stakeholders"].queryset = profiles


class MapFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    sector = forms.ChoiceField(
        label=_("sector"), required=False, choices=[("", _("All sectors")), *Sector.choices]
    )
    quadrant = forms.ChoiceField(
        label=_("Quadrant"), required=False, choices=[("", _("All quadrants")), *Quadrant.choices]
    )
    consent = forms.ChoiceField(
        label=_("consent"), required=False, choices=[("", _("Any consent")), *Consent.choices]
    )
    gap = forms.BooleanField(label=_("Only engagement gaps"), required=False)
    as_of = forms.DateField(label=_("As of"), required=False, widget=DateInput())
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            ("name", _("Name")),
            ("-power", _("Power, highest first")),
            ("-interest", _("Interest, highest first")),
            ("consent", _("Consent")),
            ("sector", _("Sector")),
        ],
    )


NETWORK_METRICS = [
    ("degree", _("Degree")),
    ("betweenness", _("Betweenness")),
    ("closeness", _("Closeness")),
    ("eigenvector", _("Eigenvector")),
]


class NetworkFilterForm(forms.Form):
    """The network map's filters, from the query string. A sector or kind key present lists
    the ones shown (`?sector=` alone: none); absent, all are shown."""

    q = forms.CharField(label=_("Find a stakeholder"), required=False, max_length=100)
    focus = forms.IntegerField(required=False, min_value=1, max_value=2**31 - 1)
    size = forms.ChoiceField(label=_("Size nodes by"), required=False, choices=NETWORK_METRICS)
    strength = forms.TypedChoiceField(
        label=_("Ties of at least this strength"),
        required=False,
        coerce=int,
        empty_value=1,
        choices=[("1", "1"), ("2", "2"), ("3", "3")],
    )
    sector = forms.MultipleChoiceField(required=False, choices=[("", ""), *Sector.choices])
    kind = forms.MultipleChoiceField(required=False, choices=[("", ""), *RelationshipKind.choices])

    def filters(self) -> dict:
        """The selector's filters (none when the form is not valid)."""
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "sectors": {s for s in data["sector"] if s} if "sector" in self.data else None,
            "kinds": {k for k in data["kind"] if k} if "kind" in self.data else None,
            "strength": data["strength"] or 1,
        }
