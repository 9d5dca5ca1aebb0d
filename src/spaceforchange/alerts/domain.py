"""Pure rules of the alerts app: what a firing is, which rules an organisation's pack enables with
which thresholds, and how a new evaluation changes the stored alerts.

No Django and no database here. An evaluator returns *firing-like* records: anything with
``rule_key``, ``subject_kind``, ``subject_id`` and ``facts`` (and, optionally, ``subject_label``).
That is :class:`Firing` below, the neutral record for any app, or the portfolio analytics'
``spaceforchange.analytics.portfolio.warnings.Firing``, which has the same fields without a label.

An alert is identified by (rule, subject kind, subject id): while an evaluation still produces a
firing with that identity, the live alert (open or acknowledged) is kept and its facts refreshed;
when none is produced, it is resolved; a later firing of the same identity starts a new alert.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from spaceforchange.frameworks.schema import ItemKind, Pack

# The subject kinds the shipped warning rules name; apps may add their own.
PORTFOLIO, INITIATIVE, IDEA = "portfolio", "initiative", "idea"
SEVERITIES = ("critical", "warning", "info")
# Most serious first: lists sort by this rank, then by date.
SEVERITY_RANK = {severity: rank for rank, severity in enumerate(SEVERITIES)}

Identity = tuple[str, str, int | None]
Thresholds = Mapping[str, Mapping[str, float]]


class FiringLike(Protocol):
    """What an evaluator yields for each warning that fires."""

    @property
    def rule_key(self) -> str: ...

    @property
    def subject_kind(self) -> str: ...

    @property
    def subject_id(self) -> int | None: ...

    @property
    def facts(self) -> Mapping[str, Any]: ...


@dataclass(frozen=True)
class Firing:
    """One warning fired: the rule, what it is about, the data that fired it and, optionally, a
    label for the subject (otherwise the subject kind's registered labeller names it)."""

    rule_key: str
    subject_kind: str
    subject_id: int | None
    facts: Mapping[str, Any] = field(default_factory=dict)
    subject_label: str = ""


def identity_of(firing: FiringLike) -> Identity:
    return (firing.rule_key, firing.subject_kind, firing.subject_id)


def json_ready(facts: Mapping[str, Any]) -> dict[str, Any]:
    """The facts as plain JSON data: dates and other objects become their text, keys strings."""
    loaded: dict[str, Any] = json.loads(json.dumps({str(key): value for key, value in facts.items()}, default=str))
    return loaded


# --- Rules from the warnings pack -------------------------------------------------------------


@dataclass(frozen=True)
class RuleSettings:
    """A warning rule as an organisation's effective pack states it."""

    key: str
    severity: str
    area: str
    subject: str
    thresholds: Mapping[str, float]
    answered_by: tuple[str, ...]


def rule_settings(pack: Pack) -> dict[str, RuleSettings]:
    """Rule key → its settings, for every ``warning_rule`` item of the pack."""
    return {
        item.key: RuleSettings(
            key=item.key,
            severity=item.severity.value if item.severity else "warning",
            area=item.area or "",
            subject=str(item.attributes.get("subject", "")),
            thresholds={threshold.key: threshold.value for threshold in item.thresholds},
            answered_by=tuple(item.answered_by),
        )
        for item in pack.items_of(ItemKind.WARNING_RULE)
    }


def qualified_ref(ref: str, pack_key: str) -> tuple[str, str]:
    """(pack key, item key) of an ``answered_by`` reference, which may omit its own pack."""
    if ":" in ref:
        pack, item = ref.split(":", 1)
        return pack, item
    return pack_key, ref


# --- From firings to changes ------------------------------------------------------------------


@dataclass(frozen=True)
class LiveAlert:
    """A stored alert that is not resolved (open or acknowledged)."""

    id: int
    rule_key: str
    subject_kind: str
    subject_id: int | None


@dataclass(frozen=True)
class AlertChanges:
    """What one evaluation does to the stored alerts."""

    create: tuple[FiringLike, ...]
    refresh: tuple[tuple[int, FiringLike], ...]
    resolve: tuple[int, ...]


def plan_changes(
    live: Iterable[LiveAlert],
    firings: Iterable[FiringLike],
    *,
    undecided_rules: Collection[str] = (),
) -> AlertChanges:
    """Diff the live alerts against this evaluation's firings.

    A firing with no live alert of its identity creates one; a live alert whose identity fired
    again is refreshed; any other live alert is resolved, except those of ``undecided_rules``
    (rules whose evaluator failed this time), which are left as they are. Of several firings with
    one identity the first counts.
    """
    by_identity: dict[Identity, FiringLike] = {}
    for firing in firings:
        by_identity.setdefault(identity_of(firing), firing)
    live_by_identity = {(alert.rule_key, alert.subject_kind, alert.subject_id): alert for alert in live}
    create = tuple(firing for key, firing in by_identity.items() if key not in live_by_identity)
    refresh = tuple((alert.id, by_identity[key]) for key, alert in live_by_identity.items() if key in by_identity)
    resolve = tuple(
        alert.id
        for key, alert in live_by_identity.items()
        if key not in by_identity and alert.rule_key not in undecided_rules
    )
    return AlertChanges(create=create, refresh=refresh, resolve=resolve)


def severity_rank(severity: str) -> int:
    return SEVERITY_RANK.get(severity, len(SEVERITIES))
