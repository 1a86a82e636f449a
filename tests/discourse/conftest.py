"""Fixtures for the Discourse Index: a corpus imported from synthetic posts whose true
labels are known, and the same corpus sampled and coded."""

import pytest

from meshutaf.demo_discourse import posts_as_rows, synthetic_posts
from meshutaf.discourse import importing, services
from meshutaf.discourse.models import Assignment, SampleKind


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
