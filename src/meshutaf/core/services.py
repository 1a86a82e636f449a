"""Shared write helpers: validate, attribute the change for the audit trail, save."""

from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from django.db import models

M = TypeVar("M", bound=models.Model)


def model_save(instance: M, *, by: Any = None) -> M:
    """Validate (fields and constraints) and save; the audit trail records `by`."""
    instance._history_user = by  # read by django-simple-history
    instance.full_clean()
    instance.save()
    return instance


def model_update(
    *, instance: M, fields: Iterable[str], data: Mapping[str, Any], by: Any = None
) -> tuple[M, bool]:
    """Set the allowed `fields` present in `data`; save only when something changed.

    Returns the instance and whether it changed.
    """
    changed = False
    for name in fields:
        if name in data and data[name] is None and not instance._meta.get_field(name).null:
            # Validation skips empty values of blank=True fields, so None would reach the
            # database's NOT NULL and fail there.
            from django.core.exceptions import ValidationError
            from django.utils.translation import gettext as _

            raise ValidationError({name: _("This field cannot be empty (null).")})
        if name in data and getattr(instance, name) != data[name]:
            setattr(instance, name, data[name])
            changed = True
    if changed:
        model_save(instance, by=by)
    return instance, changed
