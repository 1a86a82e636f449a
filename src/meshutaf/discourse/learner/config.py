"""The default learner's choices and the limits it works within."""

from dataclasses import asdict, dataclass

FORMAT = 1
MIN_PER_CLASS = 5


@dataclass(frozen=True)
class LearnerConfig:
    """The learner's choices; the defaults are the measured best (see bench/discourse.py)."""

    char_min: int = 1
    char_max: int = 4
    char_bits: int = 21
    word_bits: int = 20
    word_ngrams: int = 2
    min_df: int = 2
    c_grid: tuple[float, ...] = (0.25, 1.0, 4.0)
    nb_scaling: bool = True
    nb_alphas: tuple[float, ...] = (0.3, 1.0)
    # A plain (unscaled) logistic regression too, and the mean of the two models' standardised
    # scores: cross-validation picks NB-LR, plain LR or the mean, per dimension.
    ensemble: bool = True
    plain_c_grid: tuple[float, ...] = (0.25, 1.0, 4.0, 16.0)
    tol: float = 1e-4
    threads: int = 1

    def to_json(self) -> dict:
        return {
            **asdict(self),
            "c_grid": list(self.c_grid),
            "nb_alphas": list(self.nb_alphas),
            "plain_c_grid": list(self.plain_c_grid),
        }

    @classmethod
    def from_json(cls, data: dict) -> "LearnerConfig":
        data = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        for name in ("c_grid", "nb_alphas", "plain_c_grid"):
            if name in data:
                data[name] = tuple(data[name])
        return cls(**data)

    def settings(self) -> list[tuple[float | None, float]]:
        """The (NB smoothing, C) pairs cross-validation chooses from; smoothing None is a plain
        logistic regression. NB-LR's settings come first."""
        if not self.nb_scaling:
            return [(None, c) for c in self.c_grid]
        scaled: list[tuple[float | None, float]] = [
            (alpha, c) for alpha in self.nb_alphas for c in self.c_grid
        ]
        plain: list[tuple[float | None, float]] = [(None, c) for c in self.plain_c_grid]
        return scaled + (plain if self.ensemble else [])
