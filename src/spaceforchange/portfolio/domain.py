"""Pure rules of the portfolio pages: the relief ratio, and the refusals and gate conditions in words.

The life cycle itself lives in ``spaceforchange.analytics.portfolio``; this module only phrases
its ``Problem`` codes and gate conditions in the person's language. Change-readiness refusals
name the factor by number and by the name the ``change_management`` pack gives it in the
person's language, which the readiness source puts into the problem (``factor_name``). ``names`` maps pack keys
(stages, commitments, scan dimensions) to their names in that language; ``commitments`` lists
the commitment keys by rank, so a rank can be named.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from django.utils.translation import gettext as _

from spaceforchange.analytics.change.readiness import factor_number
from spaceforchange.analytics.portfolio import GateCondition, Problem


@dataclass(frozen=True)
class Relief:
    """How much of a constraint inventory has been relieved: by count and weighted by severity."""

    relieved: int
    total: int
    relieved_severity: int
    total_severity: int

    @property
    def ratio(self) -> float | None:
        """Relieved severity ÷ all severity (FRAMEWORKS.md §1); ``None`` for an empty inventory."""
        return self.relieved_severity / self.total_severity if self.total_severity else None


def relief(constraints: Iterable[tuple[str, int]], relieved_statuses: frozenset[str]) -> Relief:
    """The relief of ``(status, severity)`` pairs, a status counting as relieved when the pack says so."""
    relieved = total = relieved_severity = total_severity = 0
    for status, severity in constraints:
        total += 1
        total_severity += severity
        if status in relieved_statuses:
            relieved += 1
            relieved_severity += severity
    return Relief(relieved, total, relieved_severity, total_severity)


@dataclass(frozen=True)
class Naming:
    """Names of pack keys in one language, for the messages."""

    names: Mapping[str, str]
    commitments_by_rank: Mapping[int, str]

    def of(self, key: object) -> str:
        return self.names.get(str(key), str(key))

    def rank(self, rank: object) -> str:
        if isinstance(rank, int) and rank in self.commitments_by_rank:
            return self.of(self.commitments_by_rank[rank])
        return str(rank)


def _number(value: object) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".") if isinstance(value, float) else str(value)


def _stage_problem(code: str, p: Mapping[str, object], naming: Naming) -> str | None:
    values = {"from": naming.of(p.get("from_stage")), "to": naming.of(p.get("to_stage"))}
    if code == "same_stage":
        return _("The initiative is already at the stage %(to)s.") % values
    if code == "terminal_stage":
        return _("%(from)s is a final stage: an initiative does not leave it.") % values
    if code == "skips_stage":
        return _("An initiative cannot move from %(from)s to %(to)s: it moves forward one stage at a time.") % values
    if code == "reason_required":
        return _("Stopping needs a reason.") if p.get("kind") == "stop" else _("Stepping back needs a reason.")
    return None


def _decision_problem(code: str, p: Mapping[str, object]) -> str | None:
    if code == "decider_missing":
        return _("Name the person who decided.")
    if code == "decision_date_missing":
        return _("Give the date of the decision.")
    if code == "decision_in_future":
        return _("The decision date %(date)s lies in the future.") % {"date": p.get("decided_on")}
    if code == "decision_before_stage":
        return _("The decision date %(date)s is before the initiative entered its current stage on %(entered)s.") % {
            "date": p.get("decided_on"),
            "entered": p.get("entered_on"),
        }
    return None


def _scan_problem(code: str, p: Mapping[str, object], stage: str, naming: Naming) -> str | None:
    if code == "scan_missing" and "max_age_days" in p:
        return _("%(stage)s needs a space-for-change scan from the last %(days)s days; the initiative has none.") % {
            "stage": stage,
            "days": p["max_age_days"],
        }
    if code == "scan_missing":
        return _("%(stage)s needs a space-for-change scan; the initiative has none.") % {"stage": stage}
    if code == "scan_too_old":
        return _(
            "%(stage)s needs a space-for-change scan from the last %(days)s days; the latest is from %(date)s."
        ) % {"stage": stage, "days": p.get("max_age_days"), "date": p.get("scan_taken_on")}
    if code == "scan_dimension_missing":
        return _("%(stage)s needs a score on %(dimension)s in the latest scan; it has none.") % {
            "stage": stage,
            "dimension": naming.of(p.get("dimension")),
        }
    if code == "scan_dimension_low":
        return _("%(stage)s needs at least %(minimum)s on %(dimension)s; the latest scan has %(score)s.") % {
            "stage": stage,
            "minimum": _number(p.get("min_score")),
            "dimension": naming.of(p.get("dimension")),
            "score": _number(p.get("score")),
        }
    return None


def _gate_problem(code: str, p: Mapping[str, object], stage: str, naming: Naming) -> str | None:
    if code == "senior_backing_missing":
        values = {"stage": stage, "commitment": naming.rank(p.get("min_commitment_rank"))}
        if p.get("strongest_senior_rank") is None:
            return _(
                "%(stage)s needs named senior backing (at least %(commitment)s); no senior backer is recorded."
            ) % (values)
        return _("%(stage)s needs named senior backing (at least %(commitment)s); the strongest is %(current)s.") % {
            **values,
            "current": naming.rank(p.get("strongest_senior_rank")),
        }
    if code == "cognitive_constraints_active":
        return _(
            "%(stage)s needs the cognitive constraints addressed: %(active)s still active, at most %(allowed)s allowed."
        ) % {"stage": stage, "active": p.get("active_count"), "allowed": p.get("max_active")}
    if code == "decision_reference_missing":
        return _("%(stage)s needs a reference to the decision record, such as a case number.") % {"stage": stage}
    return None


def _factor(p: Mapping[str, object], naming: Naming) -> str:
    """ "factor 4, Ensure top-management support and commitment" (the pack's name in the reader's language)."""
    name = p.get("factor_name") or naming.of(p.get("factor"))
    return _("factor %(number)s, %(name)s") % {"number": p.get("factor_number"), "name": name}


def _readiness_problem(code: str, p: Mapping[str, object], stage: str, naming: Naming) -> str | None:
    if code == "readiness_missing":
        return _(
            "%(stage)s needs the change readiness of a change programme carrying the initiative; "
            "no active change programme is linked to it."
        ) % {"stage": stage}
    values = {"programme": p.get("programme"), "stage": stage, "minimum": _number(p.get("min_score"))}
    if code == "readiness_factor_unscored":
        return _(
            "Change readiness of “%(programme)s”: %(factor)s, has no score yet; %(stage)s needs at least %(minimum)s."
        ) % {
            **values,
            "factor": _factor(p, naming),
        }
    if code == "readiness_factor_low":
        return _(
            "Change readiness of “%(programme)s”: %(factor)s, scores %(score)s; %(stage)s needs at least %(minimum)s."
        ) % {
            **values,
            "factor": _factor(p, naming),
            "score": _number(p.get("score")),
        }
    if code == "readiness_sponsor_missing":
        return (
            _("Change readiness of “%(programme)s”: %(stage)s needs a named sponsor; the programme names none.")
            % values
        )
    return None


def describe_problem(problem: Problem, *, target: str, naming: Naming) -> str:
    """One refusal in words; ``target`` is the key of the stage the move was aiming for."""
    stage = naming.of(target)
    phrasers: tuple[Callable[[], str | None], ...] = (
        lambda: _stage_problem(problem.code, problem.params, naming),
        lambda: _decision_problem(problem.code, problem.params),
        lambda: _scan_problem(problem.code, problem.params, stage, naming),
        lambda: _gate_problem(problem.code, problem.params, stage, naming),
        lambda: _readiness_problem(problem.code, problem.params, stage, naming),
    )
    for phrase in phrasers:
        text = phrase()
        if text is not None:
            return text
    return _("The move is refused (%(code)s).") % {"code": problem.code}


def describe_condition(condition: GateCondition, naming: Naming) -> str:
    """What a gate condition asks for, in words."""
    data = condition.as_dict()
    kind = data["kind"]
    if kind == "recent_scan":
        return _("A space-for-change scan from the last %(days)s days") % {"days": data["max_age_days"]}
    if kind == "scan_minimum":
        dimensions = data.get("dimensions") or []
        where = ", ".join(naming.of(key) for key in dimensions) if isinstance(dimensions, list) else ""
        values = {"minimum": _number(data["min_score"]), "where": where}
        if where:
            return _("A latest scan scoring at least %(minimum)s on %(where)s") % values
        return _("A latest scan scoring at least %(minimum)s on every dimension") % values
    if kind == "senior_backing":
        return _("Named senior backing of at least %(commitment)s") % {
            "commitment": naming.rank(data["min_commitment_rank"])
        }
    if kind == "cognitive_constraints_addressed":
        return _("At most %(count)s active cognitive constraints") % {"count": data["max_active"]}
    if kind == "change_readiness":
        return _readiness_condition(data)
    return _("A reference to the decision record")


def _numbers(values: list[int]) -> str:
    """1, 2, 3, 4, 6 → "1–4, 6": runs of consecutive factor numbers as ranges."""
    runs: list[list[int]] = []
    for value in sorted(values):
        if runs and value == runs[-1][-1] + 1:
            runs[-1].append(value)
        else:
            runs.append([value])
    return ", ".join(f"{run[0]}–{run[-1]}" if len(run) > 2 else ", ".join(map(str, run)) for run in runs)


def _readiness_condition(data: Mapping[str, object]) -> str:
    factors = data.get("factors")
    numbers = [factor_number(str(key)) for key in factors] if isinstance(factors, list) else []
    values = {"minimum": _number(data.get("min_score")), "factors": _numbers([n for n in numbers if n is not None])}
    sponsor = data.get("require_sponsor") is True
    if values["factors"] and sponsor:
        return (
            _(
                "Change readiness: every linked change programme scores at least %(minimum)s on factors %(factors)s "
                "and names a sponsor"
            )
            % values
        )
    if values["factors"]:
        return (
            _("Change readiness: every linked change programme scores at least %(minimum)s on factors %(factors)s")
            % values
        )
    return _("Change readiness: every linked change programme names a sponsor")
