"""Polis-style opinion mapping: vote matrix, PCA, groups, representativeness and consensus.

Pure numpy/scipy; the formulas, defaults and departures from Polis are in
``docs/reference/opinion-mapping.md``.
"""
