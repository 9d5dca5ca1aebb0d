from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlertsConfig(AppConfig):
    name = "spaceforchange.alerts"
    label = "alerts"
    verbose_name = _("Warnings")

    def ready(self) -> None:
        from auditlog.registry import auditlog
        from django.utils.module_loading import autodiscover_modules

        from spaceforchange.alerts import models, subjects

        # Re-evaluations refresh the facts and firing time every night; the log keeps what
        # people and status changes did, not each refresh.
        auditlog.register(models.Alert, exclude_fields=["facts", "last_fired_at"])
        auditlog.register(models.AlertSubscription)
        subjects.register_builtin_subjects()
        # Every app's alerts.py registers its rules' evaluators (see alerts.registry).
        autodiscover_modules("alerts")
