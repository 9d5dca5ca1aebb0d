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
        auditlog.register(models.ColumnMapping)
        # An import is logged when it is uploaded (who, which file, which campaign) and at each change
        # of status (with the number of rows once they are all checked). Its imported responses are
        # written in bulk without signals, and progress counters and timestamps, the stored file and
        # the message are left out, so a long import adds a handful of entries, not one per batch.
        auditlog.register(
            models.SurveyImport,
            exclude_fields=["content", "rows_done", "started_at", "progressed_at", "message"],
        )
