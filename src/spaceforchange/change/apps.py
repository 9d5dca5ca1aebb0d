from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChangeConfig(AppConfig):
    name = "spaceforchange.change"
    label = "change"
    verbose_name = _("Change programmes")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from spaceforchange.change import models, selectors
        from spaceforchange.portfolio import gate_inputs

        auditlog.register(models.ChangeProgramme, m2m_fields={"initiatives", "budget_lines"})
        for model in (
            models.Milestone,
            models.Subsystem,
            models.Supporter,
            models.ReadinessEntry,
            models.EvidenceCheck,
        ):
            auditlog.register(model)
        # The portfolio's change-readiness gate condition reads programmes through this source,
        # so the portfolio never imports this app.
        gate_inputs.register_readiness_source(selectors.initiative_readiness)
        gate_inputs.register_readiness_factors(selectors.factor_choices)
