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

    Many-to-many fields are set after the save. Returns the instance and whether it changed.
    """
    changed = False
    many_to_many: dict[str, Any] = {}
    m2m_names = {field.name for field in instance._meta.many_to_many}
    for name in fields:
        if name not in data:
            continue
        if name in m2m_names:
            many_to_many[name] = data[name]
            continue
        if getattr(instance, name) != data[name]:
            setattr(instance, name, data[name])
            changed = True
    if changed:
        model_save(instance, by=by)
    for name, values in many_to_many.items():
        related = getattr(instance, name)
        before = set(related.values_list("pk", flat=True))
        after = {getattr(value, "pk", value) for value in values}
        if before != after:
            instance._history_user = by
            related.set(values)
            changed = True
    return instance, changed
