"""Folded name keys for type-to-search pickers (people, organisations, groups), no database.

A key is every folded word of a name with a space on each side, so "contains ' ' + word"
matches the start of any word. Typed text may carry the letters Hebrew and Arabic attach to
the front of a word ("ודנה", "לדנה", "والخطيب"); `query_words` gives each typed word with its
prefix-stripped forms; the search app (`search.analysis`) strips documents' words with the
same `hebrew_forms` and `arabic_forms`."""

import re

from .text import normalize_name

# Letters that attach to the front of a Hebrew word: ו ה ב ל מ ש כ ("ולכשהגיע" has four).
HEBREW_PREFIXES = frozenset("והבלמשכ")
MAX_HEBREW_PREFIX = 3
# Arabic: the conjunctions و ف, the prepositions ب ك ل, and the article ال (ل + ال = لل).
ARABIC_CLITICS = frozenset("وفبكل")
MIN_STEM = 2
MIN_QUERY_LETTERS = 2
MAX_QUERY_LENGTH = 100

_WORD = re.compile(r"[^\W_]+")
_HEBREW = re.compile(r"[\u05d0-\u05ea]")
_ARABIC = re.compile(r"[\u0620-\u064a]")


def _words(text: str) -> list[str]:
    return _WORD.findall(normalize_name(text))


def _arabic_article_free(word: str) -> list[str]:
    """ "الخطيب" is also found as "خطيب": names carry the article, people often drop it."""
    if _ARABIC.match(word) and word.startswith("ال") and len(word) - 2 >= MIN_STEM:
        return [word, word[2:]]
    return [word]


def name_key(*names: str) -> str:
    """The stored key of a person's or an organisation's names, in any of the languages."""
    forms: list[str] = []
    for name in names:
        for word in _words(name):
            forms.extend(_arabic_article_free(word))
    unique = list(dict.fromkeys(forms))
    return f" {' '.join(unique)} " if unique else ""


def hebrew_forms(word: str) -> list[str]:
    """A folded Hebrew word and the words left when up to three prefix letters come off."""
    forms = [word]
    rest = word
    for _ in range(MAX_HEBREW_PREFIX):
        if rest[0] in HEBREW_PREFIXES and len(rest) - 1 >= MIN_STEM:
            rest = rest[1:]
            forms.append(rest)
        else:
            break
    return forms


def arabic_forms(word: str, *, clitic_stem: int = MIN_STEM) -> list[str]:
    """A folded Arabic word and the words left without a clitic or the article. A clitic
    comes off only when `clitic_stem` letters stay (search asks for one more than names do:
    in running text a short word starting with و is more often just a word)."""
    forms = [word]
    if word.startswith("لل") and len(word) - 2 >= MIN_STEM:
        forms.append(word[2:])  # لِلْ = لِ + الْ
    stems = [word]
    if word[0] in ARABIC_CLITICS and len(word) - 1 >= clitic_stem:
        stems.append(word[1:])
    for stem in stems:
        if stem.startswith("ال") and len(stem) - 2 >= MIN_STEM:
            forms.append(stem[2:])
        if stem is not word:
            forms.append(stem)
    return list(dict.fromkeys(forms))


def word_forms(word: str) -> list[str]:
    """A folded typed word and the forms it may take without its attached prefix letters."""
    if _HEBREW.match(word):
        return hebrew_forms(word)
    if _ARABIC.match(word):
        return arabic_forms(word)
    return [word]


def query_words(text: str) -> list[list[str]]:
    """The typed words, each with its possible forms; empty when fewer than two letters."""
    words = _words(text[:MAX_QUERY_LENGTH])
    if sum(len(word) for word in words) < MIN_QUERY_LETTERS:
        return []
    return [word_forms(word) for word in words[:5]]


def key_matches(key: str, words: list[list[str]]) -> bool:
    """Does a stored key match every typed word (in one of its forms) at a word start? For
    the few rows (groups of one initiative) filtered in Python rather than in the database."""
    return all(any(f" {form}" in key for form in forms) for forms in words)
