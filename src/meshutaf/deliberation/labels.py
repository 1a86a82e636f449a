"""How opinion groups are named: a letter of the reader's alphabet (A, B, C in English; א, ב, ג
in Hebrew; أ, ب, ج in Arabic, in abjad order). Every page, chart and command uses this helper."""

from django.utils import translation

ALPHABETS = {
    "en": "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
    # Without final forms: these are the letters Hebrew uses for counting (א, ב, ג…).
    "he": "אבגדהוזחטיכלמנסעפצקרשת",
    # Abjad order (أبجد هوز…), the order Arabic uses when letters count or label items.
    "ar": "أبجدهوزحطيكلمنسعفصقرشتثخذضظغ",
}


def group_label(group_id: int, *, language: str | None = None) -> str:
    """The letter for group `group_id` (0-based) in `language` (default: the active one).
    Past the end of the alphabet (Pol.is makes at most five groups) groups are numbered."""
    code = (language or translation.get_language() or "en").split("-")[0].lower()
    letters = ALPHABETS.get(code, ALPHABETS["en"])
    if 0 <= group_id < len(letters):
        return letters[group_id]
    return str(group_id + 1)
