"""The Discourse Index API: the same gates as the pages."""

import pytest

from meshutaf.discourse import services
from tests.conftest import client_for

pytestmark = pytest.mark.django_db
API = "/api/v1"


@pytest.fixture(autouse=True)
def _data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path


def test_corpora_and_their_codebook(corpus, member, outsider):
    listing = client_for(member).get(f"{API}/initiatives/{corpus.initiative_id}/corpora")
    assert listing.status_code == 200
    assert [c["name"] for c in listing.json()["items"]] == ["Test corpus"]
    assert (
        client_for(outsider).get(f"{API}/initiatives/{corpus.initiative_id}/corpora").status_code
        == 404
    )
    assert client_for(outsider).get(f"{API}/corpora/{corpus.pk}").status_code == 404
    detail = client_for(member).get(f"{API}/corpora/{corpus.pk}").json()
    assert detail["n_items"] == corpus.items.count()
    insult = next(d for d in detail["dimensions"] if d["key"] == "insult")
    assert insult["label"] == "Insult"
    assert insult["shortcut"] == "1"


def test_the_index_and_agreement(coded_corpus, owner, member, outsider):
    model = services.model_train_request(corpus=coded_corpus, enqueue=False)
    services.model_train_run(model_id=model.pk)
    run = services.scoring_request(corpus=coded_corpus, enqueue=False)
    services.scoring_run_execute(run_id=run.pk)
    url = f"{API}/corpora/{coded_corpus.pk}/index"
    body = client_for(member).get(url, {"by": "month,community"}).json()
    assert body["by"] == ["month", "community"]
    assert body["n_audit"] == 160
    assert body["version"] == 1
    # A cell names the parts it is grouped by, by label and by value, and no others.
    cell = body["cells"][0]
    assert {"month", "community", "key", "n", "small", "values"} == set(cell)
    assert set(cell["key"]) == {"month", "community"}
    assert body["target_labels"]["index"] == "Discourse Index (0–100)"
    first = body["cells"][0]["values"]["index"]
    assert first["ci_low"] <= first["estimate"] <= first["ci_high"]
    bad = client_for(member).get(url, {"by": "colour"})
    assert bad.status_code == 400
    assert "Group by" in bad.json()["detail"]
    assert client_for(outsider).get(url).status_code == 404
    agreement = f"{API}/corpora/{coded_corpus.pk}/agreement"
    assert client_for(member).get(agreement).status_code == 403
    assert client_for(owner).get(agreement).status_code == 200
    models = client_for(member).get(f"{API}/corpora/{coded_corpus.pk}/models").json()
    schema = client_for(member).get("/api/openapi.json").json()["components"]["schemas"]
    assert schema["DiscourseIndexV1"]["properties"]["version"]["const"] == 1
    assert models[0]["status"] == "ready"
    assert "insult" in models[0]["report"]["dimensions"]
