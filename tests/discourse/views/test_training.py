"""Model pages: training refused without labels, and the progress fragments pages poll."""

import pytest

from meshutaf.discourse import services

from ...conftest import client_for
from ..conftest import url

pytestmark = pytest.mark.django_db


def test_train_refused_without_labels(corpus, owner):
    response = client_for(owner).post(url("model_train", corpus.pk))
    assert response.status_code == 400
    assert b"Not enough coded items to train" in response.content
    assert not corpus.model_versions.exists()


def test_progress_partials(coded_corpus, owner):
    model = services.model_train_request(corpus=coded_corpus, enqueue=False)
    client = client_for(owner)
    versions = client.get(
        url("models", coded_corpus.pk), {"part": "versions"}, HTTP_HX_REQUEST="true"
    )
    assert b'hx-trigger="every 2s"' in versions.content
    assert b"<progress" in versions.content
    assert b"<h1" not in versions.content
    services.model_train_run(model_id=model.pk)
    run = services.scoring_request(corpus=coded_corpus, enqueue=False)
    status = client.get(url("scoring_status", coded_corpus.pk), HTTP_HX_REQUEST="true")
    assert b'hx-trigger="every 2s"' in status.content
    services.scoring_run_execute(run_id=run.pk)
    status = client.get(url("scoring_status", coded_corpus.pk), HTTP_HX_REQUEST="true")
    assert b"hx-trigger" not in status.content
    assert b"items scored" in status.content
    versions = client.get(
        url("models", coded_corpus.pk), {"part": "versions"}, HTTP_HX_REQUEST="true"
    )
    assert b"hx-trigger" not in versions.content
