"""Shared write helpers: validate, attribute the change for the audit trail, save."""

from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

M = TypeVar("M", bound=models.Model)


def model_save(instance: M, *, by: Any = None, update_fields: Iterable[str] | None = None) -> M:
    """Validate (fields and constraints) and save; the audit trail records `by`.

    With `update_fields`, only those columns are written (and any auto-updated timestamp), so
    two people editing different fields of one row at once do not undo each other."""
    instance._history_user = by  # type: ignore[attr-defined]  # read by django-simple-history
    instance.full_clean()
    if update_fields is None:
        instance.save()
    else:
        auto = [
            field.name
            for field in instance._meta.concrete_fields
            if getattr(field, "auto_now", False)
        ]
        instance.save(update_fields=sorted({*update_fields, *auto}))
    return instance


def model_delete(instance: models.Model, *, by: Any = None) -> None:
    """Delete, with the audit trail recording who deleted it."""
    instance._history_user = by  # type: ignore[attr-defined]  # read by django-simple-history
    instance.delete()


def model_update(
    *, instance: M, fields: Iterable[str], data: Mapping[str, Any], by: Any = None
) -> tuple[M, bool]:
    """Set the allowed `fields` present in `data`; save only the fields that changed.

    What changed is judged against the instance as the editor loaded it. The row's other
    columns are then read again (the row locked where the database can), so validation and
    the audit trail see what is stored now, not the editor's older copy: two people editing
    different fields of one row at once keep both changes, and the history says so.

    Returns the instance and whether it changed.
    """
    changed: dict[str, Any] = {}
    for name in fields:
        if name in data and data[name] is None and not instance._meta.get_field(name).null:
            # Validation skips empty values of blank=True fields, so None would reach the
            # database's NOT NULL and fail there.
            raise ValidationError({name: _("This field cannot be empty (null).")})
        if name in data and getattr(instance, name) != data[name]:
            changed[name] = data[name]
    if not changed:
        return instance, False
    columns = _columns(instance, list(changed))
    with transaction.atomic():
        if instance.pk is not None:
            others = [
                field.name
                for field in instance._meta.concrete_fields
                if field.name not in columns and not field.primary_key
            ]
            locked = type(instance)._base_manager.select_for_update()
            instance.refresh_from_db(fields=others, from_queryset=locked)
        for name, value in changed.items():
            setattr(instance, name, value)
        model_save(instance, by=by, update_fields=columns)
    return instance, True


def _columns(instance: models.Model, names: list[str]) -> list[str]:
    """The names update_fields accepts: a foreign key set as `organisation` is saved as such."""
    concrete = {field.name for field in instance._meta.concrete_fields}
    return [name for name in names if name in concrete]
