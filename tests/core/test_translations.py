"""The Hebrew and Arabic catalogues are complete and keep every placeholder."""

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

import meshutaf

LOCALE = Path(meshutaf.__file__).parent / "locale"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


@pytest.mark.parametrize("language", ["he", "ar"])
def test_catalogue_is_complete(language):
    with (LOCALE / language / "LC_MESSAGES" / "django.po").open("rb") as po_file:
        catalog = read_po(po_file, locale=language)
    problems = []
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(strings):
            problems.append(f"untranslated: {ids[0]!r}")
            continue
        expected = set(PLACEHOLDER.findall(ids[-1]))
        for string in strings:
            if set(PLACEHOLDER.findall(string)) - expected:
                problems.append(f"placeholder mismatch: {ids[0]!r} → {string!r}")
    assert not problems, "\n".join(problems)
