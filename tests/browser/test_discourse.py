"""The Discourse Index in real Chromium, in Hebrew (RTL): a facilitator creates a corpus,
imports a CSV file, draws a sample, assigns it to herself, codes ten items with the keyboard
only, trains a model, scores the corpus and reads the index. Then the dashboard in English.
Axe runs on every page visited."""

import csv
import re

import pytest

from meshutaf.core.access import Role
from meshutaf.demo.corpus import posts_as_rows, synthetic_posts
from meshutaf.discourse.models import Annotation, Assignment, Corpus, ModelVersion
from tests.discourse.conftest import code_assignments
from tests.factories import InitiativeFactory, MembershipFactory, UserFactory

from .conftest import assert_accessible, screenshot
from .test_flows import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

KEYED_ITEMS = 10
SLOW = 120_000  # training and scoring run inside the request (the immediate task backend)


@pytest.fixture(autouse=True)
def _data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"
    settings.DATA_DIR.mkdir()


def _write_csv(path, posts) -> None:
    headers, rows = posts_as_rows(posts)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(headers)
        writer.writerows(rows)


def test_import_code_train_score_and_read_the_index(page_for, tmp_path):
    facilitator = UserFactory(username="dana", first_name="Dana", is_backbone=True)
    initiative = InitiativeFactory(name="דיבור אחר")
    MembershipFactory(initiative=initiative, user=facilitator, role=Role.FACILITATOR)
    posts = synthetic_posts(220, seed=5, months=3)
    truth = {f"p{number}": post.labels for number, post in enumerate(posts)}
    upload = tmp_path / "posts.csv"
    _write_csv(upload, posts)

    page = page_for("he-IL")
    log_in(page, "dana")
    base = page.base_url

    # A new corpus.
    page.goto(f"{base}/initiatives/{initiative.pk}/discourse/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert_accessible(page)
    page.locator(f'a[href="/initiatives/{initiative.pk}/discourse/new/"]').first.click()
    assert_accessible(page)
    page.locator("#id_name").fill("טוקבקים – אביב")
    page.locator("#id_is_synthetic").check()
    page.locator("form.form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/discourse/\d+/$"))
    corpus = Corpus.objects.get(name="טוקבקים – אביב")
    assert page.locator(".synthetic-banner").is_visible()
    assert_accessible(page)

    # Import in two steps.
    page.locator(f'a[href="/discourse/{corpus.pk}/import/"]').first.click()
    assert_accessible(page)
    page.locator("#id_file").set_input_files(str(upload))
    page.locator("form.form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/import/preview/$"))
    assert_accessible(page)
    screenshot(page, "discourse-import-he")
    page.locator('form:has(input[name=action][value=apply]) button[type="submit"]').click()
    page.wait_for_url(re.compile(rf"/discourse/{corpus.pk}/$"))
    assert corpus.items.count() == len(posts)
    assert page.locator(".alert--success").is_visible()

    # A random sample, assigned to herself.
    page.goto(f"{base}/discourse/{corpus.pk}/samples/new/")
    assert_accessible(page)
    page.locator("#id_name").fill("מדגם אקראי")
    page.locator('input[name=kind][value="random"]').check()
    page.locator("#id_size").fill("130")
    page.locator("form.form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/discourse/samples/\d+/$"))
    assert_accessible(page)
    # The annotators are the initiative's members, found by typing a name.
    annotators = page.get_by_role("combobox", name=re.compile("מקודדים|Annotators"))
    annotators.fill("Dana")
    page.locator("[role=option]", has_text="Dana").first.wait_for()
    annotators.press("ArrowDown")
    annotators.press("Enter")
    page.locator(".picker__chip", has_text="Dana").wait_for()
    page.locator("form.form button[type=submit]").click()
    page.wait_for_load_state()
    assert Assignment.objects.filter(annotator=facilitator).count() == 130

    # Ten items with the keyboard only: the shortcut keys, then Enter.
    page.goto(f"{base}/discourse/{corpus.pk}/annotate/")
    page.wait_for_url(re.compile(r"/annotate/\d+/$"))
    assert_accessible(page)
    screenshot(page, "discourse-annotate-he")
    shortcuts = dict(corpus.dimensions.values_list("key", "shortcut"))
    coded = []
    for number in range(KEYED_ITEMS):
        item_id = int(re.search(r"/annotate/(\d+)/$", page.url).group(1))
        labels = truth[corpus.items.get(pk=item_id).external_id]
        for key, value in labels.items():
            if value and shortcuts.get(key):
                page.keyboard.press(shortcuts[key])
        for key, value in labels.items():
            box = page.locator(f"#d-{key}")
            assert box.is_checked() == bool(value), (number, key)
        if number == 0:
            assert page.locator(".annotate__dim.is-pressed, .annotate__dim:has(input:checked)")
        page.keyboard.press("Enter")
        page.wait_for_url(lambda url, current=page.url: url != current)
        coded.append((item_id, labels))
    for item_id, labels in coded:
        saved = Annotation.objects.get(item_id=item_id, annotator=facilitator).values
        assert {key: saved[key] for key in labels} == labels

    # Ten labels are too few to train: the rest are coded through the services.
    code_assignments(
        Assignment.objects.filter(annotator=facilitator, done_at__isnull=True).select_related(
            "item__corpus"
        ),
        truth,
    )

    # Train, then score.
    page.goto(f"{base}/discourse/{corpus.pk}/models/")
    assert_accessible(page)
    page.locator(f'form[action="/discourse/{corpus.pk}/models/train/"] button').click()
    page.wait_for_selector(".badge--model-ready", timeout=SLOW)
    model = ModelVersion.objects.get(corpus=corpus)
    assert model.status == "ready", model.error
    assert_accessible(page)
    page.locator(f'a[href="/discourse/models/{model.pk}/"]').first.click()
    page.wait_for_url(re.compile(r"/discourse/models/\d+/$"))
    assert_accessible(page)
    page.locator(f'form[action="/discourse/models/{model.pk}/score/"] button').click()
    page.wait_for_url(re.compile(rf"/discourse/{corpus.pk}/#scoring$"), timeout=SLOW)
    page.wait_for_selector("#scoring:not([hx-trigger]) .badge--run-done", timeout=SLOW)
    assert_accessible(page)

    # The index.
    page.goto(f"{base}/discourse/{corpus.pk}/index/")
    page.wait_for_selector(".trend-chart")
    assert page.locator(".trend-chart title").first.text_content()
    assert page.locator(".index-table tbody tr").count() >= 3
    assert page.locator(".trend-legend li").count() >= 3
    assert_accessible(page)
    screenshot(page, "discourse-index-he")
    page.locator("#id_split").select_option("none")
    page.locator("#id_target").select_option("incivility")
    page.locator("form.filters button[type=submit]").click()
    page.wait_for_url(re.compile(r"split=none"))
    assert "%" in page.locator(".index-table").inner_text()
    assert_accessible(page)
    for path in ("codebook", "methodology"):
        page.goto(f"{base}/discourse/{corpus.pk}/{path}/")
        assert_accessible(page)

    # The same dashboard in English, left to right.
    english = page_for("en-US")
    log_in(english, "dana")
    english.goto(f"{base}/discourse/{corpus.pk}/index/")
    assert english.locator("html").get_attribute("dir") == "ltr"
    english.wait_for_selector(".trend-chart")
    assert "Discourse Index" in english.locator("h1").inner_text()
    assert_accessible(english)
    screenshot(english, "discourse-index-en")
