"""Forms for reviewing: adding a reviewer, waiving a conflict, declaring one, a discussion
note, and the review itself (the whole rubric on one form, built from the criteria)."""

from __future__ import annotations

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Confidence, Criterion
from .services.reviews import TEXT_MAX, ScoreIn

CANNOT_JUDGE = "cannot_judge"


class ReviewerAddForm(forms.Form):
    user = forms.TypedChoiceField(label=_("Member"), coerce=int, choices=())
    max_load = forms.IntegerField(
        label=_("At most this many candidates"),
        required=False,
        min_value=1,
        max_value=10_000,
        help_text=_("Leave empty for no limit."),
    )

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.TypedChoiceField, self.fields["user"]).choices = [("", "—")] + [
            (
                c.user_id,
                f"{c.name} · {_('steering committee')}" if c.steering else c.name,
            )
            for c in choices
        ]


class WaiverForm(forms.Form):
    reason = forms.CharField(
        label=_("Why this conflict does not recuse the reviewer"),
        widget=forms.Textarea(attrs={"rows": 3, "dir": "auto"}),
        max_length=TEXT_MAX,
    )


class DeclareForm(forms.Form):
    nomination = forms.IntegerField(min_value=1, max_value=2**63 - 1, widget=forms.HiddenInput)
    detail = forms.CharField(
        label=_("How you know them (optional)"), required=False, max_length=300
    )


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Add to the discussion record"),
        widget=forms.Textarea(attrs={"rows": 3, "dir": "auto"}),
        max_length=TEXT_MAX,
    )


class ReviewForm(forms.Form):
    """One score field (a level, or "cannot judge"), evidence and confidence per criterion,
    and an overall note. Completeness for submission is the service's rule."""

    note = forms.CharField(
        label=_("Overall note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "dir": "auto"}),
    )

    def __init__(self, *args, criteria: list[Criterion], scale: range, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        choices = [(str(score), str(score)) for score in scale] + [
            (CANNOT_JUDGE, _("Cannot judge"))
        ]
        for criterion in criteria:
            self.fields[f"score_{criterion.pk}"] = forms.ChoiceField(
                label=criterion.name, choices=choices, required=False, widget=forms.RadioSelect
            )
            self.fields[f"evidence_{criterion.pk}"] = forms.CharField(
                label=_("Evidence"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 2, "dir": "auto"}),
            )
            self.fields[f"confidence_{criterion.pk}"] = forms.TypedChoiceField(
                label=_("Confidence"),
                choices=Confidence.choices,
                coerce=int,
                required=False,
                empty_value=None,
                initial=Confidence.MEDIUM,
                widget=forms.RadioSelect,
            )

    def scores(self) -> list[ScoreIn]:
        data = self.cleaned_data
        items = []
        for criterion in self.criteria:
            chosen = data.get(f"score_{criterion.pk}") or ""
            items.append(
                ScoreIn(
                    criterion_id=criterion.pk,
                    score=int(chosen) if chosen.isdigit() else None,
                    cannot_judge=chosen == CANNOT_JUDGE,
                    evidence=data.get(f"evidence_{criterion.pk}") or "",
                    confidence=data.get(f"confidence_{criterion.pk}") or Confidence.MEDIUM,
                )
            )
        return items


def review_initial(criteria_rows, note: str) -> dict:
    initial: dict = {"note": note}
    for row in criteria_rows:
        current = row.current
        if current is None:
            continue
        pk = row.criterion.pk
        initial[f"score_{pk}"] = CANNOT_JUDGE if current.cannot_judge else str(current.score)
        initial[f"evidence_{pk}"] = current.evidence
        initial[f"confidence_{pk}"] = current.confidence
    return initial
