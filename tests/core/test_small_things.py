"""Small words and signs every page shares: shortened labels, arrows between states, time zones
beside times and in pickers."""

import re
import zoneinfo

import pytest
from django.template import Context, Template
from django.utils import timezone, translation
from django.utils.text import Truncator

from meshutaf.core import time_zones

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


@pytest.mark.parametrize(
    ("language", "london", "utc"),
    [
        ("he", "שעון בריטניה", "זמן אוניברסלי מתואם"),
        ("ar", "توقيت المملكة المتحدة", "التوقيت العالمي المنسق"),
        ("en", "United Kingdom Time", "Coordinated Universal Time"),
    ],
)
def test_time_zones_are_named_in_the_readers_language(language, london, utc):
    with translation.override(language):
        assert time_zones.time_zone_name("Europe/London") == london
        assert time_zones.time_zone_name("UTC") == utc
        rendered = Template("{% load meshutaf %}{{ zone|time_zone_name }}").render(
            Context({"zone": "Europe/London"})
        )
    assert rendered == london


@pytest.mark.parametrize("language", ["he", "ar", "en"])
def test_picker_offers_iana_ids_under_localised_names(language, settings):
    settings.TIME_ZONE = "Asia/Jerusalem"
    with translation.override(language):
        (_common, common), (_all, everything) = time_zones.time_zone_choices()
        expected_site = time_zones.time_zone_name("Asia/Jerusalem")
    assert common[0] == ("Asia/Jerusalem", expected_site)
    assert {value for value, _label in common} >= set(time_zones.COMMON_TIME_ZONES)
    values = [value for value, _label in [*common, *everything]]
    assert len(values) == len(set(values)) > 400
    for value, label in [*common, *everything]:
        zoneinfo.ZoneInfo(value)  # stored as an IANA id
        assert label != value
        assert "_" not in label, (value, label)
    labels = [label for _value, label in everything]
    assert labels == sorted(labels)


def test_picker_keeps_an_unlisted_current_zone_on_offer():
    (_label, common), _rest = time_zones.time_zone_choices(include="Asia/Tel_Aviv")
    assert "Asia/Tel_Aviv" in dict(common)


def test_zone_is_noted_only_when_it_is_not_the_readers(settings):
    settings.TIME_ZONE = "Asia/Jerusalem"
    note = Template("{% load meshutaf %}[{% time_zone_note zone %}]")
    with translation.override("en"):
        assert note.render(Context({"zone": "Asia/Jerusalem"})) == "[]"
        assert note.render(Context({"zone": "Asia/Tel_Aviv"})) == "[]"  # an alias, same zone
        assert note.render(Context({"zone": "Europe/London"})) == "[United Kingdom Time]"
        with timezone.override("Europe/London"):
            assert note.render(Context({"zone": "Europe/London"})) == "[]"
            assert note.render(Context({"zone": "Asia/Jerusalem"})) == "[Israel Time]"
