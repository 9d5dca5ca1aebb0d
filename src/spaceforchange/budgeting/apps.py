from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BudgetingConfig(AppConfig):
    name = "spaceforchange.budgeting"
    label = "budgeting"
    verbose_name = _("Strategy and budgets")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from spaceforchange.budgeting import models

        auditlog.register(models.UnitContributionStatement, m2m_fields={"goals"})
        for model in (
            models.Strategy,
            models.StrategyRevision,
            models.GoalContribution,
            models.BudgetCycle,
            models.BudgetLine,
            models.LineImport,
            models.FundingOption,
            models.LineDependency,
            models.UnitEnvelope,
            models.Scenario,
        ):
            auditlog.register(model)
