"""Forms for sessions, feedback and self-assessment. They parse; the services decide."""

from __future__ import annotations

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from meshutaf.directory.models import Person
from meshutaf.knowledge.models import Document
from meshutaf.meetings.models import Meeting

from .feedback import SCALE, SCALE_LABELS
from .models import Cohort, Session

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format=DATETIME_FORMAT, **kwargs)


class SessionForm(forms.ModelForm):
    class Meta:
        model = Session
        fields = [
            "number",
            "title",
            "kind",
            "description",
            "starts_at",
            "ends_at",
            "place",
            "facilitator",
            "required",
            "materials",
            "meeting",
        ]
        widgets = {
            "starts_at": DateTimeInput(),
            "ends_at": DateTimeInput(),
            "description": forms.Textarea(attrs={"rows": 4}),
            "materials": forms.SelectMultiple(attrs={"size": 6}),
        }
        help_texts = {
            "materials": _("Documents of this initiative's knowledge base."),
            "meeting": _("If the session is held as one of the initiative's meetings."),
            "required": _("Required sessions count towards the certificate."),
        }

    def __init__(self, *args, cohort: Cohort, **kwargs):
        super().__init__(*args, **kwargs)
        initiative_id = cohort.programme.initiative_id
        # Other initiatives' documents and meetings are not offered; the service refuses them
        # too, for a hand-made request.
        materials = cast(forms.ModelMultipleChoiceField, self.fields["materials"])
        meeting = cast(forms.ModelChoiceField, self.fields["meeting"])
        facilitator = cast(forms.ModelChoiceField, self.fields["facilitator"])
        materials.queryset = Document.objects.filter(initiative_id=initiative_id).order_by(
            "title", "pk"
        )
        meeting.queryset = Meeting.objects.filter(initiative_id=initiative_id).order_by(
            "-starts_at", "pk"
        )
        facilitator.queryset = Person.objects.order_by("full_name", "pk")
        for name in ("starts_at", "ends_at"):
            field = cast(forms.DateTimeField, self.fields[name])
            field.input_formats = [DATETIME_FORMAT, "%Y-%m-%d %H:%M"]

    def clean(self):
        data = super().clean() or {}
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends < starts:
            self.add_error("ends_at", _("A session ends after it starts."))
        return data


class CheckinOpenForm(forms.Form):
    minutes = forms.IntegerField(
        label=_("Keep check-in open for (minutes)"), min_value=1, max_value=720, initial=90
    )


def _rating_field(label) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=[(score, SCALE_LABELS[score]) for score in SCALE],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a rating from 1 to 5.")},
    )


class FeedbackForm(forms.Form):
    """One rating per question of the kind's fixed questions, and a comment."""

    def __init__(self, *args, questions, **kwargs):
        super().__init__(*args, **kwargs)
        for code, label in questions.choices:
            self.fields[code] = _rating_field(label)
        self.fields["comment"] = forms.CharField(
            label=_("Anything else you want the organisers to know?"),
            required=False,
            max_length=4000,
            widget=forms.Textarea(attrs={"rows": 4}),
            help_text=_(
                "Anonymous: the organisers see answers only once enough people have answered."
            ),
        )
        self.question_codes = list(questions.values)

    def ratings(self) -> dict[str, int]:
        return {code: self.cleaned_data[code] for code in self.question_codes}


class SelfAssessmentForm(forms.Form):
    """One rating per rubric criterion, at one moment."""

    def __init__(self, *args, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        self.codes = [criterion.code for criterion in criteria]
        for criterion in criteria:
            self.fields[criterion.code] = _rating_field(criterion.name)

    def ratings(self) -> dict[str, int]:
        return {code: self.cleaned_data[code] for code in self.codes}
