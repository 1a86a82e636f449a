"""Fixtures for the Discourse Index's pages: files go to a temporary data directory."""

import pytest

from meshutaf.discourse import services


@pytest.fixture(autouse=True)
def _data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path


@pytest.fixture
def empty_corpus(initiative, owner):
    return services.corpus_create(name="Empty", initiative=initiative, by=owner)
