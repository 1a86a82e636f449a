"""Forms of the selection: the board's filters, the committee's recommendation and the
decision's confirmation with its overrides. They check the shape of input; the rules are the
services'."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from meshutaf.core.forms import IdChoiceField
from meshutaf.directory.models import Organisation
from meshutaf.meetings.models import Meeting

from .models import Decision, RecommendationChoice

KEEP = ""


class BoardFilterForm(forms.Form):
    organisation = IdChoiceField(
        label=_("Ministry or authority"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("All"),
    )
    queue = forms.BooleanField(label=_("Only the consensus queue"), required=False)

    def __init__(self, *args, cohort, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(  # type: ignore[attr-defined]
            pk__in=cohort.nominations.values("organisation_id")
        )


class RecommendationForm(forms.Form):
    choice = forms.ChoiceField(
        label=_("The committee's recommendation"),
        choices=RecommendationChoice.choices,
        widget=forms.RadioSelect,
    )
    rationale = forms.CharField(
        label=_("Rationale"),
        help_text=_("Required unless the committee recommends: it explains the decision."),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=2000,
    )
    meeting = IdChoiceField(
        label=_("Committee meeting"),
        queryset=Meeting.objects.none(),
        required=False,
    )

    def __init__(self, *args, initiative, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = Meeting.objects.filter(  # type: ignore[attr-defined]
            initiative=initiative
        ).order_by("-pk")


class WaitlistForm(forms.Form):
    waitlist_size = forms.IntegerField(
        label=_("Places on the waiting list"), min_value=0, max_value=10_000
    )


OVERRIDE_CHOICES = [
    (KEEP, _("As proposed")),
    (Decision.SELECTED, Decision.SELECTED.label),
    (Decision.WAITLISTED, Decision.WAITLISTED.label),
    (Decision.NOT_SELECTED, Decision.NOT_SELECTED.label),
]


def overrides_from(data, ids) -> tuple[dict[int, tuple[str, str]], list[str]]:
    """The overrides posted as `override-<id>` and `reason-<id>` for the proposal's
    candidates `ids`: {id: (decision, reason)}, and the errors of the shape (an unknown
    choice). The reasons' rules are the service's."""
    overrides: dict[int, tuple[str, str]] = {}
    errors: list[str] = []
    valid = {value for value, _label in OVERRIDE_CHOICES}
    for pk in ids:
        choice = data.get(f"override-{pk}", KEEP)
        if choice not in valid:
            errors.append(str(_("Choose selected, waiting list or not selected.")))
            continue
        if choice != KEEP:
            overrides[pk] = (choice, data.get(f"reason-{pk}", ""))
    return overrides, errors
