"""Forms for programmes, cohorts, quotas and rubric versions. They check the shape of input;
the rules are the services'."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from meshutaf.core.widgets import use_picker
from meshutaf.directory.models import Organisation, Sector

from .models import Gender, QuotaKind

TEXTAREA = {"rows": 4}


class ProgrammeForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs=TEXTAREA), required=False
    )
    goals = forms.CharField(label=_("Goals"), widget=forms.Textarea(attrs=TEXTAREA), required=False)


class CohortForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    start_date = forms.DateField(
        label=_("Start date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end_date = forms.DateField(
        label=_("End date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    nominations_close = forms.DateField(
        label=_("Nominations close"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    capacity = forms.IntegerField(label=_("Places"), min_value=1, max_value=500, initial=24)
    reviews_per_candidate = forms.IntegerField(
        label=_("Reviewers per candidate"), min_value=1, max_value=20, initial=3
    )
    consensus_spread = forms.DecimalField(
        label=_("Disagreement that sends a candidate to the consensus queue"),
        help_text=_(
            "The gap, in rubric points, between the highest and lowest reviewer once each "
            "reviewer's leniency is taken out."
        ),
        min_value=0,
        max_value=10,
        decimal_places=2,
        initial="1.50",
    )
    attendance_required_share = forms.DecimalField(
        label=_("Share of required sessions attended for a certificate"),
        help_text=_("Between 0 and 1: 0.8 means four sessions in five."),
        min_value=0,
        max_value=1,
        decimal_places=2,
        initial="0.80",
    )
    feedback_min_responses = forms.IntegerField(
        label=_("Fewest answers before feedback is shown"),
        help_text=_("Below this, results stay hidden so no one can be recognised."),
        min_value=3,
        max_value=100,
        initial=5,
    )

    def clean(self):
        super().clean()
        data = self.cleaned_data
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The end date cannot be before the start date."))
        return data


class QuotaForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=QuotaKind.choices)
    organisation = forms.ModelChoiceField(
        label=_("Ministry or authority"), queryset=Organisation.objects.none(), required=False
    )
    sector = forms.ChoiceField(
        label=_("Sector"), choices=[("", "—"), *Sector.choices], required=False
    )
    gender = forms.ChoiceField(
        label=_("Gender"), choices=[("", "—"), *Gender.choices], required=False
    )
    minimum = forms.IntegerField(label=_("At least"), min_value=0, max_value=500, initial=0)
    maximum = forms.IntegerField(label=_("At most"), min_value=0, max_value=500, required=False)
    binding = forms.BooleanField(
        label=_("Binding"),
        required=False,
        initial=True,
        help_text=_("Binding quotas are applied by the decision; others are targets to report."),
    )

    def __init__(self, *args, organisations, search_url: str, **kwargs):
        super().__init__(*args, **kwargs)
        organisation = self.fields["organisation"]
        assert isinstance(organisation, forms.ModelChoiceField)  # noqa: S101 (for the type checker)
        organisation.queryset = organisations
        # Hundreds of ministries and authorities: found by typing.
        use_picker(organisation, url=search_url)

    def clean(self):
        super().clean()
        data = self.cleaned_data
        kind = data.get("kind")
        if kind == QuotaKind.ORGANISATION and not data.get("organisation"):
            self.add_error("organisation", _("Choose the ministry or authority."))
        if kind == QuotaKind.SECTOR and not data.get("sector"):
            self.add_error("sector", _("Choose the sector."))
        if kind == QuotaKind.GENDER and not data.get("gender"):
            self.add_error("gender", _("Choose the gender."))
        minimum, maximum = data.get("minimum"), data.get("maximum")
        if minimum is not None and maximum is not None and maximum < minimum:
            self.add_error("maximum", _("“At most” cannot be less than “at least”."))
        return data

    def service_fields(self) -> dict:
        data = self.cleaned_data
        kind = data["kind"]
        return {
            "kind": kind,
            "organisation": data["organisation"] if kind == QuotaKind.ORGANISATION else None,
            "value": {
                QuotaKind.SECTOR: data.get("sector"),
                QuotaKind.GENDER: data.get("gender"),
            }.get(kind, "")
            or "",
            "minimum": data["minimum"],
            "maximum": data.get("maximum"),
            "binding": data.get("binding", False),
        }


class CriterionForm(forms.Form):
    """One criterion of an editable rubric version: names, what it looks for, weight, and the
    anchors of its levels (one text box per language for the levels that have anchors)."""

    name_he = forms.CharField(label=_("Name in Hebrew"), max_length=200, required=False)
    name_ar = forms.CharField(label=_("Name in Arabic"), max_length=200, required=False)
    name_en = forms.CharField(label=_("Name in English"), max_length=200, required=False)
    description = forms.CharField(
        label=_("What it looks for"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    weight = forms.DecimalField(
        label=_("Weight"), min_value=Decimal("0.01"), max_value=100, decimal_places=2
    )

    def __init__(self, *args, scores: range = range(1, 6), **kwargs):
        super().__init__(*args, **kwargs)
        self.scores = scores
        labels = {"he": _("Hebrew"), "ar": _("Arabic"), "en": _("English")}
        for score in scores:
            for language, label in labels.items():
                self.fields[f"anchor_{score}_{language}"] = forms.CharField(
                    label=_("What a %(score)s looks like (%(language)s)")
                    % {"score": score, "language": label},
                    required=False,
                    max_length=1000,
                    widget=forms.Textarea(attrs={"rows": 2, "dir": "auto"}),
                )

    def clean(self):
        super().clean()
        data = self.cleaned_data
        if not (data.get("name_he") or data.get("name_ar") or data.get("name_en")):
            raise forms.ValidationError(_("Give the criterion a name in at least one language."))
        return data

    def anchors(self) -> dict[int, dict[str, str]]:
        """{score: {language: text}} as entered (empty texts included)."""
        return {
            score: {
                language: self.cleaned_data.get(f"anchor_{score}_{language}", "").strip()
                for language in ("he", "ar", "en")
            }
            for score in self.scores
        }


class CriterionAddForm(forms.Form):
    name_he = forms.CharField(label=_("Name in Hebrew"), max_length=200, required=False)
    name_en = forms.CharField(label=_("Name in English"), max_length=200, required=False)
    weight = forms.DecimalField(
        label=_("Weight"), min_value=Decimal("0.01"), max_value=100, decimal_places=2, initial=1
    )

    def clean(self):
        super().clean()
        data = self.cleaned_data
        if not (data.get("name_he") or data.get("name_en")):
            raise forms.ValidationError(_("Give the criterion a name in at least one language."))
        return data
