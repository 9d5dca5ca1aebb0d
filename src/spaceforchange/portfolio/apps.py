from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortfolioConfig(AppConfig):
    name = "spaceforchange.portfolio"
    label = "portfolio"
    verbose_name = _("Portfolio")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from spaceforchange.portfolio import idea_privacy, models

        idea_privacy.register()

        auditlog.register(models.Initiative, m2m_fields={"units", "team", "goals"})
        # The audit log is the one place an anonymous idea's submitter stays on record.
        auditlog.register(models.Idea, m2m_fields={"supporters"})
        auditlog.register(models.Challenge, m2m_fields={"evaluators"})
        for model in (
            models.Goal,
            models.StageTransition,
            models.StageGate,
            models.Constraint,
            models.ConstraintStatusChange,
            models.Backing,
            models.Setback,
            models.IdeaSponsor,
            models.IdeaSettings,
            models.IdeaEvaluation,
            models.PortfolioTarget,
        ):
            auditlog.register(model)
