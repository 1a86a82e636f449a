"""Forms of a cohort's projects: the project and its team, a milestone, the reviewers, the
final review's scores and a follow-up. They parse; the services in `services/projects.py`
decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from meshutaf.core.forms import DateInput, IdChoiceField, IdMultipleChoiceField

from .models import (
    Cohort,
    Confidence,
    FollowUpStatus,
    Participant,
    ProjectReview,
    ProjectStatus,
    RubricVersion,
)


class ProjectForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    challenge = forms.CharField(
        label=_("The challenge"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The public problem the team takes on, across ministries."),
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    sponsor = IdChoiceField(label=_("Sponsoring director-general"), queryset=None, required=False)
    coach = IdChoiceField(label=_("Coach"), queryset=None, required=False)
    members = IdMultipleChoiceField(
        label=_("Team"),
        queryset=Participant.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Participants of the cohort, ideally from several ministries."),
    )
    status = forms.ChoiceField(label=_("Status"), choices=ProjectStatus.choices)

    def __init__(self, *args, cohort: Cohort, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sponsor"].queryset = people  # type: ignore[attr-defined]
        self.fields["coach"].queryset = people  # type: ignore[attr-defined]
        self.fields["members"].queryset = (  # type: ignore[attr-defined]
            Participant.objects.filter(cohort=cohort)
            .select_related("person", "organisation")
            .order_by("person__full_name", "pk")
        )
        self.fields["members"].label_from_instance = _member_label  # type: ignore[attr-defined]


def _member_label(participant: Participant) -> str:
    if participant.organisation_id:
        return f"{participant.person.full_name} · {participant.organisation}"
    return participant.person.full_name


class MilestoneForm(forms.Form):
    title = forms.CharField(label=_("Milestone"), max_length=200)
    due_date = forms.DateField(label=_("Due"), required=False, widget=DateInput())
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReviewersForm(forms.Form):
    reviewers = IdMultipleChoiceField(
        label=_("Reviewers"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Members of the initiative who review the project at its end."),
    )
    rubric_version = IdChoiceField(
        label=_("Rubric"),
        queryset=RubricVersion.objects.none(),
        required=False,
        help_text=_("The cohort's rubric unless you choose another version."),
    )

    def __init__(self, *args, users, versions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewers"].queryset = users  # type: ignore[attr-defined]
        self.fields["reviewers"].label_from_instance = (  # type: ignore[attr-defined]
            lambda user: user.get_full_name() or user.get_username()
        )
        self.fields["rubric_version"].queryset = versions  # type: ignore[attr-defined]


class ProjectReviewForm(forms.Form):
    """One score, a "cannot judge", evidence and a confidence per criterion of the review's
    rubric version."""

    note = forms.CharField(
        label=_("Overall note"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, review: ProjectReview, **kwargs):
        super().__init__(*args, **kwargs)
        version = review.rubric_version
        self.criteria = list(version.criteria.prefetch_related("levels"))
        choices = [("", "—")] + [
            (str(score), str(score)) for score in range(version.scale_min, version.scale_max + 1)
        ]
        for criterion in self.criteria:
            prefix = f"criterion_{criterion.pk}"
            self.fields[prefix] = forms.TypedChoiceField(
                label=criterion.name,
                choices=choices,
                coerce=int,
                required=False,
                empty_value=None,
            )
            self.fields[f"{prefix}_cannot_judge"] = forms.BooleanField(
                label=_("Cannot judge"), required=False
            )
            self.fields[f"{prefix}_evidence"] = forms.CharField(
                label=_("Evidence"), required=False, widget=forms.Textarea(attrs={"rows": 2})
            )
            self.fields[f"{prefix}_confidence"] = forms.TypedChoiceField(
                label=_("Confidence"),
                choices=Confidence.choices,
                coerce=int,
                initial=Confidence.MEDIUM,
            )

    def rows(self):
        """Each criterion with its fields, for the template."""
        for criterion in self.criteria:
            prefix = f"criterion_{criterion.pk}"
            yield {
                "criterion": criterion,
                "score": self[prefix],
                "cannot_judge": self[f"{prefix}_cannot_judge"],
                "evidence": self[f"{prefix}_evidence"],
                "confidence": self[f"{prefix}_confidence"],
            }

    def scores(self) -> dict[int, dict]:
        data = self.cleaned_data
        return {
            criterion.pk: {
                "score": data.get(f"criterion_{criterion.pk}"),
                "cannot_judge": data.get(f"criterion_{criterion.pk}_cannot_judge", False),
                "evidence": data.get(f"criterion_{criterion.pk}_evidence", ""),
                "confidence": data.get(f"criterion_{criterion.pk}_confidence"),
            }
            for criterion in self.criteria
        }


class FollowUpForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=FollowUpStatus.choices)
    still_active = forms.NullBooleanField(
        label=_("Is the project still going?"),
        required=False,
        widget=forms.Select(
            choices=[("unknown", _("Not known")), ("true", _("Yes")), ("false", _("No"))]
        ),
    )
    outcome = forms.CharField(
        label=_("What came of it"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
