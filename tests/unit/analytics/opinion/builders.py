"""Small synthetic conversations for the opinion-mapping tests."""

from __future__ import annotations

import numpy as np

from spaceforchange.analytics.opinion.matrix import Vote, VoteMatrix


def two_camps(per_camp: int = 30, statements: int = 12, seed: int = 1, noise: float = 0.1) -> VoteMatrix:
    """Two camps that disagree on every statement except the last two (agreed by all)."""
    rng = np.random.default_rng(seed)
    votes: list[Vote] = []
    for person in range(2 * per_camp):
        camp = 1 if person < per_camp else -1
        for statement in range(statements):
            lean = 1 if statement >= statements - 2 else camp * (1 if statement % 2 else -1)
            value = lean if rng.random() > noise else int(rng.choice([-1, 0, 1]))
            votes.append(Vote(f"p{person}", statement, value))
    return VoteMatrix.from_votes(votes, statement_ids=range(statements))
