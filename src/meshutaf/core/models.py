"""Abstract base models shared by every app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


def validate_date_range(instance, start: str = "start_date", end: str = "end_date") -> None:
    """Report an end before the start on the end field, where the user can see and fix it.
    (The database check constraint stays as the last line of defence.)"""
    from django.core.exceptions import ValidationError

    start_value, end_value = getattr(instance, start), getattr(instance, end)
    if start_value and end_value and end_value < start_value:
        raise ValidationError({end: _("The end date cannot be before the start date.")})
