"""Small helpers the workshop pages share."""

from django.core.exceptions import ValidationError
from django.urls import reverse


def errors_text(error: ValidationError) -> str:
    return " ".join(error.messages)


def board_url(session, anchor: str = "") -> str:
    return reverse("workshops:board", args=[session.pk]) + anchor
