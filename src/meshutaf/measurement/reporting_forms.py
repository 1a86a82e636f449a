"""Forms of the reporting workflow: opening a round, a reason to return or unlock a value, and
the entry sheet a partner fills for one round (indicator × disaggregation, for one geography
unit). They parse and check; the services write."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from meshutaf.core.forms import DateInput, IdMultipleChoiceField
from meshutaf.core.text import pick_localized
from meshutaf.directory.models import Organisation

from . import services
from .entries import CleanEntry, entry_check
from .keys import all_keys, schema_from_json
from .models import Indicator, Observation, ReportingRound, State
from .periods import PERIOD_TYPE_LABELS, PeriodError, PeriodType, parse_period
from .selectors import key_label

FIELD_LABELS = {
    "value": gettext_lazy("Value"),
    "numerator": gettext_lazy("Numerator"),
    "denominator": gettext_lazy("Denominator"),
}
PREFIX = "cell:"


def indicator_label(indicator: Indicator) -> str:
    """The indicator's code and its name in the reader's language."""
    name = pick_localized({"he": indicator.name, "ar": indicator.name_ar, "en": indicator.name_en})
    return f"{indicator.code} · {name}"


def plain_number(number: Decimal | None) -> str:
    """A stored decimal as typed: 40, 12.5 (no trailing zeros, no exponent)."""
    if number is None:
        return ""
    return format(number.normalize(), "f")


def value_text(indicator: Indicator, observation: Observation | None) -> str:
    """A stored value as the pages show it: a proportion in per cent with its numerator and
    denominator, a rate per N, other kinds with the indicator's decimals."""
    if observation is None or observation.value is None:
        return "—"
    decimals = 0 if indicator.kind == "count" else indicator.decimals
    if indicator.kind == "proportion":
        shown = formats.number_format(observation.value * 100, decimals) + "%"
    else:
        shown = formats.number_format(observation.value, decimals)
    if indicator.is_ratio:
        parts = f"{plain_number(observation.numerator)} / {plain_number(observation.denominator)}"
        return f"{shown} ({parts})"
    return shown


class RoundForm(forms.Form):
    period = forms.CharField(
        label=gettext_lazy("Period"),
        max_length=16,
        help_text=gettext_lazy(
            "A quarter (2025-Q1), a month (2025-03), a year (2025), a school year (2025/26) "
            "or a fiscal year (FY2025)."
        ),
    )
    due_date = forms.DateField(label=gettext_lazy("Due"), widget=DateInput())
    indicators = IdMultipleChoiceField(
        label=gettext_lazy("Indicators"),
        queryset=Indicator.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    partners = IdMultipleChoiceField(
        label=gettext_lazy("Partners who report"),
        queryset=Organisation.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, framework, partners, **kwargs):
        super().__init__(*args, **kwargs)
        indicators = cast(IdMultipleChoiceField, self.fields["indicators"])
        indicators.queryset = framework.indicators.order_by("order", "code")
        indicators.label_from_instance = indicator_label  # type: ignore[method-assign,assignment]
        cast(IdMultipleChoiceField, self.fields["partners"]).queryset = partners


class ReasonForm(forms.Form):
    """Why a value goes back to its partner, or why it is unlocked; both are recorded."""

    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


# ---------------------------------------------------------------- the entry sheet


@dataclass
class Input:
    part: str  # "value", "numerator" or "denominator"
    label: str
    name: str
    id: str
    value: str
    errors: list[str] = field(default_factory=list)


@dataclass
class Cell:
    """One row of the sheet: an indicator's total or one disaggregation value."""

    indicator: Indicator
    key: str
    index: int
    current: Observation | None
    reason: str | None  # why it cannot be changed now; None when it can
    inputs: list[Input] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        return key_label(self.key, self.indicator)

    @property
    def dom_id(self) -> str:
        return f"cell-{self.indicator.pk}-{self.index}"

    @property
    def reason_id(self) -> str:
        return f"{self.dom_id}-why"

    @property
    def editable(self) -> bool:
        return self.reason is None

    @property
    def has_errors(self) -> bool:
        return bool(self.errors or self.warnings or any(i.errors for i in self.inputs))

    @property
    def returned_reason(self) -> str:
        current = self.current
        return current.return_reason if current and current.state == State.RETURNED else ""


@dataclass
class Change:
    cell: Cell
    entry: CleanEntry
    record: bool  # False: the value is unchanged and is only submitted


def fields_of(indicator: Indicator) -> tuple[str, ...]:
    return ("numerator", "denominator") if indicator.is_ratio else ("value",)


def input_name(indicator: Indicator, key: str, name: str) -> str:
    return f"{PREFIX}{indicator.pk}:{key}:{name}"


class EntrySheet:
    """The cells of one round for one partner and geography unit, with what was posted and
    every problem found, per cell and field. `changes()` checks everything first: nothing is
    written unless every posted cell is right. `indicators` are those the partner's task
    asks for. A cell whose current value another organisation (or the backbone) reports is
    left out for anyone but the backbone: its value, state and return reason are not theirs
    to see (`left_out` counts them)."""

    def __init__(
        self,
        *,
        round: ReportingRound,
        partner: Organisation,
        indicators: list[Indicator],
        current: dict[tuple[int, str], Observation],
        backbone: bool,
        data=None,
    ):
        self.round = round
        self.partner = partner
        self.data = data
        self.errors: list[str] = []
        try:
            self.period_type: PeriodType | None = parse_period(round.period).type
        except PeriodError:
            self.period_type = None
        self.groups: list[tuple[Indicator, str, list[Cell]]] = []
        self.cells: dict[tuple[int, str], Cell] = {}
        self.others: set[tuple[int, str]] = set()  # cells another organisation reports
        for indicator in indicators:
            try:
                keys = all_keys(schema_from_json(indicator.dimensions))
            except ValueError:
                keys = [""]
            cells = []
            for index, key in enumerate(keys):
                observation = current.get((indicator.pk, key))
                if (
                    not backbone
                    and observation is not None
                    and observation.partner_id != partner.pk
                ):
                    self.others.add((indicator.pk, key))
                    continue
                cell = Cell(
                    indicator=indicator,
                    key=key,
                    index=index,
                    current=observation,
                    reason=self._reason(indicator, observation, backbone=backbone),
                )
                for name in fields_of(indicator):
                    stored = plain_number(getattr(observation, name)) if observation else ""
                    posted = self._posted(indicator, key, name)
                    cell.inputs.append(
                        Input(
                            part=name,
                            label=str(FIELD_LABELS[name]),
                            name=input_name(indicator, key, name),
                            id=f"{cell.dom_id}-{name}",
                            value=stored if posted is None or not cell.editable else posted,
                        )
                    )
                cells.append(cell)
                self.cells[(indicator.pk, key)] = cell
            if cells:
                self.groups.append((indicator, indicator_label(indicator), cells))
        self.indicators = {indicator.pk: indicator for indicator in indicators}

    @property
    def left_out(self) -> int:
        return len(self.others)

    def _reason(
        self, indicator: Indicator, observation: Observation | None, *, backbone: bool
    ) -> str | None:
        if self.period_type is not None and indicator.period_type != self.period_type:
            return _("This indicator is reported by %(type)s, not for %(period)s.") % {
                "type": str(PERIOD_TYPE_LABELS[PeriodType(indicator.period_type)]).lower(),
                "period": self.round.period,
            }
        if observation is not None and observation.partner_id != self.partner.pk:
            return _("Another partner or the backbone reports this value; it is not entered here.")
        return services.why_not_editable(observation, round=self.round, backbone=backbone)

    def _posted(self, indicator: Indicator, key: str, name: str) -> str | None:
        if self.data is None:
            return None
        value = self.data.get(input_name(indicator, key, name))
        return None if value is None else str(value).strip()[:60]

    def _posted_cells(self) -> dict[tuple[int, str], dict[str, str]]:
        """Every cell the form sent, including any the sheet does not show (a key typed into
        the page by hand is checked like any other)."""
        found: dict[tuple[int, str], dict[str, str]] = {}
        for name, value in (self.data or {}).items():
            if not name.startswith(PREFIX):
                continue
            indicator_id, _sep, rest = name[len(PREFIX) :].partition(":")
            key, _sep, part = rest.rpartition(":")
            if not indicator_id.isdigit() or part not in FIELD_LABELS:
                continue
            found.setdefault((int(indicator_id), key), {})[part] = str(value).strip()[:60]
        return found

    def changes(self, *, submit: bool) -> list[Change] | None:
        """What to write, once every posted cell checks; None (and the problems on the cells
        and the sheet) otherwise."""
        result: list[Change] = []
        for (indicator_id, key), raw in self._posted_cells().items():
            indicator = self.indicators.get(indicator_id)
            if indicator is None:
                self.errors.append(
                    _("A value was sent for an indicator this task does not ask you for.")
                )
                continue
            if (indicator_id, key) in self.others:
                self.errors.append(_("A value was sent for a cell another organisation reports."))
                continue
            cell = self.cells.get((indicator_id, key))
            if cell is not None and not cell.editable:
                continue  # disabled fields are not sent; a stale page's are ignored
            if not any(raw.values()):
                continue  # empty: nothing entered (a stored value stays as it is)
            try:
                entry = entry_check(
                    indicator,
                    period=self.round.period,
                    key=key,
                    value=raw.get("value"),
                    numerator=raw.get("numerator"),
                    denominator=raw.get("denominator"),
                )
            except ValidationError as error:
                self._attach(indicator, key, cell, error)
                continue
            if (indicator_id, entry.key) in self.others:
                self.errors.append(_("A value was sent for a cell another organisation reports."))
                continue
            cell = self.cells.get((indicator_id, entry.key))  # the key as stored
            if cell is not None and not cell.editable:
                continue
            if cell is None:
                result.append(Change(self._extra_cell(indicator, key), entry, record=True))
                continue
            current = cell.current
            if current is not None and all(
                getattr(entry, name) == getattr(current, name) for name in fields_of(indicator)
            ):
                if submit and current.state in (State.DRAFT, State.RETURNED):
                    result.append(Change(cell, entry, record=False))
                continue
            result.append(Change(cell, entry, record=True))
        if self.errors or any(cell.has_errors for cell in self.cells.values()):
            return None
        return result

    def _extra_cell(self, indicator: Indicator, key: str) -> Cell:
        cell = Cell(indicator=indicator, key=key, index=len(self.cells), current=None, reason=None)
        self.cells[(indicator.pk, key)] = cell
        return cell

    def _attach(self, indicator: Indicator, key: str, cell: Cell | None, error) -> None:
        """Put a refusal where it belongs: on the field it names, else on the cell, else on
        the sheet (a cell the page did not show, such as an unknown disaggregation)."""
        messages = (
            error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
        )
        if cell is None:
            for text in (m for values in messages.values() for m in values):
                self.errors.append(f"{indicator_label(indicator)}, {key}: {text}")
            return
        inputs = {item.part: item for item in cell.inputs}
        for name, texts in messages.items():
            if name == "confirm":
                cell.warnings.extend(texts)
            elif name in inputs:
                inputs[name].errors.extend(texts)
            else:
                cell.errors.extend(texts)

    def refused(self, change: Change, error) -> None:
        """A service refused `change` (a rule, a warning to confirm, the cell's state)."""
        if isinstance(error, ValidationError):
            self._attach(change.cell.indicator, change.cell.key, change.cell, error)
        else:
            change.cell.errors.append(str(error) or _("You cannot change this value."))

    @property
    def any_editable(self) -> bool:
        return any(cell.editable for cell in self.cells.values())

    @property
    def has_warnings(self) -> bool:
        return any(cell.warnings for cell in self.cells.values())

    @property
    def problems(self) -> int:
        return len(self.errors) + sum(1 for c in self.cells.values() if c.has_errors)
