"""Form helpers shared by every app."""

from django import forms
from django.core.exceptions import ValidationError
from django.forms.renderers import TemplatesSetting


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def apply_service_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Attach a service's ValidationError to the form: field errors to fields, the rest on top."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            target = field if field in form.fields else None
            for message in messages:
                form.add_error(target, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


def error_text(error: ValidationError) -> str:
    """A service's refusal as one sentence for a message or the command line."""
    return " ".join(error.messages)


class FormRenderer(TemplatesSetting):
    """Every form field renders through one accessible template (label, help, errors)."""

    field_template_name = "core/field.html"


MAX_ID = 2**63 - 1


def _is_valid_id(value) -> bool:
    text = str(value).strip()
    return text.isdigit() and 0 < int(text) <= MAX_ID


class IdChoiceField(forms.ModelChoiceField):
    """A model choice whose submitted id is checked before it reaches the database, where an
    out-of-range number would crash the query instead of failing validation."""

    def to_python(self, value):
        if value not in self.empty_values and not _is_valid_id(value):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class IdMultipleChoiceField(forms.ModelMultipleChoiceField):
    def _check_values(self, value):
        for item in value:
            if not _is_valid_id(item):
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": item},
                )
        return super()._check_values(value)  # type: ignore[misc]  # private, not in django-stubs


def form_submitted(request, form: forms.BaseForm, action):
    """Run the service `action(cleaned_data)` for a POST whose form is valid.

    Returns what the service returned, or None when there is nothing to do yet: not a POST,
    an invalid form, or a service that refused (its reasons are then on the form). Give an edit
    form a copy of the instance (`copy.copy`), since validation writes into it."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        return action(form.cleaned_data)
    except ValidationError as error:
        apply_service_errors(form, error)
        return None
