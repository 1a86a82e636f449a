"""The type-to-search picker: a native <select> that works without JavaScript, which
static/js/picker.js turns into an accessible combobox searching the server as one types.

The select keeps the field's name and values, so views and services see what they saw with a
plain list. Only the chosen options and the first FALLBACK_LIMIT choices are written into the
page: with JavaScript the rest are found by the search endpoint (`url`)."""

from itertools import islice

from django import forms
from django.forms.models import ModelChoiceIterator

FALLBACK_LIMIT = 200


class PickerSelect(forms.Select):
    """Choose one person, organisation or group by typing."""

    template_name = "widgets/picker.html"

    def __init__(self, *args, url: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.url = url

    def _written_choices(self, values: list[str]) -> tuple[list, bool]:
        """The choices to write into the page, and whether some were left out."""
        choices = self.choices
        chosen = {str(v) for v in values if v not in (None, "")}
        if isinstance(choices, ModelChoiceIterator):
            limit = FALLBACK_LIMIT + (0 if choices.field.empty_label is None else 1)
            written = list(islice(iter(choices), limit + 1))
            truncated = len(written) > limit
            written = written[:limit]
            present = {str(value) for value, _label in written}
            # Redisplaying a refused form: only values that can be ids are looked up.
            missing = [v for v in chosen - present if v.isdigit() and len(v) <= 18]
            if missing:
                written += [choices.choice(obj) for obj in choices.queryset.filter(pk__in=missing)]
            return written, truncated
        plain: list = list(choices)
        truncated = len(plain) > FALLBACK_LIMIT
        if truncated:
            plain = plain[:FALLBACK_LIMIT] + [
                c for c in plain[FALLBACK_LIMIT:] if str(c[0]) in chosen
            ]
        return plain, truncated

    def get_context(self, name, value, attrs):
        values = self.format_value(value)
        full = self.choices
        written, truncated = self._written_choices(values)
        self.choices = written
        try:
            context = super().get_context(name, value, attrs)
        finally:
            self.choices = full
        context["widget"]["picker"] = {
            "url": self.url,
            "multiple": self.allow_multiple_selected,
            "truncated": truncated,
            "limit": FALLBACK_LIMIT,
        }
        return context


class PickerSelectMultiple(PickerSelect, forms.SelectMultiple):
    """Choose several, shown as removable chips."""


def use_picker(field: forms.Field, *, url: str) -> None:
    """Give a choice field the picker widget searching `url`, keeping its choices."""
    multiple = isinstance(field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField)
    widget = (PickerSelectMultiple if multiple else PickerSelect)(url=url)
    widget.is_required = field.required
    widget.choices = field.choices  # type: ignore[attr-defined]  # a choice field's
    field.widget = widget
