from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PoliciesConfig(AppConfig):
    name = "spaceforchange.policies"
    label = "policies"
    verbose_name = _("Policies")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from spaceforchange.policies import models

        auditlog.register(models.Policy, m2m_fields={"enforcing_units", "initiatives"})
        for model in (models.ScrutinyReport, models.PolicySignal):
            auditlog.register(model)
