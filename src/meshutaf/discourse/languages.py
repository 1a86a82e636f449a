"""Which language a text is in.

Hebrew and Arabic have scripts of their own, so a text mostly in one of them is settled by
counting letters, which is exact and fast, and also right for the mixed texts (a Hebrew
post with an English word) that trip statistical detectors. Other texts go to
lingua-language-detector, limited to the languages met in Israeli online discourse; when it
cannot tell, the language is left empty ("unknown") rather than guessed.
"""

import unicodedata
from collections.abc import Sequence
from functools import cache

from django.utils.translation import gettext_lazy as _

NAMES = {
    "he": _("Hebrew"),
    "ar": _("Arabic"),
    "en": _("English"),
    "ru": _("Russian"),
    "am": _("Amharic"),
    "fr": _("French"),
    "es": _("Spanish"),
}
# What people write in a language column besides the codes.
_ALIASES = {
    "hebrew": "he",
    "עברית": "he",
    "العبرية": "he",
    "iw": "he",
    "heb": "he",
    "arabic": "ar",
    "ערבית": "ar",
    "العربية": "ar",
    "عربي": "ar",
    "ara": "ar",
    "english": "en",
    "אנגלית": "en",
    "الإنجليزية": "en",
    "eng": "en",
    "russian": "ru",
    "רוסית": "ru",
    "amharic": "am",
    "אמהרית": "am",
    "french": "fr",
    "spanish": "es",
}
SCRIPT_SHARE = 0.5


def language_code(value: str) -> str | None:
    """A language code from a code or a name in Hebrew, Arabic or English; None if unknown."""
    key = (value or "").strip().casefold()
    if key in NAMES:
        return key
    if key.split("-")[0].split("_")[0] in NAMES:
        return key.split("-")[0].split("_")[0]
    return _ALIASES.get(key)


def language_name(code: str) -> str:
    return str(NAMES.get(code, _("Unknown"))) if code else str(_("Unknown"))


@cache
def _detector():
    from lingua import Language, LanguageDetectorBuilder

    return LanguageDetectorBuilder.from_languages(
        Language.ENGLISH, Language.RUSSIAN, Language.FRENCH, Language.SPANISH
    ).build()


def _by_script(text: str) -> str | None:
    hebrew = arabic = letters = 0
    for char in text:
        if not char.isalpha():
            continue
        letters += 1
        if "\u0590" <= char <= "\u05ff" or "\ufb1d" <= char <= "\ufb4f":
            hebrew += 1
        elif (
            "\u0600" <= char <= "\u06ff"
            or "\u0750" <= char <= "\u077f"
            or ("\ufb50" <= char <= "\ufdff" or "\ufe70" <= char <= "\ufeff")
        ):
            arabic += 1
        elif "\u1200" <= char <= "\u137f":
            return "am"
    if not letters:
        return ""
    if hebrew / letters >= SCRIPT_SHARE:
        return "he"
    if arabic / letters >= SCRIPT_SHARE:
        return "ar"
    return None


def detect_languages(texts: Sequence[str]) -> list[str]:
    """A language code per text ("" when it cannot be told)."""
    codes: list[str | None] = [_by_script(unicodedata.normalize("NFKC", t)) for t in texts]
    rest = [i for i, code in enumerate(codes) if code is None]
    if rest:
        detector = _detector()
        found = detector.detect_languages_in_parallel_of([texts[i] for i in rest])
        for i, language in zip(rest, found, strict=True):
            codes[i] = language.iso_code_639_1.name.lower() if language is not None else ""
    return [code or "" for code in codes]
