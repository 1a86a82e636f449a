"""Text normalisation for the Discourse Index: one canonical form before any feature is made.

Online Hebrew, Arabic and English text spells the same thing many ways: with or without points
and harakat, final or medial Hebrew letters, alef with or without hamza, "חחחחח" or "חח",
"!!!!!" or "!!", a different link or user name in every post. A classifier trained on a few
thousand labelled texts cannot learn each spelling separately, so `normalize` maps them to one:
`fold_text` (NFKC, marks dropped, letter variants folded, casefolded), then links, e-mail
addresses and @mentions become single tokens, every digit becomes "0" (the number itself
rarely matters, its presence and length do), runs of a repeated character other than a digit
are cut to two (elongation is informative, its length is not) and whitespace is collapsed.
Emoji and punctuation stay: they carry tone.

It runs on every scored text, so the regular expressions are compiled once and applied in
a fixed, small number of passes.
"""

import re

from meshutaf.core.text import fold_text

# Placeholders, not secrets (ruff's S105 reads "TOKEN" as a password).
URL_TOKEN = " ‹url› "  # noqa: S105
EMAIL_TOKEN = " ‹email› "  # noqa: S105
MENTION_TOKEN = "@user"  # noqa: S105

# E-mail before links (an address contains a dot-separated domain a link pattern would take)
# and before mentions (the "@" inside an address is not a mention).
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_URL = re.compile(r"(?:https?://|www\.)\S+|\b[\w-]+(?:\.[\w-]+)*\.(?:com|org|net|il|io|ly)/\S*")
_MENTION = re.compile(r"(?<![\w@])@\w+")
# Every Unicode decimal digit (Arabic-Indic and others are NFKC-folded only in part).
_DIGIT = re.compile(r"\d")
# A character followed by two or more copies of itself: keep two. Not digits: after they all
# become "0" the length of a number is what is left of it.
_REPEAT = re.compile(r"(\D)\1{2,}")
_SPACE = re.compile(r"\s+")


def normalize(text: str) -> str:
    """The canonical form of `text` that the learner sees; see the module docstring."""
    text = fold_text(text)
    if "@" in text:
        text = _EMAIL.sub(EMAIL_TOKEN, text)
        text = _MENTION.sub(MENTION_TOKEN, text)
    if "." in text or "://" in text:
        text = _URL.sub(URL_TOKEN, text)
    text = _DIGIT.sub("0", text)
    text = _REPEAT.sub(r"\1\1", text)
    return _SPACE.sub(" ", text).strip()
