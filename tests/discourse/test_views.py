"""The Discourse Index's pages: who may see and do what, the import in two steps, the
annotation screen, adjudication, training and scoring, the dashboard and its CSV."""

import csv
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from meshutaf.demo_discourse import posts_as_rows, synthetic_posts
from meshutaf.discourse import codebook, services
from meshutaf.discourse.models import (
    Adjudication,
    Annotation,
    Assignment,
    Corpus,
    ImportRecord,
    Item,
    ModelStatus,
    RunStatus,
    Sample,
    SampleKind,
)

from ..conftest import client_for
from .conftest import code_assignments, import_posts

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path


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


# --- Who sees what -------------------------------------------------------------------------

VIEW_PAGES = ["detail", "codebook", "dashboard", "methodology", "models", "annotate"]
MANAGE_PAGES = ["edit", "delete", "import", "sample_create", "items", "agreement"]


@pytest.mark.parametrize("name", VIEW_PAGES)
def test_members_see_the_corpus_outsiders_do_not(
    corpus, owner, member, participant, outsider, name
):
    for user, status in ((owner, 200), (member, 200), (participant, 200), (outsider, 404)):
        assert client_for(user).get(url(name, corpus.pk)).status_code == status, user


@pytest.mark.parametrize("name", MANAGE_PAGES)
def test_only_facilitators_manage(corpus, owner, member, participant, outsider, name):
    for user, status in ((owner, 200), (member, 403), (participant, 403), (outsider, 404)):
        assert client_for(user).get(url(name, corpus.pk)).status_code == status, user


def test_children_go_through_their_corpus_gate(corpus, owner, member, outsider):
    sample = assign(corpus, [owner])
    dimension = corpus.dimensions.first()
    item = corpus.items.first()
    for page, pk in (
        ("sample_detail", sample.pk),
        ("dimension_edit", dimension.pk),
        ("adjudicate", item.pk),
    ):
        assert client_for(owner).get(url(page, pk)).status_code == 200, page
        assert client_for(member).get(url(page, pk)).status_code == 403, page
        assert client_for(outsider).get(url(page, pk)).status_code == 404, page
    assert client_for(owner).get(url("sample_detail", 99999)).status_code == 404
    for page in ("sample_delete", "item_language"):
        pk = sample.pk if page == "sample_delete" else item.pk
        assert client_for(member).post(url(page, pk)).status_code == 403
        assert client_for(outsider).post(url(page, pk)).status_code == 404
    assert Sample.objects.filter(pk=sample.pk).exists()
    assert client_for(None).get(url("detail", corpus.pk)).status_code == 302  # log in first


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


# --- Import --------------------------------------------------------------------------------


@pytest.fixture
def empty_corpus(initiative, owner):
    return services.corpus_create(name="Empty", initiative=initiative, by=owner)


def test_import_in_two_steps_and_again(empty_corpus, owner, settings):
    client = client_for(owner)
    posts = synthetic_posts(30, seed=3, months=2)
    response = client.post(url("import", empty_corpus.pk), {"file": csv_upload(posts)})
    assert response.status_code == 302
    assert response["Location"] == url("import_preview", empty_corpus.pk)
    uploads = list((settings.DATA_DIR / "discourse" / "uploads").iterdir())
    assert len(uploads) == 1
    # Only the token and the file's name go into the session, never the rows.
    state = client.session[f"discourse-import-{empty_corpus.pk}"]
    assert set(state) == {"token", "filename"}
    preview = client.get(url("import_preview", empty_corpus.pk))
    assert preview.status_code == 200
    page = preview.content.decode()
    assert 'value="text" selected' in page  # guessed mapping
    assert "חרדי" in page  # a community the import will create
    assert not Item.objects.filter(corpus=empty_corpus).exists()

    done = client.post(url("import_preview", empty_corpus.pk), {"action": "apply"}, follow=True)
    assert "Imported 30 new items; 0 were already in the corpus" in done.content.decode()
    assert empty_corpus.items.count() == 30
    assert empty_corpus.communities.filter(name="חרדי").exists()
    assert not list((settings.DATA_DIR / "discourse" / "uploads").iterdir())
    assert f"discourse-import-{empty_corpus.pk}" not in client.session

    client.post(url("import", empty_corpus.pk), {"file": csv_upload(posts)})
    again = client.get(url("import_preview", empty_corpus.pk)).content.decode()
    assert re.search(r"Already in the corpus</dt><dd>30<", again)
    done = client.post(url("import_preview", empty_corpus.pk), {"action": "apply"}, follow=True)
    assert "Imported 0 new items; 30 were already in the corpus" in done.content.decode()
    assert empty_corpus.items.count() == 30
    assert ImportRecord.objects.filter(corpus=empty_corpus).count() == 2


def test_import_refuses_a_bad_file(empty_corpus, owner):
    client = client_for(owner)
    for upload in (
        SimpleUploadedFile("x.csv", b"text\n"),
        SimpleUploadedFile("x.xlsx", b"PK\x03\x04 not really"),
        SimpleUploadedFile("x.jsonl", b'{"text": "ok"}\nnot json\n'),
    ):
        response = client.post(url("import", empty_corpus.pk), {"file": upload})
        assert response.status_code == 400, upload.name
        assert b"errorlist" in response.content
    assert client.post(url("import", empty_corpus.pk), {}).status_code == 400
    response = client.get(url("import_preview", empty_corpus.pk))
    assert response.status_code == 302  # nothing uploaded yet
    assert not empty_corpus.items.exists()


def test_import_with_bad_rows_writes_nothing_unless_told(empty_corpus, owner):
    client = client_for(owner)
    posts = synthetic_posts(10, seed=4, months=1)
    bad = [
        ["", "x", "", "2026-01-02", "", "", "b1"],
        ["hello", "x", "", "not a date", "", "", "b2"],
    ]
    client.post(url("import", empty_corpus.pk), {"file": csv_upload(posts, extra_rows=bad)})
    preview = client.get(url("import_preview", empty_corpus.pk)).content.decode()
    assert "The text is empty." in preview
    assert "is not a date" in preview
    assert re.search(r"<td>12</td><td>The text is empty", preview)  # the file's line number
    refused = client.post(url("import_preview", empty_corpus.pk), {"action": "apply"})
    assert refused.status_code == 400
    assert b"2 rows have problems; nothing was imported." in refused.content
    assert not empty_corpus.items.exists()
    done = client.post(
        url("import_preview", empty_corpus.pk), {"action": "apply", "skip_invalid": "1"}
    )
    assert done.status_code == 302
    assert empty_corpus.items.count() == 10


def test_import_remap_columns(empty_corpus, owner):
    client = client_for(owner)
    data = "body,when\nשלום לכולם,2026-02-01\nمرحبا,2026-02-02\n".encode()
    client.post(url("import", empty_corpus.pk), {"file": SimpleUploadedFile("a.csv", data)})
    preview = client.get(url("import_preview", empty_corpus.pk))
    assert preview.status_code == 200  # "body" is a known name for the text
    response = client.post(
        url("import_preview", empty_corpus.pk),
        {"action": "remap", "column_text": "", "column_published_at": "when"},
    )
    assert response.status_code == 302
    missing = client.get(url("import_preview", empty_corpus.pk))
    assert missing.status_code == 400
    assert b"Choose the column that holds the text" in missing.content
    client.post(
        url("import_preview", empty_corpus.pk),
        {"action": "remap", "column_text": "body", "column_published_at": "when"},
    )
    client.post(url("import_preview", empty_corpus.pk), {"action": "apply"})
    assert sorted(empty_corpus.items.values_list("language", flat=True)) == ["ar", "he"]
    assert empty_corpus.items.filter(published_at__isnull=False).count() == 2


# --- Codebook ------------------------------------------------------------------------------


def test_codebook_and_dimension_edit(corpus, owner, member):
    page = client_for(member).get(url("codebook", corpus.pk)).content.decode()
    assert "Insult" in page
    assert "<kbd>1</kbd>" in page
    assert "dimension_edit" not in page
    assert "/edit/" not in page
    assert (
        "/discourse/dimensions/"
        in client_for(owner).get(url("codebook", corpus.pk)).content.decode()
    )
    insult = corpus.dimensions.get(key="insult")
    prefix = f"d{insult.pk}"
    data = {
        f"{prefix}-label": "Name-calling",
        f"{prefix}-definition": "",
        f"{prefix}-examples": "",
        f"{prefix}-shortcut": "KeyZ",
        f"{prefix}-active": "on",
    }
    response = client_for(owner).post(url("dimension_edit", insult.pk), data)
    assert response.status_code == 302
    insult.refresh_from_db()
    assert (insult.label, insult.shortcut) == ("Name-calling", "KeyZ")
    taken = client_for(owner).post(
        url("dimension_edit", insult.pk), {**data, f"{prefix}-shortcut": "KeyQ"}
    )
    assert taken.status_code == 400
    assert b"Another dimension already uses this key" in taken.content
    insult.refresh_from_db()
    assert insult.shortcut == "KeyZ"
    assert client_for(member).post(url("dimension_edit", insult.pk), data).status_code == 403


# --- Samples and annotation ----------------------------------------------------------------


def test_sample_assign_and_annotate(corpus, owner, member, participant):
    client = client_for(owner)
    response = client.post(
        url("sample_create", corpus.pk),
        {"name": "Audit", "kind": "random", "size": "6", "period": "month", "seed": "3"},
    )
    sample = Sample.objects.get(name="Audit")
    assert response["Location"] == url("sample_detail", sample.pk)
    assert sample.entries.count() == 6
    page = client.get(url("sample_detail", sample.pk)).content.decode()
    assert "Amir" in page
    assert "Noa" in page
    response = client.post(
        url("sample_detail", sample.pk),
        {"annotators": [member.pk, participant.pk], "reliability_items": "2",
         "coders_per_item": "2"},
    )  # fmt: skip
    assert response.status_code == 302
    assert Assignment.objects.filter(sample=sample).count() == 8

    annotator = client_for(member)
    start = annotator.get(url("annotate", corpus.pk))
    assert start.status_code == 302
    first = Assignment.objects.filter(annotator=member).order_by("position").first()
    assert start["Location"] == url("annotate_item", corpus.pk, first.item_id)
    screen = annotator.get(start["Location"])
    html = screen.content.decode()
    assert screen.status_code == 200
    assert first.item.text[:20] in html
    assert 'data-shortcut="Digit1"' in html
    assert 'aria-keyshortcuts="1"' in html
    assert "discourse-annotate.js" in html
    assert 'name="target"' in html  # identity attack asks for the group

    # Bad answers: status 400 and nothing saved.
    bad = annotator.post(start["Location"], {"d_insult": "7", "action": "save"})
    assert bad.status_code == 400
    bad = annotator.post(start["Location"], {"d_insult": "1", "target": "Martians"})
    assert bad.status_code == 400
    assert not Annotation.objects.exists()

    saved = annotator.post(
        start["Location"],
        {"d_insult": "1", "d_identity_attack": "1", "target": "Arabs", "note": "sarcastic",
         "action": "save"},
    )  # fmt: skip
    assert saved.status_code == 302
    assert saved["Location"] == url("annotate", corpus.pk)
    annotation = Annotation.objects.get(annotator=member)
    assert annotation.values["insult"] == 1
    assert annotation.values["respect"] == 0
    assert (annotation.target, annotation.note) == ("Arabs", "sarcastic")
    following = annotator.get(url("annotate", corpus.pk))
    assert following["Location"] != start["Location"]
    # Coming back shows the answers given.
    again = annotator.get(start["Location"]).content.decode()
    assert re.search(r'name="d_insult" id="d-insult" value="1" checked', again)
    assert "You coded this item before" in again

    # Skip puts the item last.
    second = following["Location"]
    annotator.post(second, {"action": "skip"})
    assert annotator.get(url("annotate", corpus.pk))["Location"] != second

    # Someone else's item, or an item not assigned: 404.
    theirs = (
        Assignment.objects.filter(annotator=participant)
        .exclude(item__assignments__annotator=member)
        .first()
    )
    assert annotator.get(url("annotate_item", corpus.pk, theirs.item_id)).status_code == 404
    unassigned = corpus.items.exclude(assignments__isnull=False).first()
    assert client.get(url("annotate_item", corpus.pk, unassigned.pk)).status_code == 404
    assert annotator.post(url("annotate_item", corpus.pk, theirs.item_id), {}).status_code == 404
    assert Annotation.objects.count() == 1

    # All done.
    for assignment in Assignment.objects.filter(annotator=member, done_at__isnull=True):
        annotator.post(url("annotate_item", corpus.pk, assignment.item_id), {"action": "save"})
    done = annotator.get(url("annotate", corpus.pk))
    assert done.status_code == 200
    assert b"All done" in done.content

    detail = client.get(url("detail", corpus.pk)).content.decode()
    assert "Audit" in detail
    assert "Amir" in detail

    client.post(url("sample_delete", sample.pk))
    assert not Sample.objects.filter(pk=sample.pk).exists()
    # Coded items keep their annotations.
    assert Annotation.objects.filter(annotator=member).count() == 4


def test_annotator_sees_their_count_on_the_corpus(corpus, member):
    assign(corpus, [member], size=4)
    page = client_for(member).get(url("detail", corpus.pk)).content.decode()
    assert "You have 4 items to code." in page
    assert "Import history" not in page  # facilitators only
    listing = client_for(member).get(url("list", corpus.initiative_id)).content.decode()
    assert "4 items" in listing


# --- Agreement and adjudication ------------------------------------------------------------


def test_agreement_and_adjudication(corpus, owner, member, participant):
    sample = assign(corpus, [owner, member, participant], size=10, reliability=10)
    truth = {f"p{n}": post.labels for n, post in enumerate(synthetic_posts(240, seed=5, months=3))}
    assignments = list(Assignment.objects.filter(sample=sample).select_related("item__corpus"))
    code_assignments([a for a in assignments if a.annotator != participant], truth)
    # The participant always says "insult: yes", so they disagree wherever it is false.
    for assignment in assignments:
        if assignment.annotator == participant:
            services.annotation_save(
                assignment=assignment,
                values={**truth[assignment.item.external_id], "insult": 1},
            )
    page = client_for(owner).get(url("agreement", corpus.pk))
    html = page.content.decode()
    assert page.status_code == 200
    assert 'class="alpha-chart"' in html
    assert re.search(r"reliable|tentative|unreliable|not enough data", html)
    split_item = next(
        a.item
        for a in assignments
        if a.annotator == participant and not truth[a.item.external_id]["insult"]
    )
    assert url("adjudicate", split_item.pk) in html

    screen = client_for(owner).get(url("adjudicate", split_item.pk))
    assert screen.status_code == 200
    assert b'name="d_insult"' in screen.content
    bad = client_for(owner).post(url("adjudicate", split_item.pk), {"d_insult": "5"})
    assert bad.status_code == 400
    empty = client_for(owner).post(url("adjudicate", split_item.pk), {})
    assert empty.status_code == 400
    assert not Adjudication.objects.exists()
    done = client_for(owner).post(url("adjudicate", split_item.pk), {"d_insult": "0"})
    assert done.status_code == 302
    assert Adjudication.objects.get().value == 0
    assert (
        client_for(member).post(url("adjudicate", split_item.pk), {"d_insult": "1"}).status_code
        == 403
    )
    assert Adjudication.objects.get().value == 0


# --- Training, scoring and the index -------------------------------------------------------


def test_train_score_dashboard_and_csv(
    coded_corpus, owner, member, django_capture_on_commit_callbacks
):
    client = client_for(owner)
    empty = client_for(member).get(url("dashboard", coded_corpus.pk)).content.decode()
    assert "No index yet" in empty
    assert client_for(member).post(url("model_train", coded_corpus.pk)).status_code == 403
    model = train_and_score(client, coded_corpus, django_capture_on_commit_callbacks)

    models = client_for(member).get(url("models", coded_corpus.pk)).content.decode()
    assert "v1" in models
    assert "Train a new model" not in models
    report = client_for(member).get(url("model_detail", model.pk)).content.decode()
    assert "ROC AUC" in report
    assert "Insult" in report
    assert "Incivility" in report
    assert "Score the corpus with this model" not in report

    page = client_for(member).get(url("dashboard", coded_corpus.pk))
    html = page.content.decode()
    assert page.status_code == 200
    assert 'class="chart trend-chart"' in html
    assert 'role="img"' in html
    assert "Discourse Index (0–100)" in html
    assert "Model v1" in html
    for name in ("כללי", "ערבי"):
        assert name in html
    # The composite on 0–100 with its interval.
    assert re.search(r"<strong>\d+\.\d</strong> \[\d+\.\d – \d+\.\d\]", html)
    by_language = (
        client_for(member)
        .get(
            url("dashboard", coded_corpus.pk),
            {"target": "insult", "period": "quarter", "split": "language"},
        )
        .content.decode()
    )
    assert "Hebrew" in by_language
    assert "%" in by_language
    assert "2026-Q1" in by_language
    nonsense = client_for(member).get(
        url("dashboard", coded_corpus.pk), {"target": "nope", "period": "century", "split": "x"}
    )
    assert nonsense.status_code == 200

    export = client_for(member).get(url("index_csv", coded_corpus.pk), {"split": "none"})
    assert export["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    header = rows[0]
    assert header[:2] == ["month", "n"]
    for name in (
        "index_estimate",
        "incivility_ci_low",
        "insult_n_audit",
        "respect_mean_probability",
    ):
        assert name in header
    assert len(rows) == 4  # three months
    assert sum(int(row[1]) for row in rows[1:]) == coded_corpus.items.count()
    estimate = header.index("incivility_estimate")
    assert all(0 <= float(row[estimate]) <= 1 for row in rows[1:])
    split = list(
        csv.reader(
            io.StringIO(client.get(url("index_csv", coded_corpus.pk)).content.decode("utf-8-sig"))
        )
    )
    assert split[0][:3] == ["month", "community", "n"]

    methodology = client_for(member).get(url("methodology", coded_corpus.pk)).content.decode()
    assert "prediction-powered inference" in methodology
    assert "Insult" in methodology

    # Scoring again with the same model while one is running is refused; training again works.
    suggest = client.post(url("suggest", coded_corpus.pk), {"size": "5"})
    assert suggest.status_code == 302
    active = Sample.objects.get(kind=SampleKind.ACTIVE)
    assert active.entries.count() == 5
    assert client.post(url("suggest", coded_corpus.pk), {"size": "0"}).status_code == 400


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


# --- Items ---------------------------------------------------------------------------------


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


# --- Queries stay flat ---------------------------------------------------------------------


def count_queries(client, page) -> int:
    client.get(page)  # warm the caches (session, content types)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(page).status_code == 200
    return len(queries)


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


def test_upload_size_limit(empty_corpus, owner, monkeypatch):
    from meshutaf.discourse import forms

    monkeypatch.setattr(forms, "MAX_UPLOAD_BYTES", 10)
    upload = SimpleUploadedFile("big.csv", b"text\n" + b"x" * 20 + b"\n")
    response = client_for(owner).post(url("import", empty_corpus.pk), {"file": upload})
    assert response.status_code == 400
    assert b"larger than 50 MB" in response.content


def test_a_corpus_without_initiative_is_for_administrators(owner, outsider):
    from tests.factories import UserFactory

    admin = UserFactory(username="root", is_superuser=True, is_staff=True)
    lonely = services.corpus_create(name="Command line", by=admin)
    assert client_for(admin).get(url("detail", lonely.pk)).status_code == 200
    assert client_for(admin).get(url("edit", lonely.pk)).status_code == 200
    assert client_for(owner).get(url("detail", lonely.pk)).status_code == 404
    response = client_for(admin).post(url("delete", lonely.pk))
    assert response["Location"] == reverse("dashboard")
