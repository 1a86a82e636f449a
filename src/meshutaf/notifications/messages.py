"""A notification's words, written when it is read, in the reader's language: the stored
`kind` picks a sentence and the stored `params` fill it."""

import datetime

from django.utils import formats
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from .models import Kind


def _date(value) -> str:
    try:
        return formats.date_format(datetime.date.fromisoformat(str(value)), "DATE_FORMAT")
    except ValueError:
        return ""


def _sentence(kind: str, params: dict) -> str:
    if kind == Kind.INITIATIVE_ADDED:
        return _("%(actor)s added you to the initiative %(title)s")
    if kind == Kind.MEETING_INVITED:
        return _("You are invited to the meeting %(title)s on %(date)s")
    if kind == Kind.ACTION_ASSIGNED:
        return _("%(actor)s assigned you an action item: %(text)s")
    if kind == Kind.ACTION_DUE and params.get("overdue"):
        return _("Your action item was due on %(date)s: %(text)s")
    if kind == Kind.ACTION_DUE:
        return _("Your action item is due on %(date)s: %(text)s")
    if kind == Kind.VALUE_REPORTED:
        return _("%(partner)s reported values in the reporting round %(title)s")
    if kind == Kind.WORKSHOP_OPENED:
        return _("A workshop opened: %(title)s")
    if kind == Kind.DELIBERATION_OPENED:
        return _("A deliberation opened for votes: %(title)s")
    if kind == Kind.MENTION:
        return _("%(actor)s mentioned you in the minutes of %(title)s")
    return _("Something changed that concerns you.")


def _values(params: dict) -> dict[str, str]:
    values = {key: str(value) for key, value in params.items()}
    values.setdefault("actor", _("Someone"))
    values.setdefault("title", "")
    values.setdefault("text", "")
    values.setdefault("partner", "")
    values["date"] = _date(values.get("date", ""))
    return values


def render(kind: str, params: dict) -> str:
    """The sentence for one notification, as plain text (e-mail, the API); an unknown kind
    or a missing parameter gives a plain sentence rather than an error."""
    params = params or {}
    return _sentence(kind, params) % _values(params)


def render_html(kind: str, params: dict) -> SafeString:
    """The sentence for a page: what users wrote (names, titles) escaped and each in its own
    direction, so a Hebrew title inside an English sentence stays readable."""
    params = params or {}
    values = {key: format_html("<bdi>{}</bdi>", value) for key, value in _values(params).items()}
    # The translated sentence is escaped, then filled with escaped, isolated values.
    return mark_safe(conditional_escape(_sentence(kind, params)) % values)  # noqa: S308
