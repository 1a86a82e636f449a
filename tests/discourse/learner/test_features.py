"""Hashed n-gram features: within words and texts, independent of position, counted."""

from meshutaf.discourse.learner.config import LearnerConfig
from meshutaf.discourse.learner.features import hashed_counts


def _columns(matrix, row=0):
    return set(matrix[row].indices.tolist())


def test_features_do_not_cross_words_or_texts():
    config = LearnerConfig()
    char_limit = 1 << config.char_bits
    together = hashed_counts(["abc xyz"], config)
    apart = hashed_counts(["abc", "xyz"], config)
    chars = {c for c in _columns(together) if c < char_limit}
    assert chars == {c for c in _columns(apart, 0) | _columns(apart, 1) if c < char_limit}
    words_together = {c for c in _columns(together) if c >= char_limit}
    words_apart = {c for c in _columns(apart, 0) | _columns(apart, 1) if c >= char_limit}
    assert words_apart < words_together  # plus the bigram "abc xyz"
    assert len(words_together) == 3
    # A text scores the same alone or in a batch, wherever it stands.
    batch = hashed_counts(["first one", "abc xyz", "", "ن و ت"], config)
    assert (batch[1] != together[0]).nnz == 0
    assert batch[2].nnz == 0
    assert hashed_counts([], config).shape[0] == 0


def test_word_features_do_not_depend_on_position():
    config = LearnerConfig()
    char_limit = 1 << config.char_bits
    a = hashed_counts(["שלום עולם"], config)
    b = hashed_counts(["עולם יפה שלום"], config)
    shared = {c for c in _columns(a) & _columns(b) if c >= char_limit}
    assert len(shared) == 2  # the two words; the bigrams differ


def test_counts_count():
    config = LearnerConfig(char_min=3, char_max=3)
    counts = hashed_counts(["aaaa"], config)  # " aaaa ": " aa", "aaa" twice, "aa "
    assert sorted(counts.data[counts.indices < (1 << config.char_bits)].tolist()) == [1, 1, 2]
