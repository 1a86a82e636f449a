"""A trained model: calibrated probabilities for its dimensions from one featurisation and one
sparse product per batch, saved as a numpy .npz of arrays and a JSON file (never pickle)."""

import json
import zipfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from django.utils.translation import gettext as _

from meshutaf.discourse.normalize import normalize

from .calibration import Calibrator
from .config import FORMAT, LearnerConfig
from .features import Featurizer, with_embeddings

MODEL_NPZ, MODEL_JSON = "model.npz", "model.json"


class TrainedModel:
    """Calibrated probabilities for the trained dimensions; see the package docstring."""

    def __init__(
        self,
        *,
        featurizer: Featurizer,
        weights: np.ndarray,
        intercepts: np.ndarray,
        calibrators: list[Calibrator],
        thresholds: np.ndarray,
        dimensions: list[str],
        report: dict,
        encoder_path: str | None = None,
        encoder=None,
    ):
        self.featurizer = featurizer
        self.weights = np.ascontiguousarray(weights, dtype=np.float32)
        self.intercepts = np.asarray(intercepts, dtype=np.float32)
        self.calibrators = calibrators
        self.thresholds = np.asarray(thresholds, dtype=np.float64)
        self.dimensions = list(dimensions)
        self.report = report
        self.encoder_path = encoder_path
        self._encoder = encoder

    def decision_scores(self, texts: Sequence[str]) -> np.ndarray:
        """Uncalibrated scores (n, d): one featurisation and one sparse product per batch."""
        x = self.featurizer.transform([normalize(text) for text in texts])
        if self.encoder_path is not None:
            if self._encoder is None:
                from meshutaf.discourse.encoders import load_encoder

                self._encoder = load_encoder(Path(self.encoder_path))
            x = with_embeddings(x, self._encoder.encode(list(texts)))
        return x @ self.weights + self.intercepts

    def predict_proba(self, texts: Sequence[str], *, batch_size: int = 4096) -> np.ndarray:
        """Calibrated probabilities, shape (len(texts), len(self.dimensions)), float32."""
        out = np.empty((len(texts), len(self.dimensions)), dtype=np.float32)
        for start in range(0, len(texts), batch_size):
            scores = self.decision_scores(texts[start : start + batch_size])
            for k, calibrator in enumerate(self.calibrators):
                out[start : start + scores.shape[0], k] = calibrator.apply(scores[:, k])
        return out

    def save(self, directory: Path) -> None:
        """model.npz (arrays) and model.json (everything else): nothing that can run code."""
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        arrays: dict[str, np.ndarray] = {
            "vocabulary": self.featurizer.vocabulary.astype(np.int32),
            "idf": self.featurizer.idf.astype(np.float32),
            "weights": self.weights,
            "intercepts": self.intercepts,
            "thresholds": self.thresholds,
        }
        calibrators: list[dict[str, str | float]] = []
        for k, calibrator in enumerate(self.calibrators):
            if calibrator.kind == "isotonic":
                arrays[f"isotonic_x_{k}"], arrays[f"isotonic_y_{k}"] = calibrator.curve()
                calibrators.append({"kind": "isotonic"})
            else:
                calibrators.append({"kind": "sigmoid", "a": calibrator.a, "b": calibrator.b})
        metadata = {
            "format": FORMAT,
            "config": self.featurizer.config.to_json(),
            "idf_unseen": self.featurizer.idf_unseen,
            "dimensions": self.dimensions,
            "calibrators": calibrators,
            "encoder_path": self.encoder_path,
            "report": self.report,
        }
        with (directory / MODEL_NPZ).open("wb") as stream:
            # mypy fears a key of **arrays could be allow_pickle (a bool); none is.
            np.savez_compressed(stream, **arrays)  # type: ignore[arg-type]
        (directory / MODEL_JSON).write_text(
            json.dumps(metadata, ensure_ascii=False, indent=1), encoding="utf-8"
        )

    @classmethod
    def load(cls, directory: Path) -> "TrainedModel":
        """Read a model written by `save`; ValueError when it is missing, corrupt or of an
        unknown format version."""
        directory = Path(directory)
        npz_path, json_path = directory / MODEL_NPZ, directory / MODEL_JSON
        for path in (npz_path, json_path):
            if not path.is_file():
                raise ValueError(_("The model file %(path)s is missing.") % {"path": path})
        try:
            metadata = json.loads(json_path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            raise ValueError(
                _("The model file %(path)s is not readable: %(error)s")
                % {"path": json_path, "error": error}
            ) from error
        if not isinstance(metadata, dict) or metadata.get("format") != FORMAT:
            raise ValueError(
                _(
                    "The model in %(path)s has format %(found)s; "
                    "this version reads format %(known)s."
                )
                % {
                    "path": directory,
                    "found": metadata.get("format") if isinstance(metadata, dict) else None,
                    "known": FORMAT,
                }
            )
        try:
            return cls._from_stored(metadata, npz_path)
        except (OSError, KeyError, TypeError, ValueError, IndexError, zipfile.BadZipFile) as error:
            raise ValueError(
                _("The model in %(path)s is corrupt: %(error)s")
                % {"path": directory, "error": error}
            ) from error

    @classmethod
    def _from_stored(cls, metadata: dict, npz_path: Path) -> "TrainedModel":
        with np.load(npz_path, allow_pickle=False) as stored:
            arrays = {key: stored[key] for key in stored.files}
        config = LearnerConfig.from_json(metadata["config"])
        dimensions = [str(name) for name in metadata["dimensions"]]
        vocabulary = arrays["vocabulary"].astype(np.int64)
        weights = arrays["weights"]
        d = len(dimensions)
        width = (1 << config.char_bits) + (1 << config.word_bits)
        if (
            weights.ndim != 2
            or weights.shape[1] != d
            or weights.shape[0] < vocabulary.size
            or (metadata.get("encoder_path") is None and weights.shape[0] != vocabulary.size)
            or arrays["idf"].shape != vocabulary.shape
            or arrays["intercepts"].shape != (d,)
            or arrays["thresholds"].shape != (d,)
            or len(metadata["calibrators"]) != d
            or (vocabulary.size and (vocabulary.min() < 0 or vocabulary.max() >= width))
        ):
            raise ValueError("inconsistent array shapes")
        calibrators = []
        for k, entry in enumerate(metadata["calibrators"]):
            if entry["kind"] == "isotonic":
                calibrators.append(
                    Calibrator("isotonic", x=arrays[f"isotonic_x_{k}"], y=arrays[f"isotonic_y_{k}"])
                )
            elif entry["kind"] == "sigmoid":
                calibrators.append(Calibrator("sigmoid", a=float(entry["a"]), b=float(entry["b"])))
            else:
                raise ValueError(f"unknown calibrator {entry['kind']!r}")
        featurizer = Featurizer(
            config, vocabulary, arrays["idf"].astype(np.float32), float(metadata["idf_unseen"])
        )
        return cls(
            featurizer=featurizer,
            weights=weights,
            intercepts=arrays["intercepts"],
            calibrators=calibrators,
            thresholds=arrays["thresholds"],
            dimensions=dimensions,
            report=metadata.get("report") or {},
            encoder_path=metadata.get("encoder_path"),
        )
