"""Small text helpers for trilingual content (Hebrew, Arabic, English)."""

from collections.abc import Mapping

from django.utils.translation import get_language, get_language_bidi, pgettext_lazy

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


# Django's own Hebrew catalogue ends shortened text with U+202E (RIGHT-TO-LEFT OVERRIDE) before
# the ellipsis: an invisible character that reorders whatever follows it, carried by every label
# `truncatechars` or `Truncator` shortens. Our catalogue is read after Django's and wins, so naming
# Django's message here puts it in ours, where every language gives the plain "%(truncated_text)s…".
TRUNCATED_TEXT = pgettext_lazy("String to return when truncating text", "%(truncated_text)s…")


def forward_arrow() -> str:
    """The arrow from one state to the next ("neutral → supportive"): it points the way the
    interface language reads, ← in Hebrew and Arabic, → in English."""
    return "←" if get_language_bidi() else "→"


def normalize_email(email: str) -> str:
    return (email or "").strip().lower()


# Hebrew points and cantillation, Arabic harakat and the like: dropped before comparing.
_MARKS = dict.fromkeys(
    [*range(0x0591, 0x05C8), *range(0x0610, 0x061B), *range(0x064B, 0x0660), 0x0670, 0x0640],
    None,
)
_FOLD = str.maketrans(
    {
        "ך": "כ",
        "ם": "מ",
        "ן": "נ",
        "ף": "פ",
        "ץ": "צ",  # Hebrew final letters
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",  # alef with hamza or madda
        "ى": "ي",
        "ئ": "ي",
        "ؤ": "و",
        "ة": "ه",
        "״": "",
        "׳": "",
        '"': "",
        "'": "",
        "`": "",
    }
)
_PUNCTUATION = str.maketrans(dict.fromkeys("-–—_.,;:()[]{}/\\|&+", " "))


def fold_text(text: str) -> str:
    """Points and harakat removed, Hebrew final letters and Arabic letter variants folded,
    case ignored; spacing and punctuation kept."""
    import unicodedata

    return unicodedata.normalize("NFKC", text or "").translate(_MARKS).translate(_FOLD).casefold()


def normalize_name(text: str) -> str:
    """A key for comparing names across spellings: `fold_text`, punctuation ignored."""
    return " ".join(fold_text(text).translate(_PUNCTUATION).split())
