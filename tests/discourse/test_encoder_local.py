"""The optional local encoder end to end: a tiny randomly initialised BERT, built in a temporary
folder with the transformers library (nothing downloaded), joins the learner's features through
MESHUTAF_DISCOURSE_ENCODER's setting; a corpus is trained and scored through it, and the
report says which encoder was used.

Skipped when torch or transformers is not installed (the `transformers` extra plus a CPU build
of torch, e.g. `pip install torch==2.13.0` where a CPU wheel is at hand)."""

import re

import numpy as np
import pytest

torch = pytest.importorskip("torch", reason="torch is not installed (the transformers extra)")
transformers = pytest.importorskip(
    "transformers", reason="transformers is not installed (the transformers extra)"
)

from meshutaf.core.text import fold_text  # noqa: E402
from meshutaf.discourse import services  # noqa: E402
from meshutaf.discourse.learner.model import TrainedModel  # noqa: E402
from meshutaf.discourse.learner.training import train  # noqa: E402
from meshutaf.discourse.models import ModelStatus, RunStatus, Score  # noqa: E402

from .learner.conftest import make_data  # noqa: E402

HIDDEN = 32
SPECIAL = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]


def tiny_encoder(directory, texts) -> None:
    """A 2-layer BERT with hidden size 32 and a WordPiece vocabulary of the corpus's words and
    characters, randomly initialised (seeded) and saved with its tokenizer in `directory`."""
    words, characters = set(), set()
    for text in texts:
        for word in re.findall(r"\w+", fold_text(text)):
            words.add(word)
            characters.update(word)
    vocabulary = SPECIAL + sorted(characters) + [f"##{c}" for c in sorted(characters)]
    vocabulary += sorted(words - set(vocabulary))
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "vocab.txt").write_text("\n".join(vocabulary) + "\n", encoding="utf-8")
    tokenizer = transformers.BertTokenizerFast(vocab_file=str(directory / "vocab.txt"))
    tokenizer.save_pretrained(directory)
    torch.manual_seed(0)
    config = transformers.BertConfig(
        vocab_size=len(vocabulary),
        hidden_size=HIDDEN,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=128,
    )
    transformers.BertModel(config).save_pretrained(directory)


def test_the_learner_trains_and_scores_through_a_local_encoder(tmp_path):
    texts, labels, languages = make_data(200, seed=11)
    folder = tmp_path / "tiny-bert"
    tiny_encoder(folder, texts)
    result = train(texts, labels[:, :1], ["insult"], languages=languages, encoder_path=folder)
    model = result.model
    assert result.report["encoder"] == {"name": "tiny-bert", "model_type": "bert", "dimensions": 32}
    assert "encoder tiny-bert" in result.report["learner"]
    assert model.weights.shape[0] == model.featurizer.n_features + HIDDEN
    probabilities = model.predict_proba(["אתה אידיוט ושקרן", "thank you so much"])
    assert probabilities.shape == (2, 1)
    assert probabilities[0, 0] > probabilities[1, 0]
    assert (result.report["dimensions"]["insult"]["roc_auc"] or 0) > 0.8

    model.save(tmp_path / "model")
    loaded = TrainedModel.load(tmp_path / "model")
    assert loaded.encoder_path == str(folder)
    again = loaded.predict_proba(["אתה אידיוט ושקרן", "thank you so much"])
    np.testing.assert_allclose(again, probabilities, atol=1e-5)


@pytest.mark.django_db
def test_a_corpus_is_trained_and_scored_through_the_encoder_setting(
    coded_corpus, posts, settings, tmp_path
):
    settings.DATA_DIR = tmp_path / "data"
    folder = tmp_path / "encoders" / "tiny-bert"
    tiny_encoder(folder, [post.text for post in posts])
    settings.DISCOURSE_ENCODER = str(folder)
    model = services.model_train_request(corpus=coded_corpus, enqueue=False)
    model = services.model_train_run(model_id=model.pk)
    assert model.status == ModelStatus.READY, model.error
    assert model.report["encoder"]["name"] == "tiny-bert"
    assert model.report["encoder"]["dimensions"] == HIDDEN
    assert "encoder tiny-bert" in model.report["learner"]
    run = services.scoring_request(corpus=coded_corpus, model=model, enqueue=False)
    run = services.scoring_run_execute(run_id=run.pk)
    assert run.status == RunStatus.DONE, run.error
    assert Score.objects.filter(model=model).count() == len(posts)
