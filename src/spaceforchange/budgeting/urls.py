"""The strategy and budget pages, under ``/o/<org_slug>/strategy/`` and ``/o/<org_slug>/budgets/``."""

from django.urls import path

from spaceforchange.budgeting import (
    budget_views,
    line_file_views,
    scenario_views,
    statement_views,
    strategy_views,
)

app_name = "budgeting"

CYCLE = "budgets/<int:cycle_id>/"

urlpatterns = [
    path("strategy/", strategy_views.strategy, name="strategy"),
    path("strategy/revise/", strategy_views.strategy_revise, name="strategy_revise"),
    path("strategy/history/", strategy_views.strategy_history, name="strategy_history"),
    path("strategy/goals/<int:goal_id>/", strategy_views.goal_detail, name="goal"),
    path("strategy/goals/<int:goal_id>/unlink/", strategy_views.goal_unlink, name="goal_unlink"),
    path("budgets/", budget_views.cycle_list, name="cycles"),
    path("budgets/new/", budget_views.cycle_create, name="cycle_create"),
    path(CYCLE, budget_views.cycle_detail, name="cycle"),
    path(CYCLE + "edit/", budget_views.cycle_edit, name="cycle_edit"),
    path(CYCLE + "lines/new/", budget_views.line_create, name="line_create"),
    path(CYCLE + "lines/<int:line_id>/edit/", budget_views.line_edit, name="line_edit"),
    path(CYCLE + "lines/<int:line_id>/delete/", budget_views.line_delete, name="line_delete"),
    path(CYCLE + "lines/<int:line_id>/options/", budget_views.line_options, name="line_options"),
    path(CYCLE + "envelopes/", budget_views.unit_envelopes, name="envelopes"),
    path(CYCLE + "import/", line_file_views.line_import, name="line_import"),
    path(CYCLE + "export.<str:format>", line_file_views.line_export, name="line_export"),
    path(CYCLE + "statements/", statement_views.statements, name="statements"),
    path(CYCLE + "statements/<int:statement_id>/review/", statement_views.statement_review, name="statement_review"),
    path(CYCLE + "demonstrate-or-change/", statement_views.demonstrate_or_change, name="demonstrate_or_change"),
    path(CYCLE + "scenarios/", scenario_views.scenario_list, name="scenarios"),
    path(CYCLE + "scenarios/compare/", scenario_views.scenario_compare, name="scenario_compare"),
    path(CYCLE + "scenarios/<int:scenario_id>/", scenario_views.scenario_detail, name="scenario"),
    path(CYCLE + "scenarios/<int:scenario_id>/adopt/", scenario_views.scenario_adopt, name="scenario_adopt"),
]
