"""The data migration that turns the initiatives' goal links (#4) into goal contributions (#7)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("portfolio", "0007_strategic_goals"), ("budgeting", "0001_initial")]
AFTER = [("portfolio", "0008_goals_through_contributions")]


@pytest.mark.django_db(transaction=True)
def test_old_goal_links_become_unscored_contributions() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    organization = old.get_model("core", "Organization").objects.create(name="Old", slug="old")
    goal = old.get_model("portfolio", "Goal").objects.create(organization=organization, title="Greener")
    initiative = old.get_model("portfolio", "Initiative").objects.create(organization=organization, title="Bikes")
    initiative.goals.add(goal)

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    rows = list(
        new.get_model("budgeting", "GoalContribution").objects.values_list(
            "organization_id", "goal_id", "initiative_id", "budget_line_id", "unit_id", "score"
        )
    )
    assert rows == [(organization.pk, goal.pk, initiative.pk, None, None, None)]

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(BEFORE)
    back = executor.loader.project_state(BEFORE).apps
    links = back.get_model("portfolio", "Initiative").goals.through.objects.values_list("initiative_id", "goal_id")
    assert list(links) == [(initiative.pk, goal.pk)]
    assert not back.get_model("budgeting", "GoalContribution").objects.exists()
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
