"""Krippendorff's alpha: how far the annotators agree beyond chance, with a bootstrap interval.

The Discourse Index trusts its labels only as far as the people giving them agree, so every
dimension's codebook reports alpha over the items coded twice or more. Alpha handles any
number of coders, missing codes and nominal, ordinal, interval or ratio values (Krippendorff,
"Content Analysis", 2004; "Computing Krippendorff's alpha-reliability", 2011):

    α = 1 − (n − 1) · Σ_ck o_ck δ²_ck / Σ_ck n_c n_k δ²_ck

with o the coincidence matrix (each unit coded m_u ≥ 2 times contributes its ordered pairs of
values from different coders, weighted 1/(m_u − 1); units with fewer than 2 codes are not
pairable), n_c its margins, n = Σ n_c and δ² the metric of the level of measurement.

The interval resamples units with replacement. Because o, and so both sums, are sums of
per-unit contributions, a replicate is just a vector of unit counts: all replicates are one
matrix product of a (replicates × units) count matrix with the per-unit contributions, not a
loop. The ordinal metric depends on the margins, so it is recomputed per replicate, also
vectorised. Results match the `krippendorff` package to rounding.
"""

from dataclasses import dataclass

import numpy as np
from django.utils.translation import gettext as _

LEVELS = ("nominal", "ordinal", "interval", "ratio")


@dataclass(frozen=True)
class AlphaResult:
    alpha: float
    low: float
    high: float
    n_units: int
    n_pairable: int
    n_coders: int


@dataclass
class _Units:
    """The pairable units' value counts and coincidence contributions."""

    values: np.ndarray  # (V,) the distinct values, sorted
    counts: np.ndarray  # (U, V) how many coders gave each value to each pairable unit
    coincidences: np.ndarray  # (U, V, V) each pairable unit's contribution to o


def alpha(data: np.ndarray, level: str = "nominal") -> float:
    """Krippendorff's alpha of `data` (coders × units, NaN = missing); NaN where it is
    undefined: no pairable unit, or a single value throughout."""
    units = _units(data, level)
    if units is None:
        return float("nan")
    o = units.coincidences.sum(axis=0)
    return float(_alpha_from(o[None], units.values, level)[0])


def alpha_interval(
    data: np.ndarray,
    level: str = "nominal",
    *,
    n_boot: int = 1000,
    confidence: float = 0.95,
    seed: int = 0,
) -> AlphaResult:
    """Alpha with a percentile bootstrap interval over units resampled with replacement."""
    matrix = _as_matrix(data)
    n_units = matrix.shape[1]
    n_coders = int(np.sum(np.any(~np.isnan(matrix), axis=1)))
    units = _units(matrix, level)
    if units is None:
        nan = float("nan")
        return AlphaResult(nan, nan, nan, n_units, 0, n_coders)
    pairable = units.counts.shape[0]
    point = float(_alpha_from(units.coincidences.sum(axis=0)[None], units.values, level)[0])
    rng = np.random.default_rng(seed)
    draws = rng.multinomial(pairable, np.full(pairable, 1.0 / pairable), size=n_boot)
    v = units.values.size
    replicated = (draws @ units.coincidences.reshape(pairable, v * v)).reshape(n_boot, v, v)
    replicates = _alpha_from(replicated, units.values, level)
    replicates = replicates[np.isfinite(replicates)]
    if replicates.size == 0:
        low = high = float("nan")
    else:
        tail = (1.0 - confidence) / 2
        low, high = (float(q) for q in np.quantile(replicates, [tail, 1.0 - tail]))
    return AlphaResult(point, low, high, n_units, pairable, n_coders)


def _as_matrix(data) -> np.ndarray:
    try:
        matrix = np.asarray(data, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise ValueError(_("Codes must be numbers (or NaN where missing).")) from error
    if matrix.ndim != 2:
        raise ValueError(_("Codes must be a coders × units table."))
    return matrix


def _units(data, level: str) -> _Units | None:
    if level not in LEVELS:
        raise ValueError(
            _("Unknown level of measurement %(level)s; use one of %(levels)s.")
            % {"level": level, "levels": ", ".join(LEVELS)}
        )
    matrix = _as_matrix(data)
    present = ~np.isnan(matrix)
    pairable = present.sum(axis=0) >= 2
    matrix, present = matrix[:, pairable], present[:, pairable]
    if matrix.shape[1] == 0:
        return None
    values, codes = np.unique(matrix[present], return_inverse=True)
    if values.size < 2:
        return None
    unit = np.nonzero(present)[1]
    counts = np.zeros((matrix.shape[1], values.size))
    np.add.at(counts, (unit, codes), 1.0)
    m = counts.sum(axis=1)
    pairs = counts[:, :, None] * counts[:, None, :]
    pairs[:, np.arange(values.size), np.arange(values.size)] -= counts
    return _Units(values, counts, pairs / (m - 1)[:, None, None])


def _alpha_from(o: np.ndarray, values: np.ndarray, level: str) -> np.ndarray:
    """Alpha for a stack of coincidence matrices o (R, V, V)."""
    margins = o.sum(axis=2)  # (R, V)
    n = margins.sum(axis=1)
    delta = _delta(values, margins, level)  # (V, V) or (R, V, V)
    if delta.ndim == 2:
        delta = delta[None]
    observed = np.einsum("rck,rck->r", o, delta)
    expected = np.einsum("rc,rck,rk->r", margins, delta, margins)
    with np.errstate(divide="ignore", invalid="ignore"):
        result = 1.0 - (n - 1.0) * observed / expected
    return np.where(expected > 0, result, np.nan)


def _delta(values: np.ndarray, margins: np.ndarray, level: str) -> np.ndarray:
    """Squared distances between values: (V, V), or (R, V, V) for ordinal, whose distance
    between ranks c ≤ k is (Σ_{g=c..k} n_g − (n_c + n_k)/2)² with the margins n."""
    if level == "nominal":
        return 1.0 - np.eye(values.size)
    if level == "interval":
        return (values[:, None] - values[None, :]) ** 2
    if level == "ratio":
        total = values[:, None] + values[None, :]
        difference = values[:, None] - values[None, :]
        ratio = np.divide(difference, total, out=np.zeros_like(total), where=total != 0)
        return ratio**2
    cumulative = np.cumsum(margins, axis=1)  # (R, V)
    low = np.minimum.outer(np.arange(values.size), np.arange(values.size))
    high = np.maximum.outer(np.arange(values.size), np.arange(values.size))
    before_low = np.concatenate([np.zeros((margins.shape[0], 1)), cumulative[:, :-1]], axis=1)
    between = cumulative[:, high] - before_low[:, low]
    ends = (margins[:, low] + margins[:, high]) / 2
    return (between - ends) ** 2
