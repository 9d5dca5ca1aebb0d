"""The Northbay demo with the people and change steps, built once per test from the steps they need."""

from __future__ import annotations

import pytest

from spaceforchange.core.management.commands import seed_demo

# The steps the people and change demos build on, then theirs, in the order ``SEED_STEPS`` runs them.
BASE_STEPS = (
    "spaceforchange.core.management.commands.seed_demo.seed_northbay_units",
    "spaceforchange.core.management.commands.seed_demo.seed_northbay_people",
    "spaceforchange.portfolio.demo.seed",
    "spaceforchange.budgeting.demo.seed",
)
DEMO_STEPS = (*BASE_STEPS, "spaceforchange.people.demo.seed", "spaceforchange.change.demo.seed")


def build(steps: tuple[str, ...] = DEMO_STEPS) -> seed_demo.DemoContext:
    return seed_demo.run_steps(seed_demo.DemoContext(), steps)


@pytest.fixture
def seeded(db) -> seed_demo.DemoContext:  # type: ignore[no-untyped-def]
    return build()
