"""The optimal allocation: a 0-1 linear programme solved by HiGHS (``scipy.optimize.milp``).

Maximise the sum over lines of the chosen option's value (goal weight x contribution, summed
over goals) subject to the constraints of ``constraints.py``. An infeasible problem is narrowed
down to a smallest set of conflicting constraints (``diagnosis.py``); a solver that stops
without an answer says so in the status. Every allocation returned is checked against every
constraint with ``evaluate``, so round-off in the solver cannot pass unnoticed.
"""

from __future__ import annotations

from collections.abc import Sequence
from time import perf_counter

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, OptimizeResult, milp
from scipy.sparse import csr_array

from spaceforchange.analytics.allocation.constraints import FloatArray, Formulation, IntArray, Member, Row, formulate
from spaceforchange.analytics.allocation.diagnosis import Diagnosis, diagnose, local_conflict
from spaceforchange.analytics.allocation.figures import evaluate
from spaceforchange.analytics.allocation.heuristics import current_allocation, greedy_by_score
from spaceforchange.analytics.allocation.model import (
    DEFAULT_PARAMETERS,
    AllocationParameters,
    AllocationProblem,
    AllocationResult,
    Method,
    Status,
)

# scipy.optimize.milp status codes
SOLVED, LIMIT_REACHED, INFEASIBLE = 0, 1, 2


def _solve(
    formulation: Formulation,
    members: Sequence[Member],
    *,
    parameters: AllocationParameters,
    time_limit_s: float | None = None,
    gap: float | None = None,
    relaxed: bool = False,
) -> OptimizeResult:
    upper = np.ones(formulation.size)
    row_of: list[np.ndarray] = []
    columns: list[np.ndarray] = []
    coefficients: list[np.ndarray] = []
    lower_bounds: list[float] = []
    upper_bounds: list[float] = []
    for member in members:
        upper[member.forbidden] = 0.0
        for row in member.rows:
            row_of.append(np.full(len(row.columns), len(lower_bounds)))
            columns.append(row.columns)
            coefficients.append(row.coefficients)
            lower_bounds.append(row.lower)
            upper_bounds.append(row.upper)
    constraints = [LinearConstraint(formulation.structural, 1.0, 1.0)]
    if lower_bounds:
        matrix = csr_array(
            (np.concatenate(coefficients), (np.concatenate(row_of), np.concatenate(columns))),
            shape=(len(lower_bounds), formulation.size),
        )
        constraints.append(LinearConstraint(matrix, lower_bounds, upper_bounds))
    return milp(
        -formulation.values,
        integrality=np.zeros(formulation.size) if relaxed else np.ones(formulation.size),
        bounds=Bounds(0.0, upper),
        constraints=constraints,
        options={
            "time_limit": parameters.time_limit_s if time_limit_s is None else time_limit_s,
            "mip_rel_gap": parameters.mip_rel_gap if gap is None else gap,
            "presolve": parameters.presolve,
        },
    )


def _chosen(problem: AllocationProblem, formulation: Formulation, x: FloatArray) -> dict[str, str]:
    starts = formulation.starts
    return {
        line.id: line.options[int(np.argmax(x[starts[i] : starts[i + 1]]))].id for i, line in enumerate(problem.lines)
    }


def optimize(problem: AllocationProblem, parameters: AllocationParameters = DEFAULT_PARAMETERS) -> AllocationResult:
    """The allocation of most strategic value that meets every constraint, or why there is none."""
    started = perf_counter()
    formulation = formulate(problem)
    local = local_conflict(formulation)
    if local is not None:
        return _infeasible(local, started)
    if formulation.size == 0:
        return _without_lines(problem, parameters, started)
    solved = _solve(formulation, formulation.members, parameters=parameters)
    if solved.status == INFEASIBLE:
        probe = _Probe(problem, formulation, parameters)
        return _infeasible(diagnose(formulation, probe, parameters.diagnosis_time_limit_s), started)
    if solved.x is None:
        status = Status.TIME_LIMIT if solved.status == LIMIT_REACHED else Status.ERROR
        text = "The time limit ran out before any allocation meeting every constraint was found."
        message = text if status is Status.TIME_LIMIT else f"The solver failed: {solved.message}"
        return _empty(status, started, message)
    chosen = _chosen(problem, formulation, solved.x)
    figures = evaluate(problem, chosen, parameters)
    if figures.violations:
        message = "The solver's answer breaks a constraint after rounding; try a smaller mip_rel_gap."
        return AllocationResult(
            Method.OPTIMAL, Status.ERROR, figures.value, chosen, figures.total_cost, None,
            perf_counter() - started, figures.violations, True, message,
        )  # fmt: skip
    status = Status.OPTIMAL if solved.status == SOLVED else Status.FEASIBLE
    gap = float(solved.mip_gap) if getattr(solved, "mip_gap", None) is not None else None
    return AllocationResult(
        Method.OPTIMAL, status, figures.value, chosen, figures.total_cost, gap, perf_counter() - started
    )


class _Probe:
    """Feasibility checks for the diagnosis, remembering every allocation found along the way.

    A check of some constraints is answered without the solver when a remembered allocation
    meets them all; most checks of the deletion filter ask about fewer constraints than one
    answered before, so this spares most solver runs. The greedy and current allocations seed
    the memory.
    """

    def __init__(self, problem: AllocationProblem, formulation: Formulation, parameters: AllocationParameters) -> None:
        self.formulation = formulation
        self.parameters = parameters
        self.known = [
            self._one_hot([line.options.index(line.option(chosen[line.id])) for line in problem.lines])
            for chosen in (greedy_by_score(problem).chosen, current_allocation(problem).chosen)
        ]

    def _one_hot(self, picks: Sequence[int], formulation: Formulation | None = None) -> FloatArray:
        formulation = formulation or self.formulation
        x = np.zeros(formulation.size)
        x[formulation.starts[:-1] + np.asarray(picks, dtype=np.int64)] = 1.0
        return x

    def _rounded(self, x: FloatArray, formulation: Formulation) -> FloatArray:
        starts = formulation.starts
        picks = [int(np.argmax(x[starts[i] : starts[i + 1]])) for i in range(len(starts) - 1)]
        return self._one_hot(picks, formulation)

    def _meets(self, x: FloatArray, members: Sequence[Member]) -> bool:
        for member in members:
            if x[member.forbidden].any():
                return False
            for row in member.rows:
                value = float(row.coefficients @ x[row.columns])
                slack = 1e-9 * max(1.0, float(np.abs(row.coefficients).sum()))
                if not row.lower - slack <= value <= row.upper + slack:
                    return False
        return True

    def _restricted(self, members: Sequence[Member]) -> tuple[Formulation, list[Member], IntArray]:
        """The programme of only the lines the members touch, the members on it, and its columns.

        The other lines are bound by nothing but "one option each", which any option meets, so
        the smaller programme is feasible exactly when the whole one is.
        """
        starts = self.formulation.starts
        touched = np.concatenate(
            [np.zeros(0, dtype=np.int64)]
            + [m.forbidden for m in members]
            + [r.columns for m in members for r in m.rows]
        )
        lines = np.unique(np.searchsorted(starts, touched, side="right") - 1)
        counts = starts[lines + 1] - starts[lines]
        columns = np.concatenate(
            [np.zeros(0, dtype=np.int64)] + [np.arange(starts[i], starts[i + 1]) for i in lines.tolist()]
        )
        position = np.full(self.formulation.size, -1, dtype=np.int64)
        position[columns] = np.arange(len(columns))
        line_of = np.repeat(np.arange(len(lines)), counts)
        sub = Formulation(
            self.formulation.costs[columns],
            self.formulation.values[columns],
            np.concatenate(([0], np.cumsum(counts))).astype(np.int64),
            csr_array((np.ones(len(columns)), (line_of, np.arange(len(columns)))), shape=(len(lines), len(columns))),
            (),
        )
        moved = [
            Member(
                member.conflict,
                tuple(Row(position[row.columns], row.coefficients, row.lower, row.upper) for row in member.rows),
                position[member.forbidden],
            )
            for member in members
        ]
        return sub, moved, columns

    def _remember(self, x: FloatArray, formulation: Formulation, columns: IntArray) -> None:
        """A solution of the restricted programme, completed with the greedy allocation's other lines."""
        full = self.known[0].copy()
        full[columns] = self._rounded(x, formulation)
        self.known.append(full)

    def __call__(self, members: Sequence[Member], seconds: float) -> bool | None:
        if not members or any(self._meets(x, members) for x in self.known):
            return False
        deadline = perf_counter() + seconds
        formulation, moved, columns = self._restricted(members)
        if formulation.size == 0:  # rows over no line at all, such as the floor of a unit without lines
            return not self._meets(np.zeros(0), moved)
        # Most conflicts are between sums of money, which the linear relaxation already proves.
        relaxed = _solve(formulation, moved, parameters=self.parameters, time_limit_s=seconds, relaxed=True)
        if relaxed.status == INFEASIBLE:
            return True
        if relaxed.x is not None and self._meets(self._rounded(relaxed.x, formulation), moved):
            self._remember(relaxed.x, formulation, columns)
            return False
        left = deadline - perf_counter()
        if left <= 0:
            return None
        # Any solution settles the question; the objective guides HiGHS's heuristics to one quickly
        # (without it, finding a first solution took several times longer).
        answer = _solve(formulation, moved, parameters=self.parameters, time_limit_s=left, gap=1.0)
        if answer.status == INFEASIBLE:
            return True
        if answer.x is None:
            return None
        self._remember(answer.x, formulation, columns)
        return False


def _infeasible(diagnosis: Diagnosis, started: float) -> AllocationResult:
    if diagnosis.narrowed:
        message = "No allocation meets every constraint. These constraints conflict; dropping any one resolves it."
    else:
        message = (
            "No allocation meets every constraint. These constraints conflict, but the time for the "
            "diagnosis ran out before they could be narrowed down to the smallest such set."
        )
    return AllocationResult(
        Method.OPTIMAL, Status.INFEASIBLE, None, {}, None, None, perf_counter() - started,
        diagnosis.conflicts, diagnosis.narrowed, message,
    )  # fmt: skip


def _empty(status: Status, started: float, message: str) -> AllocationResult:
    return AllocationResult(Method.OPTIMAL, status, None, {}, None, None, perf_counter() - started, message=message)


def _without_lines(problem: AllocationProblem, parameters: AllocationParameters, started: float) -> AllocationResult:
    """No line, no choice: the empty allocation either meets every constraint or not."""
    figures = evaluate(problem, {}, parameters)
    if figures.violations:
        return _infeasible(Diagnosis(figures.violations[:1], True), started)
    return AllocationResult(Method.OPTIMAL, Status.OPTIMAL, 0.0, {}, 0.0, 0.0, perf_counter() - started)
