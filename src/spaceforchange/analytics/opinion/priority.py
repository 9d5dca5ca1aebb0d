"""Which statement a participant sees next: Polis's priority-weighted random draw."""

from __future__ import annotations

from collections.abc import Collection, Mapping

from spaceforchange.analytics.opinion.matrix import Id

# Polis's priority of a statement nobody has voted on yet, at extremity 0:
# ((1 − ½) · (1 + 0) · ½ · (1 + 8 · 2⁰))² = (0.25 · 9)².
NEW_STATEMENT_PRIORITY = (0.25 * 9) ** 2


def choose_next_statement(
    priorities: Mapping[Id, float | None],
    already_voted: Collection[Id],
    *,
    random_value: float,
    new_statement_priority: float = NEW_STATEMENT_PRIORITY,
) -> Id | None:
    """Draw one statement the participant has not voted on, with probability proportional to
    its priority. ``priorities`` lists the statements that may be shown (a ``None`` priority
    marks a statement added since the last analysis, which gets ``new_statement_priority``);
    a priority of 0 or less means never show it (moderated out). ``random_value`` is uniform
    in [0, 1), supplied by the caller so the draw is reproducible. Returns None when nothing is
    left to vote on."""
    if not 0.0 <= random_value < 1.0:
        raise ValueError("random_value must be in [0, 1)")
    voted = set(already_voted)
    candidates = [
        (statement, new_statement_priority if priority is None else float(priority))
        for statement, priority in priorities.items()
        if statement not in voted
    ]
    candidates = [(statement, weight) for statement, weight in candidates if weight > 0]
    if not candidates:
        return None
    threshold = random_value * sum(weight for _, weight in candidates)
    running = 0.0
    for statement, weight in candidates:
        running += weight
        if running > threshold:
            return statement
    return candidates[-1][0]
