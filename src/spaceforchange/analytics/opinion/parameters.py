"""Every tunable of the opinion-mapping pipeline, with the Polis (Clojure polismath) default."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class OpinionParameters:
    """Tunables of :func:`spaceforchange.analytics.opinion.pipeline.analyze`.

    Defaults are Polis's; the reference documentation names the Polis option behind each one.
    """

    seed: int = 0
    """Seed of the only random step, the k-means++ choice of the first base-cluster centres when
    ``base_init`` is "kmeans++"."""

    base_init: str = "polis"
    """How a first run (no previous state) picks the base-cluster centres: "polis", the first
    distinct participant positions in participant-id order (Polis's ``init-clusters``, which
    uses arrival order), or "kmeans++", seeded k-means++ over the distinct positions."""

    min_votes: int = 7
    """A participant enters the analysis once their vote count reaches min(min_votes, number of
    statements that have any vote). Polis: ``(min 7 n-cmts)``."""

    min_participants_in: int = 15
    """While fewer participants qualify, the most active voters are added until this many are in
    (Polis's ``greedy-n``), so that small conversations still get a map."""

    base_clusters: int = 100
    """k of the first k-means over participants (Polis ``base-k``)."""

    base_iterations: int = 100
    """Maximum Lloyd iterations for the base clusters (Polis ``base-iters``)."""

    min_groups: int = 2
    """Smallest number of opinion groups tried."""

    max_groups: int = 5
    """Largest number of opinion groups tried (Polis ``max-k``); also capped at
    2 + ⌊base clusters / 12⌋ as Polis does."""

    group_iterations: int = 100
    """Maximum Lloyd iterations for the group k-means (Polis ``group-iters``)."""

    convergence_distance: float = 0.01
    """k-means stops once no centre moved farther than this (Polis ``same-clustering?``)."""

    group_k_buffer: int = 4
    """A new best number of groups is adopted only after it has won this many consecutive runs
    (Polis ``group-k-buffer``); the first run adopts its best k at once."""

    silhouette_weighted: bool = False
    """Weight each base cluster's silhouette by its size. Polis averages unweighted."""

    significance_z: float = 1.2815515655446004
    """One-sided z threshold for the proportion tests: the 90 % quantile of the standard normal.
    Polis hard-codes 1.2816."""

    pseudocount: float = 1.0
    """Laplace pseudocount in the smoothed probabilities (n + 1) / (N + 2)."""

    representative_count: int = 5
    """Representative statements kept per group (Polis ``take 5``)."""

    consensus_count: int = 5
    """Consensus statements kept per direction (Polis ``take 5``)."""

    consensus_probability: float = 0.5
    """A consensus statement's smoothed agree (disagree) probability must exceed this."""

    meta_priority: float = 7.0
    """Priority of meta statements before squaring (Polis ``meta-priority``)."""

    newness_boost: float = 8.0
    """Comment priority is multiplied by 1 + newness_boost · 2^(−seen / newness_half_life)."""

    newness_half_life: float = 5.0
    """Votes after which the newness boost halves."""

    divisive_count: int = 5
    """The division score averages the divisiveness of this many most divisive statements."""

    def __post_init__(self) -> None:
        if self.min_votes < 1 or self.min_participants_in < 0:
            raise ValueError("min_votes must be at least 1 and min_participants_in not negative")
        if self.base_clusters < 1 or self.base_iterations < 1 or self.group_iterations < 1:
            raise ValueError("base_clusters and iteration counts must be at least 1")
        if not 2 <= self.min_groups <= self.max_groups:
            raise ValueError("need 2 <= min_groups <= max_groups")
        if self.representative_count < 1 or self.consensus_count < 1 or self.divisive_count < 1:
            raise ValueError("statement counts must be at least 1")
        if self.base_init not in ("polis", "kmeans++"):
            raise ValueError('base_init must be "polis" or "kmeans++"')
        if self.pseudocount <= 0 or self.convergence_distance < 0 or self.group_k_buffer < 1:
            raise ValueError("pseudocount must be positive, convergence_distance not negative, group_k_buffer >= 1")
