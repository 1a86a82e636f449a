"""Corpus pages: the list, creating, editing and deleting a corpus and its communities, an
annotator's view of it, browsing items, and query counts that stay flat as data grows."""

import pytest

from meshutaf.demo.corpus import synthetic_posts
from meshutaf.discourse import codebook, services
from meshutaf.discourse.models import Assignment, Corpus

from ...conftest import client_for
from ..conftest import assign, code_assignments, count_queries, import_posts, train_and_score, url

pytestmark = pytest.mark.django_db


def test_list_and_create(initiative, corpus, owner, member, outsider):
    listing = client_for(member).get(url("list", initiative.pk))
    assert listing.status_code == 200
    assert "Test corpus" in listing.content.decode()
    assert b"New corpus" not in listing.content
    assert b"New corpus" in client_for(owner).get(url("list", initiative.pk)).content
    assert client_for(outsider).get(url("list", initiative.pk)).status_code == 404
    assert client_for(member).get(url("create", initiative.pk)).status_code == 403
    response = client_for(owner).post(
        url("create", initiative.pk),
        {"name": "Talkbacks", "is_synthetic": "on", "communities": "כללי\n\nערבי\n"},
    )
    made = Corpus.objects.get(name="Talkbacks")
    assert response.status_code == 302
    assert response["Location"] == url("detail", made.pk)
    assert made.is_synthetic
    assert made.initiative == initiative
    assert list(made.communities.values_list("name", flat=True)) == ["כללי", "ערבי"]
    assert made.dimensions.count() == len(codebook.DEFAULTS)
    again = client_for(owner).post(url("create", initiative.pk), {"name": "talkbacks"})
    assert again.status_code == 400
    assert b"already exists" in again.content
    assert Corpus.objects.filter(name__iexact="talkbacks").count() == 1
    detail = client_for(owner).get(url("detail", made.pk)).content.decode()
    assert "synthetic-banner" in detail


def test_edit_communities_and_delete(corpus, owner, member):
    client = client_for(owner)
    response = client.post(
        url("edit", corpus.pk),
        {"name": "Renamed", "description": "x", "min_cell_items": "12"},
    )
    assert response.status_code == 302
    corpus.refresh_from_db()
    assert (corpus.name, corpus.min_cell_items, corpus.is_synthetic) == ("Renamed", 12, False)
    bad = client.post(url("edit", corpus.pk), {"name": "", "min_cell_items": "0"})
    assert bad.status_code == 400
    corpus.refresh_from_db()
    assert corpus.name == "Renamed"

    client.post(url("community_add", corpus.pk), {"name": "  חרדי  "})
    assert corpus.communities.filter(name="חרדי").exists()
    community = corpus.communities.get(name="כללי")
    clash = client.post(url("community_rename", corpus.pk, community.pk), {"name": "ערבי"})
    assert clash.status_code == 400
    assert b"already has a community" in clash.content
    client.post(url("community_rename", corpus.pk, community.pk), {"name": "כללי-חדש"})
    community.refresh_from_db()
    assert community.name == "כללי-חדש"
    assert community.items.exists()  # renaming keeps the items

    confirm = client.get(url("delete", corpus.pk))
    assert b"cannot be undone" in confirm.content
    assert client_for(member).post(url("delete", corpus.pk)).status_code == 403
    response = client.post(url("delete", corpus.pk))
    assert response.status_code == 302
    assert not Corpus.objects.filter(pk=corpus.pk).exists()


def test_annotator_sees_their_count_on_the_corpus(corpus, member):
    assign(corpus, [member], size=4)
    page = client_for(member).get(url("detail", corpus.pk)).content.decode()
    assert "You have 4 items to code." in page
    assert "Import history" not in page  # facilitators only
    listing = client_for(member).get(url("list", corpus.initiative_id)).content.decode()
    assert "4 items" in listing


def test_items_filter_and_language_override(corpus, owner):
    client = client_for(owner)
    page = client.get(url("items", corpus.pk), {"language": "ar"}).content.decode()
    arabic = corpus.items.filter(language="ar")
    assert f"{arabic.count()} items" in page
    item = arabic.first()
    query = url("items", corpus.pk) + "?language=ar"
    response = client.post(url("item_language", item.pk), {"language": "he", "next": query})
    assert response["Location"] == query
    item.refresh_from_db()
    assert item.language == "he"
    assert item.detected_language == "ar"
    page = client.get(url("items", corpus.pk), {"q": item.text[:15]}).content.decode()
    assert "detected: Arabic" in page
    bad = client.post(url("item_language", item.pk), {"language": "xx"})
    assert bad.status_code == 400
    item.refresh_from_db()
    assert item.language == "he"
    evil = client.post(
        url("item_language", item.pk), {"language": "en", "next": "https://evil.example/"}
    )
    assert evil["Location"] == url("items", corpus.pk)


def test_queries_stay_flat(
    corpus, initiative, owner, member, participant, posts, django_assert_max_num_queries,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    client = client_for(owner)
    sample = assign(corpus, [owner], size=160, seed=1)
    truth = {f"p{n}": post.labels for n, post in enumerate(posts)}
    code_assignments(Assignment.objects.filter(sample=sample).select_related("item__corpus"), truth)
    train_and_score(client, corpus, django_capture_on_commit_callbacks)
    pages = [url("list", initiative.pk), url("detail", corpus.pk), url("items", corpus.pk),
             url("dashboard", corpus.pk), url("models", corpus.pk)]  # fmt: skip
    before = {page: count_queries(client, page) for page in pages}
    # More corpora, items, samples, annotators, imports and scores.
    for n in range(4):
        extra = services.corpus_create(name=f"More {n}", initiative=initiative, by=owner)
        import_posts(extra, synthetic_posts(5, seed=n), by=owner)
    import_posts(corpus, synthetic_posts(150, seed=9), by=owner)
    assign(corpus, [member, participant], size=30, seed=3)
    assign(corpus, [member], size=10, seed=4)
    services.scoring_request(corpus=corpus, enqueue=False)
    services.scoring_run_execute(run_id=corpus.scoring_runs.first().pk)
    for page in pages:
        with django_assert_max_num_queries(before[page]):
            assert client.get(page).status_code == 200, page
