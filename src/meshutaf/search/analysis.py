"""Text analysis for search in Hebrew, Arabic and English, with no database access.

Both sides of a search go through the same folding: niqqud, cantillation and tashkeel are
dropped, Hebrew final letters and Arabic alef/yaa/taa-marbuta variants are folded, case is
ignored. Because Hebrew and Arabic attach prepositions and conjunctions to the word
("לארגון" = "to the organisation"), every word is indexed with its prefix-stripped forms and
every query word matches any of its own forms, so "לארגון", "בארגון" and "ארגון" find one
another. The database engines see only these plain tokens (see `search.py`).
"""

import functools
import html
import re
from collections.abc import Iterable
from dataclasses import dataclass

from meshutaf.core.name_keys import MIN_STEM, arabic_forms, hebrew_forms
from meshutaf.core.text import fold_text

_WORD = re.compile(r"[^\W_]+")
# A word as written: letters with their vowel marks, and a geresh or quote inside (צה"ל).
_MARK_CHARS = "\u0591-\u05c7\u0610-\u061a\u064b-\u065f\u0670\u0640"
_WRITTEN_WORD = re.compile(rf"([^\W_](?:[^\W_]|[{_MARK_CHARS}]|['\"\u05f3\u05f4](?=[^\W_]))*)")
_HEBREW = re.compile(r"[\u05d0-\u05ea]")
_ARABIC = re.compile(r"[\u0620-\u064a]")


fold = fold_text


def words(text: str) -> list[str]:
    """The folded words of `text`, in order."""
    return _WORD.findall(fold(text))


def forms(word: str) -> list[str]:
    """A folded word and the forms it may take without its attached prefixes."""
    if not word:
        return []
    if _HEBREW.match(word):
        return hebrew_forms(word)
    if _ARABIC.match(word):
        return arabic_forms(word, clitic_stem=MIN_STEM + 1)
    return [word]


def index_terms(*texts: str) -> str:
    """The space-separated tokens to index for some texts: each word and its other forms."""
    tokens: list[str] = []
    for text in texts:
        for word in words(text):
            tokens.extend(forms(word))
    return " ".join(tokens)


def query_groups(query: str, *, limit: int = 12) -> list[list[str]]:
    """The query as groups of alternatives: every group must match (AND), any form within a
    group will do (OR). Repeated words are dropped; at most `limit` groups are kept."""
    groups: list[list[str]] = []
    seen: set[str] = set()
    for word in words(query):
        if word in seen:
            continue
        seen.add(word)
        groups.append(forms(word))
        if len(groups) == limit:
            break
    return groups


@dataclass(frozen=True)
class Snippet:
    html: str
    matched: bool


@functools.lru_cache(maxsize=65536)
def _folded_word(piece: str) -> str:
    return "".join(_WORD.findall(fold(piece)))


def _matches(word: str, wanted: set[str]) -> bool:
    return any(form in wanted for form in forms(word))


def highlight(text: str, groups: Iterable[Iterable[str]], *, width: int = 28) -> Snippet:
    """An HTML-escaped excerpt of `text` around its densest run of matching words, the
    matches wrapped in <mark>. Works on the original text, so the reader sees what was
    written (with its niqqud and final letters), not the folded index."""
    wanted = {form for group in groups for form in group}
    text = " ".join((text or "").split())
    if not text:
        return Snippet("", False)
    pieces = _WRITTEN_WORD.split(text)  # odd indexes are words
    suffixes = tuple(wanted)  # every form of a word is one of its suffixes: a cheap first test
    known: dict[str, bool] = {}  # the same word recurs: fold and test it once
    hits = []
    for index in range(1, len(pieces), 2):
        piece = pieces[index]
        matched = known.get(piece)
        if matched is None:
            word = _folded_word(piece)
            matched = known[piece] = word.endswith(suffixes) and _matches(word, wanted)
        if matched:
            hits.append(index)
    word_indexes = list(range(1, len(pieces), 2))
    if hits:
        # The window of `width` words holding the most hits.
        best_start, best_count = hits[0], 0
        for hit in hits:
            count = sum(1 for other in hits if hit <= other < hit + 2 * width)
            if count > best_count:
                best_start, best_count = hit, count
        position = word_indexes.index(best_start)
        first = max(0, position - width // 4)
    else:
        first = 0
    last = min(len(word_indexes), first + width)
    start = word_indexes[first] if word_indexes and first > 0 else 0
    end = word_indexes[last - 1] + 1 if word_indexes and last < len(word_indexes) else len(pieces)
    hit_set = set(hits)
    out = []
    for index in range(start, end):
        piece = html.escape(pieces[index])
        out.append(f"<mark>{piece}</mark>" if index in hit_set else piece)
    excerpt = "".join(out).strip()
    if start > 1:
        excerpt = "… " + excerpt
    if end < len(pieces) - 1:
        excerpt += " …"
    return Snippet(excerpt, bool(hits))
