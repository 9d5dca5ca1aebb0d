from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsultationsConfig(AppConfig):
    name = "spaceforchange.consultations"
    label = "consultations"
    verbose_name = _("Consultations")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from spaceforchange.consultations import models

        # Staff actions only. Participants, votes and opinion snapshots are not audited: participants
        # and votes are pseudonymous participant data (an entry would store the request's address)
        # arriving at high rates; snapshots are derived from the votes. ``opinion_requested_at`` is
        # the recomputation queue's bookkeeping, written by ``update()`` and never audited.
        auditlog.register(models.Consultation, exclude_fields=["opinion_requested_at", "updated_at"])
        auditlog.register(models.Statement)
        auditlog.register(models.Invitation, exclude_fields=["token"])
