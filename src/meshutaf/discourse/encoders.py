"""An optional local Hugging Face encoder whose sentence embeddings join the n-gram features.

A multilingual encoder (a BERT-style model fine-tuned or not) knows words the labelled data
never showed, which helps most with few labels. It is optional: the default learner needs
neither torch nor transformers, and nothing is ever downloaded. The model is read from a
directory on disk (`from_pretrained(path, local_files_only=True)`); embeddings are the
attention-masked mean of the last hidden states, computed on the GPU when torch sees one and
on the CPU otherwise. `learner.training.train(encoder_path=...)` appends them to the sparse
features.
"""

from pathlib import Path

import numpy as np
from django.utils.translation import gettext as _


class Encoder:
    """Mean-pooled embeddings from a loaded tokenizer and model."""

    def __init__(self, tokenizer, model, torch, *, batch_size: int = 32, max_length: int = 256):
        self.tokenizer = tokenizer
        self.model = model
        self.torch = torch
        self.device = "cuda" if torch.cuda.is_available() else "cpu"
        self.model.to(self.device)
        self.model.eval()
        self.batch_size = batch_size
        self.max_length = max_length

    def encode(self, texts) -> np.ndarray:
        """(len(texts), hidden size) float32 embeddings."""
        texts = [str(text or "") for text in texts]
        chunks = []
        with self.torch.no_grad():
            for start in range(0, len(texts), self.batch_size):
                batch = self.tokenizer(
                    texts[start : start + self.batch_size],
                    padding=True,
                    truncation=True,
                    max_length=self.max_length,
                    return_tensors="pt",
                ).to(self.device)
                hidden = self.model(**batch).last_hidden_state
                mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
                pooled = (hidden * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1.0)
                chunks.append(pooled.float().cpu().numpy())
        if not chunks:
            size = getattr(self.model.config, "hidden_size", 0)
            return np.zeros((0, size), dtype=np.float32)
        return np.concatenate(chunks).astype(np.float32)


def load_encoder(path: Path) -> Encoder:
    """The encoder stored in the directory `path`; ValueError with a clear message when the
    directory is missing, the transformers extra is not installed or no model is there."""
    path = Path(path)
    if not path.is_dir():
        raise ValueError(_("The encoder directory %(path)s does not exist.") % {"path": path})
    try:
        import torch
        from transformers import AutoModel, AutoTokenizer
    except ImportError as error:
        raise ValueError(
            _(
                "The transformers extra is not installed: pip install 'meshutaf[transformers]' "
                "and a CPU build of torch."
            )
        ) from error
    try:
        tokenizer = AutoTokenizer.from_pretrained(path, local_files_only=True)
        model = AutoModel.from_pretrained(path, local_files_only=True)
    except (OSError, ValueError) as error:
        raise ValueError(
            _("No Hugging Face model could be read from %(path)s: %(error)s")
            % {"path": path, "error": error}
        ) from error
    return Encoder(tokenizer, model, torch)
