"""Where apps declare their warning rules and the kinds of subject those rules are about.

Each app may have an ``alerts.py`` module; the alerts app imports every such module at start-up
(like the admin's ``admin.py``). In it::

    from spaceforchange.alerts.registry import register

    @register("pilot_graveyard", "purely_incremental_portfolio")
    def portfolio_rules(organization, thresholds_by_rule, today):
        ...  # yields firing-like records (see ``alerts.domain``)

An evaluator is called with the organisation, the thresholds of the rules it registered that the
organisation's warnings pack has (rule key → threshold key → value; a rule missing from the pack
is not passed and its firings are ignored) and today's date in the organisation's time zone. One
evaluator may produce several rules (they often share the data they read); a rule has one
evaluator.

A *subject kind* ("initiative", "idea" …) may register how to label its subjects, who is
responsible for them and where their page is::

    register_subject("initiative", labels=..., responsible=..., url=...)
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ImproperlyConfigured

from spaceforchange.alerts.domain import FiringLike

Evaluator = Callable[[Any, Mapping[str, Mapping[str, float]], date], Iterable[FiringLike]]
# (organisation, subject ids) -> subject id -> label
Labeller = Callable[[Any, Collection[int]], Mapping[int, str]]
# (organisation, subject ids) -> subject id -> ids of the people responsible for it
Responsible = Callable[[Any, Collection[int]], Mapping[int, Collection[int]]]
# (organisation slug, subject id) -> the subject's page
SubjectUrl = Callable[[str, int], str]


@dataclass(frozen=True)
class Registration:
    evaluator: Evaluator
    rule_keys: frozenset[str]

    @property
    def name(self) -> str:
        return f"{self.evaluator.__module__}.{getattr(self.evaluator, '__qualname__', repr(self.evaluator))}"


@dataclass(frozen=True)
class SubjectKind:
    kind: str
    labels: Labeller | None = None
    responsible: Responsible | None = None
    url: SubjectUrl | None = None


class Registry:
    def __init__(self) -> None:
        self._registrations: list[Registration] = []
        self._subjects: dict[str, SubjectKind] = {}

    def register(self, *rule_keys: str) -> Callable[[Evaluator], Evaluator]:
        """Decorator: the function evaluates these rules (keys of the warnings pack's items)."""
        if not rule_keys:
            raise ImproperlyConfigured("Register an alert evaluator under at least one rule key.")

        def decorate(evaluator: Evaluator) -> Evaluator:
            taken = self.rule_keys() & set(rule_keys)
            if taken:
                raise ImproperlyConfigured(f"Warning rules already have an evaluator: {', '.join(sorted(taken))}.")
            self._registrations.append(Registration(evaluator, frozenset(rule_keys)))
            return evaluator

        return decorate

    def unregister(self, evaluator: Evaluator) -> None:
        self._registrations = [entry for entry in self._registrations if entry.evaluator is not evaluator]

    def registrations(self) -> list[Registration]:
        return list(self._registrations)

    def rule_keys(self) -> frozenset[str]:
        return frozenset(key for entry in self._registrations for key in entry.rule_keys)

    def register_subject(
        self,
        kind: str,
        *,
        labels: Labeller | None = None,
        responsible: Responsible | None = None,
        url: SubjectUrl | None = None,
    ) -> None:
        if kind in self._subjects:
            raise ImproperlyConfigured(f"The alert subject kind {kind!r} is registered twice.")
        self._subjects[kind] = SubjectKind(kind, labels, responsible, url)

    def subject(self, kind: str) -> SubjectKind:
        return self._subjects.get(kind) or SubjectKind(kind)

    @contextmanager
    def isolated(self) -> Iterator[Registry]:
        """Evaluate with no evaluators but those registered inside the block (subject kinds stay).

        For tests, and for trying a rule on its own; the registrations are restored afterwards.
        """
        saved = self._registrations
        self._registrations = []
        try:
            yield self
        finally:
            self._registrations = saved


registry = Registry()
register = registry.register
register_subject = registry.register_subject
