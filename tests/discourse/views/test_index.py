"""Training and scoring from the pages, then the dashboard, its CSV and the methodology."""

import csv
import io
import re

import pytest

from meshutaf.discourse.models import Sample, SampleKind

from ...conftest import client_for
from ..conftest import train_and_score, url

pytestmark = pytest.mark.django_db


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
