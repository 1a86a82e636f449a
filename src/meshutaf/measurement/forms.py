"""Forms that define a results framework: its results, strategies, indicators (with their
disaggregation schemas), claims, rules, agreements and turn-the-curve sessions. They parse and
check what was typed; the services do the writing and check the rest."""

from __future__ import annotations

import re
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.functional import lazy
from django.utils.html import escape
from django.utils.text import Truncator
from django.utils.translation import gettext, gettext_noop, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from meshutaf.core.forms import DateInput, IdChoiceField
from meshutaf.core.text import pick_localized
from meshutaf.core.widgets import use_picker
from meshutaf.directory.models import Organisation
from meshutaf.meetings.models import Outcome, OutcomeKind

from . import rules
from .keys import SchemaError, schema_from_json
from .models import (
    Consent,
    ContributionClaim,
    Direction,
    Forecast,
    FrameworkStatus,
    Geography,
    GeographyLevel,
    Indicator,
    MeasureCategory,
    Severity,
    TargetKind,
    ValidationRule,
    Visibility,
)
from .periods import PERIOD_TYPE_LABELS, PeriodError, parse_period

TEXTAREA = {"rows": 3, "dir": "auto"}


def _field(form: forms.BaseForm, name: str) -> Any:
    """A field of `form` whose own attributes (a queryset, an initiative) are set per form."""
    return form.fields[name]


def indicator_name(indicator: Indicator) -> str:
    """The indicator's name in the reader's language, or the best one there is."""
    return pick_localized({"he": indicator.name, "ar": indicator.name_ar, "en": indicator.name_en})


# ---------------------------------------------------------------- geography by code or name


def _translated_escaped(message: str) -> str:
    return escape(gettext(message))


# A lazily translated text, escaped: forms print help text as HTML. Mark the message itself
# with gettext_noop so that it is collected for translation.
_escaped_lazy = lazy(_translated_escaped, str)


class GeographyInput(forms.TextInput):
    """A text box that suggests places as one types (htmx fills its datalist)."""

    template_name = "measurement/widgets/geography.html"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        widget["datalist_id"] = f"{widget['attrs'].get('id') or name}-options"
        widget["attrs"].update(
            {
                "list": widget["datalist_id"],
                "autocomplete": "off",
                "hx-get": reverse("measurement:geography_options"),
                "hx-trigger": "input changed delay:300ms",
                "hx-target": f"#{widget['datalist_id']}",
                "hx-swap": "innerHTML",
                "dir": "auto",
            }
        )
        return context


class GeographyField(forms.CharField):
    """A geography unit typed as its code (the CBS locality code, say) or its exact name.
    Shared units and, with `initiative`, the units that initiative defined."""

    default_error_messages = {
        "unknown": _("No place has the code or name “%(text)s”."),
        "ambiguous": _("Several places are called “%(text)s”; type its code instead."),
    }

    def __init__(self, *, initiative=None, **kwargs):
        self.initiative = initiative
        kwargs.setdefault("max_length", 200)
        kwargs.setdefault("widget", GeographyInput)
        kwargs.setdefault(
            "help_text", _("Type a few letters of the name, or the code, and choose from the list.")
        )
        super().__init__(**kwargs)

    def prepare_value(self, value):
        return value.code if isinstance(value, Geography) else value

    def clean(self, value):
        text = super().clean(value)
        if not text:
            return None
        shared = Q(initiative__isnull=True)
        units = Geography.objects.filter(
            shared | Q(initiative=self.initiative) if self.initiative is not None else shared
        )
        found = units.filter(code=text).first()
        if found is not None:
            return found
        named = list(units.filter(Q(name=text) | Q(name_en=text) | Q(name_ar=text))[:2])
        if len(named) == 1:
            return named[0]
        code = "ambiguous" if named else "unknown"
        raise ValidationError(self.error_messages[code], code=code, params={"text": text[:60]})


# ---------------------------------------------------------------- framework, result, strategy


class FrameworkForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs=TEXTAREA), required=False
    )
    area = GeographyField(label=_("Area"), required=False)
    public_dashboard = forms.BooleanField(
        label=_("Public dashboard"),
        required=False,
        help_text=_("Anyone with the link sees the values whose agreements allow the public."),
    )

    def __init__(self, *args, initiative, editing=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.initiative = initiative
        self.editing = editing
        self.fields["area"].help_text = _(
            "The town or region whose population the framework is about: type a few letters "
            "of its name, or its code."
        )
        if editing is not None:
            self.fields["status"] = forms.ChoiceField(
                label=_("Status"), choices=FrameworkStatus.choices
            )

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        taken = self.initiative.measurement_frameworks.filter(name=name)
        if self.editing is not None:
            taken = taken.exclude(pk=self.editing.pk).filter(version=self.editing.version)
        if taken.exists():
            raise ValidationError(_("This initiative already has a framework by this name."))
        return name


class ResultForm(forms.Form):
    title = forms.CharField(
        label=pgettext_lazy("population result", "Result"),
        max_length=300,
        help_text=_("A condition of well-being, in plain words: “Children start school ready”."),
    )
    population = forms.CharField(
        label=_("Population"),
        max_length=300,
        required=False,
        help_text=_("Whose condition: “children aged 0–6 in the town”."),
    )
    geography = GeographyField(label=_("Geography"), required=False)
    story = forms.CharField(
        label=_("The story behind the curve"), widget=forms.Textarea(attrs=TEXTAREA), required=False
    )
    order = forms.IntegerField(label=_("Order"), min_value=0, initial=0, required=False)

    def __init__(self, *args, initiative, **kwargs):
        super().__init__(*args, **kwargs)
        _field(self, "geography").initiative = initiative

    def clean_order(self):
        return self.cleaned_data.get("order") or 0


class OrganisationChoiceField(IdChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class StrategyForm(forms.Form):
    name = forms.CharField(label=_("Strategy"), max_length=300)
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs=TEXTAREA), required=False
    )
    owner_organisation = OrganisationChoiceField(
        label=_("Owning organisation"), queryset=Organisation.objects.all(), required=False
    )
    owner_group = IdChoiceField(
        label=_("Owning committee or team"), queryset=Organisation.objects.none(), required=False
    )
    order = forms.IntegerField(label=_("Order"), min_value=0, initial=0, required=False)

    def __init__(self, *args, initiative, **kwargs):
        super().__init__(*args, **kwargs)
        _field(self, "owner_group").queryset = initiative.groups.all()
        use_picker(self.fields["owner_organisation"], url=reverse("directory:pick_organisations"))
        use_picker(
            self.fields["owner_group"], url=reverse("initiatives:pick_groups", args=[initiative.pk])
        )

    def clean_order(self):
        return self.cleaned_data.get("order") or 0

    def clean(self):
        super().clean()
        data = self.cleaned_data
        if data.get("owner_organisation") and data.get("owner_group"):
            self.add_error(
                "owner_group", _("Choose an organisation or a committee or team, not both.")
            )
        return data


# ---------------------------------------------------------------- indicators

_CODE = re.compile(r"^[^\s{}\[\]|=]{1,40}$")


class IndicatorForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=40,
        help_text=_(
            "Short and unique in the framework, such as EDU1; rules name indicators by it."
        ),
        widget=forms.TextInput(attrs={"dir": "ltr", "autocomplete": "off"}),
    )
    name = forms.CharField(label=_("Name in Hebrew"), max_length=300)
    name_ar = forms.CharField(label=_("Name in Arabic"), max_length=300, required=False)
    name_en = forms.CharField(label=_("Name in English"), max_length=300, required=False)
    result = IdChoiceField(
        label=pgettext_lazy("population result", "Result"),
        queryset=Indicator.objects.none(),
        required=False,
        help_text=_("For a population indicator: the result it measures."),
    )
    strategy = IdChoiceField(
        label=_("Strategy"),
        queryset=Indicator.objects.none(),
        required=False,
        help_text=_("For a performance measure: the strategy it measures."),
    )
    category = forms.ChoiceField(
        label=_("Performance question"),
        choices=[("", "—"), *MeasureCategory.choices],
        required=False,
        help_text=_("For a performance measure: which question it answers."),
    )
    kind = forms.ChoiceField(
        label=_("Kind"), choices=cast(Any, Indicator._meta.get_field("kind").choices)
    )
    per = forms.IntegerField(
        label=_("Per"),
        min_value=1,
        initial=1,
        help_text=_("For a rate: per how many (1,000 for a rate per 1,000)."),
    )
    numerator_definition = forms.CharField(
        label=_("Numerator"), widget=forms.Textarea(attrs=TEXTAREA), required=False
    )
    denominator_definition = forms.CharField(
        label=_("Denominator"), widget=forms.Textarea(attrs=TEXTAREA), required=False
    )
    unit = forms.CharField(label=_("Unit"), max_length=60, required=False)
    direction = forms.ChoiceField(label=_("Direction"), choices=Direction.choices)
    data_source = forms.CharField(label=_("Data source"), max_length=300, required=False)
    period_type = forms.ChoiceField(
        label=_("Reporting frequency"),
        choices=[(str(kind), label) for kind, label in PERIOD_TYPE_LABELS.items()],
        initial="quarter",
    )
    suppression_k = forms.IntegerField(
        label=_("Small-number threshold"),
        min_value=1,
        max_value=1000,
        initial=10,
        # Escaped: forms print help text as HTML, and "<k" is text.
        help_text=_escaped_lazy(
            gettext_noop(
                "Counts below this number (but above 0) are shown as “<k” to anyone but the "
                "backbone and the reporting partner."
            )
        ),
    )
    visibility = forms.ChoiceField(
        label=_("Visibility of the backbone's own values"),
        choices=Visibility.choices,
        initial=Visibility.PARTNERS,
        help_text=_("Partners' values follow their data-sharing agreements."),
    )
    decimals = forms.IntegerField(
        label=_("Decimals shown"), min_value=0, max_value=6, initial=1, required=False
    )
    order = forms.IntegerField(label=_("Order"), min_value=0, initial=0, required=False)

    def __init__(self, *args, framework, editing: Indicator | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.framework = framework
        self.editing = editing
        _field(self, "result").queryset = framework.results.all()
        _field(self, "strategy").queryset = framework.strategies.all()
        if editing is not None:
            # The code names the indicator in rules, imports and the API: it stays.
            self.fields["code"].disabled = True
            self.fields["code"].help_text = _("The code cannot change once values name it.")

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        if self.editing is not None:
            return self.editing.code
        if not _CODE.match(code):
            raise ValidationError(
                _("A code has no spaces, brackets, braces, “|” or “=”: such as EDU1 or 1-1-1.")
            )
        if self.framework.indicators.filter(code=code).exists():
            raise ValidationError(
                _("Another indicator of this framework has the code %(code)s."),
                params={"code": code},
            )
        return code

    def clean(self):
        super().clean()
        data = self.cleaned_data
        if data.get("result") and data.get("strategy"):
            self.add_error(
                "strategy",
                _(
                    "An indicator measures a result (population indicator) or a strategy "
                    "(performance measure), not both."
                ),
            )
        if data.get("strategy") and not data.get("category"):
            self.add_error("category", _("Say which question the performance measure answers."))
        if not data.get("strategy"):
            data["category"] = ""
        if data.get("decimals") is None:
            data["decimals"] = 1
        data["order"] = data.get("order") or 0
        return data

    def service_fields(self) -> dict:
        """Every field, named as the model names it."""
        return {name: self.cleaned_data[name] for name in self.fields}

    @classmethod
    def initial_for(cls, indicator: Indicator) -> dict:
        initial = {name: getattr(indicator, name) for name in cls.base_fields}
        initial["result"], initial["strategy"] = indicator.result_id, indicator.strategy_id
        return initial


def _values_split(text: str) -> list[str]:
    """One value a line, or (on one line) separated by commas."""
    text = (text or "").strip()
    parts = text.splitlines() if "\n" in text else text.split(",")
    return [part.strip() for part in parts if part.strip()]


class DimensionForm(forms.Form):
    """One row of a disaggregation schema."""

    name = forms.CharField(
        label=_("Dimension"),
        max_length=40,
        help_text=_("Lower-case Latin letters, digits and _: sex, age_band, neighbourhood."),
        widget=forms.TextInput(attrs={"dir": "ltr", "autocomplete": "off"}),
    )
    label = forms.CharField(label=_("Label"), max_length=100, required=False)
    values = forms.CharField(
        label=_("Values"),
        widget=forms.Textarea(attrs={"rows": 3, "dir": "auto"}),
        help_text=_("One a line, or separated by commas: female, male."),
    )
    sums_to_total = forms.BooleanField(
        label=_("The values add up to the total"), required=False, initial=True
    )

    def clean(self):
        super().clean()
        data = self.cleaned_data
        if self.errors:
            return data
        name = data["name"].strip()
        try:
            schema_from_json([{"name": name, "values": ["-"]}])
        except SchemaError as error:
            self.add_error("name", str(error))
            return data
        row = {
            "name": name,
            "label": (data.get("label") or "").strip() or name,
            "values": _values_split(data["values"]),
            "sums_to_total": bool(data.get("sums_to_total")),
        }
        try:
            schema_from_json([row])
        except SchemaError as error:
            self.add_error("values", str(error))
            return data
        data["row"] = row
        return data


class BaseDimensionFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        try:
            schema_from_json(self.schema())
        except SchemaError as error:
            raise ValidationError(str(error)) from None

    def schema(self) -> list[dict]:
        return [
            form.cleaned_data["row"]
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]


DimensionFormSet = cast(
    type[BaseDimensionFormSet],
    forms.formset_factory(
        DimensionForm,
        formset=BaseDimensionFormSet,
        extra=0,  # no empty block to fill in: "Add a dimension" adds one
        can_delete=True,
        max_num=6,
    ),
)


def dimension_initial(indicator: Indicator | None) -> list[dict]:
    if indicator is None:
        return []
    return [
        {
            "name": item.get("name", ""),
            "label": item.get("label", ""),
            "values": "\n".join(str(value) for value in item.get("values", [])),
            "sums_to_total": item.get("sums_to_total", True),
        }
        for item in indicator.dimensions or []
    ]


class PeriodField(forms.CharField):
    """A period of the indicator's type, returned as its canonical code (2024-Q3, 2024/25)."""

    def __init__(self, *, period_type: str = "", **kwargs):
        self.period_type = period_type
        kwargs.setdefault("max_length", 16)
        kwargs.setdefault("widget", forms.TextInput(attrs={"dir": "ltr"}))
        super().__init__(**kwargs)

    def clean(self, value):
        text = super().clean(value)
        if not text:
            return text
        try:
            return parse_period(text, expected=self.period_type or None).code
        except PeriodError as error:
            raise ValidationError(str(error)) from None


PERIOD_HELP = _("As 2024 (year), 2024-Q3 (quarter), 2024-03 (month), 2024/25 (school year).")


class DefinitionVersionForm(forms.Form):
    starts = PeriodField(label=_("First period of the new definition"), help_text=PERIOD_HELP)
    note = forms.CharField(label=_("What changed"), widget=forms.Textarea(attrs=TEXTAREA))

    def __init__(self, *args, indicator: Indicator, **kwargs):
        super().__init__(*args, **kwargs)
        _field(self, "starts").period_type = indicator.period_type


class BaselineForm(forms.Form):
    geography = GeographyField(label=_("Geography"))
    period = PeriodField(label=_("Period"), help_text=PERIOD_HELP)
    value = forms.DecimalField(label=_("Value"), max_digits=20, decimal_places=6)
    method = forms.CharField(
        label=_("How it was set"), widget=forms.Textarea(attrs=TEXTAREA), required=False
    )

    def __init__(self, *args, indicator: Indicator, **kwargs):
        super().__init__(*args, **kwargs)
        _field(self, "period").period_type = indicator.period_type
        _field(self, "geography").initiative = indicator.framework.initiative


class DecisionChoiceField(IdChoiceField):
    def label_from_instance(self, obj):
        when = formats.date_format(timezone.localtime(obj.meeting.starts_at), "SHORT_DATE_FORMAT")
        return f"{when} · {obj.meeting.title}: {Truncator(obj.text).chars(80)}"


class TargetForm(forms.Form):
    geography = GeographyField(label=_("Geography"))
    value = forms.DecimalField(label=_("Target"), max_digits=20, decimal_places=6)
    year = forms.IntegerField(label=_("By the end of (year)"), min_value=1900, max_value=2200)
    kind = forms.ChoiceField(label=_("Kind"), choices=TargetKind.choices)
    decision = DecisionChoiceField(
        label=_("Decided in"),
        queryset=Outcome.objects.none(),
        required=False,
        help_text=_("The meeting decision that set this target, if one did."),
    )

    def __init__(self, *args, indicator: Indicator, **kwargs):
        super().__init__(*args, **kwargs)
        initiative = indicator.framework.initiative
        _field(self, "geography").initiative = initiative
        _field(self, "decision").queryset = (
            Outcome.objects.filter(initiative=initiative, kind=OutcomeKind.DECISION)
            .select_related("meeting")
            .order_by("-meeting__starts_at", "pk")
        )


class ForecastForm(forms.Form):
    geography = GeographyField(label=_("Geography"))
    year = forms.IntegerField(label=_("Year"), min_value=1900, max_value=2200)
    value = forms.DecimalField(label=_("Value"), max_digits=20, decimal_places=6)
    note = forms.CharField(
        label=_("Why people expect this"),
        widget=forms.Textarea(attrs=TEXTAREA),
        required=False,
    )

    def __init__(self, *args, indicator: Indicator, **kwargs):
        super().__init__(*args, **kwargs)
        _field(self, "geography").initiative = indicator.framework.initiative
        self.method_label = Forecast.Method.JUDGEMENT.label


# ---------------------------------------------------------------- claims, rules, agreements


class IndicatorChoiceField(IdChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.code} · {indicator_name(obj)}"


class ClaimForm(forms.Form):
    result = IdChoiceField(
        label=pgettext_lazy("population result", "Result"), queryset=Indicator.objects.none()
    )
    strategy = IdChoiceField(label=_("Strategy"), queryset=Indicator.objects.none())
    measure = IndicatorChoiceField(
        label=_("Performance measure"),
        queryset=Indicator.objects.none(),
        required=False,
        help_text=_("Optional: one of the strategy's measures, if the claim is about it."),
    )
    mechanism = forms.CharField(
        label=_("Mechanism"),
        widget=forms.Textarea(attrs=TEXTAREA),
        help_text=_("How the strategy is believed to move the result."),
    )
    assumptions = forms.CharField(
        label=_("Assumptions"), widget=forms.Textarea(attrs=TEXTAREA), required=False
    )
    evidence_grade = forms.ChoiceField(
        label=_("Evidence grade"),
        choices=ContributionClaim.Grade.choices,
        initial=ContributionClaim.Grade.LIMITED,
    )

    def __init__(self, *args, framework, **kwargs):
        super().__init__(*args, **kwargs)
        _field(self, "result").queryset = framework.results.all()
        _field(self, "strategy").queryset = framework.strategies.all()
        _field(self, "measure").queryset = framework.indicators.filter(strategy__isnull=False)

    def clean(self):
        super().clean()
        data = self.cleaned_data
        measure, strategy = data.get("measure"), data.get("strategy")
        if measure is not None and strategy is not None and measure.strategy_id != strategy.pk:
            self.add_error("measure", _("Choose a measure of the chosen strategy."))
        return data


class EvidenceForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    url = forms.URLField(label=_("Address"), required=False, assume_scheme="https")
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs=TEXTAREA), required=False)


RULE_HELP = _(
    "Each side is arithmetic (+ − × ÷, parentheses, numbers) over indicator codes: EDU1 (the "
    "total), EDU1[sex=female] (one cell of its disaggregation), EDU1.numerator or "
    "EDU1.denominator, {1-1-1} (a code with other characters). For example, left side "
    "EDU1[sex=female] + EDU1[sex=male], operator =, right side EDU1."
)


class RuleForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    left = forms.CharField(
        label=_("Left side"),
        max_length=500,
        help_text=RULE_HELP,
        widget=forms.TextInput(attrs={"dir": "ltr", "autocomplete": "off"}),
    )
    operator = forms.ChoiceField(
        label=_("Operator"),
        choices=cast(Any, ValidationRule._meta.get_field("operator").choices),
        help_text=_(
            "“Changes by at most (%)” compares the left side with its value in the previous "
            "period; the right side is the percentage."
        ),
    )
    right = forms.CharField(
        label=_("Right side"),
        max_length=500,
        widget=forms.TextInput(attrs={"dir": "ltr", "autocomplete": "off"}),
    )
    severity = forms.ChoiceField(label=_("Severity"), choices=Severity.choices)

    def clean(self):
        super().clean()
        data = self.cleaned_data
        for name in ("left", "right"):
            if data.get(name):
                try:
                    rules.parse(data[name])
                except rules.RuleError as error:
                    self.add_error(name, str(error))
        return data


class AgreementForm(forms.Form):
    partner = OrganisationChoiceField(label=_("Partner"), queryset=Organisation.objects.all())
    indicator = IndicatorChoiceField(label=_("Indicator"), queryset=Indicator.objects.none())
    purpose = forms.CharField(label=_("Purpose"), widget=forms.Textarea(attrs=TEXTAREA))
    visibility = forms.ChoiceField(label=_("Who may see the values"), choices=Visibility.choices)
    consent = forms.ChoiceField(label=_("Consent"), choices=Consent.choices)
    expires_on = forms.DateField(label=_("Expires"), widget=DateInput(), required=False)

    def __init__(self, *args, framework, **kwargs):
        super().__init__(*args, **kwargs)
        _field(self, "indicator").queryset = framework.indicators.all()
        use_picker(self.fields["partner"], url=reverse("directory:pick_organisations"))
        self.fields["partner"].help_text = _(
            "An agreement for a partner and an indicator that already have one replaces it."
        )


class NeighbourhoodForm(forms.Form):
    parent = GeographyField(label=_("Part of"))
    name = forms.CharField(label=_("Name"), max_length=200)
    level = forms.ChoiceField(
        label=_("Level"),
        choices=[
            (GeographyLevel.NEIGHBOURHOOD.value, GeographyLevel.NEIGHBOURHOOD.label),
            (GeographyLevel.STATISTICAL_AREA.value, GeographyLevel.STATISTICAL_AREA.label),
        ],
    )
    code = forms.CharField(
        label=_("Code"),
        max_length=40,
        required=False,
        help_text=_("Leave empty to number it under its parent (L9999-3)."),
        widget=forms.TextInput(attrs={"dir": "ltr", "autocomplete": "off"}),
    )

    def __init__(self, *args, initiative, area: Geography | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        _field(self, "parent").initiative = initiative
        self.area = area

    def clean_parent(self):
        parent = self.cleaned_data["parent"]
        unit, depth = parent, 0
        while self.area is not None and unit is not None and unit.pk != self.area.pk:
            unit, depth = (unit.parent if depth < 10 else None), depth + 1
        if self.area is not None and unit is None:
            raise ValidationError(
                _("Choose %(area)s or a place inside it: the framework is about its area."),
                params={"area": self.area.name},
            )
        return parent

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        if code and Geography.objects.filter(code=code).exists():
            raise ValidationError(_("Another place has the code %(code)s."), params={"code": code})
        return code

    def clean(self):
        super().clean()
        data = self.cleaned_data
        parent = data.get("parent")
        if parent is not None and not data.get("code"):
            number = Geography.objects.filter(parent=parent).count() + 1
            if Geography.objects.filter(code=f"{parent.code}-{number}").exists():
                self.add_error("code", _("Give this place a code; the next number is taken."))
        return data
