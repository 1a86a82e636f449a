"""Forms for initiatives. They parse and validate input; the services do the writing."""

from typing import cast

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from meshutaf.core.forms import DateInput, IdChoiceField, IdMultipleChoiceField
from meshutaf.core.widgets import use_picker
from meshutaf.directory.models import Organisation, Person
from meshutaf.directory.selectors import current_affiliations

from .models import (
    Group,
    GroupMember,
    Initiative,
    Invitation,
    Membership,
    Phase,
    ReadinessItem,
    Role,
)


class InitiativeForm(forms.ModelForm):
    class Meta:
        model = Initiative
        fields = [
            "name",
            "kind",
            "status",
            "short_description",
            "vision",
            "situation_description",
            "target_audience",
            "facilitating_organisation",
            "leading_partners",
            "start_date",
            "end_date",
        ]
        widgets = {
            "start_date": DateInput(),
            "end_date": DateInput(),
            "vision": forms.Textarea(attrs={"rows": 3}),
            "situation_description": forms.Textarea(attrs={"rows": 4}),
            "target_audience": forms.Textarea(attrs={"rows": 2}),
        }
        field_classes = {
            "facilitating_organisation": IdChoiceField,
            "leading_partners": IdMultipleChoiceField,
        }

    def __init__(self, *args, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        queryset = organisations if organisations is not None else Organisation.objects.all()
        cast(forms.ModelChoiceField, self.fields["facilitating_organisation"]).queryset = queryset
        cast(forms.ModelChoiceField, self.fields["leading_partners"]).queryset = queryset
        for name in ("facilitating_organisation", "leading_partners"):
            use_picker(self.fields[name], url=reverse("directory:pick_organisations"))


class PhaseForm(forms.ModelForm):
    class Meta:
        model = Phase
        fields = ["name", "order", "goals", "start_date", "end_date", "outcome_summary"]
        widgets = {
            "start_date": DateInput(),
            "end_date": DateInput(),
            "goals": forms.Textarea(attrs={"rows": 3}),
            "outcome_summary": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["order"].required = False
        if self.instance.pk is None:
            self.fields["order"].initial = None  # not the model's 0, which would put it first
            self.fields["order"].help_text = _("Leave empty to add the phase at the end.")
        else:
            self.fields["order"].help_text = _("Leave empty to keep the phase where it is.")


class GroupForm(forms.ModelForm):
    class Meta:
        model = Group
        fields = ["name", "kind", "purpose"]
        widgets = {"purpose": forms.Textarea(attrs={"rows": 3})}


class PersonChoiceField(IdChoiceField):
    """Names alone are ambiguous in a long list; show where each person works."""

    def label_from_instance(self, person):
        organisations = [
            affiliation.organisation.name
            for affiliation in getattr(person, "current_affiliations", [])
        ]
        return f"{person.full_name} — {', '.join(organisations)}" if organisations else str(person)


class GroupMemberForm(forms.ModelForm):
    class Meta:
        model = GroupMember
        fields = ["person", "role"]
        field_classes = {"person": PersonChoiceField}

    def __init__(self, *args, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        people = people if people is not None else Person.objects.all()
        person = cast(forms.ModelChoiceField, self.fields["person"])
        person.queryset = people.prefetch_related(current_affiliations())
        use_picker(person, url=reverse("directory:pick_people"))


class GroupMemberRoleForm(forms.ModelForm):
    class Meta:
        model = GroupMember
        fields = ["role"]


class MembershipRoleForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["role"]


class InvitationForm(forms.ModelForm):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.PARTNER)

    class Meta:
        model = Invitation
        fields = ["email", "role", "message"]
        widgets = {"message": forms.Textarea(attrs={"rows": 3})}


class InitiativeFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    kind = forms.ChoiceField(
        label=_("kind"),
        required=False,
        choices=[("", _("All kinds")), *(Initiative._meta.get_field("kind").choices or ())],
    )
    status = forms.ChoiceField(
        label=_("status"),
        required=False,
        choices=[("", _("All statuses")), *(Initiative._meta.get_field("status").choices or ())],
    )


class MemberFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    role = forms.ChoiceField(
        label=_("Role"), required=False, choices=[("", _("All roles")), *Role.choices]
    )


class ReadinessItemForm(forms.ModelForm):
    class Meta:
        model = ReadinessItem
        fields = ["category", "title", "status", "owner", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}
        field_classes = {"owner": IdChoiceField}

    def __init__(self, *args, members=None, **kwargs):
        super().__init__(*args, **kwargs)
        if members is not None:
            cast(forms.ModelChoiceField, self.fields["owner"]).queryset = members
