"""Fair selection of a cohort's candidates: each candidate's raw and reviewer-adjusted score,
with an interval and a rank band, the reviewers' offsets, agreement per criterion and the
candidates whose reviewers disagree too much to decide without a consensus discussion.

Pure: plain reviews in, typed results out, no database. The design, and why:

- **A reviewer's score of a candidate** is the weighted mean of the criteria that reviewer
  could judge, the criteria's weights renormalised over those judged. "Cannot judge" is a
  missing score, never a low one: it leaves the criterion out instead of pulling the mean down.
- **Raw figures** (mean, median, spread = max − min and SD of the reviewers' scores) are shown
  beside the adjusted score, never replaced by it.
- **Adjusted score.** y_cr = a_c + b_r + e_cr: a_c the candidate's score from an average
  reviewer, b_r reviewer r's leniency (offset), e_cr ~ N(0, σ²/p_cr). The precision weight
  p_cr is the reviewer's confidence in the pair (the criteria-weighted mean of the confidences
  given; a missing confidence counts as the mean of those given), scaled to a mean of 1: a
  score given with confidence 3 counts as three scores given with confidence 1. Fitted by
  weighted least squares, exactly: given b, â_c is the weighted mean of y_cr − b_r, so the
  candidates are eliminated and only the reviewers' system (its Schur complement, a weighted
  Laplacian of the reviewers who share candidates, at most a few hundred rows) is solved.
- **Anchoring.** Offsets are identified only among reviewers linked through shared candidates
  (a connected component of the reviewer–candidate graph); within each component they sum to
  zero, so a candidate's adjusted score is what an average reviewer *of that component* would
  give. Components are assumed equally lenient on average; the result says how many there are.
  A reviewer alone in a component (whose candidates nobody else saw) gets offset 0.
- **Shrinkage.** The offsets have a normal prior N(0, τ²), τ = `PRIOR_SD_SHARE` × the scale's
  range (0.15 × 4 = 0.6 points on a 1–5 scale), i.e. a ridge λ = σ²/τ² added to the
  reviewers' system, σ² taken from an unshrunk fit unshrunk. With little overlap it keeps a
  reviewer who happened to get weak candidates from being called harsh. The share was chosen
  on simulated training selections (`bench/programs.py --tune`: seeds other than the tests',
  20–80 candidates, 4–10 reviewers, 2–4 reviewers per candidate, offsets with SD 0 to 0.8
  points, integer 1–5 scores) by the mean squared error of the adjusted scores: lowest at 0.1,
  0.15 within 0.2% of it and the curve flat to 0.3 (no shrinkage is 1.7% worse, the raw mean
  33% worse); of the flat stretch the lighter 0.15, which moves the offsets less. The price:
  adding a constant to one reviewer's scores moves that reviewer's offset by a little less
  than the constant (`prior_sd=math.inf` turns shrinkage off and makes it exact).
- **Interval.** 95% by default (`level`), â_c ± t·SE with t on the residual degrees of freedom
  and SE² = σ²(1/W_c + πᵀ Cov(b) π) (W_c the candidate's total weight, π its reviewers' weight
  shares, Cov(b) the offsets' posterior covariance within their component), so the offsets'
  uncertainty widens it. With no replication at all (every candidate seen once) σ is unknown
  and taken as a quarter of the scale's range: wide on purpose. A single reviewer still gives
  a raw and an adjusted score, with a wide interval.
- **Rank band.** Rank 1 is the best. `draws` joint draws from the estimates' approximate
  normal distribution (candidate noise and the shared offsets, so candidates of one reviewer
  move together) are ranked; the band is the draws' central `level` range of ranks, widened
  to hold the point rank. The generator is seeded: the same reviews give the same bands.
- **Consensus queue.** A candidate with two reviewers or more whose offset-corrected scores
  (y_cr − b_r) range over at least `consensus_threshold` (default `CONSENSUS_SHARE` × range:
  1.5 points on a 1–5 scale) goes to the queue, largest disagreement unshrunk. Corrected, because a
  harsh and a lenient reviewer a point apart agree about the candidate.
- **Agreement.** Krippendorff's alpha per criterion (units = candidates, coders = reviewers),
  at the interval level: the adjusted model already treats the anchored scale as equally
  spaced, and alpha should judge the same numbers the ranking uses (ordinal alpha would also
  depend on how the scores happen to be distributed). `alpha_overall` is the same over the
  reviewers' weighted means.
"""

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
from django.utils.translation import gettext as _
from scipy import linalg, sparse, stats
from scipy.sparse.csgraph import connected_components

from meshutaf.discourse.agreement import alpha as krippendorff_alpha

PRIOR_SD_SHARE = 0.15  # τ as a share of the scale's range; see the module's docstring
CONSENSUS_SHARE = 0.375  # the queue's default threshold as a share of the range
UNKNOWN_SD_SHARE = 0.25  # σ when nothing is replicated, as a share of the range
MAX_REVIEWERS = 2000  # the reviewers' system is dense: 2,000² numbers is 32 MB
# agreement.alpha holds a units × values × values array; past this, the closed form.
_ALPHA_CELLS = 250_000
_CHUNK_CELLS = 1 << 22
_TIE_DECIMALS = 9  # scores equal to 9 decimals are tied


@dataclass(frozen=True)
class Review:
    """One reviewer's score of one candidate on one criterion; `score` None = cannot judge."""

    candidate: str
    reviewer: str
    criterion: str
    score: float | None
    confidence: float | None = None


@dataclass(frozen=True)
class CandidateResult:
    id: str
    n_reviewers: int  # reviewers who judged at least one criterion
    raw_mean: float  # NaN when nobody could judge the candidate
    median: float
    spread: float  # max − min of the reviewers' scores; NaN below two reviewers
    sd: float
    adjusted: float
    se: float
    low: float
    high: float
    rank: int | None  # 1 = best; None when nobody could judge the candidate
    band: tuple[int, int] | None  # [best, worst] plausible rank
    disagreement: float  # max − min of the offset-corrected scores; NaN below two reviewers
    consensus: bool
    component: int | None


@dataclass(frozen=True)
class ReviewerResult:
    id: str
    n_candidates: int
    offset: float  # added to an average reviewer's score; NaN when they judged nothing
    se: float
    component: int | None


@dataclass(frozen=True)
class Ranking:
    candidates: tuple[CandidateResult, ...]  # best adjusted score first
    reviewers: tuple[ReviewerResult, ...]  # by id
    alpha: dict[str, float]  # per criterion, interval level; NaN when undefined
    alpha_overall: float
    consensus_queue: tuple[str, ...]  # largest disagreement first
    residual_sd: float
    residual_df: int
    prior_sd: float
    scale: tuple[float, float]
    level: float
    components: int


@dataclass
class _Pairs:
    """The reviewers' scores of candidates (pairs sorted by candidate, then reviewer)."""

    candidate: np.ndarray
    reviewer: np.ndarray
    score: np.ndarray
    precision: np.ndarray


@dataclass
class _Fit:
    adjusted: np.ndarray  # per candidate (NaN when unjudged)
    offset: np.ndarray  # per active reviewer
    covariance: np.ndarray  # of the offsets, in units of σ², anchored
    shares: sparse.csr_matrix  # candidates × active reviewers, the weight shares π
    weight: np.ndarray  # W_c
    residual_ss: float
    df: int


def rank(
    reviews: Iterable[Review],
    *,
    weights: Mapping[str, float] | None = None,
    scale: tuple[float, float] | None = None,
    level: float = 0.95,
    prior_sd: float | None = None,
    consensus_threshold: float | None = None,
    draws: int = 1000,
    seed: int = 0,
) -> Ranking:
    """Rank the candidates of `reviews`. `weights` per criterion (1 when not given), `scale`
    the scores' (low, high) (default: the lowest and highest given), `prior_sd` the offsets'
    prior SD (default `PRIOR_SD_SHARE` × range; math.inf for none). ValueError (a message for
    the user) on a score or confidence that is not a finite number, a weight that is not
    positive, or the same candidate, reviewer and criterion twice."""
    reviews = list(reviews)
    candidates = sorted({review.candidate for review in reviews})
    reviewers = sorted({review.reviewer for review in reviews})
    criteria = sorted({review.criterion for review in reviews})
    if len(reviewers) > MAX_REVIEWERS:
        raise ValueError(
            _("At most %(count)s reviewers can be ranked at once.") % {"count": MAX_REVIEWERS}
        )
    if not 0 < level < 1:
        raise ValueError(_("The interval's level must be between 0 and 1."))
    c_index = {name: i for i, name in enumerate(candidates)}
    r_index = {name: i for i, name in enumerate(reviewers)}
    k_index = {name: i for i, name in enumerate(criteria)}
    n = len(reviews)
    cand = np.fromiter((c_index[x.candidate] for x in reviews), np.int64, n)
    rev = np.fromiter((r_index[x.reviewer] for x in reviews), np.int64, n)
    crit = np.fromiter((k_index[x.criterion] for x in reviews), np.int64, n)
    score = np.fromiter((np.nan if x.score is None else x.score for x in reviews), float, n)
    confidence = np.fromiter(
        (np.nan if x.confidence is None else x.confidence for x in reviews), float, n
    )
    if np.any(np.isinf(score)) or np.any(np.isinf(confidence)):
        raise ValueError(_("Scores and confidences must be finite numbers."))
    if np.any(confidence <= 0):
        raise ValueError(_("A confidence must be above 0."))
    criterion_weight = np.ones(len(criteria))
    for name, value in (weights or {}).items():
        if not (math.isfinite(value) and value > 0):
            raise ValueError(
                _("The weight of %(criterion)s must be a number above 0.") % {"criterion": name}
            )
        if name in k_index:
            criterion_weight[k_index[name]] = value
    key = (cand * len(reviewers) + rev) * max(len(criteria), 1) + crit
    unique_keys, counts = np.unique(key, return_counts=True)
    if np.any(counts > 1):
        duplicate = int(np.flatnonzero(key == unique_keys[counts > 1][0])[0])
        raise ValueError(
            _("%(candidate)s is scored twice by %(reviewer)s on %(criterion)s.")
            % {
                "candidate": reviews[duplicate].candidate,
                "reviewer": reviews[duplicate].reviewer,
                "criterion": reviews[duplicate].criterion,
            }
        )
    # In key order, so that the order of the reviews cannot change a sum's last digit.
    order = np.argsort(key, kind="stable")
    cand, rev, crit, score, confidence = (
        array[order] for array in (cand, rev, crit, score, confidence)
    )

    judged = ~np.isnan(score)
    if scale is None:
        low_end = float(score[judged].min()) if judged.any() else 0.0
        high_end = float(score[judged].max()) if judged.any() else 1.0
    else:
        low_end, high_end = float(scale[0]), float(scale[1])
    span = high_end - low_end if high_end > low_end else 1.0
    tau = PRIOR_SD_SHARE * span if prior_sd is None else float(prior_sd)
    threshold = CONSENSUS_SHARE * span if consensus_threshold is None else consensus_threshold

    pairs = _pairs(cand, rev, score, confidence, criterion_weight[crit], len(reviewers))
    n_candidates = len(candidates)
    raw = _raw(pairs, n_candidates)
    active = np.unique(pairs.reviewer)
    compact = np.full(len(reviewers), -1)
    compact[active] = np.arange(active.size)
    reviewer_of_pair = compact[pairs.reviewer]
    labels = _components(pairs.candidate, reviewer_of_pair, n_candidates, active.size)
    n_components = int(labels.max()) + 1 if labels.size else 0

    unshrunk = _fit(pairs, reviewer_of_pair, labels, n_candidates, ridge=0.0)
    fitted = pairs.candidate.size > 0
    sigma2 = (
        unshrunk.residual_ss / unshrunk.df if unshrunk.df > 0 else (UNKNOWN_SD_SHARE * span) ** 2
    )
    ridge = 0.0 if math.isinf(tau) else sigma2 / max(tau, 1e-12) ** 2
    fit = _fit(pairs, reviewer_of_pair, labels, n_candidates, ridge=ridge) if ridge else unshrunk

    quad = _quadratic(fit.shares, fit.covariance)
    with np.errstate(divide="ignore", invalid="ignore"):
        se = np.sqrt(sigma2 * (1.0 / fit.weight + quad))
    tail = 1.0 - (1.0 - level) / 2
    multiplier = float(stats.t.ppf(tail, unshrunk.df) if unshrunk.df > 0 else stats.norm.ppf(tail))
    low, high = fit.adjusted - multiplier * se, fit.adjusted + multiplier * se

    seen = np.flatnonzero(~np.isnan(fit.adjusted))
    point_rank = np.zeros(n_candidates, dtype=np.int64)
    if seen.size:
        # 1 + how many are strictly better: ties share the better rank. Rounded first, so
        # that a last-digit difference between equal scores is not a rank.
        values = np.round(fit.adjusted[seen], _TIE_DECIMALS)
        point_rank[seen] = 1 + seen.size - np.searchsorted(np.sort(values), values, side="right")
    bands = (
        _bands(fit, seen, point_rank, math.sqrt(sigma2), unshrunk.df, level, draws, seed)
        if fitted
        else {}
    )

    corrected = pairs.score - fit.offset[reviewer_of_pair] if fitted else pairs.score
    disagreement = _range(pairs.candidate, corrected, n_candidates)
    queue_mask = (raw["n"] >= 2) & (disagreement >= threshold - 1e-9)

    offset_full = np.full(len(reviewers), np.nan)
    offset_se = np.full(len(reviewers), np.nan)
    component_of = np.full(len(reviewers), -1)
    offset_full[active] = fit.offset
    offset_se[active] = np.sqrt(sigma2 * np.clip(np.diag(fit.covariance), 0, None))
    component_of[active] = labels
    candidate_component = np.full(n_candidates, -1)
    candidate_component[pairs.candidate] = labels[reviewer_of_pair]
    pairs_per_reviewer = np.bincount(pairs.reviewer, minlength=len(reviewers))

    results = [
        CandidateResult(
            id=name,
            n_reviewers=int(raw["n"][i]),
            raw_mean=float(raw["mean"][i]),
            median=float(raw["median"][i]),
            spread=float(raw["spread"][i]),
            sd=float(raw["sd"][i]),
            adjusted=float(fit.adjusted[i]),
            se=float(se[i]) if raw["n"][i] else math.nan,
            low=float(low[i]) if raw["n"][i] else math.nan,
            high=float(high[i]) if raw["n"][i] else math.nan,
            rank=int(point_rank[i]) if raw["n"][i] else None,
            band=bands.get(i),
            disagreement=float(disagreement[i]),
            consensus=bool(queue_mask[i]),
            component=int(candidate_component[i]) if candidate_component[i] >= 0 else None,
        )
        for i, name in enumerate(candidates)
    ]
    results.sort(key=lambda c: (c.rank is None, c.rank or 0, c.id))
    queue = sorted((c for c in results if c.consensus), key=lambda c: (-c.disagreement, c.id))
    return Ranking(
        candidates=tuple(results),
        reviewers=tuple(
            ReviewerResult(
                id=name,
                n_candidates=int(pairs_per_reviewer[j]),
                offset=float(offset_full[j]),
                se=float(offset_se[j]),
                component=int(component_of[j]) if component_of[j] >= 0 else None,
            )
            for j, name in enumerate(reviewers)
        ),
        alpha={
            name: _criterion_alpha(cand, rev, score, crit == k, len(reviewers))
            for k, name in enumerate(criteria)
        },
        alpha_overall=interval_alpha(pairs.candidate, pairs.score),
        consensus_queue=tuple(c.id for c in queue),
        residual_sd=math.sqrt(sigma2),
        residual_df=int(unshrunk.df),
        prior_sd=tau,
        scale=(low_end, high_end),
        level=level,
        components=n_components,
    )


def _pairs(cand, rev, score, confidence, weight, n_reviewers) -> _Pairs:
    judged = ~np.isnan(score)
    key = cand[judged] * max(n_reviewers, 1) + rev[judged]
    keys, inverse = np.unique(key, return_inverse=True)
    w = weight[judged]
    total = np.bincount(inverse, w, minlength=keys.size)
    mean = np.bincount(inverse, w * score[judged], minlength=keys.size) / np.where(total, total, 1)
    given = confidence[judged]
    fill = float(np.nanmean(given)) if np.any(~np.isnan(given)) else 1.0
    given = np.where(np.isnan(given), fill, given)
    precision = np.bincount(inverse, w * given, minlength=keys.size) / np.where(total, total, 1)
    if precision.size:
        precision = precision / precision.mean()
    return _Pairs(
        candidate=keys // max(n_reviewers, 1),
        reviewer=keys % max(n_reviewers, 1),
        score=mean,
        precision=precision,
    )


def _raw(pairs: _Pairs, n_candidates: int) -> dict[str, np.ndarray]:
    count = np.bincount(pairs.candidate, minlength=n_candidates)
    order = np.lexsort((pairs.score, pairs.candidate))
    ordered = pairs.score[order]
    starts = np.concatenate([[0], np.cumsum(count)[:-1]])
    has = count > 0
    nan = np.full(n_candidates, np.nan)
    mean, median, sd, spread = nan.copy(), nan.copy(), nan.copy(), nan.copy()
    total = np.bincount(pairs.candidate, pairs.score, minlength=n_candidates)
    mean[has] = total[has] / count[has]
    lower = ordered[starts[has] + (count[has] - 1) // 2]
    upper = ordered[starts[has] + count[has] // 2]
    median[has] = (lower + upper) / 2
    squares = np.bincount(
        pairs.candidate, (pairs.score - mean[pairs.candidate]) ** 2, minlength=n_candidates
    )
    several = count >= 2
    sd[several] = np.sqrt(squares[several] / (count[several] - 1))
    spread[several] = ordered[starts[several] + count[several] - 1] - ordered[starts[several]]
    return {"n": count, "mean": mean, "median": median, "sd": sd, "spread": spread}


def _range(candidate: np.ndarray, values: np.ndarray, n_candidates: int) -> np.ndarray:
    """max − min of `values` per candidate; NaN below two values."""
    count = np.bincount(candidate, minlength=n_candidates)
    high = np.full(n_candidates, -np.inf)
    low = np.full(n_candidates, np.inf)
    np.maximum.at(high, candidate, values)
    np.minimum.at(low, candidate, values)
    return np.where(count >= 2, high - low, np.nan)


def _components(candidate, reviewer, n_candidates: int, n_reviewers: int) -> np.ndarray:
    """Each active reviewer's connected component (reviewers linked by shared candidates)."""
    if n_reviewers == 0:
        return np.zeros(0, dtype=np.int64)
    # One bipartite graph: reviewers first, then candidates.
    graph = sparse.coo_matrix(
        (np.ones(candidate.size), (reviewer, n_reviewers + candidate)),
        shape=(n_reviewers + n_candidates, n_reviewers + n_candidates),
    )
    _count, labels = connected_components(graph, directed=False)
    reviewer_labels = labels[:n_reviewers]
    # Numbered 0, 1, … in the order of their first reviewer.
    _values, first, inverse = np.unique(reviewer_labels, return_index=True, return_inverse=True)
    renumber = np.empty(first.size, dtype=np.int64)
    renumber[np.argsort(first)] = np.arange(first.size)
    return renumber[inverse]


def _fit(pairs: _Pairs, reviewer, labels, n_candidates: int, *, ridge: float) -> _Fit:
    """Weighted least squares of y = a_c + b_r with a ridge on b, offsets summing to zero per
    component, by eliminating the candidates (the Schur complement)."""
    n_reviewers = labels.size
    p, y, c = pairs.precision, pairs.score, pairs.candidate
    weight = np.bincount(c, p, minlength=n_candidates)
    safe = np.where(weight > 0, weight, 1.0)
    mean = np.bincount(c, p * y, minlength=n_candidates) / safe
    shares = sparse.csr_matrix((p / safe[c], (c, reviewer)), shape=(n_candidates, n_reviewers))
    by_reviewer = sparse.csr_matrix((p, (reviewer, c)), shape=(n_reviewers, n_candidates))
    system = (
        np.diag(np.bincount(reviewer, p, minlength=n_reviewers)) - (by_reviewer @ shares).toarray()
    )
    rhs = np.bincount(reviewer, p * (y - mean[c]), minlength=n_reviewers)
    sizes = np.bincount(labels, minlength=int(labels.max()) + 1 if labels.size else 0)
    same = labels[:, None] == labels[None, :]
    anchor = np.where(same, 1.0 / sizes[labels][:, None], 0.0) if labels.size else same * 0.0
    system = (system + system.T) / 2 + ridge * np.eye(n_reviewers) + anchor
    if n_reviewers:
        inverse = linalg.inv(system)
        inverse = (inverse + inverse.T) / 2
    else:
        inverse = np.zeros((0, 0))
    offset = inverse @ rhs
    projector = np.eye(n_reviewers) - anchor
    covariance = projector @ inverse @ projector
    adjusted = np.where(weight > 0, mean - shares @ offset, np.nan)
    residual = y - adjusted[c] - offset[reviewer] if c.size else y
    seen = int(np.count_nonzero(weight > 0))
    n_components = int(sizes.size)
    return _Fit(
        adjusted=adjusted,
        offset=offset,
        covariance=covariance,
        shares=shares,
        weight=weight,
        residual_ss=float(np.sum(p * residual**2)),
        df=int(c.size - seen - (n_reviewers - n_components)),
    )


def _quadratic(shares: sparse.csr_matrix, covariance: np.ndarray) -> np.ndarray:
    """πᵀ Cov π for each candidate's row π, in row blocks that keep memory bounded."""
    n_candidates, n_reviewers = shares.shape
    result = np.zeros(n_candidates)
    step = max(1, _CHUNK_CELLS // max(n_reviewers, 1))
    for start in range(0, n_candidates, step):
        block = shares[start : start + step]
        result[start : start + step] = np.asarray(
            block.multiply(block @ covariance).sum(axis=1)
        ).ravel()
    return result


def _bands(fit: _Fit, seen, point_rank, sigma: float, df: int, level: float, draws: int, seed: int):
    """{candidate index: (best, worst)} from ranks of joint draws of the adjusted scores. Each
    draw also draws σ from its scaled inverse χ² (σ̂ on `df` degrees of freedom), so that the
    bands are as wide as the t intervals when the residuals are few."""
    if seen.size == 0 or draws < 1:
        return {}
    rng = np.random.default_rng(seed)
    eigenvalues, vectors = np.linalg.eigh(fit.covariance)
    factor = vectors * np.sqrt(np.clip(eigenvalues, 0, None))
    shares = fit.shares[seen]
    noise_sd = sigma / np.sqrt(fit.weight[seen])
    ranks = np.empty((draws, seen.size), dtype=np.int32)
    step = max(1, _CHUNK_CELLS // seen.size)
    for start in range(0, draws, step):
        count = min(step, draws - start)
        shift = shares @ (factor @ rng.standard_normal((factor.shape[1], count)))
        spread = np.sqrt(df / rng.chisquare(df, count)) if df > 0 else np.ones(count)
        values = fit.adjusted[seen][None, :] + spread[:, None] * (
            noise_sd[None, :] * rng.standard_normal((count, seen.size))
            + sigma * np.asarray(shift).T
        )
        # Single precision halves the sort's work; ties are found after rounding either way.
        ranks[start : start + count] = _ranks(np.round(values, _TIE_DECIMALS).astype(np.float32))
    # The quantiles "lower" and "higher" are order statistics: a partial sort finds them.
    tail = (1.0 - level) / 2
    low_index = math.floor(tail * (draws - 1))
    high_index = math.ceil((1.0 - tail) * (draws - 1))
    best = np.partition(ranks, low_index, axis=0)[low_index]
    worst = np.partition(ranks, high_index, axis=0)[high_index]
    return {
        int(i): (int(min(b, point_rank[i])), int(max(w, point_rank[i])))
        for i, b, w in zip(seen, best, worst, strict=True)
    }


def _ranks(values: np.ndarray) -> np.ndarray:
    """Each row's ranks, 1 = highest, ties sharing the better rank."""
    order = np.argsort(-values, axis=1, kind="stable")
    ordered = np.take_along_axis(values, order, axis=1)
    positions = np.arange(1, values.shape[1] + 1)[None, :]
    new = np.ones_like(ordered, dtype=bool)
    new[:, 1:] = ordered[:, 1:] != ordered[:, :-1]
    shared = np.maximum.accumulate(np.where(new, positions, 0), axis=1)
    ranks = np.empty_like(order)
    np.put_along_axis(ranks, order, shared, axis=1)
    return ranks


def _criterion_alpha(cand, rev, score, rows, n_reviewers: int) -> float:
    rows = rows & ~np.isnan(score)
    units, unit_of = np.unique(cand[rows], return_inverse=True)
    values = score[rows]
    distinct = np.unique(values).size
    if units.size * distinct * distinct <= _ALPHA_CELLS and n_reviewers * units.size <= (
        _ALPHA_CELLS
    ):
        matrix = np.full((n_reviewers, units.size), np.nan)
        matrix[rev[rows], unit_of] = values
        return krippendorff_alpha(matrix, "interval")
    return interval_alpha(unit_of, values)


def interval_alpha(unit: np.ndarray, values: np.ndarray) -> float:
    """Krippendorff's alpha at the interval level from (unit, value) pairs, in closed form:
    α = 1 − (n − 1)/n · Σ_u m_u SS_u/(m_u − 1) / SS, over the pairable units (m_u ≥ 2 values,
    SS_u their squares about the unit's mean, SS the pooled values' about theirs). Used where
    the coincidence matrix would be too large (many distinct values); equal to it otherwise."""
    unit = np.asarray(unit)
    values = np.asarray(values, dtype=float)
    if unit.size == 0:
        return math.nan
    _ids, inverse = np.unique(unit, return_inverse=True)
    count = np.bincount(inverse)
    pairable = count[inverse] >= 2
    inverse, values = inverse[pairable], values[pairable]
    if values.size < 2:
        return math.nan
    count = np.bincount(inverse)
    means = np.bincount(inverse, values) / np.where(count, count, 1)
    within = np.bincount(inverse, (values - means[inverse]) ** 2)
    total = float(np.sum((values - values.mean()) ** 2))
    if total <= 0:
        return math.nan
    n = values.size
    used = count >= 2
    observed = float(np.sum(count[used] * within[used] / (count[used] - 1)))
    return 1.0 - (n - 1) / n * observed / total
