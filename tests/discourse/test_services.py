"""Corpora, import, samples, assignments, annotation and gold labels."""

import io
import json

import numpy as np
import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from meshutaf.discourse import codebook, importing, services
from meshutaf.discourse.models import (
    Adjudication,
    Annotation,
    Assignment,
    Corpus,
    Item,
    SampleKind,
)
from meshutaf.discourse.selectors.gold import audit_labels, gold_labels
from meshutaf.discourse.selectors.reliability import disagreements
from meshutaf.discourse.selectors.sampling import item_cells

from .conftest import import_posts

pytestmark = pytest.mark.django_db


def _prepare(corpus, text: str, mapping=None, filename="items.csv", labels=None):
    headers, rows = importing.read_table(text.encode(), filename)
    mapping = mapping or importing.guess_mapping(headers)
    return importing.prepare_rows(headers, rows, mapping, salt=corpus.salt, labels=labels)


class TestCorpus:
    def test_a_new_corpus_has_the_default_codebook(self, initiative, owner):
        corpus = services.corpus_create(name="Feeds", initiative=initiative, by=owner)
        keys = list(corpus.dimensions.values_list("key", flat=True))
        assert keys == [d.key for d in codebook.DEFAULTS]
        attack = corpus.dimensions.get(key="identity_attack")
        assert attack.asks_target
        assert "Arabs" in attack.targets
        shortcuts = list(corpus.dimensions.values_list("shortcut", flat=True))
        assert len(set(shortcuts)) == len(shortcuts)

    def test_names_are_unique_whatever_the_case(self, initiative, owner):
        services.corpus_create(name="Feeds", initiative=initiative, by=owner)
        with pytest.raises(ValidationError):
            services.corpus_create(name="feeds", initiative=initiative, by=owner)
        assert Corpus.objects.count() == 1

    def test_a_shortcut_cannot_be_taken_twice(self, corpus):
        insult = corpus.dimensions.get(key="insult")
        with pytest.raises(ValidationError):
            services.dimension_update(dimension=insult, data={"shortcut": "KeyQ"})
        with pytest.raises(ValidationError):
            services.dimension_update(dimension=insult, data={"shortcut": "F13"})
        insult.refresh_from_db()
        assert insult.shortcut == "Digit1"


class TestImport:
    CSV = (
        "body,network,community,date,author,lang\n"
        "שלום לכולם מה שלומכם,facebook,כללי,31/03/2026,u1,\n"
        "مرحبا بالجميع كيف حالكم,x,ערבי,2026-04-02T10:00:00+03:00,u2,\n"
        "Hello everyone and welcome,telegram,,1767225600,u1,\n"
    )

    def test_columns_are_guessed_and_values_read(self, initiative, owner):
        corpus = services.corpus_create(name="C", initiative=initiative, by=owner)
        prepared = _prepare(corpus, self.CSV)
        assert not any(row.errors for row in prepared)
        services.items_import(corpus=corpus, rows=prepared, by=owner, filename="a.csv")
        items = list(Item.objects.filter(corpus=corpus).order_by("pk"))
        assert [item.language for item in items] == ["he", "ar", "en"]
        assert timezone.localdate(items[0].published_at).isoformat() == "2026-03-31"
        assert items[0].platform == "facebook"
        assert items[1].community.name == "ערבי"
        assert set(corpus.communities.values_list("name", flat=True)) == {"כללי", "ערבי"}
        # Authors are kept only as a salted hash, the same for the same author.
        assert items[0].author_hash
        assert items[0].author_hash == items[2].author_hash
        assert "u1" not in items[0].author_hash

    def test_a_second_import_of_the_same_file_adds_nothing(self, initiative, owner):
        corpus = services.corpus_create(name="C", initiative=initiative, by=owner)
        services.items_import(corpus=corpus, rows=_prepare(corpus, self.CSV))
        record = services.items_import(corpus=corpus, rows=_prepare(corpus, self.CSV))
        assert (record.added, record.duplicates) == (0, 3)
        assert corpus.items.count() == 3

    def test_the_same_author_hashes_differently_in_another_corpus(self, initiative, owner):
        first = services.corpus_create(name="A", initiative=initiative, by=owner)
        second = services.corpus_create(name="B", initiative=initiative, by=owner)
        assert importing.author_hash(first.salt, "u1") != importing.author_hash(second.salt, "u1")

    def test_bad_rows_are_reported_and_nothing_is_written(self, corpus):
        before = corpus.items.count()
        text = (
            "text,date,language\n"
            ",2026-01-01,he\n"
            "fine text,not a date,he\n"
            "another,2026-01-01,klingon\n"
            "good row,2026-01-02,en\n"
        )
        prepared = _prepare(corpus, text)
        problems = {row.number: row.errors for row in prepared if row.errors}
        assert set(problems) == {2, 3, 4}
        assert "empty" in problems[2][0]
        assert "not a date" in problems[3][0]
        assert "Unknown language" in problems[4][0]
        with pytest.raises(ValidationError):
            services.items_import(corpus=corpus, rows=prepared)
        assert corpus.items.count() == before
        record = services.items_import(corpus=corpus, rows=prepared, skip_invalid=True)
        assert record.added == 1

    def test_jsonl_and_xlsx(self, corpus):
        lines = "\n".join(
            json.dumps({"text": t, "platform": "x", "meta": {"a": 1}}, ensure_ascii=False)
            for t in ["ראשון", "שני"]
        )
        headers, rows = importing.read_table(lines.encode(), "feed.jsonl")
        assert headers == ["text", "platform", "meta"]
        assert rows[0][2] == '{"a": 1}'
        from openpyxl import Workbook

        workbook = Workbook()
        workbook.active.append(["טקסט", "פלטפורמה"])
        workbook.active.append(["שלום", "facebook"])
        buffer = io.BytesIO()
        workbook.save(buffer)
        headers, rows = importing.read_table(buffer.getvalue(), "feed.xlsx")
        assert importing.guess_mapping(headers) == {"text": "טקסט", "platform": "פלטפורמה"}

    def test_files_that_cannot_be_read(self):
        with pytest.raises(importing.ImportFileError):
            importing.read_table(b"text\n", "empty.csv")
        with pytest.raises(importing.ImportFileError):
            importing.read_table(b'{"text": 1}\nnot json', "x.jsonl")
        with pytest.raises(importing.ImportFileError):
            importing.read_table(b"PK\x03\x04garbage", "x.xlsx")
        with pytest.raises(importing.ImportFileError):
            importing.parse_mapping("text=nope", ["body"])
        with pytest.raises(importing.ImportFileError):
            importing.check_mapping({}, ["body"])

    def test_labels_in_the_file_become_gold_labels_and_an_audit(self, corpus):
        text = "text,toxic\nאתה טיפש,yes\nתודה רבה,no\nאין לי מושג,\n"
        keys = list(corpus.dimensions.values_list("key", flat=True))
        headers, _rows = importing.read_table(text.encode(), "l.csv")
        labels = importing.parse_labels("insult=toxic", headers, keys)
        prepared = _prepare(corpus, text, labels=labels)
        services.items_import(corpus=corpus, rows=prepared, labels_audit=True)
        assert Adjudication.objects.filter(item__corpus=corpus).count() == 2
        gold = gold_labels(corpus=corpus)
        insult = gold.keys.index("insult")
        assert sorted(gold.values[:, insult].tolist()) == [0.0, 1.0]
        audit_ids, _labels, weights = audit_labels(corpus=corpus, keys=["insult"])
        assert len(audit_ids) == 2
        assert weights[0] == pytest.approx(corpus.items.count() / 2)
        with pytest.raises(importing.ImportFileError):
            importing.parse_labels("nonsense=toxic", headers, keys)
        bad = _prepare(corpus, "text,toxic\nשלום,maybe\n", labels=labels)
        assert bad[0].errors


class TestSamples:
    def test_a_random_sample_is_reproducible(self, corpus, owner):
        first = services.sample_create(
            corpus=corpus, name="a", kind=SampleKind.RANDOM, size=30, seed=4
        )
        second = services.sample_create(
            corpus=corpus, name="b", kind=SampleKind.RANDOM, size=30, seed=4
        )
        ids = sorted(first.entries.values_list("item_id", flat=True))
        assert ids == sorted(second.entries.values_list("item_id", flat=True))
        assert len(ids) == 30
        assert first.population == corpus.items.count()
        probability = first.entries.first().inclusion_probability
        assert probability == pytest.approx(30 / corpus.items.count())

    def test_a_stratified_sample_draws_from_every_cell(self, corpus):
        sample = services.sample_create(
            corpus=corpus,
            name="s",
            kind=SampleKind.STRATIFIED,
            size=5,
            by_platform=False,
            by_language=False,
        )
        cells = {}
        for entry in sample.entries.all():
            cells.setdefault(entry.cell, []).append(entry.inclusion_probability)
        _ids, keys = item_cells(
            corpus=corpus, period="month", by_platform=False, by_community=True, by_language=False
        )
        population = dict(zip(*np.unique(keys, return_counts=True), strict=True))
        assert set(cells) == set(population)
        for cell, probabilities in cells.items():
            assert len(probabilities) == min(5, population[cell])
            assert probabilities[0] == pytest.approx(len(probabilities) / population[cell])

    def test_bad_sizes_and_active_samples_without_scores_are_refused(self, corpus):
        with pytest.raises(ValidationError):
            services.sample_create(corpus=corpus, name="x", kind=SampleKind.RANDOM, size=0)
        with pytest.raises(ValidationError):
            services.sample_create(corpus=corpus, name="x", kind="keyword", size=5)
        with pytest.raises(ValidationError):
            services.sample_create(corpus=corpus, name="x", kind=SampleKind.ACTIVE, size=5)
        assert not corpus.samples.exists()


class TestAssignments:
    def test_a_reliability_subset_is_coded_by_three(self, corpus, owner, member, participant):
        sample = services.sample_create(corpus=corpus, name="s", kind=SampleKind.RANDOM, size=30)
        made = services.assignments_create(
            sample=sample,
            annotators=[owner, member, participant],
            reliability_items=6,
            coders_per_item=3,
        )
        assert made == 24 + 6 * 3
        shared = Assignment.objects.filter(sample=sample, reliability=True)
        assert shared.values("item").distinct().count() == 6
        assert shared.count() == 18
        loads = [Assignment.objects.filter(annotator=user).count() for user in (owner, member)]
        assert abs(loads[0] - loads[1]) <= 1
        # Running it again assigns nothing twice.
        assert services.assignments_create(sample=sample, annotators=[owner, member]) == 0

    def test_agreement_needs_enough_annotators(self, corpus, owner):
        sample = services.sample_create(corpus=corpus, name="s", kind=SampleKind.RANDOM, size=10)
        with pytest.raises(ValidationError):
            services.assignments_create(sample=sample, annotators=[owner], reliability_items=3)
        with pytest.raises(ValidationError):
            services.assignments_create(sample=sample, annotators=[])
        assert not Assignment.objects.exists()


class TestAnnotationAndGold:
    @pytest.fixture
    def three_coders(self, corpus, owner, member, participant):
        sample = services.sample_create(corpus=corpus, name="s", kind=SampleKind.RANDOM, size=4)
        services.assignments_create(
            sample=sample, annotators=[owner, member, participant], reliability_items=4
        )
        return sample

    def test_majority_ties_and_adjudication(self, corpus, three_coders, owner, member):
        item = three_coders.entries.first().item
        answers = {"owner": {"insult": 1}, "member": {"insult": 1}, "participant": {"insult": 0}}
        for assignment in Assignment.objects.filter(item=item).select_related(
            "annotator", "item__corpus"
        ):
            services.annotation_save(
                assignment=assignment, values=answers[assignment.annotator.username]
            )
        gold = gold_labels(corpus=corpus)
        row = gold.row_of[item.pk]
        assert gold.values[row, gold.keys.index("insult")] == 1
        assert gold.values[row, gold.keys.index("respect")] == 0  # missing answers are "no"
        assert gold.values[row, gold.keys.index(codebook.INCIVILITY)] == 1
        disagreement = disagreements(corpus=corpus)
        assert [d.item.pk for d in disagreement] == [item.pk]
        assert disagreement[0].split["insult"] == (2, 1, None)
        services.adjudicate(item=item, dimension="insult", value=0, by=owner)
        gold = gold_labels(corpus=corpus)
        assert gold.values[gold.row_of[item.pk], gold.keys.index("insult")] == 0

    def test_a_tie_is_left_undecided(self, corpus, three_coders, owner, member):
        item = three_coders.entries.first().item
        for assignment in Assignment.objects.filter(item=item, annotator__in=[owner, member]):
            value = 1 if assignment.annotator == owner else 0
            services.annotation_save(assignment=assignment, values={"respect": value})
        gold = gold_labels(corpus=corpus)
        assert np.isnan(gold.values[gold.row_of[item.pk], gold.keys.index("respect")])

    def test_a_quotation_is_not_counted_as_incivility(self, corpus, three_coders, owner):
        assignment = Assignment.objects.filter(annotator=owner).first()
        services.annotation_save(
            assignment=assignment, values={"insult": 1, "quotation": 1, "respect": 1}
        )
        gold = gold_labels(corpus=corpus)
        row = gold.row_of[assignment.item_id]
        assert gold.values[row, gold.keys.index(codebook.INCIVILITY)] == 0
        assert gold.values[row, gold.keys.index(codebook.DIFFERENT_SPEECH)] == 1

    def test_bad_answers_change_nothing(self, corpus, three_coders, owner):
        assignment = Assignment.objects.filter(annotator=owner).first()
        with pytest.raises(ValidationError):
            services.annotation_save(assignment=assignment, values={"insult": 7})
        assert not Annotation.objects.exists()
        assignment.refresh_from_db()
        assert assignment.done_at is None

    def test_the_target_is_kept_only_for_an_identity_attack(self, corpus, three_coders, owner):
        assignment = Assignment.objects.filter(annotator=owner).first()
        saved = services.annotation_save(
            assignment=assignment, values={"insult": 1}, target="Arabs"
        )
        assert saved.target == ""
        saved = services.annotation_save(
            assignment=assignment, values={"identity_attack": 1}, target="Arabs"
        )
        assert saved.target == "Arabs"


def test_import_posts_helper_keeps_every_post(corpus, posts):
    assert corpus.items.count() == len(posts)
    assert import_posts(corpus, posts).added == 0


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("2024-03-01", "2024-03-01"),
        ("2024/03/01", "2024-03-01"),
        ("01/03/2024", "2024-03-01"),
        ("1.3.2024", "2024-03-01"),
        ("01-03-2024", "2024-03-01"),
        ("31/12/2024 22:30", "2024-12-31"),
    ],
)
def test_dates_are_read_year_first_or_day_first(text, day):
    assert timezone.localdate(importing.parse_datetime(text)).isoformat() == day


@pytest.mark.parametrize("text", ["March 2024", "2024", "10:00", "2024-03-01 22:30 EST", "soon"])
def test_partial_or_unclear_dates_are_refused(text):
    with pytest.raises(ValueError):  # noqa: PT011 - the row's message is written by the caller
        importing.parse_datetime(text)


def test_unstorable_characters_are_cleaned(corpus):
    lines = json.dumps({"text": "cut emoji \ud83d and a nul \x00 here"})
    headers, rows = importing.read_table(lines.encode(), "feed.jsonl")
    prepared = importing.prepare_rows(headers, rows, {"text": "text"}, salt=corpus.salt)
    assert prepared[0].values["text"] == "cut emoji \ufffd and a nul  here"
    services.items_import(corpus=corpus, rows=prepared)


def test_a_file_never_overwrites_a_leads_decision(corpus, owner):
    text = "text,toxic\nאתה טיפש,yes\n"
    keys = list(corpus.dimensions.values_list("key", flat=True))
    labels = importing.parse_labels("insult=toxic", ["text", "toxic"], keys)
    services.items_import(corpus=corpus, rows=_prepare(corpus, text, labels=labels))
    item = corpus.items.get(text="אתה טיפש")
    services.adjudicate(item=item, dimension="insult", value=0, by=owner)
    services.items_import(corpus=corpus, rows=_prepare(corpus, text, labels=labels))
    assert Adjudication.objects.get(item=item, dimension="insult").value == 0
