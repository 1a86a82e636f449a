"""Static files are collected once and again only when they change; source maps stay out."""

import pytest
from django.contrib.staticfiles.storage import staticfiles_storage  # noqa: F401

from meshutaf.core import staticfiles


@pytest.fixture
def sources(tmp_path, settings):
    source = tmp_path / "source"
    (source / "js").mkdir(parents=True)
    (source / "js" / "app.js").write_text(
        "console.log('hello');\n" * 200 + "//# sourceMappingURL=app.js.map\n"
    )
    (source / "js" / "app.js.map").write_text("{}")
    settings.STATICFILES_DIRS = [source]
    settings.STATIC_ROOT = tmp_path / "static"
    return source


def test_collected_once_then_only_when_something_changes(sources, settings):
    assert staticfiles.collect_static_if_changed() is True
    assert (settings.STATIC_ROOT / "js" / "app.js").exists()
    assert staticfiles.collect_static_if_changed() is False
    (sources / "js" / "new.js").write_text("1;")
    assert staticfiles.collect_static_if_changed() is True
    assert (settings.STATIC_ROOT / "js" / "new.js").exists()


def test_source_maps_are_left_out(sources, settings):
    staticfiles.collect_static_if_changed()
    assert not list(settings.STATIC_ROOT.rglob("*.map"))


def test_the_hashed_storage_does_not_stop_at_a_missing_source_map(sources, settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "meshutaf.core.staticfiles.StaticFilesStorage"},
    }
    assert staticfiles.collect_static_if_changed() is True
    assert (settings.STATIC_ROOT / "staticfiles.json").exists()
    assert list((settings.STATIC_ROOT / "js").glob("app.*.js.gz"))
