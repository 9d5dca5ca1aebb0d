from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "spaceforchange.assessments"
    label = "assessments"
    verbose_name = _("Assessments")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from spaceforchange.assessments import models

        # Token hashes are lookup keys, not history: the log leaves them out, as it does for core's invitations.
        auditlog.register(models.Campaign, exclude_fields=["shared_link_token_hash"])
        auditlog.register(models.CampaignInvitation, exclude_fields=["token_hash"])
        auditlog.register(models.Response, exclude_fields=["resume_token_hash"])
        auditlog.register(models.Answer)
        auditlog.register(models.DimensionComment)
