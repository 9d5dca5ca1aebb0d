"""Why an allocation problem is infeasible: a smallest set of constraints that conflict.

A deletion filter in the QuickXplain form (Junker 2004): the constraints are split in halves and
a half is dropped whenever the rest is still infeasible, so a conflict of k constraints among n
takes about 2k log2(n/k) feasibility checks rather than n. A check that cannot decide within the
time left counts as "feasible", which keeps the constraint: the answer is then still a set that
conflicts, only perhaps not irreducible, and it is reported as not narrowed down.

Two rounds keep big problems quick: first over coarse groups (the budget, each unit floor and
ceiling, each purpose bound, and all mandatory lines, all dependencies, all stability limits and
all locks as one group each), then over the lines of the groups that remain. When the second
round runs out of time the groups are named whole. A line whose own mandatory, stability and
lock constraints leave it no option is found without the solver.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from time import perf_counter
from typing import Generic, TypeVar

import numpy as np

from spaceforchange.analytics.allocation.constraints import GROUPS, Formulation, Member, group_conflict
from spaceforchange.analytics.allocation.model import Conflict, ConstraintKind

T = TypeVar("T")
# A check of some members within some seconds answers True (infeasible, proven), False
# (feasible) or None (undecided in time).
Check = Callable[[Sequence[Member], float], bool | None]


@dataclass(frozen=True)
class Diagnosis:
    conflicts: tuple[Conflict, ...]
    narrowed: bool  # every check decided: no constraint of ``conflicts`` can be dropped


class _Explainer(Generic[T]):
    def __init__(self, check: Callable[[list[T]], bool | None]) -> None:
        self.check = check
        self.decided = True

    def infeasible(self, items: list[T]) -> bool:
        answer = self.check(items)
        if answer is None:
            self.decided = False
        return answer is True

    def explain(self, base: list[T], changed: bool, candidates: list[T]) -> list[T]:
        """A subset of ``candidates`` that conflicts together with ``base`` (QuickXplain)."""
        if changed and self.infeasible(base):
            return []
        if len(candidates) == 1:
            return candidates
        half = len(candidates) // 2
        first, second = candidates[:half], candidates[half:]
        kept_second = self.explain(base + first, True, second)
        kept_first = self.explain(base + kept_second, bool(kept_second), first)
        return kept_first + kept_second


def explain(base: list[T], candidates: list[T], check: Callable[[list[T]], bool | None]) -> tuple[list[T], bool]:
    """Members of ``candidates`` that conflict together with ``base``, and whether all checks decided.

    ``base`` plus all of ``candidates`` must be infeasible.
    """
    explainer: _Explainer[T] = _Explainer(check)
    found = explainer.explain(base, False, candidates) if candidates else []
    return found, explainer.decided


def local_conflict(formulation: Formulation) -> Diagnosis | None:
    """A line left without any option by its own mandatory, stability and lock constraints."""
    by_line: dict[str, list[Member]] = {}
    for member in formulation.members:
        if len(member.forbidden):
            by_line.setdefault(member.conflict.subject[0], []).append(member)
    for members in by_line.values():
        line = int(np.searchsorted(formulation.starts, members[0].forbidden[0], side="right")) - 1
        width = int(formulation.starts[line + 1] - formulation.starts[line])

        def check(chosen: list[Member], width: int = width) -> bool:
            return len(set().union(*(member.forbidden.tolist() for member in chosen))) >= width

        if check(members):
            found, _ = explain([], members, check)
            return Diagnosis(tuple(member.conflict for member in found), True)
    return None


def _lines(formulation: Formulation, member: Member) -> set[int]:
    columns = np.concatenate([member.forbidden, *(row.columns for row in member.rows)])
    return set(np.unique(np.searchsorted(formulation.starts, columns, side="right") - 1).tolist())


def _near(
    formulation: Formulation,
    fixed: list[Member],
    candidates: list[Member],
    timed: Callable[[list[Member]], bool | None],
) -> list[Member]:
    """The candidates on the lines that the fixed constraints touch, or linked to them by dependencies,
    when these alone still conflict with the fixed ones; otherwise all candidates.

    A unit's ceiling touches only that unit's lines: narrowing down among those few instead of
    every line of the budget takes far fewer checks.
    """
    area: set[int] = set().union(*(_lines(formulation, member) for member in fixed))
    if not area or len(area) == len(formulation.starts) - 1:
        return candidates
    touched = [_lines(formulation, member) for member in candidates]
    grown = True
    while grown:
        grown = False
        for lines in touched:
            if len(lines) > 1 and lines & area and not lines <= area:
                area |= lines
                grown = True
    near = [member for member, lines in zip(candidates, touched, strict=True) if lines & area]
    if len(near) < len(candidates) and timed(fixed + near):
        return near
    return candidates


def diagnose(formulation: Formulation, probe: Check, time_limit_s: float) -> Diagnosis:
    """A smallest conflicting set of ``formulation``'s constraints, which together are infeasible."""
    deadline = perf_counter() + time_limit_s

    def timed(members: Sequence[Member]) -> bool | None:
        left = deadline - perf_counter()
        return probe(members, left) if left > 0 else None

    groups: dict[str, list[Member]] = {}
    for member in formulation.members:
        key = GROUPS.get(member.conflict.kind, member.conflict.key)
        groups.setdefault(key, []).append(member)
    coarse = list(groups.items())
    found, decided = explain([], coarse, lambda chosen: timed([m for _, members in chosen for m in members]))
    fixed = [members[0] for key, members in found if key not in GROUPS.values()]
    grouped = [(key, members) for key, members in found if key in GROUPS.values()]
    candidates = _near(formulation, fixed, [member for _, members in grouped for member in members], timed)
    refined, refined_decided = explain(fixed, candidates, lambda chosen: timed(chosen))
    if refined_decided:
        return Diagnosis(tuple(member.conflict for member in fixed + refined), decided)
    # Naming every line of a group that could not be narrowed down would bury the reader.
    whole = [group_conflict(ConstraintKind(key), len(members)) for key, members in grouped]
    return Diagnosis(tuple(member.conflict for member in fixed) + tuple(whole), False)
