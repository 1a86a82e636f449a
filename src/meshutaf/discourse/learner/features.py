"""The default learner's features: hashed character and word n-grams of normalised text, made
for a whole batch at once with numpy rolling hashes, weighed by sublinear tf-idf per view.
Pure: numpy and scipy only."""

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from .config import LearnerConfig

# 64-bit FNV prime for the rolling polynomial hash, and a 64-bit odd multiplier (the golden
# ratio) for the final mix. numpy's uint64 arithmetic wraps, which is what a hash wants.
_P = np.uint64(0x100000001B3)
_P_INVERSE = np.uint64(pow(0x100000001B3, -1, 2**64))
_MIX = np.uint64(0x9E3779B97F4A7C15)
_PAIR = np.uint64(0xC2B2AE3D27D4EB4F)
_SEPARATOR, _SPACE = 10, 32  # "\n" joins the texts of a batch; normalize() leaves none inside
_word_table: np.ndarray | None = None


def _word_characters() -> np.ndarray:
    """A lookup of which Basic Multilingual Plane code points are word characters (\\w)."""
    global _word_table
    if _word_table is None:
        table = np.zeros(0x10000, dtype=bool)
        table[[i for i in range(0x10000) if chr(i).isalnum() or i == ord("_")]] = True
        _word_table = table
    return _word_table


def _mix(hashes: np.ndarray, seed: int, bits: int) -> np.ndarray:
    """A well-spread `bits`-bit bucket for each 64-bit hash (multiply-xorshift)."""
    h = (hashes ^ np.uint64(seed * 0x51ED27)) * _MIX
    h ^= h >> np.uint64(29)
    h *= _MIX
    return (h >> np.uint64(64 - bits)).astype(np.int64)


def hashed_counts(normalized: Sequence[str], config: LearnerConfig) -> sp.csr_matrix:
    """Counts of hashed n-grams for a batch of normalised texts: columns [0, 2**char_bits) are
    character n-grams inside word boundaries, the next 2**word_bits word n-grams.

    The batch is one UTF-32 code point array " text1 \\n text2 \\n ... "; an n-gram is kept
    unless it crosses a text boundary, has a space strictly inside it or is only spaces, which
    is char_wb's "n-grams of ' word '". Hashes are rolling polynomials; word hashes come from
    prefix hashes (substring hash = P^(end-1) · (G[end] − G[start]), G a cumulative sum of
    c·P^-i), so no Python loop runs per text or per n-gram."""
    n_docs = len(normalized)
    width = (1 << config.char_bits) + (1 << config.word_bits)
    if n_docs == 0:
        # scipy-stubs know an empty shape only with a float64 dtype.
        return sp.csr_matrix((0, width), dtype=np.float32)  # type: ignore[arg-type]
    stream = " " + " \n ".join(normalized) + " "
    if stream.count("\n") != n_docs - 1:  # not normalised: a line break would split a text
        stream = " " + " \n ".join(text.replace("\n", " ") for text in normalized) + " "
    # surrogatepass: a lone surrogate (from broken input) is a code point like any other.
    codes = np.frombuffer(stream.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    length = codes.size
    separator = codes == _SEPARATOR
    doc = np.cumsum(separator)
    breaks = np.zeros(length + 1, dtype=np.int64)
    np.cumsum((codes == _SPACE) | separator, out=breaks[1:])
    separators = np.zeros(length + 1, dtype=np.int64)
    np.cumsum(separator, out=separators[1:])
    codes64 = codes.astype(np.uint64)
    rows, cols = [], []
    rolling = codes64.copy()
    for n in range(1, config.char_max + 1):
        if n > 1:
            rolling = rolling[:-1] * _P + codes64[n - 1 :]
        if n < config.char_min:
            continue
        if n == 1:
            keep = np.flatnonzero((breaks[1:] - breaks[:-1]) == 0)
        else:
            start = np.arange(length - n + 1)
            keep = np.flatnonzero(
                (separators[start + n] == separators[start])
                & (breaks[start + n - 1] == breaks[start + 1])
                & (breaks[start + n] - breaks[start] < n)  # not only spaces: "  " of an empty text
            )
        rows.append(doc[keep])
        cols.append(_mix(rolling[keep], n, config.char_bits))
    rows_w, cols_w = _word_ngrams(codes, codes64, doc, config)
    rows.extend(rows_w)
    cols.extend(cols_w)
    counts = sp.csr_matrix(
        (
            np.ones(sum(r.size for r in rows), dtype=np.float32),
            (np.concatenate(rows), np.concatenate(cols)),
        ),
        shape=(n_docs, width),
    )
    counts.sum_duplicates()
    return counts


def _word_ngrams(codes, codes64, doc, config):
    """Rows and hashed columns of word unigrams (maximal runs of \\w) and bigrams."""
    length = codes.size
    is_word = np.zeros(length + 2, dtype=np.int8)
    low = codes < 0x10000
    is_word[1:-1][low] = _word_characters()[codes[low]]
    edge = np.diff(is_word)
    starts, ends = np.flatnonzero(edge == 1), np.flatnonzero(edge == -1)
    if starts.size == 0:
        return [], []
    powers = np.empty(length + 1, dtype=np.uint64)
    powers[0] = 1
    np.cumprod(np.full(length, _P, dtype=np.uint64), out=powers[1:])
    inverse = np.empty(length, dtype=np.uint64)
    inverse[0] = 1
    np.cumprod(np.full(length - 1, _P_INVERSE, dtype=np.uint64), out=inverse[1:])
    prefix = np.zeros(length + 1, dtype=np.uint64)
    np.cumsum(codes64 * inverse, out=prefix[1:])
    word_hash = powers[ends - 1] * (prefix[ends] - prefix[starts])
    word_doc = doc[starts]
    offset = 1 << config.char_bits
    rows, cols = [word_doc], [offset + _mix(word_hash, 101, config.word_bits)]
    if config.word_ngrams >= 2 and word_hash.size > 1:
        same = np.flatnonzero(word_doc[1:] == word_doc[:-1])
        pair = word_hash[same] * _PAIR + word_hash[same + 1]
        rows.append(word_doc[same])
        cols.append(offset + _mix(pair, 102, config.word_bits))
    return rows, cols


@dataclass
class Featurizer:
    """Hashed counts → sublinear tf · idf → L2 per view, restricted to the training vocabulary.

    `vocabulary` holds the sorted hashed column ids seen in at least min_df training texts and
    `idf` their IDF; n-grams outside it still count towards a text's norm, with the IDF of a
    never-seen n-gram, so a text made mostly of unknown n-grams gets small feature values."""

    config: LearnerConfig
    vocabulary: np.ndarray
    idf: np.ndarray
    idf_unseen: float
    _lookup: np.ndarray | None = field(default=None, repr=False)

    @classmethod
    def fit(
        cls, normalized: Sequence[str], config: LearnerConfig
    ) -> tuple["Featurizer", sp.csr_matrix]:
        counts = hashed_counts(normalized, config)
        n = counts.shape[0]
        df = np.bincount(counts.indices, minlength=counts.shape[1])
        vocabulary = np.flatnonzero(df >= config.min_df)
        idf = (np.log((1.0 + n) / (1.0 + df[vocabulary])) + 1.0).astype(np.float32)
        featurizer = cls(config, vocabulary.astype(np.int64), idf, float(math.log(1.0 + n) + 1.0))
        return featurizer, featurizer.weigh(counts)

    @property
    def n_features(self) -> int:
        return int(self.vocabulary.size)

    def lookup(self) -> np.ndarray:
        if self._lookup is None:
            width = (1 << self.config.char_bits) + (1 << self.config.word_bits)
            lookup = np.full(width, -1, dtype=np.int32)
            lookup[self.vocabulary] = np.arange(self.vocabulary.size, dtype=np.int32)
            self._lookup = lookup
        return self._lookup

    def transform(self, normalized: Sequence[str]) -> sp.csr_matrix:
        return self.weigh(hashed_counts(normalized, self.config))

    def weigh(self, counts: sp.csr_matrix) -> sp.csr_matrix:
        column = self.lookup()[counts.indices]
        known = column >= 0
        values = (1.0 + np.log(counts.data)) * np.where(
            known, self.idf[np.maximum(column, 0)], np.float32(self.idf_unseen)
        )
        # One norm per row and view: word columns start at 2**char_bits.
        row = np.repeat(np.arange(counts.shape[0]), np.diff(counts.indptr))
        view = (counts.indices >= (1 << self.config.char_bits)).astype(np.int64)
        key = row * 2 + view
        squares = np.bincount(
            key, weights=values.astype(np.float64) ** 2, minlength=2 * counts.shape[0]
        )
        norms = np.sqrt(squares)
        values = (values / np.maximum(norms[key], 1e-12)).astype(np.float32)
        kept_rows = np.bincount(row[known], minlength=counts.shape[0])
        indptr = np.zeros(counts.shape[0] + 1, dtype=np.int64)
        np.cumsum(kept_rows, out=indptr[1:])
        return sp.csr_matrix(
            (values[known], column[known], indptr), shape=(counts.shape[0], self.n_features)
        )


def with_embeddings(x: sp.csr_matrix, embeddings: np.ndarray) -> sp.csr_matrix:
    """Sparse features and L2-normalised dense embeddings side by side (each view norm 1)."""
    embeddings = np.asarray(embeddings, dtype=np.float32)
    norms = np.linalg.norm(embeddings, axis=1, keepdims=True)
    embeddings = embeddings / np.maximum(norms, 1e-12)
    return sp.hstack([x, sp.csr_matrix(embeddings)], format="csr", dtype=np.float32)
