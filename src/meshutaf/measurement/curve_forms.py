"""The forms of a turn-the-curve session: the meeting, the story, the partners with a role
and the action items (whose owners are the meeting's people, as the meetings module says)."""

from __future__ import annotations

from django import forms
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from meshutaf.core.forms import DateInput, IdChoiceField
from meshutaf.directory.models import Organisation, Person
from meshutaf.meetings.models import Meeting
from meshutaf.meetings.selectors import attendance_candidates

from .forms import IndicatorChoiceField, OrganisationChoiceField, _field
from .models import Indicator


def meeting_people(meeting: Meeting):
    """The people an action item of `meeting` may be given to: the meetings module's own
    answer (which checks the owner again when it makes the item), as a queryset for a
    choice field."""
    people = attendance_candidates(meeting=meeting)
    return Person.objects.filter(pk__in=[person.pk for person in people]).order_by(
        "full_name", "pk"
    )


class MeetingChoiceField(IdChoiceField):
    def label_from_instance(self, obj):
        when = formats.date_format(timezone.localtime(obj.starts_at), "SHORT_DATE_FORMAT")
        return f"{when} · {obj.title}"


class MeetingPickForm(forms.Form):
    meeting = MeetingChoiceField(label=_("Meeting"), queryset=Meeting.objects.none())

    def __init__(self, *args, initiative, **kwargs):
        super().__init__(*args, **kwargs)
        _field(self, "meeting").queryset = initiative.meetings.order_by("-starts_at", "pk")


class CurveSessionForm(forms.Form):
    indicator = IndicatorChoiceField(label=_("Indicator"), queryset=Indicator.objects.none())
    meeting = MeetingChoiceField(
        label=_("Meeting"), queryset=Meeting.objects.none(), widget=forms.HiddenInput
    )
    story = forms.CharField(
        label=_("The story behind the curve"),
        widget=forms.Textarea(attrs={"rows": 5, "dir": "auto"}),
        help_text=_("Why the curve looks as it does: the causes and forces at work."),
    )
    what_works = forms.CharField(
        label=_("What works"),
        widget=forms.Textarea(attrs={"rows": 4, "dir": "auto"}),
        required=False,
        help_text=_("What could turn the curve, including no-cost and low-cost ideas."),
    )

    def __init__(self, *args, framework, **kwargs):
        super().__init__(*args, **kwargs)
        _field(self, "indicator").queryset = framework.indicators.all()
        _field(self, "meeting").queryset = framework.initiative.meetings.all()


class CurvePartnerForm(forms.Form):
    organisation = OrganisationChoiceField(
        label=_("Partner"), queryset=Organisation.objects.all(), required=False
    )
    role = forms.CharField(label=_("Role"), max_length=300, required=False)

    def clean(self):
        super().clean()
        data = self.cleaned_data
        if data.get("organisation") and not (data.get("role") or "").strip():
            self.add_error("role", _("Say what this partner will do."))
        if (data.get("role") or "").strip() and not data.get("organisation"):
            self.add_error("organisation", _("Choose the partner who takes this role."))
        return data


class PersonChoiceField(IdChoiceField):
    def label_from_instance(self, obj):
        return obj.full_name


class ActionItemForm(forms.Form):
    text = forms.CharField(
        label=_("Action item"),
        max_length=4000,
        required=False,
        widget=forms.TextInput(attrs={"dir": "auto"}),
    )
    owner = PersonChoiceField(label=_("Owner"), queryset=Person.objects.none(), required=False)
    due_date = forms.DateField(label=_("Due date"), widget=DateInput(), required=False)

    def __init__(self, *args, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        _field(self, "owner").queryset = people if people is not None else Person.objects.none()

    def clean(self):
        super().clean()
        data = self.cleaned_data
        if (data.get("owner") or data.get("due_date")) and not (data.get("text") or "").strip():
            self.add_error("text", _("Say what is to be done."))
        if (data.get("text") or "").strip() and not data.get("owner"):
            self.add_error("owner", _("Choose who will do it, from the meeting's people."))
        return data


CurvePartnerFormSet = forms.formset_factory(CurvePartnerForm, extra=3, max_num=30)
ActionItemFormSet = forms.formset_factory(ActionItemForm, extra=3, max_num=30)
