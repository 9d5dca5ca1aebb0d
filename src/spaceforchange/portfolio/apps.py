from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortfolioConfig(AppConfig):
    name = "spaceforchange.portfolio"
    label = "portfolio"
    verbose_name = _("Portfolio")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from spaceforchange.portfolio import models

        auditlog.register(models.Initiative, m2m_fields={"units", "team", "goals"})
        for model in (
            models.Goal,
            models.StageTransition,
            models.StageGate,
            models.Constraint,
            models.ConstraintStatusChange,
            models.Backing,
            models.Setback,
        ):
            auditlog.register(model)
