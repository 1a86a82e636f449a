"""Small text helpers for trilingual content (Hebrew, Arabic, English)."""

from collections.abc import Mapping

from django.utils.translation import get_language

# When a name is missing in the reader's language, fall back in this order: the reader's
# language first, then the product default (Hebrew), then English, then Arabic.
FALLBACK_ORDER = ("he", "en", "ar")


def pick_localized(values: Mapping[str, str], language: str | None = None) -> str:
    """Return the first non-blank value for `language`, falling back sensibly."""
    language = (language or get_language() or "he")[:2]
    for code in (language, *FALLBACK_ORDER):
        value = (values.get(code) or "").strip()
        if value:
            return value
    return ""


def normalize_email(email: str) -> str:
    return (email or "").strip().lower()
