"""Small words and signs every page shares: shortened labels, arrows between states, time zones
beside times and in pickers."""

import re

import pytest
from django.template import Context, Template
from django.utils import translation
from django.utils.text import Truncator

# Bidi embeddings, overrides and isolates: invisible, and they reorder whatever follows them.
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")

LONG_NAME = "משרד החינוך, המינהל הפדגוגי"


@pytest.mark.parametrize("language", ["he", "ar", "en"])
def test_shortened_text_has_no_bidi_controls(language):
    with translation.override(language):
        shortened = Truncator(LONG_NAME).chars(18)
        rendered = Template("{{ name|truncatechars:18 }}").render(Context({"name": LONG_NAME}))
    for text in (shortened, rendered):
        assert text.endswith("…")
        assert len(text) == 18
        assert not BIDI_CONTROLS.search(text), ascii(text)
