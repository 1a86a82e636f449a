"""Forms for nominations and applications. They check the shape of input; the rules (phase,
limits, the CV's bytes) are `services.nominations`'."""

from __future__ import annotations

import datetime

from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from meshutaf.core.forms import DateInput, IdChoiceField
from meshutaf.directory.models import Organisation, Sector

from .models import Gender, NominatorRole
from .services.nominations import CV_MAX_BYTES, INVITATION_VALID_DAYS, MAX_REFEREES

TEXTAREA = {"rows": 5}


def _ministries():
    return Organisation.objects.filter(
        sector__in=[Sector.GOVERNMENT, Sector.LOCAL_AUTHORITY]
    ).order_by("name_he", "name_en", "pk")


class InvitationForm(forms.Form):
    organisation = IdChoiceField(
        label=_("Ministry or authority"), queryset=Organisation.objects.none()
    )
    nominator_name = forms.CharField(label=_("Nominator's name"), max_length=200)
    nominator_email = forms.EmailField(label=_("Nominator's e-mail"))
    nominator_role = forms.ChoiceField(
        label=_("Nominator's role"),
        choices=NominatorRole.choices,
        initial=NominatorRole.DIRECTOR_GENERAL,
    )
    on_behalf_of = forms.CharField(
        label=_("On behalf of"),
        max_length=200,
        required=False,
        help_text=_("For a delegate: the director-general they nominate for."),
    )
    max_nominations = forms.IntegerField(
        label=_("Nominations allowed"), min_value=1, max_value=50, initial=4
    )
    expires_on = forms.DateField(
        label=_("The link works until"),
        widget=DateInput(),
        help_text=_("The link stops working at the end of this day."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = _ministries()  # type: ignore[attr-defined]
        self.fields["expires_on"].initial = timezone.localdate() + datetime.timedelta(
            days=INVITATION_VALID_DAYS
        )

    def clean(self):
        data = super().clean() or {}
        if (
            data.get("nominator_role") == NominatorRole.DELEGATE
            and not (data.get("on_behalf_of") or "").strip()
        ):
            self.add_error(
                "on_behalf_of", _("Name the director-general the delegate nominates for.")
            )
        return data

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        expires_on = data.pop("expires_on")
        end_of_day = datetime.datetime.combine(
            expires_on + datetime.timedelta(days=1), datetime.time.min
        )
        data["expires_at"] = timezone.make_aware(end_of_day)
        return data


class CandidateForm(forms.Form):
    """One candidate, as a director-general puts them forward."""

    candidate_name = forms.CharField(label=_("Candidate's full name"), max_length=200)
    candidate_email = forms.EmailField(
        label=_("Candidate's e-mail"),
        help_text=_("The candidate gets their application link at this address."),
    )
    candidate_phone = forms.CharField(label=_("Candidate's phone"), max_length=40, required=False)
    rank = forms.CharField(label=_("Rank or grade"), max_length=100, required=False)
    role_title = forms.CharField(label=_("Role"), max_length=200)
    gender = forms.ChoiceField(
        label=_("Gender (optional)"),
        choices=[("", _("Not stated")), *Gender.choices],
        required=False,
        help_text=_("Used only to report on the cohort's diversity targets."),
    )
    nominator_statement = forms.CharField(
        label=_("Why this candidate"),
        widget=forms.Textarea(attrs=TEXTAREA),
        max_length=5000,
        help_text=_("What they have led, and why this programme now."),
    )


class StaffNominationForm(CandidateForm):
    """A nomination that came on paper, entered by staff with its nominator."""

    organisation = IdChoiceField(
        label=_("Ministry or authority"), queryset=Organisation.objects.none()
    )
    nominator_name = forms.CharField(label=_("Nominator's name"), max_length=200)
    nominator_email = forms.EmailField(label=_("Nominator's e-mail"), required=False)

    field_order = ["organisation", "nominator_name", "nominator_email"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = _ministries()  # type: ignore[attr-defined]


class ConsentForm(forms.Form):
    consent = forms.BooleanField(
        label=_(
            "I agree that my details and application are stored and shown to the programme's "
            "staff and its reviewers, as described above."
        ),
        required=True,
    )


class ApplicationForm(forms.Form):
    statement = forms.CharField(
        label=_("Why I want to take part"),
        widget=forms.Textarea(attrs=TEXTAREA),
        max_length=5000,
        required=False,
    )
    leadership_example = forms.CharField(
        label=_("A change I led with others outside my office"),
        widget=forms.Textarea(attrs=TEXTAREA),
        max_length=5000,
        required=False,
    )
    cv = forms.FileField(
        label=_("CV (PDF)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cv"].help_text = gettext("A PDF file of at most %(size)s.") % {
            "size": filesizeformat(CV_MAX_BYTES)
        }


class RefereeForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200, required=False)
    role_title = forms.CharField(label=_("Role"), max_length=200, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    relation = forms.CharField(
        label=_("How they know the candidate"), max_length=200, required=False
    )


RefereeFormSet = forms.formset_factory(
    RefereeForm, extra=0, min_num=MAX_REFEREES, max_num=MAX_REFEREES, validate_max=True
)
