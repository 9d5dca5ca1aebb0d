"""Agreement between two partitions: the adjusted Rand index (Hubert and Arabie, 1985)."""

from __future__ import annotations

from collections.abc import Hashable, Sequence

import numpy as np
from numpy.typing import NDArray


def adjusted_rand_index(first: Sequence[Hashable], second: Sequence[Hashable]) -> float:
    """ARI of two labellings of the same items: 1 for identical partitions (up to renaming),
    about 0 for independent ones. Two single-cluster (or all-singleton) labellings score 1."""
    if len(first) != len(second):
        raise ValueError("both labellings must cover the same items")
    n = len(first)
    if n < 2:
        return 1.0
    _, a = np.unique(np.asarray([str(x) for x in first]), return_inverse=True)
    _, b = np.unique(np.asarray([str(x) for x in second]), return_inverse=True)
    table = np.zeros((a.max() + 1, b.max() + 1))
    np.add.at(table, (a, b), 1.0)

    def pairs(counts: NDArray[np.float64]) -> float:
        return float((counts * (counts - 1) / 2).sum())

    index = pairs(table)
    rows, columns = pairs(table.sum(axis=1)), pairs(table.sum(axis=0))
    expected = rows * columns / (n * (n - 1) / 2)
    maximum = (rows + columns) / 2
    if maximum == expected:
        return 1.0
    return (index - expected) / (maximum - expected)
