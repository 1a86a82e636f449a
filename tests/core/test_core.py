"""Core helpers: localized names, Hebrew dates, safe CSV, static files as `meshutaf serve`
ships them (manifest storage after collectstatic)."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from meshutaf.core.exports import csv_safe, csv_writer
from meshutaf.core.templatetags.meshutaf import dual_date, hebrew_date
from meshutaf.core.text import pick_localized


def test_hebrew_date():
    assert hebrew_date(datetime.date(2026, 9, 12)) == "א׳ תשרי תשפ״ז"
    assert hebrew_date(None) == ""


def test_dual_date_shows_hebrew_calendar_only_in_hebrew():
    day = datetime.date(2026, 9, 12)
    with translation.override("he"):
        assert "תשרי" in dual_date(day)
    with translation.override("en"):
        assert "תשרי" not in dual_date(day)
        assert 'datetime="2026-09-12"' in dual_date(day)


@given(st.dictionaries(st.sampled_from(["he", "ar", "en"]), st.text(max_size=5)))
def test_pick_localized_prefers_reader_then_falls_back(values):
    picked = pick_localized(values, "ar")
    non_blank = {code: value.strip() for code, value in values.items() if value.strip()}
    if not non_blank:
        assert picked == ""
    elif "ar" in non_blank:
        assert picked == non_blank["ar"]
    else:
        assert picked in non_blank.values()


@given(st.text())
def test_csv_cells_never_start_a_formula(text):
    assert not csv_safe(text).startswith(("=", "+", "-", "@"))


def test_csv_writer_keeps_ordinary_text():
    stream = io.StringIO()
    csv_writer(stream).writerow(["שלום", "-5", None])
    assert stream.getvalue().strip() == "שלום,'-5,"


@pytest.mark.django_db
def test_pages_render_with_collected_manifest_static(tmp_path, settings):
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    assert list(tmp_path.glob("css/meshutaf.*.css"))
    response = Client().get("/accounts/login/")
    assert response.status_code == 200
    assert "/static/css/meshutaf." in response.content.decode()
