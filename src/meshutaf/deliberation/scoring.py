"""How alike two groupings are: the adjusted Rand index (for checks against Pol.is)."""

import math

import numpy as np
from scipy import sparse


def adjusted_rand_index(labels_a, labels_b) -> float:
    """ARI of two labelings of the same items (None is a label of its own)."""
    a = np.unique(np.array([str(x) for x in labels_a]), return_inverse=True)[1]
    b = np.unique(np.array([str(x) for x in labels_b]), return_inverse=True)[1]
    n = a.size
    if n < 2:
        return 1.0
    table = sparse.coo_matrix((np.ones(n), (a, b))).toarray()
    comb = lambda x: x * (x - 1) / 2  # noqa: E731
    index = comb(table).sum()
    rows = comb(table.sum(axis=1)).sum()
    cols = comb(table.sum(axis=0)).sum()
    expected = rows * cols / comb(n)
    maximum = (rows + cols) / 2
    if math.isclose(maximum, expected):
        return 1.0
    return float((index - expected) / (maximum - expected))
