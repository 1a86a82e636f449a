"""Fixtures for the Discourse Index: a corpus imported from synthetic posts whose true
labels are known, and the same corpus sampled and coded; and helpers for its pages' tests."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from meshutaf.demo.corpus import posts_as_rows, synthetic_posts
from meshutaf.discourse import importing, services
from meshutaf.discourse.models import Assignment, ModelStatus, RunStatus, SampleKind


def import_posts(corpus, posts, *, by=None):
    headers, rows = posts_as_rows(posts)
    prepared = importing.prepare_rows(
        headers, rows, importing.guess_mapping(headers), salt=corpus.salt
    )
    return services.items_import(corpus=corpus, rows=prepared, by=by, filename="posts.csv")


def code_assignments(assignments, truth):
    for assignment in assignments:
        services.annotation_save(assignment=assignment, values=truth[assignment.item.external_id])


@pytest.fixture
def posts():
    return synthetic_posts(240, seed=5, months=3)


@pytest.fixture
def corpus(initiative, owner, posts):
    corpus = services.corpus_create(
        name="Test corpus", initiative=initiative, by=owner, communities=["כללי", "ערבי"]
    )
    import_posts(corpus, posts, by=owner)
    return corpus


@pytest.fixture
def coded_corpus(corpus, owner, member, posts):
    """A random sample of 160 items, coded by the owner with the true labels; 20 of them
    coded by the member too."""
    sample = services.sample_create(
        corpus=corpus, name="Audit", kind=SampleKind.RANDOM, size=160, by=owner, seed=1
    )
    services.assignments_create(sample=sample, annotators=[owner], seed=1)
    truth = {f"p{number}": post.labels for number, post in enumerate(posts)}
    code_assignments(Assignment.objects.filter(sample=sample).select_related("item__corpus"), truth)
    return corpus


# --- Pages ---------------------------------------------------------------------------------


def url(name, *args):
    return reverse(f"discourse:{name}", args=args)


def csv_upload(posts, name="posts.csv", *, extra_rows=()):
    headers, rows = posts_as_rows(posts)
    stream = io.StringIO()
    writer = csv.writer(stream)
    writer.writerow(headers)
    writer.writerows(rows)
    writer.writerows(extra_rows)
    return SimpleUploadedFile(name, stream.getvalue().encode(), content_type="text/csv")


def train_and_score(client, corpus, capture):
    with capture(execute=True):
        response = client.post(url("model_train", corpus.pk))
    assert response.status_code == 302
    model = corpus.model_versions.get()
    assert model.status == ModelStatus.READY, model.error
    with capture(execute=True):
        response = client.post(url("model_score", model.pk))
    assert response.status_code == 302
    run = corpus.scoring_runs.get()
    assert run.status == RunStatus.DONE, run.error
    return model


def assign(corpus, users, *, size=12, reliability=0, seed=2):
    sample = services.sample_create(
        corpus=corpus, name="S", kind=SampleKind.RANDOM, size=size, seed=seed
    )
    services.assignments_create(
        sample=sample,
        annotators=users,
        reliability_items=reliability,
        coders_per_item=len(users) if reliability else 3,
        seed=seed,
    )
    return sample


def count_queries(client, page) -> int:
    client.get(page)  # warm the caches (session, content types)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(page).status_code == 200
    return len(queries)
