"""The report's date range, read from the query string (?from=YYYY-MM-DD&to=YYYY-MM-DD)."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import pgettext_lazy

from meshutaf.core.forms import DateInput

from .selectors import report_range_validate


class ReportRangeForm(forms.Form):
    # "from" is a Python keyword, so the fields are added by name rather than declared.
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["from"] = forms.DateField(
            label=pgettext_lazy("date range", "From"), widget=DateInput()
        )
        self.fields["to"] = forms.DateField(
            label=pgettext_lazy("date range", "To"), widget=DateInput()
        )

    def clean(self):
        data = super().clean()
        if data.get("from") and data.get("to"):
            try:
                report_range_validate(date_from=data["from"], date_to=data["to"])
            except ValidationError as error:
                self.add_error("to", error)
        return data
