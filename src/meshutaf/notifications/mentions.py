"""Who an `@` in free text names: `@username`, or `@` and a member's name as the directory
or the account spells it, matched with Hebrew/Arabic folding (points, final letters and
letter variants ignored) and case ignored. Pure: no database."""

from collections.abc import Iterable, Mapping

from meshutaf.core.text import normalize_name

# Enough text after an "@" for the longest name anyone types.
_WINDOW = 80


def _names_after_ats(text: str) -> list[str]:
    """The folded text after each "@" that starts a mention (not the "@" of an address)."""
    found = []
    for index, char in enumerate(text or ""):
        if char != "@":
            continue
        before = text[index - 1] if index else " "
        if before.isalnum():
            continue
        folded = normalize_name(text[index + 1 : index + 1 + _WINDOW])
        if folded:
            found.append(folded)
    return found


def mentioned(text: str, candidates: Mapping[int, Iterable[str]]) -> set[int]:
    """The ids of the candidates (id → their names and username) that `text` mentions. The
    longest name matching after an "@" wins; a name that two people share names nobody."""
    folded_names: list[tuple[str, int]] = []
    for user_id, names in candidates.items():
        for name in {normalize_name(name) for name in names if name}:
            if name:
                folded_names.append((name, user_id))
    result: set[int] = set()
    for after in _names_after_ats(text):
        best_length, best_ids = 0, set()
        for name, user_id in folded_names:
            # The name ends where a word ends: "@noa!" names noa, "@noam" does not.
            if after.startswith(name) and not after[len(name) : len(name) + 1].isalnum():
                if len(name) > best_length:
                    best_length, best_ids = len(name), {user_id}
                elif len(name) == best_length:
                    best_ids.add(user_id)
        if len(best_ids) == 1:
            result |= best_ids
    return result


def newly_mentioned(text: str, previous: str, candidates: Mapping[int, Iterable[str]]) -> set[int]:
    """Who `text` mentions that `previous` (the text before this edit) did not."""
    return mentioned(text, candidates) - mentioned(previous, candidates)
