from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LegitimacyConfig(AppConfig):
    name = "spaceforchange.legitimacy"
    label = "legitimacy"
    verbose_name = _("Legitimacy")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from spaceforchange.legitimacy import models

        auditlog.register(models.Stakeholder, m2m_fields={"initiatives", "policies"})
        auditlog.register(models.LegitimationAction, m2m_fields={"stakeholders"})
        for model in (models.Judgment, models.JudgmentCondition, models.GrayZoneEntry, models.GrayZoneEvent):
            auditlog.register(model)
