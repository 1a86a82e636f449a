"""The search form: its kinds are those the feature apps registered."""

from django import forms
from django.utils.translation import gettext_lazy as _

from . import registry


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), max_length=200, required=False)
    kind = forms.ChoiceField(label=_("Only"), choices=[], required=False)
    initiative = forms.IntegerField(required=False, min_value=1, max_value=2**62)
    offset = forms.IntegerField(required=False, min_value=0, max_value=10_000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("Everything")), *registry.kinds()]
